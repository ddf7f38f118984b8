"""Training data: finding clips, bad folders, the held-out split and the augmented samples."""

from __future__ import annotations

import logging

import cv2
import numpy as np
import pytest
import torch

from studio.core.errors import UserError
from studio.training.data import Clip, load_clips, split_clips, split_names
from studio.training.pairs import PairDataset, driving_flow
from studio.training.settings import AugmentationParams
from tests.training.synthetic_clips import make_clip, write_frame_folder


def test_clips_are_loaded_cropped_and_resized(data_dir):
    clips = load_clips(data_dir, 16, max_frames=5)
    assert [c.name for c in clips] == ["clip0.mp4", "clip1", "clip2", "clip3"]
    for clip in clips:
        assert clip.frames.shape == (5, 16, 16, 3) and clip.frames.dtype == np.uint8
    expected = cv2.resize(make_clip(1)[0], (16, 16), interpolation=cv2.INTER_AREA)
    assert np.abs(clips[1].frames[0].astype(int) - expected).max() <= 1


def test_empty_folder_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="holds no videos"):
        load_clips(tmp_path, 32, 10)
    with pytest.raises(UserError, match="is not a folder"):
        load_clips(tmp_path / "missing", 32, 10)


def test_bad_clips_are_skipped_with_a_warning_naming_each(tmp_path, caplog):
    write_frame_folder(tmp_path / "good", make_clip(0, frames=4))
    (tmp_path / "broken.mp4").write_bytes(b"not a video at all")
    mixed = write_frame_folder(tmp_path / "mixed", make_clip(1, frames=3))
    cv2.imwrite(str(mixed / "frame009.png"), np.zeros((20, 24, 3), np.uint8))
    write_frame_folder(tmp_path / "single", make_clip(2, frames=1))
    (tmp_path / "notes.txt").write_text("hello")
    with caplog.at_level(logging.WARNING, logger="studio.training"):
        clips = load_clips(tmp_path, 32, 10)
    assert [c.name for c in clips] == ["good"]
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    for name in ("broken.mp4", "mixed", "frame009.png", "single", "notes.txt"):
        assert any(name in m for m in messages), (name, messages)


def test_nothing_usable_is_a_user_error(tmp_path, caplog):
    (tmp_path / "a.mp4").write_bytes(b"junk")
    (tmp_path / "b.mov").write_bytes(b"")
    with caplog.at_level(logging.WARNING), pytest.raises(UserError, match="no usable video"):
        load_clips(tmp_path, 32, 10)
    assert sum("skipping" in r.getMessage() for r in caplog.records) == 2


def test_split_is_deterministic_disjoint_and_keeps_training_data():
    names = [f"take{i}" for i in range(20)]
    train, held = split_names(names, 0.1)
    assert len(held) == 2 and not set(train) & set(held) and sorted(train + held) == sorted(names)
    assert split_names(list(reversed(names)), 0.1)[1] == list(reversed(held))
    assert split_names(["a"], 0.5) == (["a"], [])
    assert split_names(["a", "b"], 0.9)[1] and len(split_names(["a", "b"], 0.9)[0]) == 1
    clips = [Clip(n, np.zeros((2, 4, 4, 3), np.uint8)) for n in names]
    assert [c.name for c in split_clips(clips, 0.1)[1]] == held


def _clips() -> list[Clip]:
    return [Clip(f"c{i}", make_clip(i, frames=6)) for i in range(3)]


def test_samples_depend_only_on_seed_and_index():
    data = PairDataset(_clips(), 50, seed=3, clip_length=2, augmentation=AugmentationParams(), with_flow=True)
    again = PairDataset(_clips(), 50, seed=3, clip_length=2, augmentation=AugmentationParams(), with_flow=True)
    sample = data[7]
    assert sample["source"].shape == (3, 32, 32) and sample["driving"].shape == (2, 3, 32, 32)
    assert sample["flow"].shape == (1, 32, 32, 2)
    assert float(sample["source"].min()) >= 0 and float(sample["source"].max()) <= 1
    for key in sample:
        assert torch.equal(sample[key], again[7][key])
    other = PairDataset(_clips(), 50, seed=4, clip_length=2, augmentation=AugmentationParams(), with_flow=True)
    assert any(not torch.equal(data[i]["driving"], other[i]["driving"]) for i in range(5))


def test_without_augmentation_frames_come_from_one_clip_in_order():
    clips = _clips()
    data = PairDataset(clips, 20, seed=0, clip_length=3, augmentation=None, with_flow=False)
    for index in range(10):
        source, driving = data.frames(index)
        owner = next(c for c in clips if any(np.array_equal(source, f) for f in c.frames))
        positions = [next(i for i, f in enumerate(owner.frames) if np.array_equal(f, d)) for d in driving]
        assert positions == list(range(positions[0], positions[0] + 3))


def test_augmentation_flips_and_jitters():
    clips = [Clip("c", make_clip(0, frames=4))]
    plain = PairDataset(clips, 40, 0, 1, None, False)
    flips = AugmentationParams(horizontal_flip=True, time_flip=False, brightness=0, contrast=0, saturation=0, hue=0)
    flipped = PairDataset(clips, 40, 0, 1, flips, False)
    mirrored = 0
    for i in range(40):
        a, b = plain.frames(i)[0], flipped.frames(i)[0]
        mirrored += np.array_equal(a[:, ::-1], b) and not np.array_equal(a, b)
    assert 5 < mirrored < 35
    jitter = AugmentationParams(horizontal_flip=False, time_flip=False)
    jittered = PairDataset(clips, 40, 0, 1, jitter, False)
    assert not np.array_equal(plain.frames(0)[0], jittered.frames(0)[0])


def test_driving_flow_measures_a_known_shift_in_grid_units():
    frame = make_clip(5, frames=1, size=32)[0]
    shifted = np.roll(frame, 2, axis=1)
    flow = driving_flow(frame, shifted)
    centre = flow[8:24, 8:24]
    assert np.median(centre[..., 0]) == pytest.approx(2 * 2 / 31, abs=0.03)
    assert abs(np.median(centre[..., 1])) < 0.03
