"""The training job: data, models, optimisers, the step loop, checkpoints, samples, the log and the loss plot.

``train(...)`` is the one implementation behind ``python main.py train`` (and any UI): a plain function
with ``progress(done, total)``, ``report(step, total, losses)`` and a ``cancel`` event checked between
steps (a cancelled run saves its checkpoint first, so ``--resume`` continues from there).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml
from torch.utils.data import DataLoader

from studio.core.atomic import atomic_path
from studio.core.errors import CancelledError, UserError
from studio.engine.device import resolve_device

from .checkpointing import (
    CHECKPOINT_NAME,
    load_scheduler_state,
    read_training_checkpoint,
    save_checkpoint,
    scheduler_state,
)
from .data import Clip, load_clips, split_clips
from .model import StepOutput, TrainingModels
from .pairs import PairDataset
from .plots import sample_grid, save_curves, save_sample_grid
from .settings import (
    TrainingConfig,
    TrainParams,
    default_document,
    load_document,
    parse_training_config,
    with_overrides,
)

_log = logging.getLogger("studio.training")

CONFIG_NAME = "config.yaml"
LOG_NAME = "train.log"
LOSS_PLOT_NAME = "loss.png"
SAMPLES_DIR = "samples"
SAMPLE_ROWS = 4
VALIDATION_PAIRS = 16

LossReport = Callable[[int, int, dict[str, float]], None]


@dataclass(frozen=True)
class TrainResult:
    """Where a run ended: its folder, last step, checkpoint, last logged losses and held-out clip names."""

    run_dir: Path
    step: int
    checkpoint: Path
    losses: dict[str, float]
    held_out: tuple[str, ...]


def prepare_run(run_dir: Path, config: str | Path | None, size: int | None, steps: int | None,
                resume: bool) -> TrainingConfig:
    """The run's config (the run's own config.yaml when resuming), written to RUN_DIR/config.yaml."""
    config_file = run_dir / CONFIG_NAME
    if run_dir.exists() and not run_dir.is_dir():
        raise UserError(f"{run_dir} is a file: give a folder for the run with -o")
    if resume:
        if not config_file.is_file():
            raise UserError(f"{run_dir} holds no {CONFIG_NAME}: nothing to resume, train without --resume")
        if config is not None:
            raise UserError("--config cannot be used with --resume: a run keeps the config.yaml it started with")
        document = load_document(config_file)
        if size is not None and document.get("dataset_params", {}).get("frame_shape", [None])[0] != size:
            raise UserError(f"--size {size} differs from the run's frame size: resume without --size")
        document = with_overrides(document, steps=steps)
        where = str(config_file)
    else:
        if (run_dir / CHECKPOINT_NAME).exists():
            raise UserError(f"{run_dir} already holds a training run: add --resume to continue it, "
                            "or choose another folder with -o")
        document = load_document(config) if config is not None else default_document(size or 64)
        document = with_overrides(document, size=size if config is not None else None, steps=steps)
        where = str(config) if config is not None else f"default config for --size {size or 64}"
    parsed = parse_training_config(document, where)
    run_dir.mkdir(parents=True, exist_ok=True)
    with atomic_path(config_file) as temp:
        temp.write_text(yaml.safe_dump(parsed.document, sort_keys=False), encoding="utf-8")
    return parsed


def _to_images(batch: torch.Tensor) -> np.ndarray:
    """N x 3 x H x W in [0, 1] -> N x H x W x 3 uint8."""
    images = batch.detach().float().clamp(0, 1).mul(255).round().to(torch.uint8).permute(0, 2, 3, 1)
    return np.ascontiguousarray(images.cpu().numpy())


class Trainer:
    """The models, optimisers, schedulers and step counter of one run; ``step_once`` does one optimiser step."""

    def __init__(self, config: TrainingConfig, device: torch.device):
        train = config.train
        self.config = config
        self.device = device
        torch.manual_seed(train.seed)
        self.models = TrainingModels(config).to(device)
        betas = (0.5, 0.999)
        self.optimizers: dict[str, torch.optim.Optimizer] = {
            "generator": torch.optim.Adam(self.models.generator.parameters(), lr=train.lr_generator, betas=betas),
            "kp_detector": torch.optim.Adam(self.models.kp_detector.parameters(), lr=train.lr_kp_detector,
                                            betas=betas),
        }
        discriminator_params = self.models.discriminator_parameters()
        if discriminator_params:
            self.optimizers["discriminator"] = torch.optim.Adam(discriminator_params, lr=train.lr_discriminator,
                                                                betas=betas)
        self.schedulers = {name: torch.optim.lr_scheduler.MultiStepLR(opt, list(train.step_milestones), gamma=0.1)
                           for name, opt in self.optimizers.items()}
        self.amp = device.type == "cuda"
        self.scaler = torch.amp.GradScaler(device.type, enabled=self.amp)
        self.step = 0
        self.history: dict[str, list[float]] = {"step": []}

    def state(self) -> dict[str, Any]:
        """The checkpoint dict: released layout (generator, kp_detector) plus everything needed to resume."""
        data: dict[str, Any] = {"generator": self.models.generator.state_dict(),
                                "kp_detector": self.models.kp_detector.state_dict()}
        if self.models.discriminator is not None:
            data["discriminator"] = self.models.discriminator.state_dict()
        if self.models.temporal is not None:
            data["temporal_discriminator"] = self.models.temporal.state_dict()
        for name, optimizer in self.optimizers.items():
            data[f"optimizer_{name}"] = optimizer.state_dict()
            data[f"scheduler_{name}"] = scheduler_state(self.schedulers[name])
        data.update(scaler=self.scaler.state_dict(), step=self.step, epoch=self.step, history=self.history)
        return data

    def load_state(self, data: dict[str, Any], where: Path) -> None:
        """Restore a checkpoint written by ``state`` (same config); UserError if it does not fit."""
        parts = {"generator": self.models.generator, "kp_detector": self.models.kp_detector,
                 "discriminator": self.models.discriminator, "temporal_discriminator": self.models.temporal}
        try:
            for key, module in parts.items():
                if module is not None:
                    module.load_state_dict(data[key])
            for name, optimizer in self.optimizers.items():
                optimizer.load_state_dict(data[f"optimizer_{name}"])
                load_scheduler_state(self.schedulers[name], data[f"scheduler_{name}"])
            if data.get("scaler"):
                self.scaler.load_state_dict(data["scaler"])
        except (KeyError, RuntimeError, ValueError) as error:
            reason = str(error).splitlines()[0][:120]
            raise UserError(f"{where} does not match the run's config.yaml ({reason}); "
                            "restore the config it was trained with") from None
        self.step = int(data["step"])
        self.history = {key: list(values) for key, values in dict(data.get("history") or {"step": []}).items()}

    def step_once(self, batch: dict[str, torch.Tensor]) -> tuple[dict[str, float], StepOutput]:
        """One optimiser step of the generator and keypoint detector (and discriminators); the losses as floats."""
        batch = {key: value.to(self.device, non_blocking=True) for key, value in batch.items()}
        torch.manual_seed(self.config.train.seed * 1_000_003 + self.step)
        clip = self.config.train.grad_clip
        autocast = torch.autocast("cuda", dtype=torch.float16) if self.amp else nullcontext()
        with autocast:
            output = self.models.generator_step(batch)
            loss = torch.stack([value.float() for value in output.losses.values()]).sum()
        generator_side = (self.optimizers["generator"], self.optimizers["kp_detector"])
        for optimizer in generator_side:
            optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        for optimizer in generator_side:
            self.scaler.unscale_(optimizer)
        if clip > 0:
            params = list(self.models.generator.parameters()) + list(self.models.kp_detector.parameters())
            torch.nn.utils.clip_grad_norm_(params, clip)
        for optimizer in generator_side:
            self.scaler.step(optimizer)
        values = {name: float(value.detach()) for name, value in output.losses.items()}
        if "discriminator" in self.optimizers:
            values.update(self._discriminator_step(output, autocast, clip))
        self.scaler.update()
        for scheduler in self.schedulers.values():
            scheduler.step()
        self.step += 1
        return values, output

    def _discriminator_step(self, output: StepOutput, autocast: Any, clip: float) -> dict[str, float]:
        """One optimiser step of the discriminators on the batch the generator just produced."""
        optimizer = self.optimizers["discriminator"]
        optimizer.zero_grad(set_to_none=True)
        with autocast:
            losses = self.models.discriminator_step(output)
            loss = torch.stack([value.float() for value in losses.values()]).sum()
        self.scaler.scale(loss).backward()
        self.scaler.unscale_(optimizer)
        if clip > 0:
            torch.nn.utils.clip_grad_norm_(self.models.discriminator_parameters(), clip)
        self.scaler.step(optimizer)
        return {name: float(value.detach()) for name, value in losses.items()}

    def validate(self, held_out: PairDataset | None) -> float | None:
        """Mean L1 of the predictions on the held-out pairs with the networks in eval mode (as they render),
        recorded in the history; None without held-out clips. Draws no random numbers."""
        if held_out is None:
            return None
        self.models.eval()
        errors = []
        size = self.config.train.batch_size
        try:
            with torch.no_grad():
                for start in range(0, len(held_out), size):
                    items = [held_out[i] for i in range(start, min(len(held_out), start + size))]
                    source = torch.stack([item["source"] for item in items]).to(self.device)
                    driving = torch.stack([item["driving"][0] for item in items]).to(self.device)
                    generated = self.models.generator(source, kp_driving=self.models.detect(driving),
                                                      kp_source=self.models.detect(source))
                    errors.append((generated["prediction"].float() - driving).abs().mean(dim=(1, 2, 3)))
        finally:
            self.models.train()
            if self.models.vgg is not None:
                self.models.vgg.eval()
        value = float(torch.cat(errors).mean())
        self.history.setdefault("held_out_step", []).append(float(self.step))
        self.history.setdefault("held_out_l1", []).append(value)
        return value

    def record(self, means: dict[str, float]) -> None:
        """Append one logged point (the mean losses since the previous one) to the history."""
        self.history["step"].append(float(self.step))
        for name, value in means.items():
            self.history.setdefault(name, []).append(value)


def _file_handler(path: Path) -> logging.Handler:
    """A handler appending to the run's train.log."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    handler.setLevel(logging.INFO)
    return handler


