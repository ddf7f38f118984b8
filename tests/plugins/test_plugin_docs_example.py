"""The complete example plugin in docs/plugins.md installs from a zip and renders."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np

from studio.cli import main
from studio.engine.contract import Motion
from studio.plugins.discovery import default_registry

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def _example_files() -> dict[str, str]:
    """Every fenced block of the doc whose first line is ``# file: <path>``, by path."""
    files = {}
    for block in re.findall(r"```[a-z]*\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S):
        first = block.partition("\n")[0]
        if first.startswith("# file: "):
            files[first.removeprefix("# file: ").strip()] = block
    return files


def test_doc_example_installs_and_renders(tmp_path: Path) -> None:
    files = _example_files()
    assert set(files) == {"example-shift/plugin.toml", "example-shift/marionette_example_shift/__init__.py"}
    archive = tmp_path / "example-shift.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for name, text in files.items():
            bundle.writestr(name, text)
    assert main(["plugins", "install", str(archive), "--yes"]) == 0

    registry = default_registry()
    assert registry.plugin_status("example-shift") == ("enabled", "")
    generator = registry.create_generator("shift", "cpu")
    image = np.random.default_rng(1).integers(0, 256, (24, 32, 4), dtype=np.uint8)
    state = generator.prepare(image)
    source = Motion(np.float32([[5, 5], [20, 10]]), np.tile(np.eye(2, dtype=np.float32), (2, 1, 1)))
    driving = Motion(source.positions + np.float32([3, 2]), source.jacobians)
    frame = generator.render(state, source, driving)
    assert frame.shape == image.shape
    assert np.array_equal(frame[2:, 3:], image[:-2, :-3])
    assert not frame[:2].any() and not frame[:, :3].any()
