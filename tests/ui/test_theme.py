"""The theme gives every widget class the studio uses a visible disabled state."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6 import QtWidgets

from studio.ui.launch import THEME

UI = Path(__file__).resolve().parents[2] / "studio" / "ui"
# Controls a user can see greyed out: buttons, fields, choices, sliders, labels, lists, bars.
CONTROL_BASES = (QtWidgets.QAbstractButton, QtWidgets.QAbstractSpinBox, QtWidgets.QAbstractSlider,
                 QtWidgets.QComboBox, QtWidgets.QLineEdit, QtWidgets.QLabel, QtWidgets.QGroupBox,
                 QtWidgets.QAbstractItemView, QtWidgets.QProgressBar, QtWidgets.QTabBar, QtWidgets.QMenu,
                 QtWidgets.QMenuBar, QtWidgets.QToolBar, QtWidgets.QDockWidget)
# Widgets Qt makes for the studio without an import: dock tabs, the menu bar.
IMPLIED = {"QTabBar", "QMenuBar", "QMenu"}


def _used_controls() -> set[str]:
    names = set(IMPLIED)
    for path in UI.rglob("*.py"):
        names |= set(re.findall(r"\b(Q[A-Z]\w+)\b", path.read_text(encoding="utf-8")))
    return {name for name in names
            if isinstance(getattr(QtWidgets, name, None), type) and issubclass(getattr(QtWidgets, name), CONTROL_BASES)
            and not name.startswith("QAbstract") and name not in {"QMessageBox", "QDialogButtonBox"}}


def _disabled_selectors() -> set[str]:
    text = re.sub(r"/\*.*?\*/", "", THEME.read_text(encoding="utf-8"), flags=re.S)
    selectors = set()
    for block in re.findall(r"([^{}]+)\{", text):
        selectors |= {s.strip() for s in block.split(",") if ":disabled" in s}
    return {re.match(r"[\w]+", s).group(0) for s in selectors}


def test_every_control_class_the_studio_uses_has_a_disabled_style() -> None:
    used = _used_controls()
    assert {"QPushButton", "QSpinBox", "QDoubleSpinBox", "QComboBox", "QCheckBox", "QSlider"} <= used
    missing = sorted(used - _disabled_selectors())
    assert not missing, f"resources/theme.qss has no :disabled rule for {missing}"
