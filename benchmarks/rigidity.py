"""Does a rigid motion of the pins give a rigid picture? One JSON line per (scene, generator).

Run: ``.venv/bin/python benchmarks/rigidity.py [--size 512] [--frames 10] [--threads 2]``.

A textured sprite (an RGBA blob; and the same blob composited on a textured background, with its matte as
the project's region) carries 19 pins. Over ``--frames`` frames the pins move by a known rigid motion (their
jacobians "turned" with it, as a tracker reports them, or "still", as an animator drags pins), ending
rotated 30 degrees about the sprite's centre and shifted 40 px. The last frame is compared with the sprite
moved exactly (cv2.warpAffine, bilinear, premultiplied alpha); the composite also runs without its region, to
show what a region buys. Scores (100 = identical): psnr_inside (colour, inside the moved sprite, 3 px from
its edge), psnr_background (colour, pixels at least 8 px from both the rest and the moved sprite), psnr_alpha
(RGBA scene, whole frame). ms_per_frame is the median render time after the first frame.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studio.engine.contract import Motion
from studio.engine.device import configure_cpu_threads
from studio.engine.mesh.generator import MeshGenerator
from studio.engine.renderer import prepare_source
from studio.engine.warp import WarpGenerator

ANGLE_DEGREES = 30.0
SHIFT = (40.0, 0.0)
PINS = 19


def texture(size: int, rng: np.random.Generator, blur: float) -> np.ndarray:
    """Smooth random colour texture HxWx3 uint8 (blurred noise plus gradients: detail a misplaced pixel shows)."""
    noise = rng.uniform(0, 255, (size, size, 3)).astype(np.float32)
    noise = cv2.GaussianBlur(noise, (0, 0), blur)
    noise = (noise - noise.mean()) * 4.0 + 128.0
    return np.clip(noise, 0, 255).astype(np.uint8)


def sprite_scene(size: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(RGBA sprite HxWx4, background HxWx3, matte HxW): a textured blob with arms, soft 1 px edge."""
    rng = np.random.default_rng(seed)
    matte = np.zeros((size, size), np.uint8)
    c = size // 2
    cv2.ellipse(matte, (c, c), (int(size * 0.17), int(size * 0.24)), 0, 0, 360, 255, -1)
    cv2.ellipse(matte, (c, c - int(size * 0.05)), (int(size * 0.3), int(size * 0.05)), 0, 0, 360, 255, -1)
    matte = cv2.GaussianBlur(matte, (0, 0), 0.8)
    sprite = np.dstack([texture(size, rng, 2.0), matte])
    background = texture(size, rng, 3.0)
    return sprite, background, matte


