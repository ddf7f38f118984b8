"""`uninstall-desktop`: remove what install-desktop added (menu entry, icons, file type); nothing else."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the command."""
    return subparsers.add_parser("uninstall-desktop", help="remove the menu entry, icons and file type "
                                 "that install-desktop added")


def run(args: argparse.Namespace) -> int:
    """Remove the desktop entry, icons and MIME type for this user."""
    from studio.cli._desktop import data_home, uninstall

    home = data_home()
    removed, _tools = uninstall(home)
    print(f"removed {len(removed)} files under {home}" if removed else f"nothing to remove under {home}")
    return 0