def save_samples(run_dir: Path, step: int, output: StepOutput) -> Path:
    """Write samples/step_<step>.png: source | driving | prediction | keypoints for the first few samples."""
    rows = min(SAMPLE_ROWS, output.source.shape[0])
    grid = sample_grid(_to_images(output.source[:rows]), _to_images(output.driving[:rows, 0]),
                       _to_images(output.prediction[:rows, 0]), output.kp_source[:rows].detach().float().cpu().numpy(),
                       output.kp_driving[:rows].detach().float().cpu().numpy())
    path = run_dir / SAMPLES_DIR / f"step_{step:07d}.png"
    save_sample_grid(path, grid)
    return path


def save_loss_plot(run_dir: Path, history: dict[str, list[float]]) -> None:
    """Write loss.png from the logged history: the weighted training losses and the held-out L1."""
    steps = history.get("step", [])
    if steps:
        curves = {name: (steps, values) for name, values in history.items()
                  if not name.startswith(("step", "held_out"))}
        if history.get("held_out_l1"):
            curves["held-out L1 (unweighted)"] = (history["held_out_step"], history["held_out_l1"])
        save_curves(run_dir / LOSS_PLOT_NAME, curves, "training losses (weighted)")


def _validate(trainer: Trainer, validation: PairDataset | None) -> None:
    """Measure and log the held-out L1."""
    value = trainer.validate(validation)
    if value is not None:
        _log.info("step %d held-out L1 %.4f (%d pairs)", trainer.step, value, len(validation))


