"""Cache Shot for Playback: cached frames play at full rate, an edit invalidates them, cancel keeps no half cache."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np
import pytest

from studio.core.edits import ChangeKeypoint
from studio.core.errors import CancelledError, UserError
from studio.core.project import Timing
from studio.ui.preview.frame_cache import FrameCache, ShotJob, estimate_bytes, render_shot
from studio.ui.preview.preview_link import preview_size
from studio.ui.timeline.playback import PlaybackController
from tests.ui.conftest import make_project
from tests.ui.preview.draft_generators import FULL_GREY, DraftingGenerator, draft_registry
from tests.ui.preview.test_draft_preview import Rig, make_rig


@pytest.fixture
def rig(qtbot) -> Iterator[Rig]:
    DraftingGenerator.delay = 0.0
    project = make_project()
    project.timing = Timing(30.0, 0, 11)
    rig = make_rig(qtbot, "warp", project)
    yield rig
    rig.link.shutdown()
    rig.worker.shutdown()


def cache(qtbot, rig: Rig) -> str:
    with qtbot.waitSignal(rig.link.cacher.finished, timeout=60000) as outcome:
        assert rig.link.cache_shot()
    return outcome.args[0]


def test_cached_playback_shows_the_cached_frames(qtbot, rig) -> None:
    assert cache(qtbot, rig).startswith("Cached 12 frames")
    assert len(rig.link.cache) == 12
    rendered = rig.worker.result_ready
    results: list[object] = []
    rendered.connect(results.append)
    playback = PlaybackController(rig.session)
    rig.link.set_playing(True)
    playback.play()
    qtbot.waitUntil(lambda: rig.session.current_frame >= 6, timeout=30000)
    playback.pause()
    frame = rig.session.current_frame
    assert rig.view.shown_cached and rig.view.shown_frame == frame  # shown at once, no render in between
    cached = rig.link.cache.get(frame, rig.link.version)
    shown = rig.view.image.constBits().tobytes()[: cached.shape[1] * 3]
    assert np.frombuffer(shown, np.uint8).tolist() == cached[0].reshape(-1).tolist()
    assert results == [] and "cached" in rig.view.status_text().split(" · ")
    assert rig.view.note == ""


def test_an_edit_invalidates_the_cache(qtbot, rig) -> None:
    cache(qtbot, rig)
    keypoint = rig.session.project.keypoint("c")
    rig.session.push(ChangeKeypoint(keypoint, keypoint.with_changes(x=keypoint.x + 5)))
    assert len(rig.link.cache) == 0
    rig.session.set_frame(4)
    assert not rig.view.shown_cached
    qtbot.waitUntil(lambda: rig.view.shown_seq == rig.link.last_seq, timeout=30000)
    assert not rig.view.shown_cached and rig.view.shown_frame == 4


def test_cancel_leaves_no_half_cache_in_use(qtbot) -> None:
    DraftingGenerator.delay = 0.05
    project = make_project()
    project.timing = Timing(30.0, 0, 40)
    rig = make_rig(qtbot, "drafting", project)
    try:
        with qtbot.waitSignal(rig.link.cacher.progressed, timeout=60000):
            rig.link.cache_shot()
        with qtbot.waitSignal(rig.link.cacher.finished, timeout=60000) as outcome:
            rig.link.cacher.cancel()
        assert outcome.args[0] == "Caching the shot was cancelled."
        assert len(rig.link.cache) == 0 and not rig.link.cacher.running
        rig.session.set_frame(3)
        assert not rig.view.shown_cached
    finally:
        DraftingGenerator.delay = 0.0
        rig.link.shutdown()
        rig.worker.shutdown()


def test_an_edit_while_caching_discards_the_job(qtbot) -> None:
    DraftingGenerator.delay = 0.02
    project = make_project()
    project.timing = Timing(30.0, 0, 40)
    rig = make_rig(qtbot, "drafting", project)
    try:
        with qtbot.waitSignal(rig.link.cacher.progressed, timeout=60000):
            rig.link.cache_shot()
        with qtbot.waitSignal(rig.link.cacher.finished, timeout=60000) as outcome:
            keypoint = rig.session.project.keypoint("c")
            rig.session.push(ChangeKeypoint(keypoint, keypoint.with_changes(y=keypoint.y + 3)))
        assert outcome.args[0].startswith("The shot changed while caching")
        assert len(rig.link.cache) == 0
    finally:
        DraftingGenerator.delay = 0.0
        rig.link.shutdown()
        rig.worker.shutdown()


def test_render_shot_renders_full_frames_and_stops_when_cancelled() -> None:
    from studio.ui.preview.preview_worker import PreviewSetup

    project = make_project()
    project.timing = Timing(30.0, 0, 3)
    setup = PreviewSetup(0, project.source_png, "drafting", "cpu", {}, (32, 32))
    frames = (0, 1, 2, 3)
    job = ShotJob(setup, project.rest_pose(), project.sample(list(frames)), frames, 0)
    done: list[tuple[int, int]] = []
    images = render_shot(job, draft_registry, lambda *progress: done.append(progress), threading.Event())
    assert sorted(images) == [0, 1, 2, 3] and all(int(image.mean()) == FULL_GREY for image in images.values())
    assert done[-1] == (4, 4)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CancelledError):
        render_shot(job, draft_registry, lambda *progress: None, cancel)


def test_a_shot_over_the_limit_is_refused_with_its_size() -> None:
    cache = FrameCache(limit_bytes=estimate_bytes((512, 512), 10))
    cache.check_fits((512, 512), 10)
    with pytest.raises(UserError, match=r"needs about 8 MB, over the cache's 7 MB"):
        cache.check_fits((512, 512), 11)
    assert preview_size(96, 96) == (512, 512)


def test_playing_slower_than_the_shot_says_so(qtbot) -> None:
    DraftingGenerator.delay = 0.06
    project = make_project()
    rig = make_rig(qtbot, "drafting", project)
    try:
        playback = PlaybackController(rig.session)
        rig.link.set_playing(True)
        playback.play()
        qtbot.waitUntil(lambda: rig.view.note != "", timeout=30000)
        assert rig.view.note.startswith("playing at ") and "slower than the shot's 30 fps" in rig.view.note
        playback.pause()
        rig.link.set_playing(False)
        assert rig.view.note == ""
    finally:
        DraftingGenerator.delay = 0.0
        rig.link.shutdown()
        rig.worker.shutdown()
