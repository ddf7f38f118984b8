"""`render --model fomm` as the classic demo: config + checkpoint + source image + driving frames, no project."""

import av
import cv2
import numpy as np
import pytest

from tests.e2e.conftest import user_error_line
from tests.engine.fomm.conftest import TINY, calibrated_state, save_checkpoint, tiny_config, write_config


@pytest.fixture(scope="module")
def model_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fomm")
    config = write_config(folder / "tiny.yaml", TINY)
    checkpoint = save_checkpoint(folder / "tiny.pth.tar", calibrated_state(TINY))
    return config, checkpoint


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    yy, xx = np.mgrid[0:80, 0:80]
    source = np.stack([xx * 3, yy * 3, (xx + yy) * 2], axis=2).astype(np.uint8)
    cv2.imwrite(str(folder / "source.png"), source)
    frames = folder / "driving"
    frames.mkdir()
    for i in range(5):
        cv2.imwrite(str(frames / f"frame{i}.png"), np.roll(source, 3 * i, axis=1))
    return folder / "source.png", frames


def test_fomm_demo_renders_one_frame_per_driving_frame(main_py, model_files, inputs, tmp_path):
    config, checkpoint = model_files
    source, driving = inputs
    out = tmp_path / "demo.mp4"
    result = main_py("render", "--model", "fomm", "--config", str(config), "--checkpoint", str(checkpoint),
                     "--source", str(source), "--driving", str(driving), "--relative", "--device", "cpu",
                     "-o", str(out))
    assert result.returncode == 0, result.stderr
    with av.open(str(out)) as container:
        frames = list(container.decode(video=0))
    height, width = TINY["dataset_params"]["frame_shape"][:2]
    assert len(frames) == 5
    assert (frames[0].height, frames[0].width) == (height, width)


def test_fomm_demo_refuses_a_mismatched_checkpoint_naming_the_key(main_py, model_files, inputs, tmp_path):
    _, checkpoint = model_files
    source, driving = inputs
    other = write_config(tmp_path / "other.yaml", tiny_config(common__num_kp=7))
    line = user_error_line(main_py("render", "--model", "fomm", "--config", str(other), "--checkpoint",
                                   str(checkpoint), "--source", str(source), "--driving", str(driving),
                                   "-o", str(tmp_path / "x.mp4")))
    assert "does not match config" in line and "generator.dense_motion_network" in line


@pytest.mark.parametrize("case", ["not a checkpoint", "missing flags"])
def test_fomm_demo_bad_inputs(main_py, model_files, inputs, tmp_path, case):
    config, _ = model_files
    source, driving = inputs
    junk = tmp_path / "junk.pth.tar"
    junk.write_bytes(b"this is not a checkpoint")
    args = {"not a checkpoint": ("--config", str(config), "--checkpoint", str(junk), "--source", str(source),
                                 "--driving", str(driving)),
            "missing flags": ("--config", str(config))}[case]
    user_error_line(main_py("render", "--model", "fomm", *args, "-o", str(tmp_path / "x.mp4")))


@pytest.mark.slow
def test_project_with_model_keypoints_renders_through_the_network(main_py, model_files, inputs, tmp_path):
    config, checkpoint = model_files
    source, _ = inputs
    project = tmp_path / "net.marionette"
    result = main_py("new", str(source), "-o", str(project), "--keypoints", "model", "--model", "fomm",
                     "--config", str(config), "--checkpoint", str(checkpoint), "--device", "cpu", "--frames", "4")
    assert result.returncode == 0, result.stderr
    info = main_py("info", str(project)).stdout
    assert f"keypoints: {TINY['model_params']['common_params']['num_kp']} " in info
    assert "generator fomm" in info
    out = tmp_path / "net.mp4"
    result = main_py("render", str(project), "-o", str(out), "--device", "cpu")
    assert result.returncode == 0, result.stderr
    with av.open(str(out)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == 4 and frames[0].shape == (80, 80, 3)
