"""The layer rules of ARCHITECTURE.md, enforced: core has no Qt/torch, engine has no Qt, only ui uses QtWidgets."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _modules_after_import(package: str) -> set[str]:
    code = (f"import pkgutil, importlib, sys, {package}\n"
            f"for m in pkgutil.walk_packages({package}.__path__, '{package}.'):\n"
            "    importlib.import_module(m.name)\n"
            "print(' '.join(sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return set(out.stdout.split())


def test_core_imports_neither_qt_nor_torch():
    loaded = _modules_after_import("studio.core")
    assert not {m for m in loaded if m.startswith(("PySide6", "torch"))}


@pytest.mark.parametrize("package", ["studio.engine", "studio.media", "studio.cli", "studio.jobs"])
def test_headless_packages_import_no_qt(package):
    loaded = _modules_after_import(package)
    assert not {m for m in loaded if m.startswith("PySide6")}


def test_only_ui_mentions_qtwidgets():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "studio").rglob("*.py")
                 if "QtWidgets" in p.read_text() and "ui" not in p.relative_to(ROOT / "studio").parts[:1]]
    assert offenders == []
