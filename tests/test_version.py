"""One version source: pyproject.toml in a checkout, package metadata otherwise."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import studio
from studio import version

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_the_version_is_pyprojects():
    expected = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]
    assert version.app_version() == expected == studio.__version__


def test_without_a_checkout_the_metadata_answers(tmp_path, monkeypatch):
    monkeypatch.setattr(version, "PYPROJECT", tmp_path / "pyproject.toml")
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "7.8.9")
    version.app_version.cache_clear()
    try:
        assert version.app_version() == "7.8.9"
    finally:
        version.app_version.cache_clear()


def test_another_projects_pyproject_is_not_ours(tmp_path):
    other = tmp_path / "pyproject.toml"
    other.write_text('[project]\nname = "something-else"\nversion = "3.0"\n', encoding="utf-8")
    assert version._checkout_version(other) is None


def test_versions_compare_numerically():
    assert version.version_key("0.10.0") > version.version_key("0.9.9")
    assert version.version_key("1.0.0+local") == version.version_key("1.0.0")
    assert version.version_key("2.0rc1") > version.version_key("1.9")