def pins(size: int, matte: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``PINS`` pin positions [K, 2] inside the sprite (at least 6 px from its edge)."""
    inner = cv2.erode((matte > 127).astype(np.uint8), np.ones((13, 13), np.uint8))
    ys, xs = np.nonzero(inner)
    pick = rng.choice(len(xs), PINS, replace=False)
    return np.column_stack([xs[pick], ys[pick]]).astype(np.float64) + 0.5


def rigid(size: int, t: float) -> np.ndarray:
    """The forward rigid motion at fraction t of the way, as a 2x3 matrix on contract (pixel-corner) coordinates."""
    angle = np.deg2rad(ANGLE_DEGREES * t)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    centre = np.array([size / 2.0, size / 2.0])
    offset = centre + t * np.array(SHIFT) - rotation @ centre
    return np.hstack([rotation, offset[:, None]])


def truth(image: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """``image`` moved exactly by ``matrix`` (contract coordinates), bilinear; RGBA premultiplied while moving."""
    index_matrix = matrix.copy()
    index_matrix[:, 2] += matrix[:, :2] @ [0.5, 0.5] - 0.5
    size = (image.shape[1], image.shape[0])
    if image.shape[2] == 3:
        return cv2.warpAffine(image, index_matrix, size, flags=cv2.INTER_LINEAR)
    premultiplied = image.astype(np.float32)
    premultiplied[..., :3] *= premultiplied[..., 3:] / 255.0
    return cv2.warpAffine(premultiplied, index_matrix, size, flags=cv2.INTER_LINEAR)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB of two float arrays on a 0..255 scale (100 when equal, so the JSON stays plain numbers)."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 100.0 if mse < 1e-10 else min(100.0, 10.0 * np.log10(255.0**2 / mse))


def motions(rest: np.ndarray, size: int, frames: int, turned: bool) -> tuple[Motion, list[Motion]]:
    """The rest pose and one driving pose per frame: positions moved rigidly, jacobians too when ``turned``."""
    eye = np.tile(np.eye(2, dtype=np.float32), (len(rest), 1, 1))
    driving = []
    for frame in range(1, frames + 1):
        matrix = rigid(size, frame / frames)
        moved = rest @ matrix[:, :2].T + matrix[:, 2]
        jacobians = np.tile(matrix[:, :2].astype(np.float32), (len(rest), 1, 1)) if turned else eye
        driving.append(Motion(moved.astype(np.float32), jacobians))
    return Motion(rest.astype(np.float32), eye), driving


def measure(generator: object, source: np.ndarray, region: np.ndarray | None, rest: Motion,
            driving: list[Motion]) -> tuple[np.ndarray, float]:
    """Render every frame; return the last frame and the median ms per frame after the first."""
    state = prepare_source(generator, source, region)
    times = []
    frame = None
    for pose in driving:
        start = time.perf_counter()
        frame = generator.render(state, rest, pose)
        times.append((time.perf_counter() - start) * 1000.0)
    return frame, float(np.median(times[1:] if len(times) > 1 else times))


def scores(frame: np.ndarray, expected: np.ndarray, matte: np.ndarray, matrix: np.ndarray) -> dict[str, float]:
    """psnr_inside, psnr_background and (RGBA) psnr_alpha of a rendered last frame against the truth."""
    size = matte.shape[0]
    moved = truth(matte[..., None].repeat(3, axis=2), matrix)[..., 0]
    inside = cv2.erode((moved > 254).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    near = cv2.dilate(((moved > 0) | (matte > 0)).astype(np.uint8), np.ones((17, 17), np.uint8)) == 0
    result = {}
    if frame.shape[2] == 4:
        got = frame.astype(np.float32)
        got[..., :3] *= got[..., 3:] / 255.0
        result["psnr_inside"] = psnr(got[inside][:, :3], expected[inside][:, :3])
        result["psnr_alpha"] = psnr(got[..., 3], expected[..., 3])
    else:
        result["psnr_inside"] = psnr(frame[inside], expected[inside])
        result["psnr_background"] = psnr(frame[near], expected[near])
    result["pixels_inside"] = int(inside.sum()) if size else 0
    return result


def main() -> int:
    """Run both scenes with both generators; print one JSON line each."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=512, help="scene side in pixels (default 512)")
    parser.add_argument("--frames", type=int, default=10, help="frames from rest to the full motion (default 10)")
    parser.add_argument("--threads", type=int, default=2, help="torch and OpenCV threads (default 2)")
    args = parser.parse_args()
    threads = configure_cpu_threads(args.threads)
    cv2.setNumThreads(threads)
    sprite, background, matte = sprite_scene(args.size)
    rest_positions = pins(args.size, matte, np.random.default_rng(1))
    matrix = rigid(args.size, 1.0)
    composite = (sprite[..., :3] * (matte[..., None] / 255.0) + background * (1 - matte[..., None] / 255.0))
    composite = np.clip(composite + 0.5, 0, 255).astype(np.uint8)
    moved_sprite = truth(sprite, matrix)
    composite_truth = moved_sprite[..., :3] + background * (1.0 - moved_sprite[..., 3:] / 255.0)
    scenes = (("rgba", sprite, None, moved_sprite), ("composite", composite, matte, composite_truth),
              ("composite-no-region", composite, None, composite_truth))
    cases = [(scene, turned, name) for scene in scenes for turned in (True, False) for name in ("warp", "mesh")]
    for (scene, source, region, expected), turned, name in cases:
        rest, driving = motions(rest_positions, args.size, args.frames, turned)
        generator = WarpGenerator("cpu") if name == "warp" else MeshGenerator("cpu")
        frame, ms = measure(generator, source, region, rest, driving)
        record = {"scene": scene, "jacobians": "turned" if turned else "still", "generator": name,
                  "size": args.size, "pins": PINS,
                  **{k: round(v, 2) for k, v in scores(frame, expected, matte, matrix).items()},
                  "ms_per_frame": round(ms, 2), "threads": threads, "load_average": round(os.getloadavg()[0], 2)}
        print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
