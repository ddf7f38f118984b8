"""Draw the figures of docs/deformation.md: warp and mesh side by side on a rigid motion and on a head turn.

Run: ``.venv/bin/python benchmarks/deformation_figures.py [--out docs]``. Writes deformation-rigid.png
(rest | warp | mesh | exact, for pins dragged by position only), deformation-face.png (the sample's head
turned 18 degrees with the shoulders pinned: source | warp | mesh, the person's region from mediapipe) and
deformation-mesh.png (a coarse 300-vertex mesh of the sample, at rest and turned, so the triangles show).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from rigidity import motions, pins, rigid, sprite_scene, truth  # noqa: E402

from studio.capture.person_matte import person_matte  # noqa: E402
from studio.core.project_file import load_project  # noqa: E402
from studio.engine.contract import Motion  # noqa: E402
from studio.engine.mesh.generator import MeshGenerator  # noqa: E402
from studio.engine.renderer import prepare_source  # noqa: E402
from studio.engine.warp import WarpGenerator  # noqa: E402
from studio.media.image_io import decode_image, save_image  # noqa: E402

PANEL = 240
SHOULDERS = ((110.0, 330.0), (400.0, 330.0), (60.0, 480.0), (450.0, 480.0))


def _panel(image: np.ndarray, label: str) -> np.ndarray:
    """An RGB panel PANEL pixels wide with a caption (RGBA drawn over a checkerboard)."""
    if image.shape[2] == 4:
        checks = ((np.indices(image.shape[:2]).sum(axis=0) // 16) % 2 * 40 + 200).astype(np.float32)[..., None]
        alpha = image[..., 3:] / 255.0
        image = np.clip(image[..., :3] * alpha + checks * (1 - alpha), 0, 255).astype(np.uint8)
    scale = PANEL / image.shape[1]
    panel = cv2.resize(np.ascontiguousarray(image[..., :3]), None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    cv2.rectangle(panel, (0, 0), (PANEL, 22), (0, 0, 0), -1)
    cv2.putText(panel, label, (6, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
    return panel


def _render(generator: object, source: np.ndarray, region: np.ndarray | None, rest: Motion,
            driving: Motion) -> np.ndarray:
    """One frame of a generator (the region only reaches generators that take one)."""
    return generator.render(prepare_source(generator, source, region), rest, driving)


def rigid_figure(out: Path) -> None:
    """The sprite on its background, pins rotated 30 degrees and shifted 40 px by position only."""
    sprite, background, matte = sprite_scene(512)
    alpha = matte[..., None] / 255.0
    composite = np.clip(sprite[..., :3] * alpha + background * (1 - alpha) + 0.5, 0, 255).astype(np.uint8)
    positions = pins(512, matte, np.random.default_rng(1))
    rest, driving = motions(positions, 512, 1, turned=False)
    moved = truth(sprite, rigid(512, 1.0))
    exact = np.clip(moved[..., :3] + background * (1 - moved[..., 3:] / 255.0), 0, 255).astype(np.uint8)
    panels = [_panel(composite, "rest, 19 pins"),
              _panel(_render(WarpGenerator("cpu"), composite, matte, rest, driving[-1]), "warp"),
              _panel(_render(MeshGenerator("cpu"), composite, matte, rest, driving[-1]), "mesh"),
              _panel(exact, "exact")]
    for x, y in positions * PANEL / 512:
        cv2.circle(panels[0], (int(x), int(y)), 3, (255, 60, 60), -1, cv2.LINE_AA)
    save_image(out / "deformation-rigid.png", np.hstack(panels))


def _head_turn(project_path: Path) -> tuple[np.ndarray, Motion, Motion]:
    """The sample's face keypoints plus four still shoulder pins; the head turned 18 degrees about the neck."""
    project = load_project(project_path)
    image = decode_image(project.source_png)
    face = project.rest_pose().positions[0].astype(np.float64)
    positions = np.vstack([face, SHOULDERS])
    angle = np.deg2rad(18.0)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    neck = np.array([235.0, 215.0])
    driving = positions.copy()
    driving[: len(face)] = (face - neck) @ rotation.T + neck + (6.0, 0.0)
    eye = np.tile(np.eye(2, dtype=np.float32), (len(positions), 1, 1))
    radii = np.full(len(positions), 40.0, np.float32)
    return image, Motion(positions.astype(np.float32), eye, radii), Motion(driving.astype(np.float32), eye, radii)


def face_figures(out: Path) -> None:
    """The sample's head turned: source | warp | mesh, and the mesh drawn at rest and turned."""
    image, rest, driving = _head_turn(ROOT / "resources" / "sample.marionette")
    region = person_matte(image)
    mesh = MeshGenerator("cpu")
    state = prepare_source(mesh, image, region)
    turned = mesh.render(state, rest, driving)
    panels = [_panel(image, "source"),
              _panel(_render(WarpGenerator("cpu"), image, region, rest, driving), "warp (region)"),
              _panel(turned, "mesh (region)")]
    save_image(out / "deformation-face.png", np.hstack(panels))
    coarse = MeshGenerator("cpu", vertices=300)
    state = prepare_source(coarse, image, region)
    turned = coarse.render(state, rest, driving)
    vertices = coarse.deform(state, rest, driving)
    drawn = [_draw_mesh(image, state.data["mesh"].vertices, state.data["mesh"].triangles, rest, "300-vertex mesh"),
             _draw_mesh(turned, vertices, state.data["mesh"].triangles, driving, "turned")]
    save_image(out / "deformation-mesh.png", np.hstack(drawn))


def _draw_mesh(image: np.ndarray, vertices: np.ndarray, triangles: np.ndarray, pose: Motion, label: str) -> np.ndarray:
    """A panel with the mesh's edges and the pins drawn over the image."""
    scale = PANEL / image.shape[1]
    panel = _panel(image, label)
    lines = (vertices[triangles][:, [0, 1, 1, 2, 2, 0]].reshape(-1, 2, 2) * scale * 16).astype(np.int32)
    cv2.polylines(panel, list(lines), False, (255, 255, 255), 1, cv2.LINE_AA, 4)
    for x, y in pose.positions * scale:
        cv2.circle(panel, (int(x), int(y)), 3, (255, 60, 60), -1, cv2.LINE_AA)
    return panel


def main() -> int:
    """Write the three figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNGs (default docs)")
    args = parser.parse_args()
    out = Path(args.out)
    rigid_figure(out)
    face_figures(out)
    print(f"wrote {out}/deformation-rigid.png, deformation-face.png, deformation-mesh.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
