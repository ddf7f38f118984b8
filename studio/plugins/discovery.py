"""Finding plugins by reading their manifests only: bundled, user-installed and pip-installed.

Order (first one wins a name): built-ins, the bundled folder ``<repo>/plugins``, the user plugin
folder, then distributions exposing the entry-point group ``marionette.plugins``. An entry point
names either a package (``my_plugin = "my_plugin_pkg"``: its ``plugin.toml`` is read from the
package folder without importing it) or an attribute (``"my_pkg.meta:MANIFEST"``) holding a
manifest dict or the path of a manifest file.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import studio
from studio.core import paths
from studio.core.errors import UserError
from studio.plugins.api import PluginInfo, Registry, builtin_registry
from studio.plugins.manifest import Manifest, parse_manifest, read_manifest, read_manifest_file
from studio.plugins.state import disabled_plugins

ENTRY_POINT_GROUP = "marionette.plugins"


def bundled_plugin_dir() -> Path:
    """The plugins that ship with the studio: the top-level ``plugins/`` folder beside ``studio/``."""
    return Path(studio.__file__).resolve().parent.parent / "plugins"


def _rejected(name: str, source: str, root: str, error: str) -> PluginInfo:
    """A plugin discovery could not accept, kept so the user sees why."""
    return PluginInfo(name=name, version="?", source=source, root=root, error=error)


def _folder_plugins(folder: Path, source: str, disabled: set[str]) -> list[PluginInfo]:
    """Every plugin folder (one holding plugin.toml) directly inside ``folder``."""
    if not folder.is_dir():
        return []
    infos = []
    for child in sorted(folder.iterdir()):
        if child.name.startswith((".", "_")) or not child.is_dir():
            continue
        if child.is_symlink():
            infos.append(_rejected(child.name, source, str(child), "plugin folder is a link: reinstall it"))
            continue
        try:
            manifest = read_manifest(child)
        except UserError as exc:
            infos.append(_rejected(child.name, source, str(child), str(exc)))
            continue
        infos.append(manifest.info(source, str(child), str(child), manifest.name not in disabled))
    return infos


def _module_folder(module: str) -> Path:
    """The folder of an importable module or package, found without running its code."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None or (spec.origin is None and not spec.submodule_search_locations):
        raise UserError(f"module {module!r} is not importable")
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(str(spec.origin)).parent


def _entry_point_manifest(entry_point: importlib.metadata.EntryPoint) -> tuple[Manifest, Path]:
    """The manifest an entry point names, and the folder its relative paths are relative to."""
    if entry_point.attr is None:
        root = _module_folder(entry_point.module)
        return read_manifest(root), root
    target: Any = entry_point.load()
    root = Path(str(getattr(sys.modules.get(entry_point.module), "__file__", "") or ".")).parent
    if isinstance(target, dict):
        return parse_manifest(target), root
    if isinstance(target, str | os.PathLike):
        path = Path(target)
        return (read_manifest(path), path) if path.is_dir() else (read_manifest_file(path), path.parent)
    raise UserError(f"{entry_point.value} is a {type(target).__name__}: expected a manifest dict or path")


def _distribution_plugins(disabled: set[str]) -> list[PluginInfo]:
    """Plugins from installed distributions exposing the ``marionette.plugins`` entry-point group."""
    infos = []
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            manifest, root = _entry_point_manifest(entry_point)
        except UserError as exc:
            reason = f"entry point {entry_point.value}: {exc}"
            infos.append(_rejected(entry_point.name, "distribution", "", reason))
            continue
        except Exception as exc:  # a broken distribution must not stop discovery
            reason = f"entry point {entry_point.value} failed: {type(exc).__name__}: {exc}"
            infos.append(_rejected(entry_point.name, "distribution", "", reason))
            continue
        infos.append(manifest.info("distribution", str(root), "", manifest.name not in disabled))
    return infos


def discover_plugins(
    bundled_dir: Path | None = None, user_dir: Path | None = None, distributions: bool = True
) -> list[PluginInfo]:
    """Every plugin found (built-ins first), valid or not; a repeated name is rejected with a reason."""
    disabled = disabled_plugins()
    found = builtin_registry().plugins()
    found += _folder_plugins(bundled_dir or bundled_plugin_dir(), "bundled", disabled)
    found += _folder_plugins(user_dir or paths.user_plugin_dir(), "user", disabled)
    if distributions:
        found += _distribution_plugins(disabled)
    infos: list[PluginInfo] = []
    for info in found:
        first = next((i for i in infos if i.name == info.name and not i.error), None)
        if first is None:
            infos.append(info)
            continue
        reason = f"a plugin named {info.name!r} is already provided by the {first.source} plugin"
        infos.append(_rejected(info.name, info.source, info.root, reason))
    return infos


def build_registry(infos: list[PluginInfo]) -> Registry:
    """A registry holding the built-ins and the contributions of every valid, enabled plugin."""
    registry = builtin_registry()
    for info in infos:
        if info.source == "builtin":
            continue
        if info.enabled and not info.error:
            clash = next((c for c in info.contributions if registry.has(c.kind, c.name)), None)
            if clash is not None:
                owner = registry.get(clash.kind, clash.name).plugin
                reason = f"{clash.kind} {clash.name!r} is already provided by plugin {owner!r}"
                info = replace(info, error=reason)
            else:
                for contribution in info.contributions:
                    registry.register(contribution)
        registry.add_plugin(info)
    return registry


def default_registry(
    bundled_dir: Path | None = None, user_dir: Path | None = None, distributions: bool = True
) -> Registry:
    """The app's registry: built-ins, bundled plugins, user plugins and pip-installed plugins."""
    return build_registry(discover_plugins(bundled_dir, user_dir, distributions))


def reload_registry(previous: Registry | None = None) -> Registry:
    """A fresh default registry (after an install, removal or toggle) keeping this session's failures."""
    registry = default_registry()
    if previous is not None:
        registry.adopt_failures(previous)
    return registry
