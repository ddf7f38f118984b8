"""Choosing the fomm generator in the window: the "Learned model" dialog, one undo step, the live network preview."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from studio.core.edits import AddKeypoint, ChangeKeypoint, DeleteKeypoints, set_key
from studio.core.keypoints import Keypoint
from studio.engine.fomm.generator import FommGenerator
from studio.engine.renderer import renderer_for_project
from studio.plugins.api import builtin_registry
from studio.ui.models.model_dialog import PLACE_TEXT, ModelSetupDialog
from studio.ui.models.model_memory import remembered_model_options
from studio.ui.preview.preview_link import preview_size
from tests.engine.fomm.conftest import TINY, calibrated_state, save_checkpoint, tiny_config, write_config
from tests.ui.conftest import image_array, pattern_image

NUM_KP = TINY["model_params"]["common_params"]["num_kp"]
TIMEOUT = 30000


@pytest.fixture(scope="module")
def model_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A tiny random FOMM model (config + checkpoint), a config that does not fit it, and a non-checkpoint."""
    folder = tmp_path_factory.mktemp("model")
    junk = folder / "notes.pth.tar"
    junk.write_bytes(b"not a checkpoint")
    return {
        "config": write_config(folder / "tiny.yaml", TINY),
        "checkpoint": save_checkpoint(folder / "tiny.pth.tar", calibrated_state(TINY)),
        "other_config": write_config(folder / "other.yaml", tiny_config(common__num_kp=7)),
        "junk": junk,
    }


def choose_generator(qtbot, window, name: str) -> None:
    """Pick ``name`` in the toolbar's generator combo as a user does."""
    qtbot.waitUntil(lambda: window.generator_combo.findText(name) >= 0, timeout=TIMEOUT)
    window.generator_combo.setCurrentText(name)
    window.generator_combo.activated.emit(window.generator_combo.currentIndex())


def open_dialog(qtbot, window) -> ModelSetupDialog:
    choose_generator(qtbot, window, "fomm")
    dialog = window.model_setup.dialog
    assert dialog is not None and dialog.isVisible() and dialog.objectName() == "modelSetupDialog"
    assert dialog.parent() is window and dialog.windowModality() == Qt.WindowModality.WindowModal
    return dialog


def answer(dialog: ModelSetupDialog, config: Path, checkpoint: Path, place: bool = True) -> None:
    """Fill in the files, let the model work on the whole (small) image (placing its keypoints), and press OK."""
    dialog.place_check.setChecked(place)
    dialog.config_edit.setText(str(config))
    dialog.checkpoint_edit.setText(str(checkpoint))
    dialog.region_combo.setCurrentIndex(dialog.region_combo.findData("whole"))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def wait_idle(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.model_setup.is_busy, timeout=TIMEOUT)