def _finish(trainer: Trainer, run_dir: Path, output: StepOutput | None) -> Path:
    """Checkpoint, loss plot and (when there is a batch) a sample grid, at the current step."""
    path = run_dir / CHECKPOINT_NAME
    save_checkpoint(path, trainer.state())
    save_loss_plot(run_dir, trainer.history)
    if output is not None:
        save_samples(run_dir, trainer.step, output)
    return path


def train(data_dir: str | Path, run_dir: str | Path, config: str | Path | None = None, size: int | None = None,
          steps: int | None = None, resume: bool = False, device: str = "auto", num_workers: int | None = None,
          progress: Callable[[int, int], None] | None = None, report: LossReport | None = None,
          cancel: threading.Event | None = None) -> TrainResult:
    """Train (or with ``resume`` continue) a FOMM model on the clips of ``data_dir``; results go to ``run_dir``."""
    run_dir = Path(run_dir)
    settings = prepare_run(run_dir, config, size, steps, resume)
    handler = _file_handler(run_dir / LOG_NAME)
    _log.addHandler(handler)
    previous_level = _log.level
    _log.setLevel(logging.INFO)
    try:
        return _train(Path(data_dir), run_dir, settings, resume, device, num_workers, progress, report, cancel)
    except (UserError, CancelledError) as error:
        _log.info("stopped: %s", str(error) or "cancelled")
        raise
    finally:
        _log.removeHandler(handler)
        _log.setLevel(previous_level)
        handler.close()


