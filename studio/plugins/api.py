"""The versioned plugin API: the only way generators and trackers reach the app.

A contribution is named by an entry string ``"package.module:attr"``; nothing is imported
until the contribution is first used. A generator entry is a factory called as
``factory(device: str, **options) -> studio.engine.contract.Generator``; device is
``"auto" | "cpu" | "cuda" | "mps"``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from studio.core.errors import UserError

API_VERSION = 1
SUPPORTED_API_VERSIONS = frozenset({1})


@dataclass(frozen=True)
class Contribution:
    """One generator or tracker a plugin offers: its name, kind and entry point."""

    kind: str
    name: str
    entry: str
    title: str = ""
    description: str = ""
    plugin: str = "builtin"


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


class Registry:
    """Contributions by kind and name; imports an entry only when it is first used."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], Contribution] = {}
        self._loaded: dict[tuple[str, str], Any] = {}
        self._failed: dict[tuple[str, str], str] = {}

    def register(self, contribution: Contribution) -> None:
        """Add a contribution; a later one with the same kind and name replaces it."""
        key = (contribution.kind, contribution.name)
        self._items[key] = contribution
        self._loaded.pop(key, None)
        self._failed.pop(key, None)

    def unregister(self, kind: str, name: str) -> None:
        """Remove a contribution if present."""
        self._items.pop((kind, name), None)
        self._loaded.pop((kind, name), None)

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

    def load(self, kind: str, name: str) -> Callable[..., Any]:
        """Import a contribution's entry (once); a failure disables it and becomes a UserError."""
        key = (kind, name)
        contribution = self.get(kind, name)
        if key in self._failed:
            raise UserError(f"{kind} {name!r} is disabled: {self._failed[key]}")
        if key not in self._loaded:
            try:
                self._loaded[key] = load_entry(contribution.entry)
            except UserError:
                raise
            except Exception as exc:  # a plugin's import error must not crash the app
                reason = f"failed to import {contribution.entry}: {type(exc).__name__}: {exc}"
                self.disable(kind, name, reason)
                raise UserError(f"{kind} {name!r} from plugin {contribution.plugin!r} {reason}") from exc
        return self._loaded[key]

    def create_generator(self, name: str, device: str = "auto", **options: Any) -> Any:
        """Build a generator by name on a device."""
        factory = self.load("generator", name)
        return factory(device, **options)


BUILTIN_CONTRIBUTIONS = (
    Contribution(
        "generator",
        "warp",
        "studio.engine.warp:WarpGenerator",
        "Local-affine warp",
        "The analytic first-order motion warp: works on any image, no weights.",
    ),
)


def builtin_registry() -> Registry:
    """A registry holding only the built-in contributions."""
    registry = Registry()
    for contribution in BUILTIN_CONTRIBUTIONS:
        registry.register(contribution)
    return registry
