"""The preview worker: renders like a direct render, latest request wins, failures are reported, joins."""

from __future__ import annotations

import numpy as np
import pytest

from studio.core.project import Project
from studio.engine.renderer import renderer_for_project
from studio.plugins.api import builtin_registry
from studio.ui.preview.preview_worker import PreviewResult, PreviewWorker
from tests.ui.conftest import make_project, pattern_image


@pytest.fixture
def worker(qtbot):
    """A started worker on the built-in registry, shut down after the test."""
    worker = PreviewWorker(builtin_registry)
    worker.start()
    yield worker
    worker.shutdown()


def configure(worker: PreviewWorker, project: Project, size: tuple[int, int] = (96, 96)) -> int:
    return worker.configure(project.source_png, "warp", "cpu", {}, size)


def test_result_equals_direct_render(qtbot, worker) -> None:
    project = make_project()
    configure(worker, project)
    with qtbot.waitSignal(worker.result_ready, timeout=30000) as blocker:
        seq = worker.request(5, project.rest_pose(), project.sample([5]))
    result: PreviewResult = blocker.args[0]
    assert result.seq == seq and result.frame == 5 and result.render_ms > 0
    renderer = renderer_for_project(project, pattern_image(), builtin_registry(), (96, 96), "cpu")
    np.testing.assert_array_equal(result.image, renderer.render_frame(project, 5))
    still = renderer.render_frame(project, 0)
    assert np.abs(result.image.astype(int) - still.astype(int)).max() > 10


def test_latest_request_wins(qtbot, worker) -> None:
    project = make_project()
    configure(worker, project)
    with qtbot.waitSignal(worker.result_ready, timeout=30000):
        worker.request(0, project.rest_pose(), project.sample([0]))
    seen: list[int] = []
    worker.result_ready.connect(lambda r: seen.append(r.seq))
    last = 0
    for frame in range(40):
        last = worker.request(frame % 11, project.rest_pose(), project.sample([frame % 11]))
    qtbot.waitUntil(lambda: bool(seen) and seen[-1] == last, timeout=30000)
    assert len(seen) < 40
    assert seen == sorted(seen)


def test_setup_failure_is_reported_and_a_new_setup_recovers(qtbot, worker) -> None:
    project = make_project()
    with qtbot.waitSignal(worker.failed, timeout=30000) as blocker:
        worker.configure(project.source_png, "no-such-generator", "cpu", {}, (96, 96))
    assert "no-such-generator" in blocker.args[0]
    with qtbot.waitSignal(worker.failed, timeout=30000) as blocker:
        worker.configure(b"not an image", "warp", "cpu", {}, (96, 96))
    assert "source image" in blocker.args[0]
    configure(worker, project)
    with qtbot.waitSignal(worker.result_ready, timeout=30000):
        worker.request(3, project.rest_pose(), project.sample([3]))


def test_requests_of_an_old_setup_are_dropped(qtbot, worker) -> None:
    project = make_project()
    with qtbot.waitSignal(worker.renderer_ready, timeout=30000):
        configure(worker, project)
    results: list[PreviewResult] = []
    worker.result_ready.connect(results.append)
    stale = worker.request(1, project.rest_pose(), project.sample([1]))
    configure(worker, project, (48, 48))
    fresh = worker.request(2, project.rest_pose(), project.sample([2]))
    qtbot.waitUntil(lambda: any(r.seq == fresh for r in results), timeout=30000)
    assert results[-1].image.shape == (48, 48, 3)
    assert all(r.image.shape == (96, 96, 3) for r in results if r.seq == stale)


def test_renderer_ready_names_the_device_and_shutdown_joins(qtbot) -> None:
    worker = PreviewWorker(builtin_registry)
    worker.start()
    with qtbot.waitSignal(worker.renderer_ready, timeout=30000) as blocker:
        configure(worker, make_project())
    assert blocker.args[0].startswith("warp on CPU")
    worker.shutdown()
    assert not worker._thread.isRunning()


def test_preview_leaves_a_core_for_the_gui() -> None:
    from studio.ui.preview.preview_worker import preview_thread_count

    assert [preview_thread_count(n) for n in (1, 2, 4, 32)] == [1, 1, 3, 8]


def test_a_learned_models_full_frame_takes_every_core_the_machine_has_to_spare() -> None:
    from studio.ui.preview.preview_worker import preview_thread_count

    assert [preview_thread_count(n, full_learned_frame=True, load=0.9) for n in (1, 2, 4, 32)] == [1, 2, 4, 8]
    assert [preview_thread_count(n, full_learned_frame=True, load=n + 0.5) for n in (1, 2, 4)] == [1, 1, 3]


def test_a_failed_frame_keeps_the_setup_so_the_next_request_renders(qtbot, worker) -> None:
    project = make_project()
    rest = project.rest_pose()
    bad = project.sample([2])
    bad = type(bad)(bad.positions[:, :1], bad.jacobians[:, :1], bad.radii[:1])
    with qtbot.waitSignal(worker.failed, timeout=30000):
        configure(worker, project)
        worker.request(2, rest, bad)
    with qtbot.waitSignal(worker.result_ready, timeout=30000) as blocker:
        seq = worker.request(3, rest, project.sample([3]))
    assert blocker.args[0].seq == seq


def test_the_status_names_the_threads_the_frame_shown_used() -> None:
    from studio.ui.preview.preview_view import with_thread_count

    assert with_thread_count("fomm on CPU (1 thread)", 2) == "fomm on CPU (2 threads)"
    assert with_thread_count("fomm on CPU (2 threads)", 1) == "fomm on CPU (1 thread)"
    assert with_thread_count("fomm on CPU (2 threads)", 0) == "fomm on CPU (2 threads)"
    assert with_thread_count("fomm on CUDA: GeForce", 2) == "fomm on CUDA: GeForce"
