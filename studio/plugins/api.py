"""The versioned plugin API: the only way generators and trackers reach the app.

A contribution is named by an entry string ``"package.module:attr"``; nothing is imported
until the contribution is first used. A generator entry is a factory called as
``factory(device: str, **options) -> studio.engine.contract.Generator``; device is
``"auto" | "cpu" | "cuda" | "mps"``. A tracker entry is a factory called with the tracker's
options; its contract belongs to ``studio.capture``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from studio import __version__ as STUDIO_VERSION
from studio.core.errors import CancelledError, UserError
from studio.plugins.guard import GuardedGenerator

API_VERSION = 1
SUPPORTED_API_VERSIONS = frozenset({1})
KINDS = ("generator", "tracker")
SOURCES = ("builtin", "bundled", "user", "distribution")


@dataclass(frozen=True)
class Contribution:
    """One generator or tracker a plugin offers: its name, kind and entry point.

    path: a folder put on ``sys.path`` before the entry is imported ("" when the code is
    already importable, as for built-ins and installed distributions).
    """

    kind: str
    name: str
    entry: str
    title: str = ""
    description: str = ""
    plugin: str = "builtin"
    path: str = ""


@dataclass(frozen=True)
class PluginInfo:
    """What discovery learned about one plugin from its manifest, before any of its code runs.

    source: "builtin" | "bundled" | "user" | "distribution". root: the folder holding its
    plugin.toml ("" for built-ins). enabled: False when the user disabled it. error: why
    discovery rejected it ("" when it is valid).
    """

    name: str
    version: str
    source: str
    root: str = ""
    description: str = ""
    license: str = ""
    author: str = ""
    api_version: int = API_VERSION
    contributions: tuple[Contribution, ...] = ()
    enabled: bool = True
    error: str = ""


def load_entry(entry: str) -> Any:
    """Import ``module:attr`` and return the attribute."""
    module_name, _, attr = entry.partition(":")
    if not module_name or not attr:
        raise UserError(f"bad entry point {entry!r}: expected 'module:attr'")
    module = importlib.import_module(module_name)
    target: Any = module
    for part in attr.split("."):
        target = getattr(target, part)
    return target


def _make_importable(path: str) -> None:
    """Put a plugin folder on sys.path (once) so the package inside it imports."""
    if path and path not in sys.path:
        sys.path.append(path)
        importlib.invalidate_caches()


class Registry:
    """Contributions by kind and name, and the plugins they came from; imports an entry only when used."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], Contribution] = {}
        self._loaded: dict[tuple[str, str], Callable[..., Any]] = {}
        self._failed: dict[tuple[str, str], str] = {}
        self._plugins: list[PluginInfo] = []

    def register(self, contribution: Contribution) -> None:
        """Add a contribution; a later one with the same kind and name replaces it."""
        key = (contribution.kind, contribution.name)
        self._items[key] = contribution
        self._loaded.pop(key, None)
        self._failed.pop(key, None)

    def has(self, kind: str, name: str) -> bool:
        """Whether a contribution of that kind and name is registered (usable or failed)."""
        return (kind, name) in self._items

    def names(self, kind: str) -> list[str]:
        """Names of the usable contributions of a kind, in registration order."""
        return [n for (k, n) in self._items if k == kind and (k, n) not in self._failed]

    def get(self, kind: str, name: str) -> Contribution:
        """The contribution, or a UserError listing what exists."""
        try:
            return self._items[(kind, name)]
        except KeyError:
            known = ", ".join(self.names(kind)) or "none"
            raise UserError(f"unknown {kind} {name!r}: choose one of {known}") from None

    def failure(self, kind: str, name: str) -> str | None:
        """Why a contribution was disabled this session, or None."""
        return self._failed.get((kind, name))

    def disable(self, kind: str, name: str, reason: str) -> None:
        """Disable a contribution for the session (it failed to import or to run)."""
        self._failed[(kind, name)] = reason

    def failures(self) -> dict[tuple[str, str], str]:
        """Every contribution disabled this session, with its reason."""
        return dict(self._failed)

    def add_plugin(self, info: PluginInfo) -> None:
        """Record a discovered plugin (valid or not, enabled or not) for listing and status."""
        self._plugins.append(info)

    def plugins(self) -> list[PluginInfo]:
        """Every plugin this registry knows of, in discovery order (a rejected duplicate name included)."""
        return list(self._plugins)

    def plugin(self, name: str) -> PluginInfo:
        """The first plugin of that name, or a UserError listing what exists."""
        for info in self._plugins:
            if info.name == name:
                return info
        known = ", ".join(dict.fromkeys(i.name for i in self._plugins)) or "none"
        raise UserError(f"unknown plugin {name!r}: choose one of {known}")

    def plugin_status(self, plugin: str | PluginInfo) -> tuple[str, str]:
        """("enabled" | "disabled" | "failed", reason) for one plugin, including failures this session."""
        info = self.plugin(plugin) if isinstance(plugin, str) else plugin
        if info.error:
            return "failed", info.error
        if not info.enabled:
            return "disabled", ""
        for contribution in info.contributions:
            reason = self._failed.get((contribution.kind, contribution.name))
            if reason and self._items.get((contribution.kind, contribution.name)) == contribution:
                return "failed", f"{contribution.kind} {contribution.name!r}: {reason}"
        return "enabled", ""

    def load(self, kind: str, name: str) -> Callable[..., Any]:
        """Import a contribution's entry (once); a failure disables it and becomes a UserError."""
        key = (kind, name)
        contribution = self.get(kind, name)
        if key in self._failed:
            raise UserError(f"{kind} {name!r} is disabled for this session: {self._failed[key]}")
        if key not in self._loaded:
            try:
                _make_importable(contribution.path)
                self._loaded[key] = load_entry(contribution.entry)
            except UserError:
                raise
            except Exception as exc:  # a plugin's import error must not crash the app
                reason = f"failed to import {contribution.entry}: {type(exc).__name__}: {exc}"
                self.disable(kind, name, reason)
                raise UserError(
                    f"{kind} {name!r} from plugin {contribution.plugin!r} {reason}; "
                    "it is disabled for this session"
                ) from exc
        return self._loaded[key]

    def create_generator(self, name: str, device: str = "auto", **options: Any) -> GuardedGenerator:
        """Build a generator by name on a device, guarded so that a crash in it is reported, not fatal."""
        factory = self.load("generator", name)
        contribution = self.get("generator", name)
        try:
            generator = factory(device, **options)
        except (UserError, CancelledError):
            raise
        except Exception as exc:  # a plugin's constructor must not crash the app
            reason = f"failed to start: {type(exc).__name__}: {exc}"
            self.disable("generator", name, reason)
            raise UserError(
                f"generator {name!r} from plugin {contribution.plugin!r} {reason}; "
                "it is disabled for this session"
            ) from exc
        disable = None if contribution.plugin == "builtin" else (lambda reason: self.disable("generator", name, reason))
        return GuardedGenerator(generator, name, contribution.plugin, disable)

    def adopt_failures(self, previous: Registry) -> None:
        """Keep the session failures of ``previous`` for contributions that are unchanged here."""
        for key, reason in previous.failures().items():
            if key in self._items and previous._items.get(key) == self._items[key]:
                self._failed[key] = reason


