"""Every `python main.py ...` command the README shows parses with the real argument parser."""

import shlex
from pathlib import Path

import pytest

from studio.cli import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_commands() -> list[str]:
    """The README's headless command lines (continuations joined, chains split, comments dropped)."""
    text = README.read_text(encoding="utf-8").replace("\\\n", " ")
    commands = []
    for line in text.splitlines():
        for part in line.split("&&"):
            part = part.split("  #")[0].strip()
            if part.startswith("python main.py "):
                commands.append(part)
    return commands


def test_the_readme_shows_commands():
    assert len(readme_commands()) >= 15


@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_parses(command):
    args = shlex.split(command)[2:]
    if len(args) == 1 and args[0].endswith(".marionette"):
        return  # opens the studio window
    parsed = build_parser().parse_args(args)
    assert parsed.command == args[0]
