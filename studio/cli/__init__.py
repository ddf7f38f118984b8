"""Headless commands: ``python main.py <command> ...``.

Each module in this package that defines ``add_parser(subparsers)`` and ``run(args) -> int``
is one command. Command modules import heavy libraries (torch, av, mediapipe) inside ``run``
so that ``--help`` and start-up stay fast. Every UserError becomes one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from studio.core.errors import CancelledError, UserError
from studio.openmp import choose_spin

EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 1
EXIT_INTERRUPTED = 130


def _command_modules() -> list:
    """The command modules of this package, in name order."""
    modules = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "add_parser") and hasattr(module, "run"):
            modules.append(module)
    return modules


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per command module."""
    parser = argparse.ArgumentParser(
        prog="marionette-studio" if getattr(sys, "frozen", False) else "python main.py",
        description="Marionette Studio. With no command (or a .marionette file) it opens the studio.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _command_modules():
        sub = module.add_parser(subparsers)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one headless command and return its exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    choose_spin(argv[0] if argv else None)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        return int(args._run(args) or 0)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except CancelledError:
        print("cancelled", file=sys.stderr)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug: one line for the user, the traceback in a log file
        log = _log_traceback()
        print(f"error: unexpected {type(error).__name__}: {error} (details in {log}; please report it)",
              file=sys.stderr)
        return EXIT_INTERNAL_ERROR


def _log_traceback() -> str:
    """Append the current exception's traceback to the user's cli.log and return the log's path."""
    import traceback

    from studio.core.paths import data_dir

    path = data_dir() / "cli.log"
    with open(path, "a", encoding="utf-8") as log:
        log.write(traceback.format_exc())
    return str(path)
