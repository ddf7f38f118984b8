"""The command dispatcher: user errors exit 2, bugs exit 1 with one line and a logged traceback."""

import argparse

import pytest

from studio import cli
from studio.core.errors import UserError
from studio.core.paths import data_dir


def _with_command(monkeypatch, run):
    def build_parser():
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers(dest="command")
        sub.add_parser("boom").set_defaults(_run=run)
        return parser

    monkeypatch.setattr(cli, "build_parser", build_parser)


def test_a_user_error_is_one_line_and_exit_2(monkeypatch, capsys):
    def run(args):
        raise UserError("the image is missing: check the path")

    _with_command(monkeypatch, run)
    assert cli.main(["boom"]) == 2
    assert capsys.readouterr().err == "error: the image is missing: check the path\n"


def test_a_bug_is_one_line_exit_1_and_the_traceback_goes_to_a_log(monkeypatch, capsys):
    def run(args):
        raise ZeroDivisionError("division by zero")

    _with_command(monkeypatch, run)
    assert cli.main(["boom"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "ZeroDivisionError" in err
    assert "Traceback" in (data_dir() / "cli.log").read_text()


def test_every_command_module_registers(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for command in ("new", "info", "render", "track", "plugins", "train", "evaluate"):
        assert command in out
