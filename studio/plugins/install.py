"""Installing, removing, enabling and disabling user plugins.

An install stages the plugin in a hidden temp folder beside the user plugin folder, validates
it there (manifest, API version, weights' size and sha256, no links, nothing escaping the folder)
and only then renames it into place, so a failed install leaves nothing behind.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import threading
import time
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from studio.core import paths
from studio.core.errors import CancelledError, UserError
from studio.plugins.api import PluginInfo
from studio.plugins.discovery import discover_plugins
from studio.plugins.manifest import MANIFEST_NAME, Manifest, read_manifest, version_key
from studio.plugins.state import disabled_plugins, set_disabled
from studio.plugins.weights import verify_weight_file

TRUST_WARNING = (
    "A plugin is Python code that runs with your permissions when the studio uses it: "
    "install only plugins whose authors you trust."
)

Progress = Callable[[int, int], None]


def _check_cancel(cancel: threading.Event | None) -> None:
    """Stop between files when the cancel flag is set."""
    if cancel is not None and cancel.is_set():
        raise CancelledError()


def _member_path(member: zipfile.ZipInfo, archive: Path) -> PurePosixPath:
    """The relative path a zip entry extracts to, refusing links and entries that escape the folder."""
    name = member.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise UserError(f"refusing {archive.name}: entry {member.filename!r} is an absolute path")
    if ".." in path.parts:
        raise UserError(f"refusing {archive.name}: entry {member.filename!r} escapes the plugin folder")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise UserError(f"refusing {archive.name}: entry {member.filename!r} is a link (plugins hold none)")
    return path


def _extract_zip(
    archive: Path, dest: Path, progress: Progress | None, cancel: threading.Event | None
) -> None:
    """Extract a zip entry by entry after checking every entry first."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = [(m, _member_path(m, archive)) for m in bundle.infolist()]
            root = dest.resolve()
            for done, (member, relative) in enumerate(members, 1):
                _check_cancel(cancel)
                target = dest.joinpath(*relative.parts)
                if not target.resolve().is_relative_to(root):
                    raise UserError(f"refusing {archive.name}: entry {member.filename!r} escapes the folder")
                if member.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with bundle.open(member) as source, open(target, "xb") as out:
                        shutil.copyfileobj(source, out)
                if progress is not None:
                    progress(done, len(members))
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise UserError(f"{archive.name} is not a readable zip: {exc}") from None
    except FileExistsError as exc:
        raise UserError(f"refusing {archive.name}: it holds {Path(exc.filename).name} twice") from None


def _copy_folder(source: Path, dest: Path, progress: Progress | None, cancel: threading.Event | None) -> None:
    """Copy a plugin folder (without __pycache__) after checking it holds no links or special files."""
    if source.is_symlink():
        raise UserError(f"refusing {source}: it is a link; point at the real plugin folder")
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(source, followlinks=False):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            relative = path.relative_to(source)
            if path.is_symlink():
                raise UserError(f"refusing {source.name}: {relative} is a link; plugins must not hold links")
            if not (path.is_file() or path.is_dir()):
                raise UserError(f"refusing {source.name}: {relative} is not a regular file")
        files += [Path(dirpath) / name for name in filenames]
    dest.mkdir(parents=True)
    for done, path in enumerate(files, 1):
        _check_cancel(cancel)
        target = dest / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target, follow_symlinks=False)
        if progress is not None:
            progress(done, len(files))


def _plugin_root(content: Path, source: Path) -> Path:
    """The folder holding plugin.toml: the content itself or its single top-level folder."""
    if (content / MANIFEST_NAME).is_file():
        return content
    children = list(content.iterdir()) if content.is_dir() else []
    if len(children) == 1 and children[0].is_dir() and (children[0] / MANIFEST_NAME).is_file():
        return children[0]
    raise UserError(f"{MANIFEST_NAME} is missing in {source.name}: a plugin needs one at its top level")


def _verify_weights(root: Path, manifest: Manifest, cancel: threading.Event | None) -> None:
    """Check every weight file the manifest lists against its size and sha256."""
    for weight in manifest.weights:
        _check_cancel(cancel)
        verify_weight_file(root / weight.path, weight.sha256, weight.size, cancel)


