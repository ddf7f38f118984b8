"""The project's sound in an export: in sync at its offset, cut to the range, at its volume, dropped when muted."""

from __future__ import annotations

import av
import numpy as np
import pytest

from studio.core.audio import Sound
from studio.core.keypoints import Keypoint
from studio.core.project import Project, Timing
from studio.jobs.export_sound import sound_start
from studio.jobs.render_job import render_project
from studio.jobs.render_plan import RenderOptions, plan_render
from studio.media.image_io import encode_png
from studio.media.output_spec import OutputSpec
from studio.plugins.api import builtin_registry
from tests.sound_files import wav_bytes

RATE = 48_000
FPS = 30.0


def click_wav(click_at: float, seconds: float = 2.0, level: float = 0.8) -> bytes:
    """A silent mono 16-bit WAV with a 2 ms click ``click_at`` seconds in."""
    samples = np.zeros(round(seconds * RATE), np.float32)
    start = round(click_at * RATE)
    samples[start: start + RATE // 500] = level
    return wav_bytes(samples, RATE)


def sound_project(offset: int, click_at: float = 0.5, **changes) -> Project:
    """Two seconds at 30 fps, one still keypoint, and a sound with a click ``click_at`` s in placed at ``offset``."""
    project = Project(encode_png(np.full((48, 64, 3), 90, np.uint8)), 64, 48)
    project.timing = Timing(FPS, 0, 59)
    project.keypoints.append(Keypoint("k", "k", "#ff0000", 32.0, 24.0, radius=20.0))
    project.sound = Sound(click_wav(click_at), "click.wav", ".wav", offset, **changes)
    return project


def export(project: Project, path, frames=None, project_sound=True) -> str:
    plan = plan_render(project, RenderOptions(frames=frames))
    spec = OutputSpec(str(path), plan.fps, plan.width, plan.height)
    render_project(project, plan, spec, builtin_registry(), device="cpu", project_sound=project_sound)
    return str(path)


def decoded_sound(path: str) -> tuple[np.ndarray, float, int] | None:
    """(mono samples, time of the first sample, rate) of the file's audio, or None without an audio stream."""
    with av.open(path) as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        first, pieces = None, []
        for frame in container.decode(stream):
            first = frame.time if first is None else first
            pieces.append(frame.to_ndarray().reshape(frame.layout.nb_channels if not frame.format.is_planar
                                                     else len(frame.planes), -1)[0])
        return np.concatenate(pieces), float(first or 0.0), stream.rate


def click_time(path: str) -> float:
    samples, first, rate = decoded_sound(path)
    return first + int(np.argmax(np.abs(samples) > 0.3)) / rate


@pytest.mark.parametrize("name", ["shot.mp4", "shot.webm", "shot.mov"])
def test_a_click_at_frame_30_lands_at_one_second(tmp_path, name):
    # the click is 0.5 s into the sound, and the sound starts at frame 15: the click is at frame 30
    path = export(sound_project(offset=15), tmp_path / name)
    assert abs(click_time(path) - 1.0) < 1024 / RATE  # within one audio frame (AAC's 1024 samples)


def test_the_sound_is_cut_to_the_exported_range(tmp_path):
    path = export(sound_project(offset=15), tmp_path / "cut.mp4", frames=(10, 59))
    assert abs(click_time(path) - 20 / FPS) < 1024 / RATE


def test_a_sound_that_starts_before_the_shot_is_cut_at_the_first_frame(tmp_path):
    path = export(sound_project(offset=-15, click_at=1.5), tmp_path / "early.mp4")
    assert abs(click_time(path) - 1.0) < 1024 / RATE


def test_volume_scales_and_mute_drops_the_sound(tmp_path):
    loud = decoded_sound(export(sound_project(offset=0), tmp_path / "loud.mp4"))[0]
    quiet = decoded_sound(export(sound_project(offset=0, volume=0.5), tmp_path / "quiet.mp4"))[0]
    assert 0.4 < np.abs(quiet).max() / np.abs(loud).max() < 0.6
    assert decoded_sound(export(sound_project(offset=0, muted=True), tmp_path / "muted.mp4")) is None


def test_no_project_sound_when_not_asked(tmp_path):
    assert decoded_sound(export(sound_project(offset=0), tmp_path / "silent.mp4", project_sound=False)) is None


def test_sound_start_is_the_first_frame_minus_the_offset_in_seconds():
    project = sound_project(offset=15)
    assert sound_start(project, 45.0) == pytest.approx(1.0)
    assert sound_start(project, 0.0) == pytest.approx(-0.5)