@pytest.mark.slow
def test_choosing_fomm_places_its_keypoints_in_one_step_and_the_preview_runs_the_network(
        qtbot, window, model_files, monkeypatch) -> None:
    prepared: list[int] = []
    original_prepare = FommGenerator.prepare

    def counting_prepare(self: FommGenerator, source: np.ndarray) -> object:
        prepared.append(threading.get_ident())
        return original_prepare(self, source)

    monkeypatch.setattr(FommGenerator, "prepare", counting_prepare)
    session = window.session
    project = session.project
    old_keypoints, old_tracks, old_render = list(project.keypoints), dict(project.tracks), project.render
    assert not window.model_keypoints_action.isEnabled()

    dialog = open_dialog(qtbot, window)
    assert not dialog.place_check.isChecked() and dialog.place_check.text() == PLACE_TEXT
    answer(dialog, model_files["config"], model_files["checkpoint"])
    assert dialog.busy_bar.isVisible()
    wait_idle(qtbot, window)

    assert window.model_setup.dialog is None
    assert session.undo.texts() == ["Use the fomm model"]
    assert [kp.name for kp in project.keypoints] == [f"kp_{k:02d}" for k in range(NUM_KP)]
    assert project.tracks == {}
    render = project.render
    assert (render.generator, render.device) == ("fomm", "cpu")
    assert render.options == {"config": str(model_files["config"].resolve()),
                              "checkpoint": str(model_files["checkpoint"].resolve()), "paste_back": False}
    assert window.generator_combo.currentText() == "fomm"
    assert window.model_keypoints_action.isEnabled()
    assert remembered_model_options("fomm") == render.options

    # The preview renders the network, once-prepared, while a keypoint is keyed and the playhead moves.
    kp = project.keypoints[1]
    session.push(set_key(project, kp.id, 0, kp.rest_values))
    session.push(set_key(project, kp.id, 4, (kp.x + 6, kp.y - 4, 0.2, 1.1)))
    session.set_frame(4)
    qtbot.waitUntil(lambda: window.device_label.text().startswith("fomm on CPU"), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.preview.shown_frame == 4
                    and window.preview.shown_seq >= window.preview_link.last_seq, timeout=TIMEOUT)
    shown = image_array(window.preview.image)
    direct = renderer_for_project(project, pattern_image(), builtin_registry(), preview_size(96, 96), "cpu")
    expected = direct.render_frame(project, 4)
    assert np.abs(shown.astype(int) - expected).max() <= 1
    at_rest = direct.render_frame(project, 0)
    assert np.abs(expected.astype(int) - at_rest).max() > 10
    session.set_frame(2)
    qtbot.waitUntil(lambda: window.preview.shown_frame == 2
                    and window.preview.shown_seq >= window.preview_link.last_seq, timeout=TIMEOUT)
    still = project.keypoints[2]
    session.push(ChangeKeypoint(still, still.with_changes(x=still.x + 3)))
    qtbot.waitUntil(lambda: window.preview.shown_seq >= window.preview_link.last_seq, timeout=TIMEOUT)
    # One prepare by the placement job, one by the preview's renderer, one by the direct render above:
    # neither frames nor a moved rest pose encode the source again.
    assert len(prepared) == 3

    assert session.undo.texts() == ["Use the fomm model", "Key kp_01 at 0", "Key kp_01 at 4", "Move kp_02"]
    session.undo.set_index(0)
    assert project.keypoints == old_keypoints
    assert project.tracks == old_tracks
    assert project.render == old_render
    assert window.generator_combo.currentText() == "warp"
    assert not window.model_keypoints_action.isEnabled()


def test_a_checkpoint_that_does_not_fit_shows_the_error_and_changes_nothing(qtbot, window, model_files) -> None:
    session = window.session
    old_keypoints, old_render = list(session.project.keypoints), session.project.render
    dialog = open_dialog(qtbot, window)
    for config, checkpoint, error in ((model_files["other_config"], model_files["checkpoint"],
                                       "checkpoint does not match config"),
                                      (model_files["config"], model_files["junk"], "not a model checkpoint")):
        answer(dialog, config, checkpoint)
        wait_idle(qtbot, window)
        assert dialog.isVisible()
        assert error in dialog.error_label.text()
        assert "\n" not in dialog.error_label.text()
        assert not dialog.busy_bar.isVisible() and dialog.config_edit.isEnabled()
        assert window.generator_combo.currentText() == "warp"
    assert session.project.keypoints == old_keypoints
    assert session.project.render == old_render
    assert session.undo.texts() == []
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert not dialog.isVisible()


def test_missing_files_are_named_before_anything_loads(qtbot, window, tmp_path) -> None:
    dialog = open_dialog(qtbot, window)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.error_label.text() == "choose the model's config (.yaml) file"
    answer(dialog, tmp_path / "gone.yaml", tmp_path / "gone.pth.tar")
    assert dialog.error_label.text().startswith("config (.yaml) file not found")
    assert not window.model_setup.is_busy
    dialog.reject()


def test_cancel_puts_the_previous_generator_back(qtbot, window) -> None:
    dialog = open_dialog(qtbot, window)
    assert window.generator_combo.currentText() == "fomm"
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert window.generator_combo.currentText() == "warp"
    assert window.session.project.render.generator == "warp"
    assert window.session.undo.texts() == []
    assert window.model_setup.dialog is None


def test_cancel_while_the_model_loads_drops_its_result(qtbot, window, model_files) -> None:
    dialog = open_dialog(qtbot, window)
    answer(dialog, model_files["config"], model_files["checkpoint"])
    assert window.model_setup.is_busy
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    wait_idle(qtbot, window)
    qtbot.wait(50)
    assert window.generator_combo.currentText() == "warp"
    assert window.session.undo.texts() == []
    assert len(window.session.project.keypoints) == 3


