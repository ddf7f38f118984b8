"""Open, Save and folder dialogs that start in the user's folders and remember the last one used per purpose.

Every file dialog of the studio goes through here, so none opens in the install folder (the process's
working directory). The last folder of each purpose ("project", "image", "export", ...) is kept as JSON in
the user's config folder; before any, images start in Pictures and everything else in the home folder.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from studio.core.atomic import atomic_path
from studio.core.errors import UserError
from studio.core.paths import config_dir

FOLDERS_NAME = "last_folders.json"
_DEFAULT_LOCATIONS = {
    "image": QStandardPaths.StandardLocation.PicturesLocation,
    "video": QStandardPaths.StandardLocation.MoviesLocation,
    "audio": QStandardPaths.StandardLocation.MusicLocation,
}


def _store() -> Path:
    return config_dir() / FOLDERS_NAME


def _remembered() -> dict[str, str]:
    try:
        entries = json.loads(_store().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in entries.items() if isinstance(v, str)} if isinstance(entries, dict) else {}


def default_folder(purpose: str) -> Path:
    """The folder a purpose starts in before the user picked any: Pictures, Videos or Music, else home."""
    location = _DEFAULT_LOCATIONS.get(purpose)
    if location is not None:
        folder = Path(QStandardPaths.writableLocation(location) or Path.home())
        if folder.is_dir():
            return folder
    return Path.home()


def start_folder(purpose: str) -> Path:
    """The last folder used for ``purpose`` while it still exists, else ``default_folder``."""
    last = _remembered().get(purpose)
    if last and Path(last).is_dir():
        return Path(last)
    return default_folder(purpose)


def remember_folder(purpose: str, folder: Path) -> None:
    """Start the next dialog of ``purpose`` in ``folder``; a config folder that cannot be written only forgets."""
    entries = _remembered()
    entries[purpose] = str(folder)
    try:
        with atomic_path(_store()) as temp:
            temp.write_text(json.dumps(entries, indent=1), encoding="utf-8")
    except UserError:
        return


def _start(purpose: str, start: str | Path | None) -> str:
    """Where a dialog opens: ``start`` when it is an absolute path, else the purpose's folder (with its name)."""
    if start and Path(start).is_absolute():
        return str(start)
    folder = start_folder(purpose)
    return str(folder / start) if start else str(folder)


def _chosen(purpose: str, path: str, is_folder: bool = False) -> str:
    if path:
        remember_folder(purpose, Path(path) if is_folder else Path(path).parent)
    return path


def open_file(parent: QWidget | None, title: str, purpose: str, filters: str, start: str | Path | None = None) -> str:
    """Ask for an existing file ("" on Cancel); ``start`` is a path to begin at, or a bare suggested name."""
    path, _ = QFileDialog.getOpenFileName(parent, title, _start(purpose, start), filters)
    return _chosen(purpose, path)


def save_file(parent: QWidget | None, title: str, purpose: str, filters: str, start: str | Path | None = None,
              confirm_overwrite: bool = True) -> str:
    """Ask for a file to write ("" on Cancel); ``start`` is a full path or a bare name put in the purpose's folder."""
    options = QFileDialog.Option(0) if confirm_overwrite else QFileDialog.Option.DontConfirmOverwrite
    path, _ = QFileDialog.getSaveFileName(parent, title, _start(purpose, start), filters, options=options)
    return _chosen(purpose, path)


def existing_folder(parent: QWidget | None, title: str, purpose: str, start: str | Path | None = None) -> str:
    """Ask for a folder ("" on Cancel)."""
    path = QFileDialog.getExistingDirectory(parent, title, _start(purpose, start))
    return _chosen(purpose, path, is_folder=True)