def _stop_if_cancelled(trainer: Trainer, run_dir: Path, output: StepOutput | None,
                       cancel: threading.Event | None) -> None:
    """Between steps (never while fetching the next batch): on cancel save the checkpoint and stop."""
    if cancel is not None and cancel.is_set():
        _finish(trainer, run_dir, output)
        _log.info("cancelled at step %d; the checkpoint is saved, continue with --resume", trainer.step)
        raise CancelledError()


def _train(data_dir: Path, run_dir: Path, settings: TrainingConfig, resume: bool, device: str,
           num_workers: int | None, progress: Callable[[int, int], None] | None, report: LossReport | None,
           cancel: threading.Event | None) -> TrainResult:
    """The body of ``train`` once the run folder and its log are set up."""
    _log.info("%s run in %s on %s", "resuming" if resume else "starting", run_dir, data_dir)
    training, held = _load_split(data_dir, settings, cancel)
    torch_device = resolve_device(device)
    checkpoint = run_dir / CHECKPOINT_NAME
    trainer = _make_trainer(settings, torch_device, checkpoint, resume)
    total = settings.train.num_steps
    held_names = tuple(c.name for c in held)
    if trainer.step >= total:
        _log.info("already at step %d of %d: nothing to do (raise --steps to train longer)", trainer.step, total)
        return TrainResult(run_dir, trainer.step, checkpoint, {}, held_names)
    loader = _make_loader(settings, training, trainer.step, num_workers, torch_device)
    validation = None
    if held:
        validation = PairDataset(held, VALIDATION_PAIRS, settings.train.seed + 1, 1, None, with_flow=False)
    run = _Run(run_dir, trainer, checkpoint, validation, settings.train)
    means, output = _loop(run, loader, progress, report, cancel)
    _validate(trainer, validation)
    _finish(trainer, run_dir, output)
    _log.info("finished at step %d; checkpoint %s", trainer.step, checkpoint)
    return TrainResult(run_dir, trainer.step, checkpoint, means, held_names)


def _load_split(data_dir: Path, settings: TrainingConfig,
                cancel: threading.Event | None) -> tuple[list[Clip], list[Clip]]:
    """The clips of ``data_dir``, split into training and held-out clips (and logged)."""
    clips = load_clips(data_dir, settings.size, settings.dataset.max_frames, cancel=cancel)
    training, held = split_clips(clips, settings.dataset.held_out)
    _log.info("%d training clips (%d frames), %d held out: %s", len(training),
              sum(len(c.frames) for c in training), len(held), ", ".join(c.name for c in held) or "none")
    return training, held


