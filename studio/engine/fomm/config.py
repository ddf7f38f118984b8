"""The released FOMM YAML configs as typed dataclasses; every default lives here, once.

Only ``model_params`` (common, kp_detector and generator params) and ``dataset_params.frame_shape``
matter for inference; training sections are ignored.
"""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from studio.core.errors import UserError


@dataclass(frozen=True)
class CommonParams:
    """model_params.common_params: shared by the detector and the generator."""

    num_kp: int
    num_channels: int
    estimate_jacobian: bool = False


@dataclass(frozen=True)
class KPDetectorParams:
    """model_params.kp_detector_params."""

    block_expansion: int
    max_features: int
    num_blocks: int
    temperature: float
    scale_factor: float = 1.0
    single_jacobian_map: bool = False
    pad: int = 0


@dataclass(frozen=True)
class DenseMotionParams:
    """model_params.generator_params.dense_motion_params."""

    block_expansion: int
    max_features: int
    num_blocks: int
    scale_factor: float = 1.0
    kp_variance: float = 0.01


@dataclass(frozen=True)
class GeneratorParams:
    """model_params.generator_params."""

    block_expansion: int
    max_features: int
    num_down_blocks: int
    num_bottleneck_blocks: int
    estimate_occlusion_map: bool = False
    dense_motion_params: DenseMotionParams | None = None


@dataclass(frozen=True)
class FommConfig:
    """A parsed config: the model hyper-parameters and the frame size the model was trained at."""

    common: CommonParams
    kp_detector: KPDetectorParams
    generator: GeneratorParams
    frame_size: tuple[int, int] = (256, 256)
    source: str = field(default="", compare=False)

    def kp_detector_kwargs(self) -> dict[str, Any]:
        """Constructor arguments of KPDetector, named as the YAML keys."""
        return {**asdict(self.kp_detector), **asdict(self.common)}

    def generator_kwargs(self) -> dict[str, Any]:
        """Constructor arguments of OcclusionAwareGenerator, named as the YAML keys."""
        return {**asdict(self.generator), **asdict(self.common)}


# Field annotation (a string under postponed evaluation) -> (converter, accepted YAML value types).
_KINDS: dict[str, tuple[type, tuple[type, ...]]] = {"int": (int, (int,)), "float": (float, (int, float)),
                                                    "bool": (bool, (bool,))}


def _section(cls: type, data: Any, where: str, name: str) -> Any:
    """Build dataclass ``cls`` from a YAML mapping, checking keys and value types."""
    if not isinstance(data, dict):
        raise UserError(f"{where}: '{name}' must be a mapping; fix the config file")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise UserError(f"{where}: unknown key '{name}.{unknown[0]}'; remove it or use a matching config")
    values: dict[str, Any] = {}
    for f in known.values():
        if f.name not in data:
            if f.default is MISSING:
                raise UserError(f"{where}: missing key '{name}.{f.name}'; use the config the checkpoint came with")
            continue
        value = data[f.name]
        if f.name == "dense_motion_params":
            values[f.name] = None if value is None else _section(DenseMotionParams, value, where,
                                                                 f"{name}.{f.name}")
            continue
        kind, accepted = _KINDS[str(f.type)]
        if isinstance(value, bool) != (kind is bool) or not isinstance(value, accepted):
            raise UserError(f"{where}: '{name}.{f.name}' must be {kind.__name__}, not {value!r}")
        values[f.name] = kind(value)
    return cls(**values)


def _frame_size(data: Any, where: str) -> tuple[int, int]:
    """dataset_params.frame_shape (vox) or image_shape (taichi, mgif) [H, W, C] -> (H, W); 256 x 256 when absent."""
    data = data if isinstance(data, dict) else {}
    key = "frame_shape" if "frame_shape" in data else "image_shape"
    shape = data.get(key)
    if shape is None:
        return (256, 256)
    if (not isinstance(shape, list) or len(shape) < 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in shape[:2])):
        raise UserError(f"{where}: 'dataset_params.{key}' must be [height, width, channels]")
    return (shape[0], shape[1])


def parse_config(data: Any, where: str = "config") -> FommConfig:
    """A loaded YAML document -> FommConfig, or a UserError naming the bad key."""
    if not isinstance(data, dict) or "model_params" not in data:
        raise UserError(f"{where}: no 'model_params' section; give a first-order-model YAML config")
    model = data["model_params"]
    if not isinstance(model, dict):
        raise UserError(f"{where}: 'model_params' must be a mapping; fix the config file")
    sections = {}
    for key in ("common_params", "kp_detector_params", "generator_params"):
        if key not in model:
            raise UserError(f"{where}: missing key 'model_params.{key}'; give a first-order-model YAML config")
    sections["common"] = _section(CommonParams, model["common_params"], where, "common_params")
    sections["kp_detector"] = _section(KPDetectorParams, model["kp_detector_params"], where, "kp_detector_params")
    sections["generator"] = _section(GeneratorParams, model["generator_params"], where, "generator_params")
    return FommConfig(**sections, frame_size=_frame_size(data.get("dataset_params"), where), source=where)


def load_config(path: str | Path) -> FommConfig:
    """Read a YAML config file with yaml.safe_load; UserError if it is missing or malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read config {path}: {error.__class__.__name__}; give a YAML text file") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise UserError(f"config {path} is not valid YAML{line}; fix or replace the file") from None
    return parse_config(data, where=str(path))
