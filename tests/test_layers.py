"""The layer rules of ARCHITECTURE.md, enforced.

The import-linter contracts in pyproject.toml are the static rules (which package may import which); this file
runs them under pytest, checks that every package has a place in them, and checks at run time what a static
analysis cannot see: that importing the headless packages loads no Qt (or, for core, torch) through a
third-party library.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = {c["id"]: c for c in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
             ["contracts"]}


def _lint_imports() -> str | None:
    """The lint-imports command of this interpreter's environment, else the one on PATH, else None."""
    beside = Path(sys.executable).with_name("lint-imports")
    return str(beside) if beside.is_file() else shutil.which("lint-imports")


def _packages(folder: Path) -> set[str]:
    """Names of the Python packages directly inside a folder."""
    return {p.parent.name for p in folder.glob("*/__init__.py")}


def _layer_names(contract: dict) -> set[str]:
    """Every module named in a layers contract (siblings are joined by '|' or ':')."""
    return {name.strip() for layer in contract["layers"] for name in layer.replace(":", "|").split("|")}


@pytest.mark.parametrize("contract", sorted(CONTRACTS))
def test_import_contract_is_kept(contract: str) -> None:
    command = _lint_imports()
    if command is None:
        pytest.skip("lint-imports is not installed: pip install -e '.[dev]'")
    result = subprocess.run([command, "--no-logo", "--no-cache", "--contract", contract],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_studio_package_has_a_layer() -> None:
    assert _packages(ROOT / "studio") == _layer_names(CONTRACTS["layers"])


def test_every_package_outside_ui_is_barred_from_qt() -> None:
    outside_ui = {f"studio.{name}" for name in _packages(ROOT / "studio") - {"ui"}}
    assert set(CONTRACTS["qt-only-in-ui"]["source_modules"]) == outside_ui


UI_SHARED_FOLDERS = {"widgets", "startup"}  # below the feature folders, used by them (the ui-layers contract)


def test_every_ui_feature_folder_is_independent() -> None:
    features = {f"studio.ui.{name}" for name in _packages(ROOT / "studio" / "ui") - UI_SHARED_FOLDERS}
    assert set(CONTRACTS["ui-features-independent"]["modules"]) == features


def _modules_after_import(package: str) -> set[str]:
    code = (f"import pkgutil, importlib, sys, {package}\n"
            f"for m in pkgutil.walk_packages({package}.__path__, '{package}.'):\n"
            "    importlib.import_module(m.name)\n"
            "print(' '.join(sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return set(out.stdout.split())


def test_core_loads_neither_qt_nor_torch():
    loaded = _modules_after_import("studio.core")
    assert not {m for m in loaded if m.startswith(("PySide6", "torch"))}


@pytest.mark.parametrize("package", ["studio.engine", "studio.media", "studio.landmarks", "studio.cli",
                                     "studio.jobs", "studio.lipsync", "studio.scale"])
def test_headless_packages_load_no_qt(package):
    loaded = _modules_after_import(package)
    assert not {m for m in loaded if m.startswith("PySide6")}