def _make_trainer(settings: TrainingConfig, device: torch.device, checkpoint: Path, resume: bool) -> Trainer:
    """A fresh trainer, or with ``resume`` one restored from the run's checkpoint."""
    trainer = Trainer(settings, device)
    if resume:
        trainer.load_state(read_training_checkpoint(checkpoint), checkpoint)
        _log.info("resumed at step %d", trainer.step)
    return trainer


def _make_loader(settings: TrainingConfig, training: list[Clip], first_step: int, num_workers: int | None,
                 device: torch.device) -> DataLoader:
    """Batches of training pairs from ``first_step`` to the last step (same pairs as an uninterrupted run)."""
    params = settings.train
    total, batch_size = params.num_steps, params.batch_size
    dataset = PairDataset(training, total * batch_size, params.seed, settings.clip_length(),
                          settings.dataset.augmentation, with_flow=params.loss_weights.motion > 0)
    workers = params.num_workers if num_workers is None else num_workers
    return DataLoader(dataset, batch_size=batch_size, sampler=range(first_step * batch_size, total * batch_size),
                      num_workers=workers, pin_memory=device.type == "cuda")


@dataclass(frozen=True)
class _Run:
    """What the step loop needs, built once before the first step."""

    run_dir: Path
    trainer: Trainer
    checkpoint: Path
    validation: PairDataset | None
    params: TrainParams


class _LossMeans:
    """Running sums of the step losses between two log lines."""

    def __init__(self) -> None:
        self._sums: dict[str, float] = {}
        self._count = 0

    def add(self, values: dict[str, float]) -> None:
        """Add one step's losses."""
        for name, value in values.items():
            self._sums[name] = self._sums.get(name, 0.0) + value
        self._count += 1

    def take(self) -> dict[str, float]:
        """The means since the last call, and start over."""
        means = {name: value / self._count for name, value in self._sums.items()}
        self._sums, self._count = {}, 0
        return means


def _loop(run: _Run, loader: DataLoader, progress: Callable[[int, int], None] | None, report: LossReport | None,
          cancel: threading.Event | None) -> tuple[dict[str, float], StepOutput | None]:
    """Step through ``loader``: log, sample, checkpoint and check ``cancel`` as the settings say."""
    trainer, total = run.trainer, run.params.num_steps
    losses = _LossMeans()
    means: dict[str, float] = {}
    output: StepOutput | None = None
    _stop_if_cancelled(trainer, run.run_dir, None, cancel)
    for batch in loader:
        values, output = trainer.step_once(batch)
        losses.add(values)
        step = trainer.step
        last = step == total
        if step % run.params.log_freq == 0 or last:
            means = losses.take()
            _record(trainer, means, total, report)
        if not last:
            _save_periodic(run, step, output)
        if progress is not None:
            progress(step, total)
        if not last:
            _stop_if_cancelled(trainer, run.run_dir, output, cancel)
    return means, output


def _record(trainer: Trainer, means: dict[str, float], total: int, report: LossReport | None) -> None:
    """Keep the means in the history, log them and pass them to ``report``."""
    trainer.record(means)
    _log.info("step %d/%d %s", trainer.step, total, " ".join(f"{k} {v:.4f}" for k, v in means.items()))
    if report is not None:
        report(trainer.step, total, means)


def _save_periodic(run: _Run, step: int, output: StepOutput) -> None:
    """Samples every ``sample_freq`` steps; held-out L1, checkpoint and loss plot every ``checkpoint_freq``."""
    if step % run.params.sample_freq == 0:
        save_samples(run.run_dir, step, output)
    if step % run.params.checkpoint_freq == 0:
        _validate(run.trainer, run.validation)
        save_checkpoint(run.checkpoint, run.trainer.state())
        save_loss_plot(run.run_dir, run.trainer.history)
