"""Fixtures for plugin tests: temporary plugins written on the fly, and import-state cleanup."""

from __future__ import annotations

import hashlib
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

GENERATOR_CODE = '''
import numpy as np

from studio.engine.contract import Capabilities, SourceState


class InvertGenerator:
    """Renders the source with its colours inverted, so a test can tell this plugin drew it."""

    capabilities = Capabilities(name="{generator}", title="Invert")

    def __init__(self, device="auto"):
        self.device = device

    def prepare(self, source):
        return SourceState(*source.shape, {{"image": source.copy()}})

    def render(self, state, kp_source, kp_driving):
        {render}

    def detect_keypoints(self, state):
        return None
'''

DEFAULT_RENDER = "return 255 - state.data['image']"


def plugin_manifest(name: str, version: str, generator: str, package: str, extra: str = "",
                    api_version: int = 1) -> str:
    """The text of a plugin.toml with one generator."""
    return textwrap.dedent(f"""\
        name = "{name}"
        version = "{version}"
        api_version = {api_version}
        description = "A test plugin"
        license = "MIT"
        author = "Tests"

        [[generators]]
        name = "{generator}"
        entry = "{package}:InvertGenerator"
        title = "Invert"
        """) + extra


MakePlugin = Callable[..., Path]


@pytest.fixture
def make_plugin(tmp_path: Path) -> MakePlugin:
    """Write a plugin folder; returns its path. The package name is unique per plugin name."""

    def make(name: str = "invert", version: str = "1.0.0", generator: str | None = None,
             render: str = DEFAULT_RENDER, module_prefix: str = "", weights: dict[str, bytes] | None = None,
             api_version: int = 1, parent: Path | None = None) -> Path:
        package = "mtest_" + name.replace("-", "_")
        generator = generator or f"{name}-gen"
        folder = (parent or tmp_path / "sources") / name
        (folder / package).mkdir(parents=True)
        extra = ""
        for relative, data in (weights or {}).items():
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_bytes(data)
            digest = hashlib.sha256(data).hexdigest()
            extra += f'\n[[weights]]\npath = "{relative}"\nsha256 = "{digest}"\nsize = {len(data)}\n'
        manifest = plugin_manifest(name, version, generator, package, extra, api_version)
        (folder / "plugin.toml").write_text(manifest)
        code = module_prefix + GENERATOR_CODE.format(generator=generator, render=render)
        (folder / package / "__init__.py").write_text(code)
        return folder

    return make


@pytest.fixture(autouse=True)
def _forget_test_plugin_imports() -> None:
    """Undo sys.path additions and drop modules imported from temporary folders after each test."""
    saved_path = list(sys.path)
    before = set(sys.modules)
    yield
    sys.path[:] = saved_path
    for name in set(sys.modules) - before:
        if name.startswith(("mtest_", "marionette_example_", "mtestdist_")):
            del sys.modules[name]
