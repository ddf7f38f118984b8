"""Installing, listing, using, disabling and removing plugins, and every refusal of an install."""

from __future__ import annotations

import os
import stat
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest

from studio.core import paths
from studio.core.errors import CancelledError, UserError
from studio.engine.contract import Motion
from studio.plugins.discovery import default_registry, discover_plugins
from studio.plugins.install import install_plugin, remove_plugin, set_plugin_enabled
from studio.plugins.state import disabled_plugins
from tests.plugins.conftest import MakePlugin


def _leftovers() -> list[str]:
    """Everything in the user plugin folder (hidden staging folders included)."""
    return sorted(p.name for p in paths.user_plugin_dir().iterdir())


def _zip(folder: Path, archive: Path, top: str | None = None) -> Path:
    """Zip a folder, its files under ``top/`` (or at the root when top is '')."""
    top = folder.name if top is None else top
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                bundle.write(path, str(Path(top) / path.relative_to(folder)))
    return archive


def _render_with(name: str) -> np.ndarray:
    """Render a small image through a generator built by the default registry."""
    generator = default_registry().create_generator(name, "cpu")
    image = np.arange(16 * 20 * 3, dtype=np.uint8).reshape(16, 20, 3)
    state = generator.prepare(image)
    kp = Motion(np.float32([[4, 4], [10, 8]]), np.tile(np.eye(2, dtype=np.float32), (2, 1, 1)))
    frame = generator.render(state, kp, kp)
    assert np.array_equal(frame, 255 - image)
    return frame


def test_install_from_folder_lists_and_renders(make_plugin: MakePlugin) -> None:
    info = install_plugin(make_plugin("invert"))
    assert (info.name, info.version, info.source) == ("invert", "1.0.0", "user")
    assert _leftovers() == ["invert"]
    registry = default_registry()
    assert "invert-gen" in registry.names("generator")
    assert registry.plugin_status("invert") == ("enabled", "")
    assert "mtest_invert" not in __import__("sys").modules, "discovery must not import plugin code"
    _render_with("invert-gen")


@pytest.mark.parametrize("top", ["invert", ""])
def test_install_from_zip(make_plugin: MakePlugin, tmp_path: Path, top: str) -> None:
    archive = _zip(make_plugin("invert"), tmp_path / "invert.zip", top)
    install_plugin(archive)
    assert _leftovers() == ["invert"]
    _render_with("invert-gen")


def test_progress_is_reported(make_plugin: MakePlugin) -> None:
    calls: list[tuple[int, int]] = []
    install_plugin(make_plugin("invert"), progress=lambda done, total: calls.append((done, total)))
    assert calls[-1][0] == calls[-1][1] > 0


def test_disable_enable_and_remove(make_plugin: MakePlugin) -> None:
    install_plugin(make_plugin("invert"))
    set_plugin_enabled("invert", False)
    assert disabled_plugins() == {"invert"}
    registry = default_registry()
    assert "invert-gen" not in registry.names("generator")
    assert registry.plugin_status("invert") == ("disabled", "")
    set_plugin_enabled("invert", True)
    assert "invert-gen" in default_registry().names("generator")
    remove_plugin("invert")
    assert _leftovers() == []
    assert "invert" not in [p.name for p in discover_plugins()]


def test_bundled_tps_is_listed_can_be_disabled_not_removed() -> None:
    tps = next(p for p in discover_plugins() if p.name == "tps")
    assert tps.source == "bundled"
    with pytest.raises(UserError, match="cannot be removed: disable it instead"):
        remove_plugin("tps")
    set_plugin_enabled("tps", False)
    assert "tps" not in default_registry().names("generator")


def test_builtin_cannot_be_disabled_and_unknown_is_named() -> None:
    with pytest.raises(UserError, match="cannot be disabled"):
        set_plugin_enabled("builtin", False)
    with pytest.raises(UserError, match="unknown plugin 'nope'"):
        remove_plugin("nope")


def test_upgrade_replaces_with_equal_or_newer_version(make_plugin: MakePlugin, tmp_path: Path) -> None:
    install_plugin(make_plugin("invert", "1.0.0"))
    newer = make_plugin("invert", "1.1.0", parent=tmp_path / "newer")
    with pytest.raises(UserError, match="already installed: use --upgrade"):
        install_plugin(newer)
    assert install_plugin(newer, upgrade=True).version == "1.1.0"
    assert next(p for p in discover_plugins() if p.name == "invert").version == "1.1.0"
    assert _leftovers() == ["invert"]
    older = make_plugin("invert", "0.9.0", parent=tmp_path / "older")
    with pytest.raises(UserError, match="older than the installed one"):
        install_plugin(older, upgrade=True)
    assert next(p for p in discover_plugins() if p.name == "invert").version == "1.1.0"


def test_name_clash_with_bundled_plugin_is_refused(make_plugin: MakePlugin) -> None:
    with pytest.raises(UserError, match="bundled with the studio"):
        install_plugin(make_plugin("tps"), upgrade=True)
    assert _leftovers() == []


