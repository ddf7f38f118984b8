"""``python main.py plugins list | info NAME | install PATH_OR_ZIP | remove NAME | enable NAME | disable NAME |
pack RUN_DIR -o MODEL.zip``."""

from __future__ import annotations

import argparse
import sys

from studio.core.errors import UserError


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``plugins`` command and its actions."""
    parser = subparsers.add_parser("plugins", help="list, install, remove, enable or disable plugins")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="every plugin with its source and status")
    info = actions.add_parser("info", help="a plugin's manifest and status")
    info.add_argument("name")
    install = actions.add_parser("install", help="install a plugin from a folder or a .zip")
    install.add_argument("path", metavar="PATH_OR_ZIP")
    install.add_argument("--upgrade", action="store_true", help="replace an installed plugin of that name")
    install.add_argument("--yes", action="store_true", help="skip the question: you trust this plugin's code")
    for action, text in (("remove", "delete a user-installed plugin"), ("enable", "enable a plugin"),
                         ("disable", "disable a plugin (it stays installed)")):
        actions.add_parser(action, help=text).add_argument("name")
    pack = actions.add_parser("pack", help="turn a training run (train -o RUN_DIR) into an installable plugin .zip")
    pack.add_argument("run_dir", metavar="RUN_DIR")
    pack.add_argument("-o", "--output", required=True, metavar="MODEL.zip")
    pack.add_argument("--name", help="plugin and generator name (default: the zip's name)")
    pack.add_argument("--version", default="1.0.0", help="plugin version (default 1.0.0)")
    pack.add_argument("--title", help="the generator's title shown in the studio")
    pack.add_argument("--overwrite", action="store_true", help="replace an existing zip")
    return parser


def _list() -> int:
    """Print one line per plugin."""
    from studio.plugins.discovery import default_registry

    registry = default_registry()
    rows = [("NAME", "VERSION", "SOURCE", "STATUS", "PROVIDES")]
    for info in registry.plugins():
        status, reason = registry.plugin_status(info)
        provides = ", ".join(f"{c.kind} {c.name}" for c in info.contributions)
        rows.append((info.name, info.version, info.source, status, reason or provides))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[4])
    return 0


def _info(name: str) -> int:
    """Print a plugin's manifest fields, contributions and status."""
    from studio.plugins.discovery import default_registry

    registry = default_registry()
    info = registry.plugin(name)
    status, reason = registry.plugin_status(info)
    print(f"name:        {info.name}")
    print(f"version:     {info.version}")
    print(f"source:      {info.source}")
    print(f"status:      {status}" + (f" ({reason})" if reason else ""))
    print(f"api version: {info.api_version}")
    print(f"author:      {info.author}")
    print(f"license:     {info.license}")
    print(f"location:    {info.root or '(inside the studio)'}")
    print(f"description: {info.description}")
    for contribution in info.contributions:
        kind, name, title, entry = contribution.kind, contribution.name, contribution.title, contribution.entry
        print(f"provides:    {kind} {name} - {title} ({entry})")
    return 0


def _install(path: str, upgrade: bool, yes: bool) -> int:
    """Warn that a plugin is trusted code, ask (unless --yes), then install with a progress bar."""
    from studio.cli._progress import ProgressBar
    from studio.plugins.install import TRUST_WARNING, install_plugin

    print(f"warning: {TRUST_WARNING}", file=sys.stderr)
    if not yes:
        if not sys.stdin.isatty():
            raise UserError("installing needs your confirmation: re-run with --yes if you trust this plugin")
        if input("Install it? [y/N] ").strip().lower() not in ("y", "yes"):
            raise UserError("install cancelled: nothing was changed")
    info = install_plugin(path, upgrade=upgrade, progress=ProgressBar("installing").update)
    provides = ", ".join(f"{c.kind} {c.name}" for c in info.contributions)
    print(f"installed {info.name} {info.version} into {info.root} (provides {provides})")
    return 0


def _pack(args: argparse.Namespace) -> int:
    """Pack a training run into a plugin zip and say how to install it."""
    from studio.training.pack import pack_plugin

    result = pack_plugin(args.run_dir, args.output, name=args.name, version=args.version, title=args.title,
                         overwrite=args.overwrite)
    print(f"packed {result.name} {result.version} into {result.path} (weights sha256 {result.sha256[:12]}…)")
    print(f"install with: python main.py plugins install {result.path} --yes; "
          f"render with --model {result.name}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Run one plugin action."""
    from studio.plugins.install import remove_plugin, set_plugin_enabled

    if args.action == "list":
        return _list()
    if args.action == "info":
        return _info(args.name)
    if args.action == "install":
        return _install(args.path, args.upgrade, args.yes)
    if args.action == "pack":
        return _pack(args)
    if args.action == "remove":
        remove_plugin(args.name)
        print(f"removed {args.name}")
    else:
        set_plugin_enabled(args.name, args.action == "enable")
        print(f"{args.action}d {args.name}")
    return 0
