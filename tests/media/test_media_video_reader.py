"""video_reader: video files and image folders in, timestamps, audio info, refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.core.errors import UserError
from studio.media.image_io import save_image
from studio.media.video_reader import audio_stream_info, natural_key, open_frames, read_all_frames
from tests.media.conftest import make_frames, write_sine, write_video


def _flat(value: int, width: int = 32, height: int = 24) -> np.ndarray:
    return np.full((height, width, 3), value, dtype=np.uint8)


def test_video_file_frames_size_fps_and_timestamps(tmp_path: Path) -> None:
    path = write_video(tmp_path / "clip.mp4", make_frames(12), fps=24)
    with open_frames(path) as source:
        assert (source.info.width, source.info.height, source.info.fps) == (64, 48, 24.0)
        assert source.info.frame_count == 12
        items = list(source)
    assert len(items) == 12
    stamps = [stamp for stamp, _ in items]
    np.testing.assert_allclose(stamps, np.arange(12) / 24, atol=1e-3)
    assert all(frame.shape == (48, 64, 3) and frame.dtype == np.uint8 for _, frame in items)


def test_video_frames_are_rgb_in_order(tmp_path: Path) -> None:
    frames = [_flat(40 * i, 64, 48) for i in range(6)]
    for frame in frames:
        frame[:, :, 1] = 0
        frame[:, :, 2] = 0
    frames_out, fps = read_all_frames(write_video(tmp_path / "red.mp4", frames, fps=10))
    assert fps == 10.0
    reds = [float(frame[:, :, 0].mean()) for frame in frames_out]
    assert reds == sorted(reds)
    assert all(float(frame[:, :, 2].mean()) < 20 for frame in frames_out)


def test_read_all_frames_limit(tmp_path: Path) -> None:
    path = write_video(tmp_path / "clip.mp4", make_frames(10))
    frames, _ = read_all_frames(path, max_frames=4)
    assert len(frames) == 4


def test_folder_in_natural_order_with_default_and_given_fps(tmp_path: Path) -> None:
    for index in (10, 2, 1):
        save_image(tmp_path / f"frame{index}.png", _flat(index * 20))
    (tmp_path / "notes.txt").write_text("not a frame")
    with open_frames(tmp_path) as source:
        assert source.info.fps == 25.0
        assert source.info.frame_count == 3
        values = [int(frame[0, 0, 0]) for _, frame in source]
    assert values == [20, 40, 200]
    with open_frames(tmp_path, fps=10) as source:
        assert [stamp for stamp, _ in source] == pytest.approx([0.0, 0.1, 0.2])


def test_folder_rgba_frames_come_out_rgb(tmp_path: Path) -> None:
    save_image(tmp_path / "0.png", np.full((8, 8, 4), 90, np.uint8))
    frames, _ = read_all_frames(tmp_path)
    assert frames[0].shape == (8, 8, 3)


def test_folder_with_mixed_sizes_is_refused(tmp_path: Path) -> None:
    save_image(tmp_path / "a1.png", _flat(0, 32, 24))
    save_image(tmp_path / "a2.png", _flat(0, 30, 24))
    with pytest.raises(UserError, match="differ in size"):
        open_frames(tmp_path)


def test_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no image frames"):
        open_frames(tmp_path)


def test_missing_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        open_frames(tmp_path / "gone.mp4")


def test_unreadable_video_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.mp4"
    path.write_bytes(b"\x00garbage" * 100)
    with pytest.raises(UserError, match="not a readable video"):
        open_frames(path)


def test_audio_only_file_has_no_video(tmp_path: Path) -> None:
    path = write_sine(tmp_path / "tone.wav", 0.5)
    with pytest.raises(UserError, match="no video stream"):
        open_frames(path)


def test_audio_stream_info(tmp_path: Path) -> None:
    duration, rate = audio_stream_info(write_sine(tmp_path / "tone.wav", 1.5))
    assert rate == 44_100
    assert duration == pytest.approx(1.5, abs=0.03)
    assert audio_stream_info(write_video(tmp_path / "silent.mp4", make_frames(3))) is None


def test_natural_key_orders_numbers_numerically() -> None:
    names = ["f10.png", "f2.png", "F1.png", "f100.png"]
    assert sorted(names, key=natural_key) == ["F1.png", "f2.png", "f10.png", "f100.png"]
