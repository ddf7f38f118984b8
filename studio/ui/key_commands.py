"""What the key editors (timeline, curve editor) share: their keyboard commands, their key menu, Easy Ease.

Both editors claim their keys while focused, ahead of the window's shortcuts (Del deletes keys there, not
keypoints), and both menus start with the interpolations and Easy Ease (F9).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from studio.core.tracks import Interpolation

INTERPOLATIONS = (Interpolation.HOLD, Interpolation.LINEAR, Interpolation.SMOOTH)
EASY_EASE_KEY = Qt.Key.Key_F9

Trigger = QKeySequence.StandardKey | Qt.Key


def _always() -> bool:
    return True


@dataclass(frozen=True)
class KeyCommand:
    """One keyboard command: the keys that run it (plain keys need no modifier), what it does, when it applies."""

    triggers: tuple[Trigger, ...]
    run: Callable[[], object]
    applies: Callable[[], bool] = _always


def _matches(event: QKeyEvent, trigger: Trigger) -> bool:
    if isinstance(trigger, QKeySequence.StandardKey):
        return event.matches(trigger)
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return modifiers == Qt.KeyboardModifier.NoModifier and event.key() == trigger


class KeyCommands(QObject):
    """The commands a key editor handles while it has focus, as an event filter on the editor: it claims their
    keys' ShortcutOverride (so window-wide shortcuts do not take them) and runs them on the key press."""

    def __init__(self, editor: QWidget, commands: Sequence[KeyCommand]) -> None:
        super().__init__(editor)
        self.commands = tuple(commands)
        editor.installEventFilter(self)

    def find(self, event: QKeyEvent) -> KeyCommand | None:
        """The command this key event runs now, if any."""
        for command in self.commands:
            if any(_matches(event, trigger) for trigger in command.triggers) and command.applies():
                return command
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Claim our keys' ShortcutOverride and run our key presses; let everything else through."""
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        command = self.find(event)
        if command is None:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()
        else:
            command.run()
        return True


class KeyMenu(QMenu):
    """A key editor's right-click menu: the interpolations and Easy Ease first, then the editor's own entries.

    Entries with an ``enabled`` test are greyed out when it fails at popup time (e.g. no key selected).
    """

    def __init__(self, parent: QWidget, set_interpolation: Callable[[Interpolation], object],
                 easy_ease: Callable[[], object], has_keys: Callable[[], bool]) -> None:
        super().__init__(parent)
        self._tests: list[tuple[QAction, Callable[[], bool]]] = []
        for interpolation in INTERPOLATIONS:
            self.add(f"{interpolation.value.capitalize()} interpolation",
                     lambda i=interpolation: set_interpolation(i), has_keys)
        self.add("Easy ease\tF9", easy_ease, has_keys)

    def add(self, text: str, slot: Callable[[], object], enabled: Callable[[], bool] | None = None) -> QAction:
        """Append an entry; ``enabled`` (optional) decides at popup time whether it can be chosen."""
        action = self.addAction(text)
        action.triggered.connect(lambda _=False: slot())
        if enabled is not None:
            self._tests.append((action, enabled))
        return action

    def popup_at(self, global_pos: QPoint) -> None:
        """Update which entries are enabled, then show the menu."""
        for action, enabled in self._tests:
            action.setEnabled(enabled())
        self.popup(global_pos)


def frames_by_keypoint(keys: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    """(keypoint id, frame) pairs grouped as the core edits take them: sorted frames per keypoint."""
    grouped: dict[str, set[int]] = {}
    for kp_id, frame in keys:
        grouped.setdefault(kp_id, set()).add(frame)
    return {kp_id: sorted(frames) for kp_id, frames in sorted(grouped.items())}


