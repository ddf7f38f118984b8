"""ElidedLabel: long text is cut to the width given and never raises the minimum width."""

from __future__ import annotations

from studio.ui.widgets.elided_label import ElidedLabel


def test_long_text_is_elided_with_the_full_text_in_the_tooltip(qtbot) -> None:
    label = ElidedLabel()
    qtbot.addWidget(label)
    label.resize(120, 20)
    text = ", ".join(f"left eyebrow {i}" for i in range(50))
    label.setText(text)
    assert label.minimumSizeHint().width() == 0
    assert label.sizeHint().width() <= 240
    assert label.full_text() == text
    assert label.text().endswith("…") and len(label.text()) < len(text)
    assert label.toolTip() == text
    label.setText("short")
    assert label.text() == "short" and label.toolTip() == ""
