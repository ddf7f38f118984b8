"""Cancelling an export while the generator hangs: cancelled promptly, no file left, the stuck thread ends later."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.core.errors import CancelledError, UserError
from studio.jobs.render_job import render_project
from studio.jobs.render_plan import RenderOptions, plan_render
from studio.media.output_spec import OutputSpec
from tests.ui.conftest import make_project
from tests.ui.preview.faulty_generators import HangingGenerator, faulty_registry


@pytest.fixture
def hang() -> Iterator[None]:
    """Arm the hanging generator; release it at teardown so its thread ends."""
    HangingGenerator.release.clear()
    HangingGenerator.entered.clear()
    yield
    HangingGenerator.release.set()


def _export(tmp_path: Path, generator: str, cancel: threading.Event | None) -> list[Path]:
    project = make_project(48)
    plan = plan_render(project, RenderOptions(generator=generator, device="cpu"))
    spec = OutputSpec(str(tmp_path / "out" / "clip.mp4"), plan.fps, plan.width, plan.height)
    return render_project(project, plan, spec, faulty_registry(), device="cpu", generator=generator,
                          cancel=cancel)


def test_cancel_while_the_generator_hangs_returns_and_leaves_nothing(tmp_path: Path, hang: None) -> None:
    cancel = threading.Event()
    threading.Thread(target=lambda: HangingGenerator.entered.wait(30) and cancel.set(), daemon=True).start()
    with pytest.raises(CancelledError):
        _export(tmp_path, "hanging", cancel)
    assert HangingGenerator.entered.is_set()
    assert [p for p in (tmp_path / "out").rglob("*")] == []
    stuck = [t for t in threading.enumerate() if t.name == "render-frames"]
    HangingGenerator.release.set()
    for thread in stuck:
        thread.join(10)
        assert not thread.is_alive()


@pytest.mark.parametrize(("generator", "message"), [
    ("raising", "raised while rendering: RuntimeError: boom"),
    ("wrong-shape", "returned a wrong image (ndarray (7, 5) uint8"),
])
@pytest.mark.parametrize("cancellable", [False, True])
def test_a_failing_generator_aborts_the_export_with_one_line(tmp_path: Path, generator: str, message: str,
                                                             cancellable: bool) -> None:
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _export(tmp_path, generator, threading.Event() if cancellable else None)
    assert [p for p in (tmp_path / "out").rglob("*")] == []
