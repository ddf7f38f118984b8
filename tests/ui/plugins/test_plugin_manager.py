"""The Plugin Manager dialog: listing, install with the trust warning, errors, toggling, removal."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from studio.plugins.api import Registry
from studio.plugins.discovery import default_registry
from studio.plugins.install import TRUST_WARNING, install_plugin
from studio.ui.plugins.plugin_manager import PluginManagerDialog

MANIFEST = """\
name = "uiplug"
version = "{version}"
api_version = 1

[[generators]]
name = "ui-gen"
entry = "mtest_uiplug:Factory"
title = "UI test"
"""


@pytest.fixture
def plugin_folder(tmp_path: Path) -> Path:
    """A minimal valid plugin folder (its code is never run by these tests)."""
    folder = tmp_path / "uiplug"
    (folder / "mtest_uiplug").mkdir(parents=True)
    (folder / "plugin.toml").write_text(MANIFEST.format(version="1.0.0"))
    (folder / "mtest_uiplug" / "__init__.py").write_text("Factory = None\n")
    return folder


@pytest.fixture
def dialog(qtbot) -> PluginManagerDialog:
    manager = PluginManagerDialog(registry=default_registry(distributions=False))
    qtbot.addWidget(manager)
    return manager


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Messages shown with QMessageBox.warning (instead of a modal box)."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    return shown


def _rows(dialog: PluginManagerDialog) -> dict[str, list[str]]:
    table = dialog.table
    return {
        table.item(row, 0).text(): [table.item(row, col).text() for col in range(table.columnCount())]
        for row in range(table.rowCount())
    }


def _wait_idle(qtbot, dialog: PluginManagerDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10000)


def test_lists_builtin_and_bundled_plugins(dialog: PluginManagerDialog) -> None:
    assert dialog.objectName() == "pluginManager"
    rows = _rows(dialog)
    assert rows["builtin"][2:4] == ["builtin", "enabled"]
    assert rows["tps"][1:4] == ["1.0.0", "bundled", "enabled"]
    dialog.select_plugin("builtin")
    assert not dialog.remove_button.isEnabled() and not dialog.toggle_button.isEnabled()
    dialog.select_plugin("tps")
    assert not dialog.remove_button.isEnabled() and dialog.toggle_button.isEnabled()


def test_install_runs_in_background_and_emits_new_registry(
    qtbot, dialog: PluginManagerDialog, plugin_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dialog, "confirm_install", lambda path: (True, False))
    with qtbot.waitSignal(dialog.registry_changed, timeout=10000) as signal:
        dialog.install_from(str(plugin_folder))
        assert dialog.is_busy() and not dialog.install_zip_button.isEnabled()
    registry: Registry = signal.args[0]
    assert "ui-gen" in registry.names("generator")
    assert dialog.registry() is registry
    assert _rows(dialog)["uiplug"][1:4] == ["1.0.0", "user", "enabled"]
    assert "Installed uiplug 1.0.0" in dialog.status_label.text()
    assert "mtest_uiplug" not in sys.modules


def test_trust_warning_is_shown_and_cancel_installs_nothing(
    qtbot, dialog: PluginManagerDialog, plugin_folder: Path
) -> None:
    seen: dict[str, str] = {}

    def answer() -> None:
        box = QApplication.activeModalWidget()
        seen["text"] = box.informativeText()
        seen["name"] = box.objectName()
        box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(0, answer)
    dialog.install_from(str(plugin_folder))
    assert seen == {"text": TRUST_WARNING, "name": "pluginTrustWarning"}
    assert not dialog.is_busy()
    assert "uiplug" not in _rows(dialog)


def test_trust_warning_upgrade_checkbox_replaces(
    qtbot, dialog: PluginManagerDialog, plugin_folder: Path, tmp_path: Path
) -> None:
    install_plugin(plugin_folder)
    (plugin_folder / "plugin.toml").write_text(MANIFEST.format(version="2.0.0"))

    def answer() -> None:
        box = QApplication.activeModalWidget()
        box.checkBox().setChecked(True)
        box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(0, answer)
    with qtbot.waitSignal(dialog.registry_changed, timeout=10000):
        dialog.install_from(str(plugin_folder))
    assert _rows(dialog)["uiplug"][1] == "2.0.0"


def test_install_error_is_a_message_not_a_traceback(
    qtbot, dialog: PluginManagerDialog, plugin_folder: Path, monkeypatch: pytest.MonkeyPatch, warnings: list[str]
) -> None:
    (plugin_folder / "plugin.toml").write_text(MANIFEST.format(version="1.0.0").replace("version", "ver"))
    monkeypatch.setattr(dialog, "confirm_install", lambda path: (True, False))
    dialog.install_from(str(plugin_folder))
    _wait_idle(qtbot, dialog)
    assert warnings == ["plugin.toml: field 'version' is missing"]
    assert "uiplug" not in _rows(dialog)
    assert dialog.install_folder_button.isEnabled()


def test_disable_enable_and_remove(
    qtbot, dialog: PluginManagerDialog, plugin_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_plugin(plugin_folder)
    dialog.select_plugin("tps")
    with qtbot.waitSignal(dialog.registry_changed, timeout=10000):
        dialog.toggle_selected()
    assert _rows(dialog)["tps"][3] == "disabled"
    assert "tps" not in dialog.registry().names("generator")
    assert dialog.toggle_button.text() == "Enable"
    with qtbot.waitSignal(dialog.registry_changed, timeout=10000):
        dialog.toggle_selected()
    assert _rows(dialog)["tps"][3] == "enabled"

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.select_plugin("uiplug")
    assert dialog.remove_button.isEnabled()
    with qtbot.waitSignal(dialog.registry_changed, timeout=10000):
        dialog.remove_selected()
    assert "uiplug" not in _rows(dialog)


def test_session_failure_is_shown(qtbot) -> None:
    registry = default_registry(distributions=False)
    registry.disable("generator", "tps", "raised while rendering: ValueError: bad")
    manager = PluginManagerDialog(registry=registry)
    qtbot.addWidget(manager)
    row = _rows(manager)["tps"]
    assert row[3] == "failed" and "ValueError: bad" in row[4]


def test_close_waits_for_running_job(
    qtbot, dialog: PluginManagerDialog, plugin_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dialog, "confirm_install", lambda path: (True, False))
    dialog.show()
    with qtbot.waitSignal(dialog.registry_changed, timeout=10000):
        dialog.install_from(str(plugin_folder))
        dialog.reject()
        assert dialog.isVisible() and "Wait" in dialog.status_label.text()
    dialog.reject()
    assert not dialog.isVisible()


def test_remove_on_a_builtin_is_disabled_and_says_why(dialog: PluginManagerDialog) -> None:
    assert not dialog.remove_button.isEnabled()
    assert "Select" in dialog.remove_button.toolTip()
    dialog.select_plugin("builtin")
    assert not dialog.remove_button.isEnabled() and not dialog.toggle_button.isEnabled()
    assert "Built-in generators cannot be removed" in dialog.remove_button.toolTip()
    assert "always on" in dialog.toggle_button.toolTip()
