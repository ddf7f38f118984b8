"""Export naming rules, settings -> plan/spec, and the document snapshot (no widgets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.core.errors import UserError
from studio.core.keypoints import Keypoint
from studio.core.project import Timing
from studio.core.tracks import Keyframe, Track
from studio.media.output_spec import OutputSpec
from studio.media.writers import existing_outputs
from studio.ui.export.export_request import ExportSettings, plan_export, snapshot_project
from studio.ui.export.export_targets import (
    FORMATS,
    default_stem,
    export_format,
    sequence_target,
    split_target,
    target_for,
)
from tests.ui.export.test_export_dialog import tiny_project


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.key)
def test_target_names_round_trip(fmt, tmp_path: Path) -> None:
    target = target_for(fmt, tmp_path / "out", "shot")
    assert split_target(fmt, target) == (tmp_path / "out", "shot")
    assert target.suffix == fmt.suffix


def test_sequence_names(tmp_path: Path) -> None:
    fmt = export_format("png-sequence")
    assert target_for(fmt, tmp_path, "shot") == tmp_path / "shot_frames" / "shot_%04d.png"
    assert split_target(fmt, sequence_target(tmp_path / "renders", "hero")) == (tmp_path / "renders", "hero")
    assert default_stem(None) == "untitled"
    assert default_stem(tmp_path / "my shot.marionette") == "my shot"


def test_existing_outputs(tmp_path: Path) -> None:
    def spec(name: str, sprite: bool = False) -> OutputSpec:
        return OutputSpec(str(tmp_path / name), 30, 8, 8, sprite_sheet=sprite)

    assert existing_outputs(spec("a.mp4")) == []
    (tmp_path / "a.mp4").write_bytes(b"x")
    assert existing_outputs(spec("a.mp4")) == [tmp_path / "a.mp4"]
    (tmp_path / "sheet.json").write_text("{}")
    assert existing_outputs(spec("sheet.png", sprite=True)) == [tmp_path / "sheet.json"]
    (tmp_path / "f_0003.png").write_bytes(b"x")
    (tmp_path / "other.png").write_bytes(b"x")
    assert existing_outputs(spec("f_%04d.png")) == [tmp_path / "f_0003.png"]


def test_plan_export_builds_the_spec(tmp_path: Path) -> None:
    project = tiny_project()
    project.timing = Timing(fps=12.0, start=0, end=23)
    audio = tmp_path / "sound.wav"
    audio.write_bytes(b"RIFF")
    settings = ExportSettings("mp4", str(tmp_path / "a.mp4"), frames=(6, 17), fps=6.0, size=(48, None),
                              background=(1, 2, 3), motion_blur=3, shutter=90.0, audio=str(audio), crf=23,
                              sprite_columns=5)
    plan, spec = plan_export(project, settings)
    assert plan.frame_count == 6 and (plan.width, plan.height) == (48, 32) and plan.fps == 6.0
    assert len(plan.sub_offsets) == 3
    assert spec.crf == 23 and spec.background == (1, 2, 3) and not spec.overwrite
    assert spec.audio == str(audio) and spec.audio_start == pytest.approx(0.5)
    assert spec.sprite_columns is None and not spec.sprite_sheet
    _, gif = plan_export(project, ExportSettings("gif", str(tmp_path / "a.gif"), (0, 3), 12.0, audio=str(audio)))
    assert gif.audio is None
    _, sheet = plan_export(project, ExportSettings("sprite-sheet", str(tmp_path / "s.png"), (0, 3), 12.0,
                                                   sprite_columns=2))
    assert sheet.sprite_sheet and sheet.sprite_columns == 2


@pytest.mark.parametrize(("settings", "message"), [
    (ExportSettings("mp4", "out.mp4", (0, 11), 500.0), "between 1 and 240"),
    (ExportSettings("mp4", "out.mp4", (0, 11), 12.0, motion_blur=0), "--motion-blur"),
    (ExportSettings("png-sequence", "frames/out.png", (0, 11), 12.0), "frame-number pattern"),
    (ExportSettings("gif", "out.mp4", (0, 11), 12.0), "not as Animated GIF"),
])
def test_plan_export_refuses_bad_settings(settings: ExportSettings, message: str) -> None:
    with pytest.raises(UserError, match=message):
        plan_export(tiny_project(), settings)


def test_snapshot_is_independent_of_later_edits() -> None:
    project = tiny_project()
    project.render = project.render.with_changes(options={"levels": [1, 2]})
    snapshot = snapshot_project(project)
    before = snapshot.sample([0.0, 5.0, 11.0])
    project.tracks["a"] = Track((Keyframe(0, (1.0, 1.0, 0.0, 1.0)),))
    project.keypoints.append(Keypoint("d", "delta", "#ffffff", 5.0, 5.0))
    project.timing = Timing(fps=30.0, start=0, end=3)
    project.render.options["levels"].append(3)
    project.notify("tracks")
    after = snapshot.sample([0.0, 5.0, 11.0])
    assert (after.positions == before.positions).all() and (after.jacobians == before.jacobians).all()
    assert len(snapshot.keypoints) == 3 and snapshot.timing.end == 11
    assert snapshot.render.options == {"levels": [1, 2]}
    assert snapshot.source_png == project.source_png
