"""`install-desktop`: add the studio to the desktop's menu and open .marionette files with it (Linux)."""

from __future__ import annotations

import argparse
import sys

from studio.core.errors import UserError


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the command."""
    return subparsers.add_parser("install-desktop", help="add a menu entry, icons and the .marionette file type "
                                 "(Linux, in $XDG_DATA_HOME or ~/.local/share)")


def run(args: argparse.Namespace) -> int:
    """Install the desktop entry, icons and MIME type for this user."""
    from studio.cli._desktop import data_home, install

    if not sys.platform.startswith("linux"):
        raise UserError("install-desktop is for Linux desktops; on Windows and macOS the installer does this")
    home = data_home()
    written, tools = install(home)
    print(f"installed {len(written)} files under {home} (menu entry, icons, .marionette file type)")
    print(f"refreshed: {', '.join(tools)}" if tools else "no desktop database tools found: the menu updates on "
          "next log-in")
    return 0
