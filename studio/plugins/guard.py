"""A generator wrapper that turns a plugin's crash into a UserError and reports it once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from studio.core.errors import CancelledError, UserError
from studio.engine.contract import Capabilities, Generator, Motion, SourceState


class GuardedGenerator:
    """Forwards the generator contract to a plugin's generator; any crash disables it for the session.

    A UserError or CancelledError from the generator passes through untouched (it is a message for
    the user, not a bug); any other exception calls ``on_failure(reason)`` and becomes a one-line
    UserError naming the generator and its plugin. Without ``on_failure`` (the built-in generators)
    the crash is reported but nothing is disabled: the studio's own default must stay usable.
    """

    def __init__(
        self, inner: Generator, name: str, plugin: str, on_failure: Callable[[str], None] | None
    ) -> None:
        self.inner = inner
        self.name = name
        self.plugin = plugin
        self._on_failure = on_failure

    @property
    def capabilities(self) -> Capabilities:
        """The wrapped generator's capabilities."""
        return self.inner.capabilities

    def _call(self, action: str, method: Callable[..., Any], *args: Any) -> Any:
        """Run one contract method, converting a crash into a reported UserError."""
        try:
            return method(*args)
        except (UserError, CancelledError):
            raise
        except Exception as exc:  # a plugin's bug must not crash the app
            reason = f"raised while {action}: {type(exc).__name__}: {exc}"
            if self._on_failure is None:
                raise UserError(f"generator {self.name!r} {reason}; please report it") from exc
            self._on_failure(reason)
            raise UserError(
                f"generator {self.name!r} from plugin {self.plugin!r} {reason}; "
                "it is disabled for this session, choose another generator"
            ) from exc

    def prepare(self, source: np.ndarray, region: np.ndarray | None = None,
                stiffness: np.ndarray | None = None) -> SourceState:
        """The wrapped generator's prepare, guarded; ``region`` and ``stiffness`` are passed on only when given."""
        extra = {k: v for k, v in (("region", region), ("stiffness", stiffness)) if v is not None}
        return self._call("preparing the source", lambda: self.inner.prepare(source, **extra))

    def render(self, state: SourceState, kp_source: Motion, kp_driving: Motion) -> np.ndarray:
        """The wrapped generator's render, guarded."""
        return self._call("rendering", self.inner.render, state, kp_source, kp_driving)

    def render_draft(self, state: SourceState, kp_source: Motion, kp_driving: Motion) -> np.ndarray:
        """The wrapped generator's draft render (only called when its capabilities offer drafts), guarded."""
        return self._call("rendering a draft", self.inner.render_draft, state, kp_source, kp_driving)

    def detect_keypoints(self, state: SourceState) -> Motion | None:
        """The wrapped generator's keypoint detection, guarded."""
        return self._call("detecting keypoints", self.inner.detect_keypoints, state)

    def __getattr__(self, attr: str) -> Any:
        """Anything beyond the contract (device, options) comes from the wrapped generator."""
        if attr == "inner":
            raise AttributeError(attr)
        return getattr(self.inner, attr)
