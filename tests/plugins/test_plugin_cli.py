"""``python main.py plugins ...`` through the CLI dispatcher: output, exit codes, one-line errors."""

from __future__ import annotations

import pytest

from studio.cli import main
from tests.plugins.conftest import MakePlugin


def test_list_install_info_disable_enable_remove(make_plugin: MakePlugin, capsys: pytest.CaptureFixture) -> None:
    assert main(["plugins", "install", str(make_plugin("invert")), "--yes"]) == 0
    out, err = capsys.readouterr()
    assert "installed invert 1.0.0" in out and "generator invert-gen" in out
    assert "warning: A plugin is Python code" in err

    assert main(["plugins", "list"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line.split() for line in out.splitlines()[1:]}
    assert lines["invert"][:4] == ["invert", "1.0.0", "user", "enabled"]
    assert lines["tps"][2:4] == ["bundled", "enabled"]
    assert lines["builtin"][2:4] == ["builtin", "enabled"]

    assert main(["plugins", "info", "invert"]) == 0
    out = capsys.readouterr().out
    assert "provides:    generator invert-gen - Invert (mtest_invert:InvertGenerator)" in out

    assert main(["plugins", "disable", "invert"]) == 0
    main(["plugins", "list"])
    assert "disabled" in next(line for line in capsys.readouterr().out.splitlines() if line.startswith("invert"))
    assert main(["plugins", "enable", "invert"]) == 0
    assert main(["plugins", "remove", "invert"]) == 0
    capsys.readouterr()
    main(["plugins", "list"])
    assert "invert" not in capsys.readouterr().out


def test_install_needs_confirmation_without_yes(make_plugin: MakePlugin, capsys: pytest.CaptureFixture) -> None:
    assert main(["plugins", "install", str(make_plugin("invert"))]) == 2
    err = capsys.readouterr().err
    assert "warning: A plugin is Python code" in err
    assert "error: installing needs your confirmation: re-run with --yes" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["plugins", "info", "nope"], "error: unknown plugin 'nope'"),
        (["plugins", "remove", "tps"], "error: plugin 'tps' is bundled with the studio and cannot be removed"),
        (["plugins", "install", "/no/such/plugin.zip", "--yes"], "does not exist"),
    ],
)
def test_user_errors_are_one_line_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert message in err[-1]
    assert not any("Traceback" in line for line in err)


def test_refused_install_exits_2(make_plugin: MakePlugin, capsys: pytest.CaptureFixture) -> None:
    folder = make_plugin("invert")
    (folder / "plugin.toml").write_text((folder / "plugin.toml").read_text().replace("api_version = 1", ""))
    assert main(["plugins", "install", str(folder), "--yes"]) == 2
    assert "error: plugin.toml: field 'api_version' is missing" in capsys.readouterr().err
