"""The training sections of a first-order-model YAML config as typed dataclasses; every default lives here.

The model is described by ``model_params`` exactly as in the released configs (parsed by
``studio.engine.fomm.config``). Training reads ``train_params``, ``dataset_params`` and
``discriminator_params``: the original keys keep their meaning, a few keys are added (``num_steps``,
``step_milestones``, ``grad_clip``, ...). Keys of the original configs that this trainer does not use
(``num_epochs``, ``root_dir``, ...) are accepted and ignored; any other unknown key is an error.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from studio.core.errors import UserError
from studio.engine.fomm.config import FommConfig, parse_config

IGNORED_KEYS = frozenset({
    "num_epochs", "num_repeats", "epoch_milestones", "root_dir", "id_sampling", "pairs_list", "use_kp",
    "kp_variance", "num_kp", "num_channels", "estimate_jacobian", "crop_param", "resize_param",
    "rotation_param", "perspective_param",
})


@dataclass(frozen=True)
class TransformParams:
    """train_params.transform_params: the random warps of the equivariance loss (affine + thin-plate spline)."""

    sigma_affine: float = 0.05
    sigma_tps: float = 0.005
    points_tps: int = 5


@dataclass(frozen=True)
class LossWeights:
    """train_params.loss_weights: 0 (or all zeros) switches a loss off.

    reconstruction: L1 per pyramid scale; perceptual: per VGG19 layer (only with vgg19_weights);
    motion: optical-flow consistency of consecutive generated motions; temporal_gan: the 3D discriminator.
    """

    reconstruction: tuple[float, ...] = (10.0, 10.0, 10.0, 10.0)
    perceptual: tuple[float, ...] = (10.0, 10.0, 10.0, 10.0, 10.0)
    generator_gan: float = 0.0
    discriminator_gan: float = 1.0
    feature_matching: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0)
    equivariance_value: float = 10.0
    equivariance_jacobian: float = 10.0
    motion: float = 0.0
    temporal_gan: float = 0.0


@dataclass(frozen=True)
class TrainParams:
    """train_params: the optimisation schedule. Frequencies count optimiser steps."""

    num_steps: int = 2000
    step_milestones: tuple[int, ...] = ()
    lr_generator: float = 2.0e-4
    lr_discriminator: float = 2.0e-4
    lr_kp_detector: float = 2.0e-4
    batch_size: int = 8
    scales: tuple[float, ...] = (1.0, 0.5, 0.25, 0.125)
    checkpoint_freq: int = 100
    sample_freq: int = 100
    log_freq: int = 10
    grad_clip: float = 10.0
    num_workers: int = 2
    seed: int = 0
    clip_length: int = 2
    vgg19_weights: str = ""
    transform_params: TransformParams = field(default_factory=TransformParams)
    loss_weights: LossWeights = field(default_factory=LossWeights)


@dataclass(frozen=True)
class AugmentationParams:
    """dataset_params.augmentation_params, flattened: flips and colour jitter strengths."""

    horizontal_flip: bool = True
    time_flip: bool = True
    brightness: float = 0.1
    contrast: float = 0.1
    saturation: float = 0.1
    hue: float = 0.1


@dataclass(frozen=True)
class DatasetParams:
    """dataset_params: frame size, held-out share, frames kept per video, augmentation."""

    frame_shape: tuple[int, ...] = (256, 256, 3)
    held_out: float = 0.1
    max_frames: int = 300
    augmentation: AugmentationParams = field(default_factory=AugmentationParams)


@dataclass(frozen=True)
class DiscriminatorParams:
    """discriminator_params: the multi-scale patch discriminator (and the optional spatio-temporal one)."""

    scales: tuple[float, ...] = (1.0,)
    block_expansion: int = 32
    max_features: int = 512
    num_blocks: int = 4
    sn: bool = True
    temporal: bool = False


@dataclass(frozen=True)
class TrainingConfig:
    """A whole training config: the model, its YAML document and the training sections."""

    model: FommConfig
    train: TrainParams
    dataset: DatasetParams
    discriminator: DiscriminatorParams
    document: dict[str, Any]

    @property
    def size(self) -> int:
        """The square frame side the model trains at."""
        return int(self.dataset.frame_shape[0])

    def adversarial(self) -> bool:
        """Whether the patch discriminator is trained (the generator GAN or feature-matching loss is on)."""
        weights = self.train.loss_weights
        return weights.generator_gan > 0 or any(w > 0 for w in weights.feature_matching)

    def temporal(self) -> bool:
        """Whether the spatio-temporal discriminator is trained."""
        return self.discriminator.temporal and self.train.loss_weights.temporal_gan > 0

    def clip_length(self) -> int:
        """Consecutive driving frames per sample: 1 unless the motion or temporal loss needs more."""
        if self.train.loss_weights.motion > 0 or self.temporal():
            return max(2, self.train.clip_length)
        return 1


def _convert(value: Any, kind: Any, where: str, name: str) -> Any:
    """One YAML value checked against a field type (int, float, bool, str, tuple[...], nested dataclass)."""
    if isinstance(kind, type) and hasattr(kind, "__dataclass_fields__"):
        return _section(kind, value, where, name)
    origin = typing.get_origin(kind)
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise UserError(f"{where}: '{name}' must be a list, not {value!r}")
        item = typing.get_args(kind)[0]
        return tuple(_convert(v, item, where, name) for v in value)
    accepts, expected = _SCALARS.get(kind, _SCALARS[str])
    if not accepts(value):
        raise UserError(f"{where}: '{name}' must be {expected}, not {value!r}")
    return float(value) if kind is float else value


# Scalar field types: which YAML values each accepts, and how the error names it (any other type reads as text).
_SCALARS: dict[Any, tuple[Callable[[Any], bool], str]] = {
    bool: (lambda v: isinstance(v, bool), "true or false"),
    int: (lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"),
    float: (lambda v: isinstance(v, int | float) and not isinstance(v, bool), "a number"),
    str: (lambda v: isinstance(v, str), "text"),
}


def _section(cls: type, data: Any, where: str, name: str) -> Any:
    """Build dataclass ``cls`` from a YAML mapping; unknown keys (but the original ignored ones) are errors."""
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise UserError(f"{where}: '{name}' must be a mapping; fix the config file")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in known:
            values[key] = _convert(value, hints[key], where, f"{name}.{key}")
        elif key not in IGNORED_KEYS:
            raise UserError(f"{where}: unknown key '{name}.{key}'; remove it (see docs/training.md)")
    return cls(**values)


def _augmentation(data: Any, where: str) -> AugmentationParams:
    """The original nested flip_param / jitter_param layout -> AugmentationParams."""
    if data is None:
        return AugmentationParams()
    if not isinstance(data, dict):
        raise UserError(f"{where}: 'dataset_params.augmentation_params' must be a mapping")
    flat: dict[str, Any] = {}
    for group in ("flip_param", "jitter_param"):
        part = data.get(group) or {}
        if not isinstance(part, dict):
            raise UserError(f"{where}: 'dataset_params.augmentation_params.{group}' must be a mapping")
        flat.update(part)
    unknown = sorted(set(data) - {"flip_param", "jitter_param"} - IGNORED_KEYS)
    if unknown:
        raise UserError(f"{where}: unknown key 'dataset_params.augmentation_params.{unknown[0]}'")
    return _section(AugmentationParams, flat, where, "dataset_params.augmentation_params")


def _milestones(train: TrainParams, raw: dict[str, Any]) -> TrainParams:
    """Default learning-rate milestones: the original epoch milestones scaled to steps, else 60% and 90%."""
    if train.step_milestones:
        return train
    epochs, milestones = raw.get("num_epochs"), raw.get("epoch_milestones")
    if isinstance(epochs, int) and epochs > 0 and isinstance(milestones, list):
        steps = tuple(round(m / epochs * train.num_steps) for m in milestones if isinstance(m, int | float))
    else:
        steps = (round(0.6 * train.num_steps), round(0.9 * train.num_steps))
    return TrainParams(**{**_shallow(train), "step_milestones": steps})


def _shallow(instance: Any) -> dict[str, Any]:
    """A dataclass's fields as a dict without recursing into nested dataclasses."""
    return {f.name: getattr(instance, f.name) for f in fields(instance)}


