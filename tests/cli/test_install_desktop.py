"""install-desktop / uninstall-desktop write and remove exactly the XDG files, in a temporary XDG_DATA_HOME."""

from __future__ import annotations

import configparser
import os
import stat
import sys
import xml.etree.ElementTree as ET

import pytest

from studio.cli import _desktop, main

NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    """A fresh XDG_DATA_HOME and a PATH holding fake refresh tools that log their arguments."""
    home, tools = tmp_path / "share", tmp_path / "bin"
    tools.mkdir()
    for tool in ("update-desktop-database", "update-mime-database", "gtk-update-icon-cache"):
        script = tools / tool
        script.write_text(f'#!/bin/sh\necho "{tool} $@" >> "{tmp_path}/ran.log"\n')
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.setenv("PATH", str(tools))
    return home


def test_install_writes_the_entry_icons_and_mime_type(data_home, capsys):
    assert main(["install-desktop"]) == 0
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(data_home / "applications" / "marionette-studio.desktop")
    section = entry["Desktop Entry"]
    assert section["Exec"].endswith(" %f") and sys.executable in section["Exec"]
    assert section["MimeType"] == "application/x-marionette-project;"
    assert (section["Icon"], section["StartupWMClass"]) == ("marionette-studio", "marionette-studio")
    for size in (16, 32, 48, 64, 128, 256, 512):
        assert (data_home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "marionette-studio.png").is_file()
    mime = ET.parse(data_home / "mime" / "packages" / "marionette-studio.xml").getroot()
    kind = mime.find(f"{NS}mime-type")
    assert kind.get("type") == "application/x-marionette-project"
    assert kind.find(f"{NS}glob").get("pattern") == "*.marionette"
    ran = (data_home.parent / "ran.log").read_text()
    assert f"update-desktop-database {data_home / 'applications'}" in ran
    assert f"update-mime-database {data_home / 'mime'}" in ran
    assert "installed" in capsys.readouterr().out


def test_uninstall_removes_only_what_install_wrote(data_home):
    mine = data_home / "applications" / "someone-else.desktop"
    mine.parent.mkdir(parents=True)
    mine.write_text("[Desktop Entry]\n")
    assert main(["install-desktop"]) == 0
    assert main(["uninstall-desktop"]) == 0
    left = sorted(p for p in data_home.rglob("*") if p.is_file())
    assert left == [mine]


def test_missing_refresh_tools_are_not_an_error(data_home, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert main(["install-desktop"]) == 0
    assert "no desktop database tools found" in capsys.readouterr().out


def test_default_data_home_is_home_local_share(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert _desktop.data_home() == tmp_path / ".local" / "share"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/path")
    assert _desktop.data_home() == tmp_path / ".local" / "share"


def test_exec_arguments_with_spaces_are_quoted():
    assert _desktop.exec_quote("/opt/app/marionette-studio") == "/opt/app/marionette-studio"
    assert _desktop.exec_quote("/home/me/My Apps/marionette-studio") == '"/home/me/My Apps/marionette-studio"'
    assert _desktop.exec_quote('/a/"$x"') == '"/a/\\"\\$x\\""'


@pytest.mark.skipif(not os.path.exists("/usr/bin/update-mime-database"), reason="shared-mime-info not installed")
def test_the_real_mime_database_learns_the_project_type(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert main(["install-desktop"]) == 0
    globs = (tmp_path / "mime" / "globs2").read_text()
    assert "application/x-marionette-project:*.marionette" in globs
