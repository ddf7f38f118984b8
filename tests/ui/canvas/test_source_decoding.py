"""The canvas decodes the source image and the region off the GUI thread, shows only the newest, and a stroke
started before a region's decode arrives still starts from that region."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from studio.media.image_io import encode_png
from studio.ui.canvas import region_item, source_image
from studio.ui.canvas.region_item import RegionItem
from studio.ui.canvas.region_tools import encode_matte
from studio.ui.canvas.source_image import SourceImage
from tests.ui.conftest import pattern_image


@pytest.fixture
def decode_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the threads the source and region decodes ran on."""
    names: list[str] = []

    def recording(decode):
        def decode_and_record(png: bytes):
            names.append(threading.current_thread().name)
            return decode(png)
        return decode_and_record

    monkeypatch.setattr(source_image, "decode_source", recording(source_image.decode_source))
    monkeypatch.setattr(region_item, "decode_matte", recording(region_item.decode_matte))
    return names


def test_the_source_is_decoded_off_the_gui_thread_and_only_the_newest_is_shown(qtbot, decode_threads) -> None:
    source = SourceImage()
    first, second = encode_png(pattern_image(40)), encode_png(pattern_image(24))
    source.show_png(first)
    with qtbot.waitSignal(source.shown, timeout=10000):
        source.show_png(second)
    qtbot.waitUntil(lambda: not source.pending, timeout=10000)
    assert source.item.pixmap().width() == 24
    assert decode_threads and threading.main_thread().name not in decode_threads


def test_an_undecodable_source_says_so_in_one_line(qtbot) -> None:
    source = SourceImage()
    with qtbot.waitSignal(source.failed, timeout=10000) as signal:
        source.show_png(b"not a png")
    assert signal.args[0].startswith("the project's source image could not be decoded")
    assert source.item.pixmap().isNull()
    qtbot.waitUntil(lambda: not source.pending, timeout=10000)


def test_a_new_region_is_decoded_off_the_gui_thread(qtbot, decode_threads) -> None:
    item = RegionItem()
    matte = np.zeros((30, 40), np.uint8)
    matte[5:20, 10:30] = 255
    item.show_region(encode_matte(matte))
    assert item.matte is None  # not yet: the decode runs on a job
    qtbot.waitUntil(lambda: item.matte is not None, timeout=10000)
    np.testing.assert_array_equal(item.matte, matte)
    assert decode_threads and threading.main_thread().name not in decode_threads
    item.shutdown()


def test_a_stroke_before_the_decode_arrives_gets_the_region_at_once(qtbot) -> None:
    item = RegionItem()
    matte = np.full((16, 16), 255, np.uint8)
    item.show_region(encode_matte(matte))
    np.testing.assert_array_equal(item.current_matte(), matte)
    item.shutdown()
    qtbot.wait(50)  # the job's late result changes nothing
    np.testing.assert_array_equal(item.matte, matte)


def test_an_undecodable_region_shows_none(qtbot) -> None:
    item = RegionItem()
    item.show_region(b"not a png")
    item.shutdown()
    qtbot.waitUntil(lambda: item.current_matte() is None, timeout=10000)
