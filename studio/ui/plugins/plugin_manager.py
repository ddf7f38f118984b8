"""The Plugin Manager dialog: list plugins with their status, install, remove, enable and disable them.

Install, removal and toggling run on a background job (disk work and re-discovery never block the
GUI thread); when one finishes the dialog emits ``registry_changed`` with the fresh registry, which
the main window adopts. Errors are shown in a message box as one line, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.plugins.api import PluginInfo, Registry
from studio.plugins.discovery import default_registry, reload_registry
from studio.plugins.install import TRUST_WARNING, install_plugin, remove_plugin, set_plugin_enabled
from studio.ui.file_dialogs import existing_folder, open_file
from studio.ui.threads import BackgroundJob, start_job

COLUMNS = ("Name", "Version", "Source", "Status", "Details")
REMOVE_BLOCKERS = {
    "builtin": "Built-in generators cannot be removed (they are part of the studio)",
    "bundled": "Plugins bundled with the studio cannot be removed; disable them instead",
    "distribution": "This plugin was installed with pip; remove it with pip uninstall, or disable it here",
}


class PluginManagerDialog(QDialog):
    """A table of every plugin (name, version, source, status and error) with the actions on them.

    ``registry`` is the app's registry (its session failures show as "failed"); without one the
    dialog discovers plugins itself. Connect ``registry_changed`` to adopt the registry rebuilt
    after each install, removal or toggle.
    """

    registry_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None, registry: Registry | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pluginManager")
        self.setWindowTitle("Plugin Manager")
        self.resize(760, 360)
        self._registry = registry if registry is not None else default_registry()
        self._job: BackgroundJob | None = None

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("pluginTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)

        self.install_folder_button = QPushButton("Install from folder…", self)
        self.install_zip_button = QPushButton("Install from zip…", self)
        self.remove_button = QPushButton("Remove", self)
        self.toggle_button = QPushButton("Disable", self)
        close_button = QPushButton("Close", self)
        self.install_folder_button.clicked.connect(self._on_install_folder_clicked)
        self.install_zip_button.clicked.connect(self._on_install_zip_clicked)
        self.remove_button.clicked.connect(self.remove_selected)
        self.toggle_button.clicked.connect(self.toggle_selected)
        close_button.clicked.connect(self.reject)
        self.status_label = QLabel("", self)

        buttons = QHBoxLayout()
        for button in (self.install_folder_button, self.install_zip_button, self.remove_button,
                       self.toggle_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self.refresh()

    def registry(self) -> Registry:
        """The registry the dialog currently shows (replaced after every change)."""
        return self._registry

    def is_busy(self) -> bool:
        """True while an install, removal or toggle runs in the background."""
        return self._job is not None

    def refresh(self) -> None:
        """Fill the table from the registry's plugins and their status (session failures included)."""
        selected = self.selected_plugin()
        self.table.setRowCount(0)
        for info in self._registry.plugins():
            status, reason = self._registry.plugin_status(info)
            provides = ", ".join(f"{c.kind} {c.name}" for c in info.contributions)
            row = self.table.rowCount()
            self.table.insertRow(row)
            cells = (info.name, info.version, info.source, status, reason or provides)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, info)
                item.setToolTip(reason or info.description)
                self.table.setItem(row, column, item)
            if selected is not None and (info.name, info.source) == (selected.name, selected.source):
                self.table.selectRow(row)
        self.table.resizeColumnsToContents()
        self._on_selection_changed()

    def selected_plugin(self) -> PluginInfo | None:
        """The plugin of the selected row, or None."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select_plugin(self, name: str) -> None:
        """Select the first row showing the plugin of that name."""
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() == name:
                self.table.selectRow(row)
                return

    def _on_selection_changed(self) -> None:
        """Enable the actions that make sense for the selected plugin; a disabled one says why in its tooltip."""
        info = self.selected_plugin()
        busy = "Wait for the current install, removal or change to finish" if self._job is not None else ""
        for button in (self.install_folder_button, self.install_zip_button):
            button.setEnabled(not busy)
            button.setToolTip(busy)
        remove_reason = busy or self._remove_blocker(info)
        self.remove_button.setEnabled(not remove_reason)
        self.remove_button.setToolTip(remove_reason)
        toggle_reason = busy or self._toggle_blocker(info)
        self.toggle_button.setEnabled(not toggle_reason)
        self.toggle_button.setToolTip(toggle_reason)
        self.toggle_button.setText("Enable" if info is not None and not info.enabled else "Disable")

    @staticmethod
    def _remove_blocker(info: PluginInfo | None) -> str:
        """Why the plugin cannot be removed ("" when it can)."""
        if info is None:
            return "Select a plugin you installed to remove it"
        return REMOVE_BLOCKERS.get(info.source, "")

    @staticmethod
    def _toggle_blocker(info: PluginInfo | None) -> str:
        """Why the plugin cannot be enabled or disabled ("" when it can)."""
        if info is None:
            return "Select a plugin to enable or disable it"
        return "Built-in generators and trackers are part of the studio and always on" \
            if info.source == "builtin" else ""

    def _on_install_folder_clicked(self) -> None:
        """Ask for a plugin folder, then install it."""
        folder = existing_folder(self, "Install plugin from folder", "plugin")
        if folder:
            self.install_from(folder)

    def _on_install_zip_clicked(self) -> None:
        """Ask for a plugin .zip, then install it."""
        path = open_file(self, "Install plugin from zip", "plugin", "Plugin archives (*.zip)")
        if path:
            self.install_from(path)

    def confirm_install(self, path: str) -> tuple[bool, bool]:
        """Show the trust warning; return (install?, replace an installed plugin of the same name?)."""
        box = QMessageBox(self)
        box.setObjectName("pluginTrustWarning")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Install plugin")
        box.setText(f"Install the plugin from {Path(path).name}?")
        box.setInformativeText(TRUST_WARNING)
        upgrade = QCheckBox("Replace an installed plugin of the same name (upgrade)", box)
        box.setCheckBox(upgrade)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        accepted = box.exec() == QMessageBox.StandardButton.Yes
        return accepted, upgrade.isChecked()

    def install_from(self, path: str) -> None:
        """Confirm the trust warning, then install the folder or zip in the background."""
        accepted, upgrade = self.confirm_install(path)
        if not accepted:
            return
        name = Path(path).name
        self._run(lambda: install_plugin(path, upgrade=upgrade), f"Installing {name}…",
                  lambda info: f"Installed {info.name} {info.version}.")

    def remove_selected(self) -> None:
        """Remove the selected user plugin after asking."""
        info = self.selected_plugin()
        if info is None:
            return
        answer = QMessageBox.question(self, "Remove plugin", f"Remove the plugin {info.name!r} from disk?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._run(lambda: remove_plugin(info.name), f"Removing {info.name}…", lambda _: f"Removed {info.name}.")

    def toggle_selected(self) -> None:
        """Enable the selected plugin if it is disabled, disable it otherwise."""
        info = self.selected_plugin()
        if info is None:
            return
        enable = not info.enabled
        verb = "Enabled" if enable else "Disabled"
        self._run(lambda: set_plugin_enabled(info.name, enable), f"{verb[:-1]}ing {info.name}…",
                  lambda _: f"{verb} {info.name}.")

    def _run(self, action: Callable[[], object], busy_text: str, done_text: Callable[[object], str]) -> None:
        """Run an action and the registry reload on a background job; one job at a time."""
        if self._job is not None:
            return
        previous = self._registry

        def work() -> tuple[object, Registry]:
            result = action()
            return result, reload_registry(previous)

        self.status_label.setText(busy_text)
        self._job = start_job(work, lambda outcome: self._on_job_succeeded(outcome, done_text),
                              self._on_job_failed, parent=self)
        self._on_selection_changed()

    def _on_job_succeeded(self, outcome: tuple[object, Registry], done_text: Callable[[object], str]) -> None:
        """Show the new registry and tell the app about it."""
        result, registry = outcome
        self._job = None
        self._registry = registry
        self.status_label.setText(done_text(result))
        self.refresh()
        self.registry_changed.emit(registry)

    def _on_job_failed(self, message: str) -> None:
        """Show the one-line error; nothing was changed."""
        self._job = None
        self.status_label.setText("")
        self._on_selection_changed()
        QMessageBox.warning(self, "Plugin Manager", message or "Cancelled.")

    def done(self, result: int) -> None:
        """Close, unless a job still runs (its outcome must reach the app)."""
        if self._job is not None:
            self.status_label.setText("Wait for the current job to finish before closing.")
            return
        super().done(result)