def test_weights_are_verified(make_plugin: MakePlugin, tmp_path: Path) -> None:
    good = make_plugin("weighted", weights={"weights/model.bin": b"0123456789"})
    installed = install_plugin(good)
    assert (Path(installed.root) / "weights/model.bin").read_bytes() == b"0123456789"


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda f: (f / "weights/model.bin").write_bytes(b"0123456780"), "has sha256"),
        (lambda f: (f / "weights/model.bin").write_bytes(b"012345678"), "is 9 bytes, the manifest says 10"),
        (lambda f: (f / "weights/model.bin").unlink(), "model.bin is missing"),
    ],
)
def test_bad_weights_are_refused_and_leave_nothing(make_plugin: MakePlugin, tamper, message: str) -> None:
    folder = make_plugin("weighted", weights={"weights/model.bin": b"0123456789"})
    tamper(folder)
    with pytest.raises(UserError, match=message):
        install_plugin(folder)
    assert _leftovers() == []


def test_zip_with_absolute_entry_is_refused(make_plugin: MakePlugin, tmp_path: Path) -> None:
    archive = _zip(make_plugin("invert"), tmp_path / "bad.zip")
    with zipfile.ZipFile(archive, "a") as bundle:
        bundle.writestr("/etc/evil.txt", "x")
    with pytest.raises(UserError, match="is an absolute path"):
        install_plugin(archive)
    assert _leftovers() == []


def test_zip_with_parent_entry_is_refused(make_plugin: MakePlugin, tmp_path: Path) -> None:
    archive = _zip(make_plugin("invert"), tmp_path / "bad.zip")
    with zipfile.ZipFile(archive, "a") as bundle:
        bundle.writestr("invert/../../escaped.txt", "x")
    with pytest.raises(UserError, match="escapes the plugin folder"):
        install_plugin(archive)
    assert _leftovers() == []
    assert not (paths.data_dir() / "escaped.txt").exists()


def test_zip_with_link_is_refused(make_plugin: MakePlugin, tmp_path: Path) -> None:
    archive = _zip(make_plugin("invert"), tmp_path / "bad.zip")
    link = zipfile.ZipInfo("invert/link")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(archive, "a") as bundle:
        bundle.writestr(link, "/etc/passwd")
    with pytest.raises(UserError, match="is a link"):
        install_plugin(archive)
    assert _leftovers() == []


def test_folder_with_link_is_refused(make_plugin: MakePlugin, tmp_path: Path) -> None:
    folder = make_plugin("invert")
    (tmp_path / "secret.txt").write_text("secret")
    os.symlink(tmp_path / "secret.txt", folder / "secret.txt")
    with pytest.raises(UserError, match="secret.txt is a link"):
        install_plugin(folder)
    assert _leftovers() == []


def test_missing_manifest_is_refused(make_plugin: MakePlugin, tmp_path: Path) -> None:
    folder = make_plugin("invert")
    (folder / "plugin.toml").unlink()
    with pytest.raises(UserError, match="plugin.toml is missing"):
        install_plugin(folder)
    with pytest.raises(UserError, match="plugin.toml is missing"):
        install_plugin(_zip(folder, tmp_path / "nomanifest.zip"))
    assert _leftovers() == []


def test_invalid_manifest_names_the_field(make_plugin: MakePlugin) -> None:
    folder = make_plugin("invert")
    text = (folder / "plugin.toml").read_text().replace('version = "1.0.0"\n', "")
    (folder / "plugin.toml").write_text(text)
    with pytest.raises(UserError, match="plugin.toml: field 'version' is missing"):
        install_plugin(folder)
    assert _leftovers() == []


def test_unsupported_api_version_is_refused(make_plugin: MakePlugin) -> None:
    with pytest.raises(UserError, match="plugin API version 7"):
        install_plugin(make_plugin("future", api_version=7))
    assert _leftovers() == []


def test_not_a_plugin_file_or_path(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(UserError, match="neither a folder nor a .zip"):
        install_plugin(tmp_path / "notes.txt")
    with pytest.raises(UserError, match="does not exist"):
        install_plugin(tmp_path / "missing.zip")
    assert _leftovers() == []


def test_cancel_leaves_nothing(make_plugin: MakePlugin) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CancelledError):
        install_plugin(make_plugin("invert"), cancel=cancel)
    assert _leftovers() == []


def test_leftovers_of_a_crashed_install_are_swept(make_plugin: MakePlugin) -> None:
    stale = paths.user_plugin_dir() / ".staging-crashed"
    (stale / "content").mkdir(parents=True)
    fresh = paths.user_plugin_dir() / ".staging-running"
    fresh.mkdir()
    os.utime(stale, (0, 0))
    install_plugin(make_plugin("invert"))
    assert _leftovers() == [".staging-running", "invert"]
