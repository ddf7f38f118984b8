"""``python main.py track`` as a user runs it: a flow take on a generated MP4, and bad inputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from studio.capture.motion import load_motion
from tests.capture.synthetic import affine_frames, smooth_texture, translation, write_video

ROOT = Path(__file__).resolve().parents[2]


def _track(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "track", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 96x96, 12-frame H.264 video of a texture sliding right by 1 px a frame."""
    frames = affine_frames(smooth_texture(96, 96), [translation(i, 0) for i in range(12)], (96, 96))
    return write_video(frames, tmp_path_factory.mktemp("video") / "slide.mp4")


def test_track_flow_writes_a_motion_file(video: Path, tmp_path: Path) -> None:
    output = tmp_path / "slide.json"
    result = _track(str(video), "--tracker", "flow", "--points", "30,40; 50,60", "-o", str(output))
    assert result.returncode == 0, result.stderr
    assert "tracked 12 frames" in result.stdout
    motion = load_motion(output)
    assert motion.tracker == "flow" and motion.landmarks.shape == (12, 2, 2)
    assert motion.visible.all()
    # Lossy video: the points still travel about 11 px right.
    assert np.allclose(motion.landmarks[-1] - motion.landmarks[0], [[11, 0], [11, 0]], atol=0.6)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.mp4", "-o", "{out}"], "video not found: missing.mp4"),
        (["{video}", "--tracker", "flow", "-o", "{out}"], "the flow tracker needs points"),
        (["{video}", "--tracker", "flow", "--points", "10,10;500,20", "-o", "{out}"], "is outside the 96x96 frame"),
        (["{video}", "--tracker", "flow", "--points", "10;20", "-o", "{out}"], "bad --points"),
        (["{video}", "--tracker", "eyebrows", "-o", "{out}"], "unknown tracker 'eyebrows': choose one of face"),
        (["{video}", "--points", "10,10", "-o", "{out}"], "only for the flow tracker"),
        (["{video}", "--tracker", "flow", "--points", "1,1", "-o", "/no/such/dir/m.json"], "does not exist"),
        (["{video}", "--tracker", "flow", "--points", "1,1", "--smooth", "3", "-o", "{out}"], "between 0 and 1"),
    ],
)
def test_bad_inputs_exit_2_with_one_line(video: Path, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "m.json"
    result = _track(*(a.format(video=video, out=out) for a in args))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and message in lines[0]
    assert not out.exists()
