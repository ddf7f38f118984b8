"""Linux desktop integration in the user's XDG folders: menu entry, icons and the project MIME type.

``install-desktop`` writes, under ``$XDG_DATA_HOME`` (default ``~/.local/share``):
``applications/marionette-studio.desktop``, ``icons/hicolor/NxN/apps/marionette-studio.png`` (and the
project files' icon under ``mimetypes/``), and ``mime/packages/marionette-studio.xml`` (shared-mime-info,
``*.marionette`` = ``application/x-marionette-project``); then refreshes the desktop and MIME databases
when their tools exist. ``uninstall-desktop`` removes exactly those files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import studio

APP_ID = "marionette-studio"
MIME_TYPE = "application/x-marionette-project"
MIME_ICON = MIME_TYPE.replace("/", "-")
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
_ROOT = Path(studio.__file__).resolve().parent.parent
TEMPLATES = _ROOT / "packaging" / "linux"
ICONS = _ROOT / "resources" / "icons"
_EXEC_RESERVED = set(' \t\n"\'\\><~|&;$*?#()`')


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset or not absolute (as the spec says)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"


def launch_command() -> list[str]:
    """The command that opens the studio: the bundle's executable, or python with main.py in a checkout."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, str(_ROOT / "main.py")]


def exec_quote(argument: str) -> str:
    """Quote one argument for a .desktop Exec line (Desktop Entry spec: double quotes, escaped specials)."""
    if not any(ch in _EXEC_RESERVED for ch in argument):
        return argument.replace("%", "%%")
    escaped = "".join(f"\\{ch}" if ch in '"`$\\' else ch for ch in argument)
    return f'"{escaped}"'.replace("%", "%%")


def desktop_entry() -> str:
    """The .desktop file's text with this installation's command filled in."""
    command = launch_command()
    template = (TEMPLATES / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    return template.replace("@EXEC@", " ".join(exec_quote(part) for part in command)).replace("@TRYEXEC@", command[0])


def installed_files(home: Path) -> dict[Path, Path | None]:
    """Every file install-desktop writes, mapped to the file it copies (None for the generated .desktop)."""
    files: dict[Path, Path | None] = {home / "applications" / f"{APP_ID}.desktop": None,
                                      home / "mime" / "packages" / f"{APP_ID}.xml": TEMPLATES / f"{APP_ID}-mime.xml"}
    for size in ICON_SIZES:
        folder = home / "icons" / "hicolor" / f"{size}x{size}"
        icon = ICONS / f"{APP_ID}-{size}.png"
        files[folder / "apps" / f"{APP_ID}.png"] = icon
        files[folder / "mimetypes" / f"{MIME_ICON}.png"] = icon
    return files


def _refresh(home: Path) -> list[str]:
    """Run the desktop, MIME and icon cache tools that exist; return the ones that ran."""
    tools = [("update-desktop-database", [str(home / "applications")]),
             ("update-mime-database", [str(home / "mime")]),
             ("gtk-update-icon-cache", ["--force", "--ignore-theme-index", str(home / "icons" / "hicolor")])]
    ran = []
    for tool, arguments in tools:
        path = shutil.which(tool)
        if path is None:
            continue
        subprocess.run([path, *arguments], capture_output=True, check=False, timeout=60)
        ran.append(tool)
    return ran


def install(home: Path) -> tuple[list[Path], list[str]]:
    """Write the entry, icons and MIME type under ``home``; return the files written and the tools run."""
    written = []
    for target, source in installed_files(home).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if source is None:
            target.write_text(desktop_entry(), encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        written.append(target)
    return written, _refresh(home)


def uninstall(home: Path) -> tuple[list[Path], list[str]]:
    """Remove what install wrote (nothing else); return the files removed and the tools run."""
    removed = []
    for target in installed_files(home):
        if target.is_file():
            target.unlink()
            removed.append(target)
    return removed, _refresh(home) if removed else []
