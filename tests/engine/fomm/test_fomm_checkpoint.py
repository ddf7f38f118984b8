"""Loading checkpoints in the released layout, strictly, and refusing anything else with one line."""

from __future__ import annotations

import argparse
import pickle
from pathlib import Path

import pytest
import torch

from studio.core.errors import UserError
from studio.engine.fomm.checkpoint import load_models
from studio.engine.fomm.config import parse_config

from .conftest import TINY, calibrated_state, save_checkpoint, tiny_config


@pytest.mark.parametrize(("prefix", "legacy"), [("", False), ("module.", False), ("", True), ("module.", True)])
def test_released_layout_loads_with_or_without_module_prefix(tmp_path: Path, tiny_state: dict, prefix: str,
                                                             legacy: bool) -> None:
    path = save_checkpoint(tmp_path / "cpk.pth.tar", tiny_state, prefix=prefix, legacy=legacy)
    generator, kp_detector = load_models(parse_config(TINY), path)
    assert not generator.training and not kp_detector.training
    for name, model in (("generator", generator), ("kp_detector", kp_detector)):
        for key, value in model.state_dict().items():
            assert torch.equal(value, tiny_state[name][key]), key


def _refusal(tmp_path: Path, config: dict, state: dict) -> str:
    path = save_checkpoint(tmp_path / "cpk.pth.tar", state)
    with pytest.raises(UserError) as error:
        load_models(parse_config(config), path)
    message = str(error.value)
    assert "\n" not in message
    return message


def test_more_keypoints_in_config_names_the_shape(tmp_path: Path, tiny_state: dict) -> None:
    message = _refusal(tmp_path, tiny_config(common__num_kp=6), tiny_state)
    assert message.startswith("checkpoint does not match config: shape of 'generator.dense_motion_network")
    assert "in the checkpoint but" in message and "in the model" in message


def test_jacobian_in_config_but_not_in_checkpoint_names_the_missing_key(tmp_path: Path) -> None:
    state = calibrated_state(tiny_config(common__estimate_jacobian=False))
    message = _refusal(tmp_path, TINY, state)
    assert message == "checkpoint does not match config: missing key 'kp_detector.jacobian.weight'"


def test_extra_occlusion_in_checkpoint_names_the_unexpected_key(tmp_path: Path, tiny_state: dict) -> None:
    message = _refusal(tmp_path, tiny_config(gen__estimate_occlusion_map=False), tiny_state)
    assert message == ("checkpoint does not match config: "
                       "unexpected key 'generator.dense_motion_network.occlusion.weight'")


def test_wider_model_names_the_first_mismatching_shape(tmp_path: Path, tiny_state: dict) -> None:
    message = _refusal(tmp_path, tiny_config(gen__block_expansion=16), tiny_state)
    assert message == ("checkpoint does not match config: shape of 'generator.first.conv.weight' is "
                       "[8, 3, 7, 7] in the checkpoint but [16, 3, 7, 7] in the model")


def test_missing_batch_norm_counters_are_tolerated(tmp_path: Path, tiny_state: dict) -> None:
    state = {part: {k: v for k, v in sd.items() if not k.endswith("num_batches_tracked")}
             for part, sd in tiny_state.items()}
    path = save_checkpoint(tmp_path / "old.pth.tar", state)
    generator, _ = load_models(parse_config(TINY), path)
    assert torch.equal(generator.first.conv.weight, tiny_state["generator"]["first.conv.weight"])


class Payload:
    """An arbitrary class: loading it would need unpickling code."""

    def __reduce__(self) -> tuple:
        return (print, ("unpickled!",))


@pytest.mark.parametrize("content", [
    b"\x00\x01garbage" * 100,
    b"",
    pickle.dumps(argparse.Namespace(generator={}, kp_detector={})),
    pickle.dumps(Payload()),
    "zip",
], ids=["garbage", "empty", "namespace-pickle", "code-pickle", "zip-with-object"])
def test_non_checkpoint_files_are_refused_in_one_line(tmp_path: Path, content: bytes | str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "weird.pth.tar"
    if content == "zip":
        torch.save({"generator": argparse.Namespace(a=1), "kp_detector": {}}, path)
    else:
        path.write_bytes(content)
    with pytest.raises(UserError, match="is not a model checkpoint that can be loaded safely") as error:
        load_models(parse_config(TINY), path)
    assert "\n" not in str(error.value)
    assert "unpickled!" not in capsys.readouterr().out


def test_wrong_structure_and_missing_file_are_refused(tmp_path: Path) -> None:
    tensor = tmp_path / "tensor.pt"
    torch.save(torch.zeros(3), tensor)
    with pytest.raises(UserError, match="expected a dictionary of state dicts"):
        load_models(parse_config(TINY), tensor)
    partial = tmp_path / "partial.pt"
    torch.save({"generator": {}}, partial)
    with pytest.raises(UserError, match="has no 'kp_detector' state dict"):
        load_models(parse_config(TINY), partial)
    with pytest.raises(UserError, match="checkpoint file not found"):
        load_models(parse_config(TINY), tmp_path / "nope.pth.tar")
