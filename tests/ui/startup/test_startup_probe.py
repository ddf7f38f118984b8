"""The start-up probe prints its marker once, when the window is first exposed, then finishes."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget

from studio.ui.startup import startup_probe


def test_probe_reports_the_first_expose_and_finishes(qtbot, capsys):
    quits = []
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    startup_probe.watch_first_expose(QApplication.instance(), widget, lambda: quits.append(True))
    qtbot.waitUntil(lambda: quits == [True], timeout=5000)
    widget.hide()
    widget.show()
    qtbot.wait(50)
    out = capsys.readouterr().out
    assert out.count(startup_probe.MARKER) == 1 and "Qt 6." in out


def test_probe_is_off_unless_asked(monkeypatch):
    monkeypatch.delenv(startup_probe.PROBE_VARIABLE, raising=False)
    assert not startup_probe.probe_requested()
    monkeypatch.setenv(startup_probe.PROBE_VARIABLE, "1")
    assert startup_probe.probe_requested()
