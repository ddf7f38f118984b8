"""A keypoint's context menu on the canvas: rename, colour, radius, Parent to… / Unparent, sticks, delete."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from studio.core.rig import cycle_problem
from studio.ui.session import Session


class KeypointCommands(Protocol):
    """What the menu calls on the canvas."""

    session: Session

    def rename(self, kp_id: str) -> None: ...
    def recolour(self, kp_id: str) -> None: ...
    def set_radius(self, kp_id: str) -> None: ...
    def set_parent(self, ids: list[str], parent_id: str | None) -> None: ...
    def delete_selected(self) -> None: ...


def keypoint_menu(canvas: KeypointCommands, kp_id: str, parent: QWidget,
                  extra: list[QAction]) -> QMenu:
    """The menu for a right-click on ``kp_id`` (the selection, which holds it, is what parenting changes).

    ``extra``: actions added after the parenting ones (Add Stick, Remove Stick).
    """
    session = canvas.session
    project = session.project
    ids = list(session.selected_ids) or [kp_id]
    menu = QMenu(parent)
    menu.addAction("Rename\tF2", lambda: canvas.rename(kp_id))
    menu.addAction("Colour…", lambda: canvas.recolour(kp_id))
    menu.addAction("Radius of influence…", lambda: canvas.set_radius(kp_id))
    menu.addSeparator()
    parent_menu = menu.addMenu("Parent to")
    parent_menu.setObjectName("parentMenu")
    for keypoint in project.keypoints:
        if keypoint.id in ids:
            continue
        action = parent_menu.addAction(keypoint.name, lambda p=keypoint.id: canvas.set_parent(ids, p))
        action.setEnabled(all(cycle_problem(project.keypoints, i, keypoint.id) is None for i in ids))
    parent_menu.setEnabled(not parent_menu.isEmpty())
    unparent = menu.addAction("Unparent", lambda: canvas.set_parent(ids, None))
    unparent.setEnabled(any(project.keypoint(i).parent is not None for i in ids))
    menu.addActions(extra)
    menu.addSeparator()
    menu.addAction("Delete", canvas.delete_selected)
    return menu