def _check_clash(manifest: Manifest, upgrade: bool, user_dir: Path) -> None:
    """Refuse a name already taken, unless upgrading a user plugin to an equal or newer version."""
    existing = next((i for i in discover_plugins(user_dir=user_dir) if i.name == manifest.name), None)
    if existing is not None and existing.source != "user":
        where = {"builtin": "built into the studio", "bundled": "bundled with the studio",
                 "distribution": "installed with pip"}[existing.source]
        raise UserError(f"a plugin named {manifest.name!r} is {where}: it cannot be replaced by an install")
    if existing is None and not (user_dir / manifest.name).exists():
        return
    if not upgrade:
        version = existing.version if existing is not None else "?"
        raise UserError(
            f"plugin {manifest.name!r} version {version} is already installed: use --upgrade to replace it"
        )
    older = existing is not None and not existing.error and (
        version_key(manifest.version) < version_key(existing.version)
    )
    if older:
        raise UserError(
            f"plugin {manifest.name!r} {manifest.version} is older than the installed one: "
            "remove the installed one first to downgrade"
        )


def _move_into_place(root: Path, final: Path, staging: Path) -> None:
    """Rename the staged plugin to its final folder, swapping out an older copy atomically."""
    if not final.exists():
        os.rename(root, final)
        return
    old = staging / "replaced"
    os.rename(final, old)
    try:
        os.rename(root, final)
    except OSError:
        os.rename(old, final)
        raise


def _sweep_leftovers(user_dir: Path, max_age_seconds: float = 3600.0) -> None:
    """Delete staging and removal folders an interrupted install or removal (a crash) left behind."""
    now = time.time()
    for path in user_dir.glob(".*-*"):
        stale = now - path.stat().st_mtime > max_age_seconds
        if stale and path.name.startswith((".staging-", ".removing-")) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def install_plugin(
    source: str | Path,
    upgrade: bool = False,
    user_dir: Path | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> PluginInfo:
    """Install a plugin from a folder or a .zip into the user plugin folder; return what was installed."""
    source = Path(source)
    if not source.exists() and not source.is_symlink():
        raise UserError(f"{source} does not exist: give a plugin folder or a .zip")
    user_dir = user_dir or paths.user_plugin_dir()
    user_dir.mkdir(parents=True, exist_ok=True)
    _sweep_leftovers(user_dir)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=user_dir))
    try:
        content = staging / "content"
        if source.is_dir() or source.is_symlink():
            _copy_folder(source, content, progress, cancel)
        elif zipfile.is_zipfile(source):
            content.mkdir()
            _extract_zip(source, content, progress, cancel)
        else:
            raise UserError(f"{source.name} is neither a folder nor a .zip: give a plugin folder or a .zip")
        root = _plugin_root(content, source)
        manifest = read_manifest(root)
        _verify_weights(root, manifest, cancel)
        _check_clash(manifest, upgrade, user_dir)
        final = user_dir / manifest.name
        _move_into_place(root, final, staging)
    except OSError as exc:
        raise UserError(f"cannot install {source.name}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest.info("user", str(final), str(final), manifest.name not in disabled_plugins())


def _find(name: str, user_dir: Path | None) -> list[PluginInfo]:
    """Every discovered plugin of that name, or a UserError listing the known names."""
    infos = discover_plugins(user_dir=user_dir)
    matches = [i for i in infos if i.name == name]
    if not matches:
        known = ", ".join(dict.fromkeys(i.name for i in infos))
        raise UserError(f"unknown plugin {name!r}: choose one of {known}")
    return matches


def remove_plugin(name: str, user_dir: Path | None = None) -> None:
    """Delete a user-installed plugin (bundled, built-in and pip-installed ones cannot be removed)."""
    matches = _find(name, user_dir)
    user = next((i for i in matches if i.source == "user"), None)
    if user is None:
        source = matches[0].source
        if source == "distribution":
            raise UserError(f"plugin {name!r} was installed with pip: remove it with pip uninstall")
        where = "built into" if source == "builtin" else "bundled with"
        raise UserError(f"plugin {name!r} is {where} the studio and cannot be removed: disable it instead")
    folder = Path(user.root)
    trash = folder.parent / f".removing-{name}-{uuid.uuid4().hex[:8]}"
    try:
        os.rename(folder, trash)
    except OSError as exc:
        raise UserError(f"cannot remove plugin {name!r}: {exc.strerror or exc}") from None
    shutil.rmtree(trash, ignore_errors=True)
    set_disabled(name, False)


def set_plugin_enabled(name: str, enabled: bool, user_dir: Path | None = None) -> None:
    """Enable or disable a plugin by name (persisted); the built-ins cannot be disabled."""
    matches = _find(name, user_dir)
    if matches[0].source == "builtin":
        raise UserError(f"plugin {name!r} is built into the studio and cannot be disabled")
    set_disabled(name, not enabled)