def test_place_keypoints_from_model_runs_the_detection_again_as_one_step(qtbot, window, model_files) -> None:
    session = window.session
    answer(open_dialog(qtbot, window), model_files["config"], model_files["checkpoint"])
    wait_idle(qtbot, window)
    detected = [(kp.x, kp.y, kp.rotation, kp.scale) for kp in session.project.keypoints]
    moved = session.project.keypoints[1]
    session.push(ChangeKeypoint(moved, moved.with_changes(x=moved.x + 9, rotation=0.5)))
    session.push(DeleteKeypoints((session.project.keypoints[0].id,)))
    assert len(session.project.keypoints) == NUM_KP - 1

    messages: list[str] = []
    window.model_setup.message.connect(messages.append)
    window.model_keypoints_action.trigger()
    assert not window.model_keypoints_action.isEnabled()
    wait_idle(qtbot, window)
    again = [(kp.x, kp.y, kp.rotation, kp.scale) for kp in session.project.keypoints]
    np.testing.assert_allclose(again, detected, atol=1e-5)
    assert session.undo.texts()[-1] == "Place keypoints from model"
    assert messages == ["Placing keypoints from the fomm model…", f"Placed {NUM_KP} keypoints from the fomm model"]
    session.undo.undo()
    assert len(session.project.keypoints) == NUM_KP - 1

    again = open_dialog(qtbot, window)
    assert again.checkpoint_edit.text() == session.project.render.options["checkpoint"]
    again.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert window.generator_combo.currentText() == "fomm"
    assert session.project.render.generator == "fomm"

    session.undo.set_index(0)
    dialog = open_dialog(qtbot, window)
    assert dialog.config_edit.text() == str(model_files["config"].resolve())
    assert dialog.region_combo.currentData() == "whole"
    dialog.reject()




def test_keeping_the_keypoints_needs_as_many_as_the_model_has(qtbot, window, model_files) -> None:
    session = window.session
    dialog = open_dialog(qtbot, window)
    answer(dialog, model_files["config"], model_files["checkpoint"], place=False)
    wait_idle(qtbot, window)
    assert dialog.error_label.text() == (f"this model needs {NUM_KP} keypoints and the project has 3: "
                                         "tick \"Replace my keypoints with the model's\" to let it place its own")
    assert session.undo.texts() == [] and session.project.render.generator == "warp"

    for number in range(3, NUM_KP):
        session.push(AddKeypoint(Keypoint(f"extra{number}", f"extra {number}", "#ffffff", 10.0 * number, 50.0)))
    before = list(session.project.keypoints)
    answer(dialog, model_files["config"], model_files["checkpoint"], place=False)
    wait_idle(qtbot, window)
    assert session.project.keypoints == before
    assert session.project.render.generator == "fomm"
    assert session.undo.texts()[-1] == "Use the fomm model"
    qtbot.waitUntil(lambda: window.device_label.text().startswith("fomm on CPU")
                    and window.preview.shown_seq >= window.preview_link.last_seq, timeout=TIMEOUT)


def test_the_dialog_says_where_model_files_come_from_and_keeps_keypoints_unless_asked(qtbot) -> None:
    dialog = ModelSetupDialog(None, "fomm", (96, 96), {}, keypoint_count=3)
    qtbot.addWidget(dialog)
    text = dialog.source_label.text()
    assert "vox-cpk.pth.tar" in text and "vox-256.yaml" in text and "first-order-model" in text
    assert "Nothing is downloaded" in text
    assert not dialog.place_check.isChecked() and not dialog.place_keypoints()
    empty = ModelSetupDialog(None, "fomm", (96, 96), {}, keypoint_count=0)
    qtbot.addWidget(empty)
    assert empty.place_keypoints(), "with no keypoints to lose, the model places its own"


def test_place_from_model_says_why_it_is_off(window) -> None:
    action = window.model_keypoints_action
    assert not action.isEnabled()
    assert "warp generator does not detect keypoints" in action.toolTip()
