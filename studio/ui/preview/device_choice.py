"""The toolbar's device list: devices this machine lacks stay listed but disabled, with the reason as tooltip."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox


def mark_unavailable_devices(combo: QComboBox, problems: dict[str, str]) -> None:
    """Disable the combo's entries whose device has a problem (``problems``: name -> reason, "" when usable)."""
    model = combo.model()
    if not isinstance(model, QStandardItemModel):
        return
    for row in range(combo.count()):
        name = combo.itemText(row)
        reason = problems.get(name.partition(":")[0], "")
        item = model.item(row)
        item.setEnabled(not reason)
        item.setData(f"Not available: {reason}" if reason else None, Qt.ItemDataRole.ToolTipRole)
