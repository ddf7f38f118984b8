"""Draw docs/deformation-rig.png and print the rig's figures: a stiff area and a stick on a bent bar.

Run: ``.venv/bin/python benchmarks/rig_figures.py [--out docs]``. Panels: a bar bent by its middle pin (ends
held), the same with a stiff area, a bar whose end pin is pulled away, and the same with a stick between the
two end pins. One JSON line per case: distortion (mean |σ1-1|+|σ2-1| of the triangles' deformation gradients)
inside and away from the stiff area, and the stick's length through the mesh relative to its rest length,
for the stick kept by post-correcting the pins and for a stiff chain of vertices in the solve.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studio.core.rig import StiffArea, apply_sticks  # noqa: E402
from studio.engine.contract import Motion  # noqa: E402
from studio.engine.mesh import generator as mesh_module  # noqa: E402
from studio.engine.mesh.generator import MeshGenerator  # noqa: E402
from studio.engine.stiffness import stiffness_map  # noqa: E402
from studio.media.image_io import save_image  # noqa: E402

WIDTH, HEIGHT = 240, 120
AREA = StiffArea(75.0, 60.0, 28.0)


def _scene() -> tuple[np.ndarray, np.ndarray]:
    """A checkered bar (the region) on grey."""
    region = np.zeros((HEIGHT, WIDTH), np.uint8)
    region[30:90, 20:220] = 255
    checks = ((np.indices((HEIGHT, WIDTH)) // 10).sum(axis=0) % 2 * 120 + 80).astype(np.uint8)
    image = np.dstack([checks, checks // 2 + 60, 255 - checks])
    image[region == 0] = 200
    return image, region


def _motion(points: np.ndarray) -> Motion:
    return Motion(np.asarray(points, np.float32), np.tile(np.eye(2, dtype=np.float32), (len(points), 1, 1)))


def _distortion(mesh: object, vertices: np.ndarray, centre: tuple[float, float]) -> float:
    rest, moved = mesh.vertices[mesh.triangles], vertices[mesh.triangles]
    a = np.stack([rest[:, 1] - rest[:, 0], rest[:, 2] - rest[:, 0]], -1)
    b = np.stack([moved[:, 1] - moved[:, 0], moved[:, 2] - moved[:, 0]], -1)
    singular = np.linalg.svd(b @ np.linalg.inv(a), compute_uv=False)
    near = np.linalg.norm(rest.mean(axis=1) - centre, axis=1) < 20.0
    return float(np.abs(singular[near] - 1.0).sum(axis=1).mean())


def _draw(image: np.ndarray, mesh: object, vertices: np.ndarray, pins: np.ndarray, label: str) -> np.ndarray:
    """The frame with the deformed mesh and pins, twice the size, with a caption."""
    panel = cv2.resize(image, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
    lines = (vertices[mesh.triangles][:, [0, 1, 1, 2, 2, 0]].reshape(-1, 2, 2) * 2 * 16).astype(np.int32)
    cv2.polylines(panel, list(lines), False, (255, 255, 255), 1, cv2.LINE_AA, 4)
    for x, y in pins * 2:
        cv2.circle(panel, (int(x), int(y)), 5, (230, 40, 40), -1, cv2.LINE_AA)
    cv2.rectangle(panel, (0, 0), (panel.shape[1], 24), (0, 0, 0), -1)
    cv2.putText(panel, label, (6, 17), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (255, 255, 255), 1, cv2.LINE_AA)
    return panel


def _frame(stiffness: np.ndarray | None, rest: np.ndarray, driving: np.ndarray) -> tuple:
    image, region = _scene()
    generator = MeshGenerator("cpu", vertices=600)
    state = generator.prepare(image, region=region, stiffness=stiffness)
    vertices = generator.deform(state, _motion(rest), _motion(driving))
    frame = generator.render(state, _motion(rest), _motion(driving))
    return frame, state.data["mesh"], vertices


def _stick_length(mesh: object, vertices: np.ndarray, rest: np.ndarray) -> float:
    triangle, weights = mesh.locate(rest[:2])
    ends = np.einsum("pk,pkd->pd", weights, vertices[mesh.triangles[triangle]])
    return float(np.linalg.norm(ends[1] - ends[0]) / np.linalg.norm(rest[1] - rest[0]))


def main() -> int:
    """Print the figures and write the picture."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNG (default docs)")
    out = Path(parser.parse_args().out)
    panels = []
    bend_rest = np.array([[30.0, 60.0], [210.0, 60.0], [120.0, 60.0]])
    bend = bend_rest + [[0, 0], [0, 0], [0, -30]]
    for label, stiffness in (("bent", None), ("bent, stiff area", stiffness_map([AREA], (WIDTH, HEIGHT)))):
        frame, mesh, vertices = _frame(stiffness, bend_rest, bend)
        print(json.dumps({"case": label, "distortion_in_area": round(_distortion(mesh, vertices, (75, 60)), 4),
                          "distortion_mirror": round(_distortion(mesh, vertices, (165, 60)), 4)}))
        panel = _draw(frame, mesh, vertices, bend, label)
        if stiffness is not None:
            cv2.circle(panel, (150, 120), 56, (255, 220, 0), 2, cv2.LINE_AA)
        panels.append(panel)
    pull_rest = np.array([[60.0, 60.0], [180.0, 60.0], [120.0, 40.0]])
    pull = pull_rest + [[0, 0], [24, 10], [0, -10]]
    values = np.concatenate([pull, np.zeros((3, 1)), np.ones((3, 1))], axis=1)[None]
    rest_values = np.concatenate([pull_rest, np.zeros((3, 1)), np.ones((3, 1))], axis=1)
    kept = apply_sticks(values, rest_values, np.array([[0, 1]]), np.full(3, -1))[0, :, :2]
    for label, driving in (("pulled", pull), ("pulled, stick", kept)):
        frame, mesh, vertices = _frame(None, pull_rest, driving)
        print(json.dumps({"case": label, "stick_length_ratio": round(_stick_length(mesh, vertices, pull_rest), 5)}))
        panel = _draw(frame, mesh, vertices, driving, label)
        if driving is kept:
            cv2.line(panel, tuple(int(v) for v in driving[0] * 2), tuple(int(v) for v in driving[1] * 2),
                     (0, 230, 230), 3, cv2.LINE_AA)
        panels.append(panel)
    chain = [StiffArea(float(x), 60.0, 8.0) for x in np.arange(60, 181, 6)]
    for gain in (100.0, 1e4):
        mesh_module.STIFF_GAIN = gain
        _, mesh, vertices = _frame(stiffness_map(chain, (WIDTH, HEIGHT)), pull_rest, pull)
        print(json.dumps({"case": f"pulled, stiff chain in the solve (gain {gain:g})",
                          "stick_length_ratio": round(_stick_length(mesh, vertices, pull_rest), 5)}))
    grid = np.vstack([np.hstack(panels[:2]), np.hstack(panels[2:])])
    save_image(out / "deformation-rig.png", grid)
    print(f"wrote {out}/deformation-rig.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
