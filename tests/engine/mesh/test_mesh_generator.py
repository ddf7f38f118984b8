"""The mesh generator: rigid pins give a rigid picture, a lone pin bends smoothly, pins re-factorise once."""

import cv2
import numpy as np
import pytest

from studio.core.errors import UserError
from studio.engine.mesh.generator import MeshGenerator
from studio.engine.mesh.triangulate import signed_areas
from tests.engine.mesh.scenes import blob, motion, moved_exactly, pins, psnr, rigid_matrix


@pytest.mark.parametrize("turned", [True, False])
def test_rigid_pins_give_a_rigid_sprite(turned):
    sprite, _, matte = blob()
    rest = pins(matte)
    matrix = rigid_matrix(160, 30.0, (12.0, 0.0))
    jacobians = np.tile(matrix[:, :2], (len(rest), 1, 1)) if turned else None
    generator = MeshGenerator("cpu", vertices=400)
    state = generator.prepare(sprite)
    frame = generator.render(state, motion(rest), motion(rest @ matrix[:, :2].T + matrix[:, 2], jacobians))
    expected = moved_exactly(sprite, matrix)
    got = frame.astype(np.float32)
    got[..., :3] *= got[..., 3:] / 255.0
    inside = cv2.erode((expected[..., 3] > 254).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    assert psnr(got[inside][:, :3], expected[inside][:, :3]) >= 36.0
    assert psnr(got[..., 3], expected[..., 3]) >= 30.0


def test_composite_with_region_moves_the_sprite_and_keeps_the_background():
    sprite, background, matte = blob()
    alpha = matte[..., None] / 255.0
    composite = np.clip(sprite[..., :3] * alpha + background * (1 - alpha) + 0.5, 0, 255).astype(np.uint8)
    rest = pins(matte)
    matrix = rigid_matrix(160, 30.0, (12.0, 0.0))
    generator = MeshGenerator("cpu", vertices=400)
    state = generator.prepare(composite, region=matte)
    frame = generator.render(state, motion(rest), motion(rest @ matrix[:, :2].T + matrix[:, 2]))
    moved = moved_exactly(sprite, matrix)
    inside = cv2.erode((moved[..., 3] > 254).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    assert psnr(frame[inside], moved[inside][:, :3]) >= 34.0
    away = cv2.dilate(((moved[..., 3] > 0) | (matte > 0)).astype(np.uint8), np.ones((9, 9), np.uint8)) == 0
    np.testing.assert_array_equal(frame[away], composite[away])


def test_a_pin_moved_alone_bends_its_neighbourhood_smoothly_without_folding():
    image = np.full((128, 128, 3), 128, np.uint8)
    generator = MeshGenerator("cpu", vertices=300)
    state = generator.prepare(image)
    rest = np.array([[64.0, 64.0], [30.0, 30.0], [98.0, 30.0], [30.0, 98.0], [98.0, 98.0]])
    driving = rest.copy()
    driving[0] += (15.0, 0.0)
    vertices = generator.deform(state, motion(rest), motion(driving))
    mesh = state.data["mesh"]
    assert np.all(signed_areas(mesh, vertices) > 0)
    moved = np.linalg.norm(vertices - mesh.vertices, axis=1)
    distance = np.linalg.norm(mesh.vertices - rest[0], axis=1)
    near, middle, far = moved[distance < 8].mean(), moved[(distance > 20) & (distance < 28)].mean(), moved[
        distance > 45].mean()
    assert near > 10.0
    assert near > middle > far
    assert moved[mesh.boundary].max() < 0.05


def test_pins_are_factorised_once_per_pin_set_and_again_when_one_is_added():
    sprite, _, matte = blob()
    rest = pins(matte, 5)
    generator = MeshGenerator("cpu", vertices=300)
    state = generator.prepare(sprite)
    generator.render(state, motion(rest), motion(rest + 3.0))
    first = state.data["pins"][1]
    generator.render(state, motion(rest), motion(rest - 2.0))
    assert state.data["pins"][1] is first
    more = np.vstack([rest, pins(matte, 1, seed=7)])
    generator.render(state, motion(more), motion(more + 1.0))
    assert state.data["pins"][1] is not first


def test_pins_off_the_region_are_ignored_and_no_pin_means_the_source():
    sprite, _, _ = blob()
    generator = MeshGenerator("cpu", vertices=300)
    state = generator.prepare(sprite)
    outside = np.array([[3.0, 3.0]])
    frame = generator.render(state, motion(outside), motion(outside + 20.0))
    np.testing.assert_array_equal(frame, sprite)
    empty = np.zeros((0, 2))
    np.testing.assert_array_equal(generator.render(state, motion(empty), motion(empty)), sprite)


def test_a_turned_pin_turns_the_sprite_around_it():
    sprite, _, _ = blob()
    generator = MeshGenerator("cpu", vertices=300)
    state = generator.prepare(sprite)
    rest = np.array([[80.0, 80.0]])
    angle = np.deg2rad(20.0)
    turn = np.array([[[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]])
    vertices = generator.deform(state, motion(rest), motion(rest, turn))
    before = state.data["mesh"].vertices - rest[0]
    after = vertices - rest[0]
    far = np.linalg.norm(before, axis=1) > 10
    turned = np.arctan2(np.cross(before[far], after[far]), (before[far] * after[far]).sum(axis=1))
    np.testing.assert_allclose(np.rad2deg(turned), 20.0, atol=0.5)


def test_options_are_checked():
    with pytest.raises(UserError, match="vertices"):
        MeshGenerator("cpu", vertices=3)
    with pytest.raises(UserError, match="unknown option"):
        MeshGenerator("cpu", stiffness=2)
    with pytest.raises(UserError, match="empty"):
        MeshGenerator("cpu").prepare(np.zeros((32, 32, 4), np.uint8), region=np.zeros((32, 32), np.uint8))
