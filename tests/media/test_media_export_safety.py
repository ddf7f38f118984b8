"""Exports never leave broken or temp files: cancel, errors, existing targets, bad folders, bad specs."""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from studio.core.errors import CancelledError, UserError
from studio.media import png_sequence_writer, video_writer
from studio.media.image_io import load_image
from studio.media.output_spec import OutputSpec, format_for
from studio.media.writers import open_writer, write_frames
from tests.media.conftest import make_frames, write_video

ALL_TARGETS = ["out.mp4", "out.webm", "out.mov", "out.gif", "seq/%04d.png", "sheet.png"]


def _spec(tmp_path: Path, name: str, **kwargs: object) -> OutputSpec:
    return OutputSpec(str(tmp_path / name), fps=24, width=32, height=24, sprite_sheet=name == "sheet.png", **kwargs)


def _listing(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.mark.parametrize("name", ALL_TARGETS)
def test_cancel_halfway_leaves_nothing(tmp_path: Path, name: str) -> None:
    cancel = threading.Event()
    seen = []

    def frames() -> Iterator[np.ndarray]:
        for index, frame in enumerate(make_frames(20, 32, 24)):
            if index == 10:
                cancel.set()
            seen.append(index)
            yield frame

    with pytest.raises(CancelledError):
        write_frames(frames(), _spec(tmp_path, name), total=20, cancel=cancel)
    assert len(seen) <= 11
    assert _listing(tmp_path) in ([], ["seq"])


@pytest.mark.parametrize("name", ALL_TARGETS)
def test_render_error_aborts_and_reraises(tmp_path: Path, name: str) -> None:
    def frames() -> Iterator[np.ndarray]:
        yield from make_frames(5, 32, 24)
        raise RuntimeError("generator exploded")

    with pytest.raises(RuntimeError, match="generator exploded"):
        write_frames(frames(), _spec(tmp_path, name))
    assert _listing(tmp_path) in ([], ["seq"])


def test_disk_full_becomes_a_user_error_and_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def failing_encode(image: np.ndarray) -> bytes:
        calls.append(1)
        if len(calls) > 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return b"png"

    monkeypatch.setattr(png_sequence_writer, "encode_png", failing_encode)
    spec = _spec(tmp_path, "frames/%03d.png")
    with pytest.raises(UserError, match=r"could not write .*%03d\.png: No space left on device"):
        write_frames(make_frames(10, 32, 24), spec)
    assert _listing(tmp_path) == ["frames"]


def test_encoder_failure_on_close_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_replace(temp: Path, target: Path) -> None:
        raise OSError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(video_writer, "replace_atomically", failing_replace)
    with pytest.raises(UserError, match="could not write .*out.mp4: Permission denied"):
        write_frames(make_frames(4, 32, 24), _spec(tmp_path, "out.mp4"))
    assert _listing(tmp_path) == []


@pytest.mark.parametrize("name", ["out.mp4", "out.gif", "sheet.png"])
def test_existing_target_is_refused_and_untouched(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    target.write_bytes(b"precious")
    with pytest.raises(UserError, match=r"exists: pass --overwrite or choose another name"):
        write_frames(make_frames(3, 32, 24), _spec(tmp_path, name))
    assert target.read_bytes() == b"precious"
    assert _listing(tmp_path) == [name]


def test_existing_sprite_json_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sheet.json").write_text("{}")
    with pytest.raises(UserError, match="sheet.json exists"):
        open_writer(_spec(tmp_path, "sheet.png"))


def test_existing_sequence_is_refused_then_replaced_with_overwrite(tmp_path: Path) -> None:
    folder = tmp_path / "seq"
    folder.mkdir()
    for index in range(6):
        (folder / f"{index:04d}.png").write_bytes(b"old")
    (folder / "keep.txt").write_text("mine")
    with pytest.raises(UserError, match="0000.png exists"):
        open_writer(_spec(tmp_path, "seq/%04d.png"))
    outputs = write_frames(make_frames(3, 32, 24), _spec(tmp_path, "seq/%04d.png", overwrite=True))
    assert [path.name for path in outputs] == ["0000.png", "0001.png", "0002.png"]
    assert _listing(folder) == ["0000.png", "0001.png", "0002.png", "keep.txt"]
    assert (folder / "0000.png").read_bytes() != b"old"


def test_overwrite_replaces_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out.mp4"
    target.write_bytes(b"old")
    write_frames(make_frames(3, 32, 24), _spec(tmp_path, "out.mp4", overwrite=True))
    assert target.stat().st_size > 100
    assert _listing(tmp_path) == ["out.mp4"]


def test_missing_folders_are_created(tmp_path: Path) -> None:
    outputs = write_frames(make_frames(2, 32, 24), _spec(tmp_path, "a/b/out.gif"))
    assert outputs == [tmp_path / "a" / "b" / "out.gif"] and outputs[0].exists()


def test_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("x")
    with pytest.raises(UserError, match="is a file, not a folder"):
        open_writer(_spec(tmp_path, "blocker/out.mp4"))


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("name", ["out.mp4", "seq/%04d.png"])
def test_unwritable_folder_is_refused(tmp_path: Path, name: str) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running with privileges that ignore folder permissions")
        with pytest.raises(UserError, match="permission denied|Permission denied"):
            open_writer(_spec(locked, name))
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize("name", ["out.avi", "out", "out.png", "out.mp4%d"])
def test_unknown_or_incomplete_outputs_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(UserError) as info:
        open_writer(_spec(tmp_path, name))
    message = str(info.value)
    assert "\n" not in message
    assert ".mp4" in message or "%04d" in message


def test_unknown_extension_lists_the_supported_ones(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"unsupported output; use one of \.mp4.*\.webm.*\.gif.*\.mov"):
        format_for(_spec(tmp_path, "clip.mkv"))


def test_sprite_sheet_needs_png(tmp_path: Path) -> None:
    spec = OutputSpec(str(tmp_path / "sheet.gif"), fps=24, width=8, height=8, sprite_sheet=True)
    with pytest.raises(UserError, match="sprite sheet is saved as .png"):
        format_for(spec)


def test_audio_file_without_sound_is_refused(tmp_path: Path) -> None:
    silent = write_video(tmp_path / "silent.mp4", make_frames(2))
    with pytest.raises(UserError, match="has no audio stream"):
        open_writer(_spec(tmp_path, "out.mp4", audio=str(silent)))


def test_audio_start_beyond_the_audio_is_refused(tmp_path: Path, sine_wav: Path) -> None:
    with pytest.raises(UserError, match="outside"):
        open_writer(_spec(tmp_path, "out.mp4", audio=str(sine_wav), audio_start=9.0))


def test_missing_audio_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        open_writer(_spec(tmp_path, "out.mp4", audio=str(tmp_path / "nope.wav")))


def test_zero_frames_is_a_user_error_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no frames"):
        write_frames([], _spec(tmp_path, "out.mp4"))
    assert _listing(tmp_path) == []


def test_bad_spec_numbers_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not positive"):
        open_writer(OutputSpec(str(tmp_path / "a.mp4"), fps=0, width=8, height=8))
    with pytest.raises(UserError, match="empty"):
        open_writer(OutputSpec(str(tmp_path / "a.mp4"), fps=24, width=0, height=8))


def test_wrong_frame_size_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="expects 32x24"):
        write_frames(make_frames(2, 16, 16), _spec(tmp_path, "out.mp4"))
    assert _listing(tmp_path) == []


def test_exception_inside_with_block_aborts(tmp_path: Path) -> None:
    with pytest.raises(KeyError), open_writer(_spec(tmp_path, "out.mov")) as writer:
        writer.write(make_frames(1, 32, 24)[0])
        raise KeyError("stop")
    assert _listing(tmp_path) == []


def test_progress_reports_every_frame_and_the_total(tmp_path: Path) -> None:
    reports: list[tuple[int, int]] = []
    write_frames(
        make_frames(8, 32, 24), _spec(tmp_path, "out.gif"), total=8, progress=lambda d, t: reports.append((d, t))
    )
    assert reports[-1] == (8, 8)
    done = [d for d, _ in reports]
    assert done == sorted(done) and all(t == 8 for _, t in reports)


def test_iterator_may_reuse_one_buffer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slow_encode = png_sequence_writer.encode_png

    def encode_slowly(image: np.ndarray) -> bytes:
        time.sleep(0.02)  # let the producer run ahead and overwrite its buffer
        return slow_encode(image)

    monkeypatch.setattr(png_sequence_writer, "encode_png", encode_slowly)

    def frames() -> Iterator[np.ndarray]:
        buffer = np.zeros((24, 32, 3), np.uint8)
        for value in range(6):
            buffer[:] = value * 40
            yield buffer

    outputs = write_frames(frames(), _spec(tmp_path, "seq/%02d.png"))
    assert [int(load_image(path)[0, 0, 0]) for path in outputs] == [0, 40, 80, 120, 160, 200]
