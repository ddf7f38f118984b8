"""Entry point: ``python main.py`` opens the studio; ``python main.py <command>`` runs headless."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    """Open the window for no arguments or a project path; otherwise run a headless command."""
    opens_window = not argv or (len(argv) == 1 and argv[0].endswith(".marionette"))
    from studio.core.paths import data_dir
    from studio.landmarks.native_logs import route_native_logs

    route_native_logs(None if opens_window else data_dir() / "cli.log")
    if opens_window:
        from studio.ui.launch import launch

        return launch(argv[0] if argv else None)
    from studio.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
