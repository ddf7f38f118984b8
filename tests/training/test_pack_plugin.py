"""`plugins pack`: a training run becomes a plugin zip that installs and renders."""

from __future__ import annotations

import sys
import tomllib
import zipfile

import numpy as np
import pytest
import torch
import yaml

from studio.cli import main
from studio.core.errors import UserError
from studio.engine.contract import Motion
from studio.evaluation.evaluate import evaluate
from studio.plugins.discovery import default_registry
from studio.plugins.install import install_plugin
from studio.training.pack import pack_plugin, plugin_name
from studio.training.trainer import train
from tests.training.synthetic_clips import make_clip, make_dataset, tiny_config


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """One tiny trained run shared by the tests of this module."""
    root = tmp_path_factory.mktemp("pack")
    config = root / "tiny.yaml"
    config.write_text(yaml.safe_dump(tiny_config(steps=1)))
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        train(make_dataset(root / "data", clips=2, frames=4), root / "run", config=config)
    finally:
        torch.set_num_threads(previous)
    return root / "run"


@pytest.fixture(autouse=True)
def _forget_packed_modules():
    """Drop packed-model packages and their sys.path entries after each test."""
    saved = list(sys.path)
    yield
    sys.path[:] = saved
    for name in [n for n in sys.modules if n.startswith("marionette_model_")]:
        del sys.modules[name]


def test_packed_plugin_installs_and_renders(run_dir, tmp_path):
    result = pack_plugin(run_dir, tmp_path / "My Actor.zip")
    assert result.name == "my-actor"
    with zipfile.ZipFile(result.path) as bundle:
        names = set(bundle.namelist())
        manifest = tomllib.loads(bundle.read("my-actor/plugin.toml").decode())
        weights = bundle.read("my-actor/weights/model.pth.tar")
    assert {"my-actor/plugin.toml", "my-actor/weights/model.pth.tar", "my-actor/marionette_model_my_actor/__init__.py",
            "my-actor/marionette_model_my_actor/config.yaml"} <= names
    assert manifest["weights"][0] == {"path": "weights/model.pth.tar", "sha256": result.sha256, "size": len(weights)}
    info = install_plugin(result.path)
    assert info.name == "my-actor" and [c.name for c in info.contributions] == ["my-actor"]
    generator = default_registry().create_generator("my-actor", "cpu")
    assert generator.capabilities.name == "my-actor" and generator.capabilities.keypoint_count == 4
    source = make_clip(3, frames=1, size=40)[0]
    state = generator.prepare(source)
    kp = generator.detect_keypoints(state)
    frame = generator.render(state, kp, Motion(kp.positions + np.float32([1.5, -1.0]), kp.jacobians))
    assert frame.shape == (40, 40, 3) and frame.dtype == np.uint8 and frame.std() > 0
    report = evaluate("my-actor", run_dir.parent / "data", tmp_path / "report", all_clips=True, akd=False)
    assert report["keypoints"] == "generator" and report["size"] == 32 and report["overall"]["videos"] == 2


def test_packed_weights_hold_only_the_released_layout(run_dir, tmp_path):
    result = pack_plugin(run_dir, tmp_path / "model.zip", name="slim", version="2.1")
    with zipfile.ZipFile(result.path) as bundle:
        (tmp_path / "w.pth").write_bytes(bundle.read("slim/weights/model.pth.tar"))
    data = torch.load(tmp_path / "w.pth", weights_only=True)
    assert set(data) == {"generator", "kp_detector"}


def test_pack_mistakes_are_user_errors(run_dir, tmp_path):
    with pytest.raises(UserError, match="holds no config.yaml"):
        pack_plugin(tmp_path, tmp_path / "x.zip")
    with pytest.raises(UserError, match=r"\.zip"):
        pack_plugin(run_dir, tmp_path / "x.tar")
    with pytest.raises(UserError, match="taken by a built-in"):
        plugin_name("fomm")
    with pytest.raises(UserError, match="--name"):
        plugin_name("???")
    (tmp_path / "taken.zip").write_bytes(b"")
    with pytest.raises(UserError, match="--overwrite"):
        pack_plugin(run_dir, tmp_path / "taken.zip")


def test_pack_cli(run_dir, tmp_path, capsys):
    assert main(["plugins", "pack", str(run_dir), "-o", str(tmp_path / "cli-model.zip")]) == 0
    assert "plugins install" in capsys.readouterr().out
    assert main(["plugins", "pack", str(tmp_path / "nothing"), "-o", str(tmp_path / "b.zip")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "training run" in err
