"""image_io: formats in, refusals with one-line UserErrors, PNG round trips, atomic saves."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from studio.core.errors import UserError
from studio.media.image_io import decode_image, encode_png, load_image, read_image_size, save_image


def _rgb(width: int = 40, height: int = 30) -> np.ndarray:
    image = np.zeros((height, width, 3), dtype=np.uint8)
    image[:, :, 0] = np.arange(width, dtype=np.uint8)[None, :] * 5
    image[:, :, 1] = 100
    image[:, :, 2] = np.arange(height, dtype=np.uint8)[:, None] * 7
    return image


def test_png_round_trip_keeps_rgb_exactly(tmp_path: Path) -> None:
    image = _rgb()
    save_image(tmp_path / "a.png", image)
    loaded = load_image(tmp_path / "a.png")
    assert loaded.shape == (30, 40, 3) and loaded.dtype == np.uint8
    np.testing.assert_array_equal(loaded, image)


def test_rgba_is_kept_with_its_alpha(tmp_path: Path) -> None:
    image = np.dstack([_rgb(), np.full((30, 40), 77, np.uint8)])
    image[0, 0, 3] = 0
    save_image(tmp_path / "a.png", image)
    loaded = load_image(tmp_path / "a.png")
    assert loaded.shape == (30, 40, 4)
    np.testing.assert_array_equal(loaded, image)


def test_rgb_file_stays_rgb_not_rgba(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "a.jpg"), _rgb())
    assert load_image(tmp_path / "a.jpg").shape == (30, 40, 3)


def test_channel_order_is_rgb(tmp_path: Path) -> None:
    red = np.zeros((8, 8, 3), np.uint8)
    red[:, :, 0] = 255
    (tmp_path / "red.png").write_bytes(encode_png(red))
    loaded = load_image(tmp_path / "red.png")
    assert loaded[0, 0].tolist() == [255, 0, 0]


def test_grayscale_becomes_rgb(tmp_path: Path) -> None:
    gray = np.tile(np.arange(20, dtype=np.uint8) * 10, (10, 1))
    cv2.imwrite(str(tmp_path / "g.png"), gray)
    loaded = load_image(tmp_path / "g.png")
    assert loaded.shape == (10, 20, 3)
    np.testing.assert_array_equal(loaded[:, :, 0], gray)
    np.testing.assert_array_equal(loaded[:, :, 2], gray)


def test_sixteen_bit_becomes_eight_bit(tmp_path: Path) -> None:
    deep = np.zeros((10, 10, 3), np.uint16)
    deep[:, :, 0] = 65535
    deep[:, :, 1] = 257 * 128
    cv2.imwrite(str(tmp_path / "d.png"), deep)
    loaded = load_image(tmp_path / "d.png")
    assert loaded.dtype == np.uint8
    assert loaded[0, 0].tolist() == [0, 128, 255]


def test_decode_image_from_bytes() -> None:
    loaded = decode_image(encode_png(_rgb()), name="clip.png")
    np.testing.assert_array_equal(loaded, _rgb())


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file") as info:
        load_image(tmp_path / "nope.png")
    assert "\n" not in str(info.value)


def test_corrupt_file_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "bad.png").write_bytes(b"this is not an image at all")
    with pytest.raises(UserError, match="not a readable image"):
        load_image(tmp_path / "bad.png")


def test_truncated_png_is_a_user_error(tmp_path: Path) -> None:
    data = encode_png(_rgb(200, 200))
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 3])
    with pytest.raises(UserError):
        load_image(tmp_path / "cut.png")


def test_empty_bytes_are_refused() -> None:
    with pytest.raises(UserError, match="empty"):
        decode_image(b"", name="blank.png")


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".bmp"])
def test_too_large_is_refused_with_the_size(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"big{suffix}"
    cv2.imwrite(str(path), _rgb(120, 90))
    with pytest.raises(UserError, match=r"120x90 = 0\.0108 MP, above the 0\.01 MP limit: scale it down first"):
        load_image(path, max_pixels=10_000)
    assert load_image(path, max_pixels=10_800).shape == (90, 120, 3)


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="is a folder"):
        load_image(tmp_path)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_unreadable_file_is_a_user_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.png"
    save_image(path, _rgb())
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running with privileges that ignore file permissions")
        with pytest.raises(UserError, match="permission denied"):
            load_image(path)
    finally:
        path.chmod(0o600)


def test_save_is_atomic_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.png"
    target.write_bytes(b"old")
    save_image(target, _rgb())
    assert load_image(target).shape == (30, 40, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]


def test_read_image_size_from_header(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "a.jpg"), _rgb(33, 21))
    save_image(tmp_path / "b.png", _rgb(17, 9))
    cv2.imwrite(str(tmp_path / "c.bmp"), _rgb(5, 4))
    assert read_image_size(tmp_path / "a.jpg") == (33, 21)
    assert read_image_size(tmp_path / "b.png") == (17, 9)
    assert read_image_size(tmp_path / "c.bmp") == (5, 4)


def test_encode_png_rejects_wrong_arrays() -> None:
    with pytest.raises(ValueError):
        encode_png(np.zeros((4, 4), np.float32))
