"""The bundle runs on a machine with no Python: extracted into an empty folder, run with a clean environment.

Marked ``dist`` (deselected by default, see pyproject's addopts) and skipped unless MARIONETTE_TEST_DIST=1:
`make test-dist` builds the tarball first and runs this. It reuses the tarball named by
MARIONETTE_DIST_TARBALL (or the default one) when it is newer than every bundled source, else builds it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from studio.version import app_version
from tests.packaging.conftest import ROOT, load_script

pytestmark = [pytest.mark.slow, pytest.mark.dist,
              pytest.mark.skipif(os.environ.get("MARIONETTE_TEST_DIST") != "1",
                                 reason="builds the bundle: run by `make test-dist` (MARIONETTE_TEST_DIST=1)")]
SOURCES = ("studio", "plugins", "resources", "packaging", "pyproject.toml", "main.py")
BUILD_TIMEOUT_S = 3 * 3600


def _newest_source() -> float:
    """The latest modification time among the files the bundle is built from."""
    times = [p.stat().st_mtime for name in SOURCES for p in ([ROOT / name] if (ROOT / name).is_file()
                                                              else (ROOT / name).rglob("*")) if p.is_file()]
    return max(times)


@pytest.fixture(scope="module")
def tarball() -> Path:
    """A fresh bundle tarball: reused when newer than the sources, built otherwise."""
    path = Path(os.environ.get("MARIONETTE_DIST_TARBALL") or load_script("build").tarball_path(app_version()))
    path = path if path.is_absolute() else ROOT / path
    if not path.is_file() or path.stat().st_mtime < _newest_source():
        subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")], cwd=ROOT, check=True,
                       timeout=BUILD_TIMEOUT_S)
    return path


@pytest.fixture(scope="module")
def bundle(tarball, tmp_path_factory) -> Path:
    """The tarball extracted into an empty folder; returns the launcher."""
    folder = tmp_path_factory.mktemp("extracted")
    with tarfile.open(tarball) as archive:
        archive.extractall(folder, filter="tar")
    assert sorted(p.name for p in folder.iterdir()) == ["marionette-studio"]
    return folder / "marionette-studio" / "marionette-studio"


def run_clean(launcher: Path, *args: str, home: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run the launcher as `env -i PATH=/usr/bin:/bin HOME=<home>` would: no Python, no venv, no display."""
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["env", "-i", "PATH=/usr/bin:/bin", f"HOME={home}", str(launcher), *args],
                          capture_output=True, text=True, cwd=home, timeout=timeout, check=False)


def test_the_bundle_holds_the_models_plugins_licences_and_no_trimmed_files(bundle):
    app = bundle.parent
    internal = app / "_internal"
    assert list(internal.glob("mediapipe/modules/face_landmark/*.tflite"))
    assert list(internal.glob("mediapipe/modules/pose_landmark/*.tflite"))
    assert list(internal.glob("mediapipe/modules/hand_landmark/*.tflite"))
    assert list(internal.glob("mediapipe/modules/selfie_segmentation/*.tflite"))
    assert (internal / "plugins" / "tps" / "plugin.toml").is_file()
    assert (internal / "resources" / "sample.marionette").is_file()
    licences = (app / "THIRD-PARTY-LICENSES.txt").read_text(encoding="utf-8")
    assert all(name in licences for name in ("torch", "PySide6", "mediapipe", "numpy", "Python"))
    assert not (internal / "torch" / "include").exists()
    assert not list(internal.glob("PySide6/Qt/translations/*"))


def test_version_and_self_test_pass_with_a_clean_environment(bundle, tmp_path):
    version = run_clean(bundle, "--version", home=tmp_path / "home")
    assert (version.returncode, version.stdout.strip()) == (0, f"Marionette Studio {app_version()}")
    result = run_clean(bundle, "self-test", home=tmp_path / "home")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("self-test passed")
    assert "not installed" not in result.stdout


def test_a_headless_render_works_with_a_clean_environment(bundle, tmp_path):
    home = tmp_path / "home"
    sample = bundle.parent / "_internal" / "resources" / "sample.marionette"
    output = home / "clip.mp4"
    result = run_clean(bundle, "render", str(sample), "-o", str(output), "--frames", "0:11", home=home)
    assert result.returncode == 0, result.stderr
    assert output.is_file() and output.stat().st_size > 1000
    info = run_clean(bundle, "info", str(sample), home=home)
    assert info.returncode == 0 and "keypoints" in info.stdout


def test_install_desktop_points_the_menu_entry_at_the_bundle(bundle, tmp_path):
    home = tmp_path / "home"
    result = run_clean(bundle, "install-desktop", home=home)
    assert result.returncode == 0, result.stderr
    entry = (home / ".local" / "share" / "applications" / "marionette-studio.desktop").read_text()
    assert f"Exec={bundle} %f" in entry
    assert run_clean(bundle, "uninstall-desktop", home=home).returncode == 0
    assert not (home / ".local" / "share" / "applications" / "marionette-studio.desktop").exists()
