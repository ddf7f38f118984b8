"""The training config: defaults, the original layout, overrides and bad keys."""

from __future__ import annotations

import pytest

from studio.core.errors import UserError
from studio.engine.fomm.config import parse_config
from studio.training.settings import default_document, parse_training_config, with_overrides
from tests.training.synthetic_clips import tiny_config


@pytest.mark.parametrize("size", [32, 64, 128, 256])
def test_default_config_parses_for_the_fomm_loader(size):
    document = default_document(size)
    assert parse_config(document).frame_size == (size, size)
    config = parse_training_config(document)
    assert config.size == size
    assert config.train.step_milestones == (1200, 1800)


def test_bad_size_is_refused():
    with pytest.raises(UserError, match="multiple of 16"):
        default_document(50)


def test_original_epoch_keys_are_accepted_and_scaled_to_steps():
    document = tiny_config(steps=100)
    document["train_params"].update(num_epochs=100, epoch_milestones=[60, 90], num_repeats=75)
    document["dataset_params"].update(root_dir="data/vox", id_sampling=True,
                                      augmentation_params={"flip_param": {"horizontal_flip": False,
                                                                          "time_flip": True},
                                                           "jitter_param": {"hue": 0.0}})
    config = parse_training_config(document)
    assert config.train.step_milestones == (60, 90)
    assert config.dataset.augmentation.horizontal_flip is False
    assert config.dataset.augmentation.hue == 0.0
    assert parse_training_config(config.document) == config


def test_unknown_or_mistyped_keys_name_the_key():
    document = tiny_config()
    document["train_params"]["lr_genrator"] = 1e-3
    with pytest.raises(UserError, match="train_params.lr_genrator"):
        parse_training_config(document)
    document = tiny_config()
    document["train_params"]["loss_weights"] = {"equivariance_value": "high"}
    with pytest.raises(UserError, match="equivariance_value' must be a number"):
        parse_training_config(document)


def test_overrides_and_switches():
    document = with_overrides(tiny_config(steps=10), size=48, steps=40)
    config = parse_training_config(document)
    assert config.size == 48 and config.train.num_steps == 40
    assert config.clip_length() == 1 and not config.adversarial()
    document["train_params"]["loss_weights"] = {"motion": 1.0, "generator_gan": 1.0}
    config = parse_training_config(document)
    assert config.clip_length() == 2 and config.adversarial()
    with pytest.raises(UserError, match="--steps 0"):
        with_overrides(document, steps=0)