def _check(config: TrainingConfig, where: str) -> None:
    """Cross-field rules the trainer relies on."""
    shape = config.dataset.frame_shape
    if len(shape) < 2 or shape[0] != shape[1] or shape[0] < 32 or shape[0] % 16:
        raise UserError(f"{where}: 'dataset_params.frame_shape' must be square with a side that is a multiple "
                        f"of 16 (at least 32), not {list(shape)}")
    train = config.train
    for key in ("num_steps", "batch_size", "checkpoint_freq", "sample_freq", "log_freq"):
        if getattr(train, key) < 1:
            raise UserError(f"{where}: 'train_params.{key}' must be 1 or more")
    if train.num_workers < 0:
        raise UserError(f"{where}: 'train_params.num_workers' must be 0 or more")
    if not 0 <= config.dataset.held_out < 1:
        raise UserError(f"{where}: 'dataset_params.held_out' must be a share in [0, 1)")
    if config.model.common.num_channels != 3:
        raise UserError(f"{where}: only RGB models can be trained: set common_params.num_channels to 3")
    if config.model.generator.dense_motion_params is None:
        raise UserError(f"{where}: generator_params needs dense_motion_params to learn motion")
    if config.dataset.max_frames < 2:
        raise UserError(f"{where}: 'dataset_params.max_frames' must be 2 or more")


