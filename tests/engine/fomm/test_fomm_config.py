"""Reading the released YAML configs and refusing broken ones with the key named."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.core.errors import UserError
from studio.engine.fomm.config import load_config, parse_config

from .conftest import TINY, tiny_config, write_config

VOX_YAML = """\
dataset_params:
  root_dir: data/vox-png
  frame_shape: [256, 256, 3]
  augmentation_params:
    flip_param:
      horizontal_flip: True
model_params:
  common_params:
    num_kp: 10
    num_channels: 3
    estimate_jacobian: True
  kp_detector_params:
     temperature: 0.1
     block_expansion: 32
     max_features: 1024
     scale_factor: 0.25
     num_blocks: 5
  generator_params:
    block_expansion: 64
    max_features: 512
    num_down_blocks: 2
    num_bottleneck_blocks: 6
    estimate_occlusion_map: True
    dense_motion_params:
      block_expansion: 64
      max_features: 1024
      num_blocks: 5
      scale_factor: 0.25
  discriminator_params:
    scales: [1]
    sn: True
train_params:
  num_epochs: 100
  lr_generator: 2.0e-4
"""


def test_released_vox_config_parses_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / "vox-256.yaml"
    path.write_text(VOX_YAML)
    config = load_config(path)
    assert config.frame_size == (256, 256)
    assert config.common.num_kp == 10 and config.common.estimate_jacobian is True
    assert config.kp_detector.temperature == 0.1 and config.kp_detector.pad == 0
    assert config.kp_detector.single_jacobian_map is False
    dense = config.generator.dense_motion_params
    assert dense is not None and dense.kp_variance == 0.01 and dense.scale_factor == 0.25
    kwargs = config.generator_kwargs()
    assert kwargs["dense_motion_params"] == {"block_expansion": 64, "max_features": 1024, "num_blocks": 5,
                                             "scale_factor": 0.25, "kp_variance": 0.01}
    assert kwargs["num_kp"] == 10 and "temperature" in config.kp_detector_kwargs()


@pytest.mark.parametrize(("data", "message"), [
    (tiny_config(kp__block_expansion="eight"), "'kp_detector_params.block_expansion' must be int"),
    (tiny_config(common__estimate_jacobian=1), "'common_params.estimate_jacobian' must be bool"),
    (tiny_config(gen__dropout=0.5), "unknown key 'generator_params.dropout'"),
    (tiny_config(dense__shift=[1]), "unknown key 'generator_params.dense_motion_params.shift'"),
    ({"model_params": {"common_params": {"num_kp": 5, "num_channels": 3}}},
     "missing key 'model_params.kp_detector_params'"),
    ({"dataset_params": {}}, "no 'model_params' section"),
    ([1, 2, 3], "no 'model_params' section"),
    ({**TINY, "dataset_params": {"frame_shape": "big"}}, "frame_shape"),
])
def test_malformed_configs_are_refused_naming_the_key(data: object, message: str) -> None:
    with pytest.raises(UserError, match=message.replace("[", r"\[").replace("(", r"\(")) as error:
        parse_config(data)
    assert "\n" not in str(error.value)


def test_missing_required_key_is_named() -> None:
    data = tiny_config()
    del data["model_params"]["kp_detector_params"]["temperature"]
    with pytest.raises(UserError, match="missing key 'kp_detector_params.temperature'"):
        parse_config(data)


def test_bad_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("model_params: [unclosed\n")
    with pytest.raises(UserError, match="not valid YAML at line"):
        load_config(bad)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(UserError, match="cannot read config"):
        load_config(binary)
    unsafe = tmp_path / "unsafe.yaml"
    unsafe.write_text("model_params: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(UserError, match="not valid YAML"):
        load_config(unsafe)


def test_frame_size_comes_from_frame_shape(tmp_path: Path) -> None:
    assert load_config(write_config(tmp_path / "t.yaml", TINY)).frame_size == (64, 64)


def test_image_shape_of_taichi_and_mgif_configs_gives_the_frame_size() -> None:
    data = tiny_config(kp__single_jacobian_map=True)
    data["dataset_params"] = {"root_dir": "data/moving-gif", "image_shape": [128, 96, 3]}
    config = parse_config(data)
    assert config.frame_size == (128, 96) and config.kp_detector.single_jacobian_map is True
    assert parse_config({"model_params": TINY["model_params"]}).frame_size == (256, 256)
