"""The one entry point behind ``python main.py`` and the bundle's ``marionette-studio`` launcher.

No arguments or one ``.marionette`` path opens the window; ``--version`` prints the version;
anything else is a headless command (studio.cli), so both front doors behave identically.
"""

from __future__ import annotations

from collections.abc import Sequence


def opens_window(argv: Sequence[str]) -> bool:
    """True when the arguments ask for the window: none, or a single project path."""
    return not argv or (len(argv) == 1 and argv[0].endswith(".marionette"))


def main(argv: Sequence[str]) -> int:
    """Open the window for no arguments or a project path; otherwise run a headless command."""
    argv = list(argv)
    from studio.openmp import choose_spin

    choose_spin(argv[0] if argv and not opens_window(argv) else None)
    if argv in (["--version"], ["-V"]):
        from studio.version import APP_TITLE, app_version

        print(f"{APP_TITLE} {app_version()}")  # noqa: T201 - the answer to --version
        return 0
    window = opens_window(argv)
    from studio.core.paths import data_dir
    from studio.landmarks.native_logs import route_native_logs

    route_native_logs(None if window else data_dir() / "cli.log")
    if window:
        from studio.ui.launch import launch

        return launch(argv[0] if argv else None)
    from studio.cli import main as cli_main

    return cli_main(argv)
