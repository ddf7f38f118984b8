"""The evaluation job: reconstruct each held-out video from its first frame and measure the result.

Works for every generator (warp, tps, fomm, plugins); see ``studio.evaluation.motion`` for where the
driving keypoints come from. Writes ``report.json`` and PNG plots into the output folder.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from studio.core.atomic import atomic_path
from studio.core.errors import CancelledError, UserError
from studio.landmarks import face_mesh
from studio.training.data import Clip, load_clips, split_clips
from studio.training.settings import DatasetParams, load_document

from . import metrics
from .motion import detected_motion, fomm_motion, tracked_motion

REPORT_NAME = "report.json"
DEFAULT_SIZE = 256


@dataclass
class VideoReport:
    """The metrics of one reconstructed video; per-frame lists in frame order, NaN-free summaries or None."""

    name: str
    frames: int
    l1: float
    psnr: float
    ssim: float
    akd: float | None
    temporal: float | None
    temporal_reference: float | None
    per_frame: dict[str, list[float]] = field(default_factory=dict)
    mse: float = 0.0


def _mean(values: list[float]) -> float | None:
    """The mean of the finite values, or None."""
    finite = [v for v in values if math.isfinite(v)]
    return float(np.mean(finite)) if finite else None


def _face_landmarks(image: np.ndarray) -> np.ndarray | None:
    """mediapipe face-mesh landmarks of an image, or None when no face is found."""
    return face_mesh.detect_face_landmarks(image)


def measure_video(name: str, truth: list[np.ndarray], generated: list[np.ndarray], akd: bool = True) -> VideoReport:
    """Compare a reconstruction with its ground truth frame by frame; AKD only when the first frame has a face."""
    l1 = [metrics.l1(a, b) for a, b in zip(truth, generated, strict=True)]
    mse = [metrics.mse(a, b) for a, b in zip(truth, generated, strict=True)]
    ssim = [metrics.ssim(a, b) for a, b in zip(truth, generated, strict=True)]
    per_frame: dict[str, list[float]] = {"l1": l1, "psnr": [metrics.psnr_from_mse(m) for m in mse], "ssim": ssim}
    distance = None
    if akd and _face_landmarks(truth[0]) is not None:
        distances = []
        for a, b in zip(truth, generated, strict=True):
            reference, other = _face_landmarks(a), _face_landmarks(b)
            distances.append(float("nan") if reference is None or other is None else metrics.akd(reference, other))
        per_frame["akd"] = distances
        distance = _mean(distances)
    temporal = _mean(metrics.warping_errors(generated, truth))
    reference = _mean(metrics.warping_errors(truth, truth))
    mean_mse = float(np.mean(mse))
    return VideoReport(name, len(truth), float(np.mean(l1)), metrics.psnr_from_mse(mean_mse), float(np.mean(ssim)),
                       distance, temporal, reference, per_frame, mean_mse)


def keypoint_source(generator: Any, detector: tuple[str, str] | None) -> str:
    """Where driving keypoints come from: "generator", "fomm-detector" or "tracked-grid"."""
    if generator.capabilities.detects_keypoints:
        return "generator"
    return "fomm-detector" if detector is not None else "tracked-grid"


def reconstruct(generator: Any, frames: list[np.ndarray], cancel: threading.Event | None = None,
                detector: tuple[str, str] | None = None, device: str = "auto") -> list[np.ndarray]:
    """Every frame of a clip rendered from its first frame with the clip's own motion.

    ``detector`` (config, checkpoint) of a FOMM model supplies keypoints to a generator that finds none.
    """
    source = keypoint_source(generator, detector)
    if source == "generator":
        motions = detected_motion(generator, frames)
    elif detector is not None:
        motions = fomm_motion(detector[0], detector[1], device, frames)
    else:
        motions = tracked_motion(frames, generator.capabilities.keypoint_count or 25)
    state = generator.prepare(frames[0])
    out = []
    for motion in motions:
        if cancel is not None and cancel.is_set():
            raise CancelledError()
        out.append(np.ascontiguousarray(generator.render(state, motions[0], motion)[:, :, :3]))
    return out


def create_generator(model: str, device: str, config: str | None, checkpoint: str | None) -> Any:
    """The named generator from the plugin registry; only fomm takes the config and checkpoint."""
    from studio.plugins.discovery import default_registry

    options = {"config": config, "checkpoint": checkpoint} if model == "fomm" else {}
    return default_registry().create_generator(model, device, **options)


def _frame_size(generator: Any, size: int | None, config: str | None) -> int:
    """The square side videos are evaluated at: --size, else the generator's native size, else the frame size
    of the FOMM config driving it, else 256."""
    if size is not None:
        if size < 16:
            raise UserError(f"--size {size}: give at least 16 pixels")
        return size
    native = generator.capabilities.native_size
    if native:
        return int(min(native))
    if config:
        from studio.engine.fomm.config import load_config

        return int(min(load_config(config).frame_size))
    return DEFAULT_SIZE


def _held_out_share(config: str | None) -> float:
    """dataset_params.held_out of a training config, else the training default."""
    if config:
        dataset = load_document(config).get("dataset_params") or {}
        share = dataset.get("held_out") if isinstance(dataset, dict) else None
        if isinstance(share, int | float) and not isinstance(share, bool) and 0 <= share < 1:
            return float(share)
    return DatasetParams().held_out


def _plain(value: Any) -> Any:
    """JSON-safe copy: infinite and NaN floats become the strings "inf", "-inf" and "nan"."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def summarise(videos: list[VideoReport]) -> dict[str, Any]:
    """Overall metrics: frame-weighted L1, SSIM and MSE-based PSNR; mean AKD and temporal error over videos."""
    frames = sum(v.frames for v in videos)
    mse = sum(v.mse * v.frames for v in videos) / frames
    return {
        "videos": len(videos), "frames": frames,
        "l1": sum(v.l1 * v.frames for v in videos) / frames,
        "psnr": metrics.psnr_from_mse(mse),
        "ssim": sum(v.ssim * v.frames for v in videos) / frames,
        "akd": _mean([v.akd for v in videos if v.akd is not None]),
        "temporal": _mean([v.temporal for v in videos if v.temporal is not None]),
        "temporal_reference": _mean([v.temporal_reference for v in videos if v.temporal_reference is not None]),
    }


