"""The canvas's deformation tools and commands as actions the window puts in its menus and toolbar.

Tools (one at a time, with the add-keypoint tool): Lasso Region (L), Brush Region (B), Stiff Area (S).
Region commands: Suggest Person, Use Image Alpha, Import Matte…, Clear (each one undo step; the first three run
on a worker with a busy message). View: Show Region (Shift+R), Mesh Overlay (Shift+M). Keypoints: Add Stick and
Remove Stick between the two selected keypoints. The stiff-area strength is a spin box in the toolbar.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDoubleSpinBox, QWidget

from studio.core.errors import UserError
from studio.core.region import SetRegion
from studio.core.rig_edits import add_stick, remove_stick
from studio.ui.canvas.canvas_tool import CanvasTool
from studio.ui.canvas.canvas_view import CanvasView
from studio.ui.canvas.region_sources import alpha_region, matte_file_region, person_region
from studio.ui.canvas.region_tools import BrushTool, LassoTool, RegionEditor
from studio.ui.canvas.stiff_area_tool import StiffAreaTool
from studio.ui.file_dialogs import open_file
from studio.ui.threads import BackgroundJob, start_job

BRUSH_FRACTION = 0.05


class CanvasTools:
    """Builds and owns the actions; ``message`` shows a status-bar line, ``mesh_wanted(bool)`` tells the preview
    whether to send the mesh with its frames."""

    def __init__(self, canvas: CanvasView, add_tool: QAction, window: QWidget, message: Callable[[str], None],
                 mesh_wanted: Callable[[bool], None]) -> None:
        self.canvas = canvas
        self.session = canvas.session
        self.window = window
        self.message = message
        self._mesh_wanted = mesh_wanted
        self._job: BackgroundJob | None = None
        scene = canvas.scene()
        self.region_editor = RegionEditor(self.session, canvas.region_item)
        self.region_editor.message.connect(message)
        project = self.session.project
        self.lasso = LassoTool(scene, self.region_editor)
        self.brush = BrushTool(scene, self.region_editor, BRUSH_FRACTION * min(project.width, project.height))
        self.stiff = StiffAreaTool(scene, self.session)
        self.lasso_action = self._tool_action("&Lasso Region", self.lasso, "L")
        self.brush_action = self._tool_action("&Brush Region", self.brush, "B")
        self.stiff_action = self._tool_action("&Stiff Area", self.stiff, "S")
        self.tool_actions = [self.lasso_action, self.brush_action, self.stiff_action]
        for action, short in zip(self.tool_actions, ("Lasso", "Brush", "Stiff"), strict=True):
            action.setIconText(short)
        self.group = QActionGroup(window)
        self.group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        for action in [add_tool, *self.tool_actions]:
            self.group.addAction(action)
        canvas.tools_left.connect(lambda: [a.setChecked(False) for a in [add_tool, *self.tool_actions]])
        self.show_region_action = self._action("Show &Region", self._show_region, "Shift+R", checkable=True,
                                               tip="Tint the region, the part of the image that moves (Shift+R)")
        self.mesh_action = self._action("&Mesh Overlay", self._show_mesh, "Shift+M", checkable=True,
                                        tip="Draw the mesh generator's triangles as the preview deforms them")
        self.suggest_action = self._action("Suggest &Person", self.suggest_person,
                                           tip="Find the person on the image (mediapipe) and make it the region")
        self.alpha_action = self._action("Use Image &Alpha", self.use_alpha,
                                         tip="The image's transparency becomes the region")
        self.import_action = self._action("&Import Matte…", self.import_matte,
                                          tip="A black-and-white (or transparent) image of the same size")
        self.clear_action = self._action("&Clear Region", self.clear_region, tip="No region: the whole image moves")
        self.region_commands = [self.suggest_action, self.alpha_action, self.import_action, self.clear_action]
        self.add_stick_action = self._action("Add Stic&k", self.add_stick,
                                             tip="Keep the two selected keypoints at their rest distance")
        self.remove_stick_action = self._action("Remove Stick", self.remove_stick,
                                                tip="Remove the stick between the two selected keypoints")
        canvas.menu_actions = [self.add_stick_action, self.remove_stick_action]
        self.strength = QDoubleSpinBox()
        self.strength.setObjectName("stiffStrength")
        self.strength.setRange(0.05, 1.0)
        self.strength.setSingleStep(0.1)
        self.strength.setValue(self.stiff.strength)
        self.strength.setPrefix("strength ")
        self.strength.setToolTip("Strength of new stiff areas (0.05 to 1)")
        self.strength.valueChanged.connect(lambda value: setattr(self.stiff, "strength", float(value)))
        self.session.project_replaced.connect(self._on_project_replaced)

    @property
    def actions(self) -> list[QAction]:
        """Every action, for enabling with the editor."""
        return [*self.tool_actions, self.show_region_action, self.mesh_action, *self.region_commands,
                self.add_stick_action, self.remove_stick_action]

    def _action(self, text: str, slot: Callable[..., Any], shortcut: str | None = None,
                checkable: bool = False, tip: str = "") -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        action.setToolTip(tip or text)
        action.setStatusTip(tip or text)
        (action.toggled if checkable else action.triggered).connect(slot)
        self.window.addAction(action)
        return action

    def _tool_action(self, text: str, tool: CanvasTool, shortcut: str) -> QAction:
        def toggled(on: bool) -> None:
            if on:
                self.canvas.set_tool(tool)
                if tool is not self.stiff:
                    self.show_region_action.setChecked(True)
            elif self.canvas.tool is tool:
                self.canvas.set_tool(None)

        return self._action(text, toggled, shortcut, checkable=True, tip=f"{tool.hint} ({shortcut})")

    def _show_region(self, on: bool) -> None:
        self.canvas.region_item.setVisible(on)

    def _show_mesh(self, on: bool) -> None:
        self.canvas.mesh_overlay.setVisible(on)
        if not on:
            self.canvas.mesh_overlay.set_mesh(None)
        self._mesh_wanted(on)

    def _on_project_replaced(self) -> None:
        project = self.session.project
        self.brush.size = BRUSH_FRACTION * min(project.width, project.height)

    # ----- region commands --------------------------------------------------------------------------
    def _run_region_job(self, busy: str, text: str, function: Callable[[], tuple[bytes, np.ndarray]]) -> None:
        if self._job is not None:
            return
        project = self.session.project
        self.message(busy)
        for action in self.region_commands:
            action.setEnabled(False)

        def done(result: tuple[bytes, np.ndarray]) -> None:
            if self.session.project is not project:
                return
            png, matte = result
            self.canvas.region_item.remember(png, matte)
            self.session.push(SetRegion(png, text=text))
            self.session.finish_gesture()
            self.show_region_action.setChecked(True)
            self.message(f"{text}: the region covers {100.0 * float((matte > 127).mean()):.0f}% of the image")

        def finished() -> None:
            self._job = None
            for action in self.region_commands:
                action.setEnabled(True)

        self._job = start_job(function, done, lambda reason: self.message(f"Region not changed: {reason}"),
                              on_finished=finished)

    def suggest_person(self) -> None:
        """Find the person on a worker (mediapipe selfie segmentation) and make it the region."""
        png = self.session.project.source_png
        self._run_region_job("Looking for a person…", "Suggest person region", lambda: person_region(png))

    def use_alpha(self) -> None:
        """The source image's transparency becomes the region."""
        png = self.session.project.source_png
        self._run_region_job("Reading the image's transparency…", "Region from image alpha",
                             lambda: alpha_region(png))

    def import_matte(self, path: str | None = None) -> None:
        """Ask for a matte image (or take ``path``) and make it the region."""
        path = path or open_file(self.window, "Import region matte", "image",
                                 "Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)")
        if not path:
            return
        size = (self.session.project.width, self.session.project.height)
        self._run_region_job("Reading the matte…", "Import region matte", lambda: matte_file_region(path, size))

    def clear_region(self) -> None:
        """Remove the region (the whole image moves again); one undo step."""
        if self.session.project.region_png is None:
            self.message("The project has no region to clear")
            return
        self.session.push(SetRegion(None, text="Clear region"))
        self.session.finish_gesture()

    # ----- sticks -----------------------------------------------------------------------------------
    def _selected_pair(self) -> tuple[str, str] | None:
        ids = self.session.selected_ids
        if len(ids) != 2:
            self.message("Select exactly two keypoints (Shift+click) for a stick")
            return None
        return ids[0], ids[1]

    def add_stick(self) -> None:
        """Join the two selected keypoints by a stick (one undo step)."""
        self._stick(add_stick)

    def remove_stick(self) -> None:
        """Remove the stick between the two selected keypoints (one undo step)."""
        self._stick(remove_stick)

    def _stick(self, make: Callable[..., Any]) -> None:
        pair = self._selected_pair()
        if pair is None:
            return
        try:
            edit = make(self.session.project, *pair)
        except UserError as error:
            self.message(f"Stick not changed: {error}")
            return
        self.session.push(edit)
        self.session.finish_gesture()

    def shutdown(self) -> None:
        """Wait for a running region job and pending stroke encodes."""
        if self._job is not None:
            self._job.wait()
        self.region_editor.shutdown()
