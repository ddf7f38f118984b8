"""A source that fails mid-recording (camera unplugged, video cut short): recording stops with one clear line and
the take recorded so far is kept, ready to bake; the project is untouched until then.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from studio.capture.takes import take_frame_count
from studio.media.video_reader import FrameSource
from studio.ui.capture.capture_open import open_choice
from studio.ui.capture.capture_source import SourceChoice
from tests.ui.capture.conftest import FRAMES, SHIFTS, write_shifted_video

CUT_AFTER = 15


class UnpluggedCamera(FrameSource):
    """The first CUT_AFTER frames of a video, then either an error (``error``) or no more frames."""

    def __init__(self, inner: FrameSource, error: BaseException | None, cut_after: int = CUT_AFTER) -> None:
        self.inner, self.error, self.info, self.cut_after = inner, error, inner.info, cut_after

    def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
        for index, item in enumerate(self.inner):
            if index == self.cut_after:
                if self.error is not None:
                    raise self.error
                return
            yield item

    def close(self) -> None:
        """Close the video."""
        self.inner.close()


def _record_until_built(qtbot, panel, choice: SourceChoice):
    project = panel.session.project
    tracks_before = dict(project.tracks)
    panel.smoothing_slider.setValue(0)
    panel.auto_bind()
    panel.set_source(choice)
    with qtbot.waitSignal(panel.take_ready, timeout=20000) as ready:
        panel.record()
    take = ready.args[0]
    assert panel.record_action.isEnabled() and not panel.stop_action.isEnabled() and not panel.runner.running
    assert "\n" not in panel.status and "Traceback" not in panel.status
    assert project.tracks == tracks_before and project.takes == [], "nothing changes before Bake"
    assert panel.take_list.count() == 1 and "not stored" in panel.take_list.item(0).text()
    return take


@pytest.mark.parametrize(("error", "cause"), [
    (OSError("device unplugged"), "device unplugged"),
    (None, "Camera lost"),
])
def test_a_camera_unplugged_mid_recording_keeps_the_take(qtbot, open_panel, shifted_video, error, cause) -> None:
    panel = open_panel()
    panel.runner.source_opener = lambda _c: UnpluggedCamera(open_choice(SourceChoice(path=shifted_video)), error)
    take = _record_until_built(qtbot, panel, SourceChoice(camera=0))
    assert 3 <= len(take.times) <= CUT_AFTER
    assert cause in panel.status and "recording stopped" in panel.status and "kept Take 1" in panel.status, panel.status
    panel.session.set_frame(0)
    panel.bake_button.click()
    assert panel.session.project.takes == [take]
    frames = np.arange(take_frame_count(take, 30.0))
    project = panel.session.project
    moved = project.sample_values(frames)[:, :, :2] - np.array([[kp.x, kp.y] for kp in project.keypoints])
    np.testing.assert_allclose(moved.mean(axis=1), SHIFTS[: len(frames)] - SHIFTS[0], atol=1.5)


def test_a_video_cut_short_stops_recording_and_keeps_the_take(qtbot, open_panel, tmp_path: Path) -> None:
    whole = write_shifted_video(tmp_path / "whole.mp4", SHIFTS, faststart=True).read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole[: int(len(whole) * 0.9)])  # the index is first: the decoder stops at the cut
    panel = open_panel()
    take = _record_until_built(qtbot, panel, SourceChoice(path=cut))
    assert 3 <= len(take.times) < FRAMES
    assert "cut.mp4" in panel.status and "decoding failed" in panel.status, panel.status
    assert "recording stopped" in panel.status and "kept Take 1" in panel.status, panel.status


def test_a_camera_unplugged_before_the_first_frame_says_both_why_and_that_nothing_was_kept(qtbot, open_panel,
                                                                                          shifted_video) -> None:
    panel = open_panel()
    panel.runner.source_opener = lambda _c: UnpluggedCamera(open_choice(SourceChoice(path=shifted_video)),
                                                            OSError("device unplugged"), cut_after=0)
    panel.auto_bind()
    panel.set_source(SourceChoice(camera=0))
    panel.record()
    qtbot.waitUntil(lambda: "nothing was recorded" in panel.status, timeout=20000)
    assert "device unplugged" in panel.status and "\n" not in panel.status
    assert panel.record_action.isEnabled() and panel.take_list.count() == 0 and panel.session.project.takes == []