def parse_training_config(data: Any, where: str = "config") -> TrainingConfig:
    """A loaded YAML document -> TrainingConfig, or a UserError naming the bad key."""
    model = parse_config(data, where)
    train_raw = data.get("train_params") or {}
    train = _milestones(_section(TrainParams, train_raw, where, "train_params"), train_raw)
    dataset_raw = dict(data.get("dataset_params") or {})
    augmentation = _augmentation(dataset_raw.pop("augmentation_params", None), where)
    dataset = _section(DatasetParams, dataset_raw, where, "dataset_params")
    dataset = DatasetParams(**{**_shallow(dataset), "augmentation": augmentation})
    discriminator = _section(DiscriminatorParams, data.get("discriminator_params"), where, "discriminator_params")
    config = TrainingConfig(model=model, train=train, dataset=dataset, discriminator=discriminator,
                            document=to_document(model_document(data), train, dataset, discriminator))
    _check(config, where)
    return config


def model_document(data: dict[str, Any]) -> dict[str, Any]:
    """The ``model_params`` section of a YAML document, as given."""
    return data["model_params"]


def to_document(model_params: dict[str, Any], train: TrainParams, dataset: DatasetParams,
                discriminator: DiscriminatorParams) -> dict[str, Any]:
    """The full YAML document of a run, in the original layout plus this trainer's keys."""
    augmentation = asdict(dataset.augmentation)
    flips = {key: augmentation.pop(key) for key in ("horizontal_flip", "time_flip")}
    dataset_doc = {"frame_shape": list(dataset.frame_shape), "held_out": dataset.held_out,
                   "max_frames": dataset.max_frames,
                   "augmentation_params": {"flip_param": flips, "jitter_param": augmentation}}
    return {"dataset_params": dataset_doc, "model_params": model_params, "train_params": _plain(asdict(train)),
            "discriminator_params": _plain(asdict(discriminator))}


def _plain(value: Any) -> Any:
    """Tuples -> lists, recursively, so yaml.safe_dump writes plain sequences."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _working_blocks(side: float) -> int:
    """Hourglass depth for a working resolution: as deep as 5, leaving at least 4 pixels at the bottom."""
    blocks = 0
    while blocks < 5 and side % 2 == 0 and side / 2 >= 4:
        side /= 2
        blocks += 1
    return max(blocks, 1)


def default_document(size: int) -> dict[str, Any]:
    """A small default config for square frames of ``size`` pixels (64 px trains on a CPU)."""
    if size < 32 or size % 16:
        raise UserError(f"--size {size}: give a multiple of 16, at least 32 (64 trains on a CPU)")
    scale = 0.25 if size >= 128 else 0.5 if size >= 64 else 1.0
    blocks = _working_blocks(size * scale)
    width, features = (64, 1024) if size >= 256 else (32, 256)
    model = {
        "common_params": {"num_kp": 10, "num_channels": 3, "estimate_jacobian": True},
        "kp_detector_params": {"temperature": 0.1, "block_expansion": width, "max_features": features,
                               "scale_factor": scale, "num_blocks": blocks},
        "generator_params": {"block_expansion": width, "max_features": features // 2, "num_down_blocks": 2,
                             "num_bottleneck_blocks": 6 if size >= 256 else 3, "estimate_occlusion_map": True,
                             "dense_motion_params": {"block_expansion": width, "max_features": features,
                                                     "num_blocks": blocks, "scale_factor": scale}},
    }
    disc_blocks = 4 if size >= 64 else 3
    document = {"dataset_params": {"frame_shape": [size, size, 3]}, "model_params": model,
                "discriminator_params": {"num_blocks": disc_blocks}}
    return parse_training_config(document, f"default config for --size {size}").document


def load_document(path: str | Path) -> dict[str, Any]:
    """Read a YAML config file with yaml.safe_load; UserError if it is missing or not a mapping."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read config {path}: {error.__class__.__name__}; give a YAML text file") from None
    except yaml.YAMLError:
        raise UserError(f"config {path} is not valid YAML; fix or replace the file") from None
    if not isinstance(data, dict):
        raise UserError(f"config {path} is not a first-order-model YAML config (no mapping at the top)")
    return data


def with_overrides(document: dict[str, Any], size: int | None = None, steps: int | None = None) -> dict[str, Any]:
    """A copy of a document with --size and --steps applied."""
    out = {key: (dict(value) if isinstance(value, dict) else value) for key, value in document.items()}
    if size is not None:
        dataset = dict(out.get("dataset_params") or {})
        dataset["frame_shape"] = [size, size, 3]
        out["dataset_params"] = dataset
    if steps is not None:
        if steps < 1:
            raise UserError(f"--steps {steps}: give 1 or more steps")
        train = dict(out.get("train_params") or {})
        train["num_steps"] = steps
        out["train_params"] = train
    return out

