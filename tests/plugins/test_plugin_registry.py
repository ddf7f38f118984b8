"""Discovery and the registry at run time: lazy imports, entry points, and plugins that crash."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from studio.core.errors import UserError
from studio.engine.contract import Generator, Motion
from studio.plugins.api import Registry, builtin_registry
from studio.plugins.discovery import default_registry, discover_plugins, reload_registry
from studio.plugins.install import install_plugin
from tests.plugins.conftest import MakePlugin

IMAGE = np.full((12, 10, 3), 40, np.uint8)
KP = Motion(np.float32([[2, 3]]), np.eye(2, dtype=np.float32)[None])


def _usable_generator(registry: Registry) -> None:
    """The registry still lists and builds the built-in warp and the bundled tps."""
    assert {"warp", "tps"} <= set(registry.names("generator"))
    for name in ("warp", "tps"):
        generator = registry.create_generator(name, "cpu")
        frame = generator.render(generator.prepare(IMAGE), KP, KP)
        assert frame.shape == IMAGE.shape


def test_discovery_reads_manifests_only(make_plugin: MakePlugin) -> None:
    install_plugin(make_plugin("lazy", module_prefix="raise RuntimeError('imported too early')\n"))
    registry = default_registry()
    assert registry.plugin_status("lazy") == ("enabled", "")
    assert "mtest_lazy" not in sys.modules


def test_plugin_raising_at_import_is_reported_and_disabled(make_plugin: MakePlugin) -> None:
    install_plugin(make_plugin("broken", module_prefix="raise RuntimeError('boom at import')\n"))
    registry = default_registry()
    with pytest.raises(UserError, match="generator 'broken-gen' from plugin 'broken' failed to import.*boom"):
        registry.create_generator("broken-gen", "cpu")
    assert "boom at import" in registry.failure("generator", "broken-gen")
    assert "broken-gen" not in registry.names("generator")
    status, reason = registry.plugin_status("broken")
    assert status == "failed" and "boom at import" in reason
    with pytest.raises(UserError, match="disabled for this session"):
        registry.create_generator("broken-gen", "cpu")
    _usable_generator(registry)


def test_plugin_raising_at_render_is_reported_and_disabled(make_plugin: MakePlugin) -> None:
    install_plugin(make_plugin("crashy", render="raise ZeroDivisionError('render bug')"))
    registry = default_registry()
    generator = registry.create_generator("crashy-gen", "cpu")
    assert isinstance(generator, Generator)
    state = generator.prepare(IMAGE)
    with pytest.raises(UserError) as error:
        generator.render(state, KP, KP)
    message = str(error.value)
    assert "generator 'crashy-gen' from plugin 'crashy' raised while rendering" in message
    assert "ZeroDivisionError: render bug" in message and "\n" not in message
    assert "render bug" in registry.failure("generator", "crashy-gen")
    assert registry.plugin_status("crashy")[0] == "failed"
    assert "crashy-gen" not in registry.names("generator")
    _usable_generator(registry)
    reloaded = reload_registry(registry)
    assert reloaded.failure("generator", "crashy-gen") == registry.failure("generator", "crashy-gen")


def test_user_error_from_a_plugin_passes_through(make_plugin: MakePlugin) -> None:
    render = "from studio.core.errors import UserError\n        raise UserError('needs 5 keypoints')"
    install_plugin(make_plugin("picky", render=render))
    registry = default_registry()
    generator = registry.create_generator("picky-gen", "cpu")
    with pytest.raises(UserError, match="^needs 5 keypoints$"):
        generator.render(generator.prepare(IMAGE), KP, KP)
    assert registry.failure("generator", "picky-gen") is None


def test_plugin_raising_in_its_constructor_is_disabled() -> None:
    registry = builtin_registry()
    from studio.plugins.api import Contribution

    registry.register(Contribution("generator", "bad-init", "fractions:Fraction", plugin="stdlib"))
    with pytest.raises(UserError, match="'bad-init' from plugin 'stdlib' failed to start"):
        registry.create_generator("bad-init", "cpu")
    assert registry.failure("generator", "bad-init")


def test_contribution_name_clash_is_reported(make_plugin: MakePlugin) -> None:
    install_plugin(make_plugin("impostor", generator="warp"))
    registry = default_registry()
    status, reason = registry.plugin_status("impostor")
    assert status == "failed" and "already provided by plugin 'builtin'" in reason
    assert registry.get("generator", "warp").plugin == "builtin"


def test_broken_user_folder_is_listed_as_failed(make_plugin: MakePlugin) -> None:
    from studio.core import paths

    (paths.user_plugin_dir() / "half").mkdir()
    (paths.user_plugin_dir() / "half" / "plugin.toml").write_text('name = "half"\n')
    registry = default_registry()
    status, reason = registry.plugin_status("half")
    assert status == "failed" and "field 'version' is missing" in reason


def _distribution(root: Path, dist: str, entry_points: str) -> None:
    """A minimal installed distribution (dist-info with METADATA and entry_points.txt)."""
    info = root / f"{dist}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(entry_points)


def test_entry_point_package_is_discovered_without_import(
    make_plugin: MakePlugin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    make_plugin("epplug", parent=site / "holder")
    package_dir = site / "holder" / "epplug" / "mtest_epplug"
    (package_dir / "plugin.toml").write_text((site / "holder/epplug/plugin.toml").read_text())
    (package_dir.rename(site / "mtest_epplug"))
    _distribution(site, "mtest-epdist", "[marionette.plugins]\nepplug = mtest_epplug\n")
    monkeypatch.syspath_prepend(str(site))
    registry = default_registry()
    info = registry.plugin("epplug")
    assert (info.source, info.version, info.root) == ("distribution", "1.0.0", str(site / "mtest_epplug"))
    assert "mtest_epplug" not in sys.modules
    generator = registry.create_generator("epplug-gen", "cpu")
    assert np.array_equal(generator.render(generator.prepare(IMAGE), KP, KP), 255 - IMAGE)


def test_entry_point_attribute_with_manifest_dict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    (site / "mtestdist_meta").mkdir(parents=True)
    (site / "mtestdist_meta" / "__init__.py").write_text(textwrap.dedent("""\
        MANIFEST = {
            "name": "dictplug", "version": "2.0", "api_version": 1,
            "generators": [{"name": "dict-gen", "entry": "fractions:Fraction", "title": "Dict"}],
        }
        """))
    _distribution(site, "mtest-dictdist", "[marionette.plugins]\ndictplug = mtestdist_meta:MANIFEST\n")
    monkeypatch.syspath_prepend(str(site))
    registry = default_registry()
    assert registry.plugin("dictplug").version == "2.0"
    assert registry.get("generator", "dict-gen").plugin == "dictplug"


def test_broken_entry_point_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _distribution(site, "mtest-ghost", "[marionette.plugins]\nghost = mtest_not_there\n")
    monkeypatch.syspath_prepend(str(site))
    infos = [p for p in discover_plugins() if p.name == "ghost"]
    assert infos and infos[0].source == "distribution"
    assert "not importable" in infos[0].error


def test_duplicate_plugin_name_is_rejected(make_plugin: MakePlugin, tmp_path: Path) -> None:
    from studio.core import paths

    install_plugin(make_plugin("twin"))
    bundled = tmp_path / "bundled"
    make_plugin("twin", parent=bundled)
    infos = [p for p in discover_plugins(bundled_dir=bundled) if p.name == "twin"]
    assert [i.source for i in infos] == ["bundled", "user"]
    assert not infos[0].error and "already provided by the bundled plugin" in infos[1].error
    assert (paths.user_plugin_dir() / "twin").exists()


def test_tracker_contribution_is_registered_and_loads_lazily(make_plugin: MakePlugin) -> None:
    folder = make_plugin("tracky")
    manifest = folder / "plugin.toml"
    manifest.write_text(manifest.read_text() + '\n[[trackers]]\nname = "tracky-track"\n'
                        'entry = "mtest_tracky:InvertGenerator"\ntitle = "Track"\n')
    install_plugin(folder)
    registry = default_registry()
    assert registry.names("tracker") == ["face", "pose", "hands", "flow", "tracky-track"]
    assert registry.get("tracker", "tracky-track").plugin == "tracky"
    assert "mtest_tracky" not in sys.modules
    assert registry.load("tracker", "tracky-track").__name__ == "InvertGenerator"


def test_headless_plugin_modules_import_neither_qt_nor_torch() -> None:
    import subprocess

    code = (
        "import sys; import studio.plugins.discovery, studio.plugins.install, studio.plugins.weights, "
        "studio.cli.plugins; print(sorted(m for m in ('torch', 'PySide6') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip() == "[]"


def test_a_builtin_generator_crash_is_reported_but_never_disabled(monkeypatch) -> None:
    from studio.engine.warp import WarpGenerator

    registry = builtin_registry()
    generator = registry.create_generator("warp", "cpu")

    def broken(*args):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(WarpGenerator, "render", broken)
    with pytest.raises(UserError, match="generator 'warp' raised while rendering: ZeroDivisionError"):
        generator.render(None, None, None)
    assert registry.failure("generator", "warp") is None
    assert "warp" in registry.names("generator")
