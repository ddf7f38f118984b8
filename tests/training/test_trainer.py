"""The training job on tiny synthetic clips: learning, resuming exactly, the run folder, cancel and errors."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from studio.core.errors import CancelledError, UserError
from studio.engine.contract import Motion
from studio.engine.fomm.checkpoint import load_models
from studio.engine.fomm.config import load_config
from studio.engine.fomm.generator import FommGenerator
from studio.training.checkpointing import read_training_checkpoint
from studio.training.trainer import train
from tests.training.synthetic_clips import make_clip


@pytest.mark.slow
def test_a_few_dozen_steps_lower_the_reconstruction_loss(data_dir, write_config, tmp_path):
    config = write_config(steps=36, batch_size=4, lr_generator=1e-3, lr_kp_detector=1e-3)
    reported = []
    train(data_dir, tmp_path / "run", config=config, report=lambda s, t, losses: reported.append(losses))
    reconstruction = [losses["reconstruction"] for losses in reported]
    assert len(reconstruction) == 36
    first, last = np.mean(reconstruction[:8]), np.mean(reconstruction[-8:])
    assert last < 0.85 * first, (first, last)


@pytest.mark.slow
def test_resume_continues_at_the_same_step_with_the_same_state(data_dir, write_config, tmp_path):
    config = write_config(steps=6, step_milestones=[3, 5], checkpoint_freq=2)
    straight = train(data_dir, tmp_path / "straight", config=config)
    half = train(data_dir, tmp_path / "halves", config=config, steps=3)
    assert half.step == 3 and read_training_checkpoint(half.checkpoint)["step"] == 3
    resumed = train(data_dir, tmp_path / "halves", resume=True, steps=6)
    assert resumed.step == 6
    a, b = read_training_checkpoint(straight.checkpoint), read_training_checkpoint(resumed.checkpoint)
    assert a["step"] == b["step"] == 6
    for part in ("generator", "kp_detector"):
        for key, value in a[part].items():
            assert torch.allclose(value.float(), b[part][key].float(), atol=1e-5), key
    for part in ("optimizer_generator", "optimizer_kp_detector"):
        assert a[part]["param_groups"] == b[part]["param_groups"]
        for index, state in a[part]["state"].items():
            for key, value in state.items():
                assert torch.allclose(value.float(), b[part]["state"][index][key].float(), atol=1e-5), (part, key)
    assert a["scheduler_generator"] == b["scheduler_generator"]
    assert a["optimizer_generator"]["param_groups"][0]["lr"] == pytest.approx(2e-6)
    assert a["history"]["step"] == b["history"]["step"] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def test_the_run_folder_renders_with_the_fomm_generator(data_dir, write_config, tmp_path):
    run = tmp_path / "run"
    result = train(data_dir, run, config=write_config(steps=2))
    for name in ("config.yaml", "checkpoint.pth.tar", "loss.png", "train.log"):
        assert (run / name).is_file(), name
    assert list((run / "samples").glob("step_*.png"))
    log = (run / "train.log").read_text()
    assert "step 2/2" in log and "held out" in log and "held-out L1" in log
    history = read_training_checkpoint(run / "checkpoint.pth.tar")["history"]
    assert history["held_out_step"] == [2.0] and 0 < history["held_out_l1"][0] < 1
    assert result.held_out == ("clip1",)
    config = load_config(run / "config.yaml")
    load_models(config, run / "checkpoint.pth.tar")
    generator = FommGenerator("cpu", config=str(run / "config.yaml"), checkpoint=str(run / "checkpoint.pth.tar"))
    source = make_clip(0, frames=1, size=48)[0]
    state = generator.prepare(source)
    kp = generator.detect_keypoints(state)
    moved = Motion(kp.positions + np.float32([2, 0]), kp.jacobians)
    frame = generator.render(state, kp, moved)
    assert frame.shape == (48, 48, 3) and frame.dtype == np.uint8


@pytest.mark.slow
def test_adversarial_motion_and_temporal_losses_train(data_dir, write_config, tmp_path):
    weights = {"generator_gan": 1.0, "feature_matching": [1.0, 1.0], "motion": 1.0, "temporal_gan": 1.0}
    config = write_config(steps=2, loss_weights=weights, clip_length=3)
    text = config.read_text().replace("max_features: 32\n  num_blocks: 2", "max_features: 32\n  num_blocks: 2\n"
                                      "  temporal: true")
    config.write_text(text)
    reported = []
    train(data_dir, tmp_path / "run", config=config, report=lambda s, t, losses: reported.append(losses))
    names = set(reported[-1])
    assert {"generator_gan", "feature_matching", "motion", "temporal_gan", "discriminator_gan",
            "temporal_discriminator"} <= names
    assert all(np.isfinite(v) for v in reported[-1].values())
    data = read_training_checkpoint(tmp_path / "run" / "checkpoint.pth.tar")
    assert "discriminator" in data and "temporal_discriminator" in data and "optimizer_discriminator" in data


def test_cancel_saves_a_checkpoint_to_resume_from(data_dir, write_config, tmp_path):
    cancel = threading.Event()

    def progress(done, total):
        if done == 2:
            cancel.set()

    with pytest.raises(CancelledError):
        train(data_dir, tmp_path / "run", config=write_config(steps=10), progress=progress, cancel=cancel)
    assert read_training_checkpoint(tmp_path / "run" / "checkpoint.pth.tar")["step"] == 2


def test_run_folder_mistakes_are_user_errors(data_dir, write_config, tmp_path):
    with pytest.raises(UserError, match="nothing to resume"):
        train(data_dir, tmp_path / "none", resume=True)
    config = write_config(steps=1)
    train(data_dir, tmp_path / "run", config=config)
    with pytest.raises(UserError, match="already holds a training run"):
        train(data_dir, tmp_path / "run", config=config)
    with pytest.raises(UserError, match="--config cannot be used with --resume"):
        train(data_dir, tmp_path / "run", config=config, resume=True)
    with pytest.raises(UserError, match="holds no videos"):
        train(tmp_path / "run" / "samples", tmp_path / "other", config=config)


def test_a_step_runs_under_low_precision_autocast():
    """CUDA trains under float16 autocast; bfloat16 on the CPU exercises the same casts (keypoints stay float32)."""
    from studio.training.model import TrainingModels
    from studio.training.settings import parse_training_config
    from tests.training.synthetic_clips import tiny_config

    models = TrainingModels(parse_training_config(tiny_config(loss_weights={"generator_gan": 1.0, "motion": 1.0})))
    batch = {"source": torch.rand(2, 3, 32, 32), "driving": torch.rand(2, 2, 3, 32, 32),
             "flow": torch.zeros(2, 1, 32, 32, 2)}
    with torch.autocast("cpu", dtype=torch.bfloat16):
        output = models.generator_step(batch)
        critic = models.discriminator_step(output)
    assert output.kp_source.dtype == torch.float32
    torch.stack([v.float() for v in output.losses.values()]).sum().backward()
    assert all(torch.isfinite(v.detach()).all() for v in [*output.losses.values(), *critic.values()])
