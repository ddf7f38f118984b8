"""Stiff areas hold their part of the mesh; a stick keeps its length through the mesh while pins pull."""

import numpy as np
import pytest

from studio.core.edits import set_key
from studio.core.keypoints import Keypoint
from studio.core.project import Project
from studio.core.rig import StiffArea
from studio.core.rig_edits import add_stick
from studio.engine.mesh.generator import MeshGenerator
from studio.engine.renderer import Pose, Renderer
from studio.engine.stiffness import fit_stiffness, stiffness_map
from tests.core.helpers import tiny_png
from tests.engine.mesh.scenes import motion

WIDTH, HEIGHT = 240, 120


def _bar():
    region = np.zeros((HEIGHT, WIDTH), np.uint8)
    region[30:90, 20:220] = 255
    return np.full((HEIGHT, WIDTH, 3), 128, np.uint8), region


def _distortion(mesh, vertices, centre, radius):
    """Mean |σ1 - 1| + |σ2 - 1| of the triangles' deformation gradients within ``radius`` of ``centre``."""
    rest, moved = mesh.vertices[mesh.triangles], vertices[mesh.triangles]
    edges_rest = np.stack([rest[:, 1] - rest[:, 0], rest[:, 2] - rest[:, 0]], -1)
    edges_moved = np.stack([moved[:, 1] - moved[:, 0], moved[:, 2] - moved[:, 0]], -1)
    singular = np.linalg.svd(edges_moved @ np.linalg.inv(edges_rest), compute_uv=False)
    near = np.linalg.norm(rest.mean(axis=1) - centre, axis=1) < radius
    return float(np.abs(singular[near] - 1.0).sum(axis=1).mean())


def test_a_stiff_area_bends_less_than_the_same_place_without_it():
    image, region = _bar()
    rest = np.array([[30.0, 60.0], [210.0, 60.0], [120.0, 60.0]])
    driving = rest.copy()
    driving[2] += (0.0, -30.0)
    area = StiffArea(75.0, 60.0, 28.0)
    measured = {}
    for label, stiffness in (("plain", None), ("stiff", stiffness_map([area], (WIDTH, HEIGHT)))):
        generator = MeshGenerator("cpu", vertices=600)
        state = generator.prepare(image, region=region, stiffness=stiffness)
        vertices = generator.deform(state, motion(rest), motion(driving))
        measured[label] = (_distortion(state.data["mesh"], vertices, (75.0, 60.0), 20.0),
                           _distortion(state.data["mesh"], vertices, (165.0, 60.0), 20.0))
    assert measured["stiff"][0] < 0.4 * measured["plain"][0]
    assert measured["stiff"][1] >= measured["plain"][1], "the bending goes elsewhere"


def test_a_stick_keeps_its_length_through_the_mesh_while_a_pin_pulls():
    image, region = _bar()
    project = Project(tiny_png(WIDTH, HEIGHT), WIDTH, HEIGHT)
    project.keypoints = [Keypoint("a", "a", "#ff0000", 60.0, 60.0), Keypoint("b", "b", "#ff0000", 180.0, 60.0),
                         Keypoint("c", "c", "#ff0000", 120.0, 40.0)]
    set_key(project, "b", 5, (204.0, 70.0, 0.0, 1.0)).apply(project)
    set_key(project, "c", 5, (120.0, 30.0, 0.0, 1.0)).apply(project)
    generator = MeshGenerator("cpu", vertices=600)
    state = generator.prepare(image, region=region)
    mesh = state.data["mesh"]
    triangle, weights = mesh.locate(project.rest_values()[:2, :2])

    def length(pose):
        vertices = generator.deform(state, motion(project.rest_pose().positions[0]), motion(pose.positions[0]))
        ends = np.einsum("pk,pkd->pd", weights, vertices[mesh.triangles[triangle]])
        return float(np.linalg.norm(ends[1] - ends[0]))

    assert length(project.sample([5])) > 1.1 * 120.0
    add_stick(project, "a", "b").apply(project)
    assert length(project.sample([5])) == pytest.approx(120.0, rel=0.01)


def test_the_renderer_hands_the_stiffness_to_the_mesh_resized():
    image, region = _bar()
    stiffness = stiffness_map([StiffArea(75.0, 60.0, 28.0)], (WIDTH, HEIGHT))
    rest = Pose(np.array([[30.0, 60.0], [210.0, 60.0], [120.0, 60.0]], np.float32),
                np.tile(np.eye(2, dtype=np.float32), (3, 1, 1)), np.full(3, 10.0, np.float32))
    plain = Renderer(MeshGenerator("cpu", vertices=300), image, rest, (120, 60), region)
    stiff = Renderer(MeshGenerator("cpu", vertices=300), image, rest, (120, 60), region, stiffness)
    weights = stiff.state.data["arap"].laplacian.diagonal() - plain.state.data["arap"].laplacian.diagonal()
    assert weights.max() > 0 and weights.min() == 0
    assert fit_stiffness(stiffness, (120, 60)).shape == (60, 120)


def test_stiffness_map_is_strongest_at_the_centre_and_none_without_areas():
    assert stiffness_map([], (10, 10)) is None
    values = stiffness_map([StiffArea(50.0, 50.0, 20.0, 0.5)], (100, 100))
    assert values[50, 50] == pytest.approx(0.5) and values[50, 75] == 0.0 and values[50, 68] < 0.5


def test_a_project_s_stiff_areas_reach_the_registry_s_mesh():
    import cv2

    from studio.core.rig_edits import add_stiff_area
    from studio.engine.renderer import renderer_for_project
    from studio.plugins.discovery import default_registry

    image, _ = _bar()
    project = Project(cv2.imencode(".png", image)[1].tobytes(), WIDTH, HEIGHT)
    project.keypoints = [Keypoint("a", "a", "#ff0000", 60.0, 60.0)]
    project.render = project.render.with_changes(generator="mesh", options={"vertices": 200})
    plain = renderer_for_project(project, image, default_registry(), device="cpu")
    add_stiff_area(project, StiffArea(75.0, 60.0, 28.0)).apply(project)
    stiff = renderer_for_project(project, image, default_registry(), device="cpu", size=(120, 60))
    springs = [r.state.data["arap"].laplacian.diagonal().max() for r in (plain, stiff)]
    assert springs[1] > 10 * springs[0]