def write_plots(output: Path, videos: list[VideoReport]) -> list[Path]:
    """per_frame.png (L1, PSNR, SSIM over frames per video) and summary.png (each metric per video)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    names = ("l1", "psnr", "ssim")
    figure = Figure(figsize=(10, 3.2), dpi=100)
    FigureCanvasAgg(figure)
    for index, name in enumerate(names):
        axes = figure.add_subplot(1, 3, index + 1)
        for video in videos:
            values = [v if math.isfinite(v) else np.nan for v in video.per_frame[name]]
            axes.plot(range(len(values)), values, label=video.name, linewidth=1)
        axes.set_title(name.upper())
        axes.set_xlabel("frame")
        axes.grid(alpha=0.3)
    figure.axes[0].legend(fontsize=7)
    figure.tight_layout()
    paths = [output / "per_frame.png", output / "summary.png"]
    figure.savefig(paths[0])
    summary = Figure(figsize=(10, 3.2), dpi=100)
    FigureCanvasAgg(summary)
    for index, name in enumerate(("l1", "psnr", "ssim", "akd", "temporal")):
        axes = summary.add_subplot(1, 5, index + 1)
        values = [getattr(v, name) for v in videos]
        heights = [v if v is not None and math.isfinite(v) else 0.0 for v in values]
        axes.bar(range(len(videos)), heights)
        axes.set_xticks(range(len(videos)), [v.name for v in videos], rotation=60, fontsize=6)
        axes.set_title(name.upper(), fontsize=9)
    summary.tight_layout()
    summary.savefig(paths[1])
    return paths


def evaluate(model: str, data_dir: str | Path, output: str | Path, config: str | None = None,
             checkpoint: str | None = None, device: str = "auto", size: int | None = None,
             max_frames: int = 100, all_clips: bool = False, akd: bool = True,
             progress: Callable[[int, int], None] | None = None,
             cancel: threading.Event | None = None) -> dict[str, Any]:
    """Evaluate ``model`` on the held-out clips of ``data_dir`` (all clips with ``all_clips``, or when none is
    held out); write report.json and plots into ``output`` and return the report."""
    if max_frames < 2:
        raise UserError(f"--max-frames {max_frames}: give 2 or more frames")
    output = Path(output)
    if output.exists() and not output.is_dir():
        raise UserError(f"{output} is a file: give a folder for the report with -o")
    if model != "fomm" and bool(config) != bool(checkpoint):
        raise UserError("give both --config and --checkpoint to drive this generator with a FOMM keypoint detector")
    generator = create_generator(model, device, config, checkpoint)
    detector = (config, checkpoint) if model != "fomm" and config and checkpoint else None
    side = _frame_size(generator, size, config if detector is not None else None)
    clips = load_clips(data_dir, side, max_frames, cancel=cancel)
    held: list[Clip] = [] if all_clips else split_clips(clips, _held_out_share(config))[1]
    chosen, split = (held, "held-out") if held else (clips, "all")
    videos = []
    for done, clip in enumerate(chosen):
        if progress is not None:
            progress(done, len(chosen))
        truth = list(clip.frames)
        videos.append(measure_video(clip.name, truth, reconstruct(generator, truth, cancel, detector, device), akd))
    if progress is not None:
        progress(len(chosen), len(chosen))
    report = {"model": model, "config": config, "checkpoint": checkpoint, "data": str(data_dir), "size": side,
              "split": split, "keypoints": keypoint_source(generator, detector), "overall": summarise(videos),
              "videos": [asdict(v) for v in videos]}
    for video in report["videos"]:
        video.pop("mse")
    output.mkdir(parents=True, exist_ok=True)
    with atomic_path(output / REPORT_NAME) as temp:
        temp.write_text(json.dumps(_plain(report), indent=2), encoding="utf-8")
    write_plots(output, videos)
    return report