BUILTIN_CONTRIBUTIONS = (
    Contribution(
        "generator",
        "warp",
        "studio.engine.warp:WarpGenerator",
        "Local-affine warp",
        "The analytic first-order motion warp: works on any image, no weights.",
    ),
    Contribution("generator", "mesh", "studio.engine.mesh.generator:MeshGenerator", "As-rigid-as-possible mesh",
                 "A triangle mesh over the character, deformed as rigidly as possible: no weights."),
    Contribution("generator", "fomm", "studio.engine.fomm.generator:FommGenerator", "First-order motion model",
                 "Runs released first-order-motion-model checkpoints (options: config, checkpoint)."),
    Contribution("tracker", "face", "studio.capture.trackers.face:FaceTracker", "Face",
                 "mediapipe face mesh: 478 landmarks and head pose."),
    Contribution("tracker", "pose", "studio.capture.trackers.pose:PoseTracker", "Body pose",
                 "mediapipe pose: 33 body landmarks."),
    Contribution("tracker", "hands", "studio.capture.trackers.hands:HandsTracker", "Hands",
                 "mediapipe hands: 21 landmarks per hand, left hand then right hand."),
    Contribution("tracker", "flow", "studio.capture.trackers.flow:FlowTracker", "Point flow",
                 "Lucas-Kanade optical flow on points you place on the first frame."),
)


def builtin_registry() -> Registry:
    """A registry holding only the built-in contributions."""
    registry = Registry()
    for contribution in BUILTIN_CONTRIBUTIONS:
        registry.register(contribution)
    registry.add_plugin(
        PluginInfo(
            name="builtin",
            version=STUDIO_VERSION,
            source="builtin",
            description="The generators and trackers that ship inside the studio.",
            license="MIT",
            author="Marionette Studio",
            contributions=BUILTIN_CONTRIBUTIONS,
        )
    )
    return registry
