"""The CLI progress bars: drawn on a terminal, silent otherwise."""

from __future__ import annotations

import io

from studio.cli._progress import ProgressBar
from studio.cli.train import LossBar


class _Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_bar_is_silent_when_the_stream_is_not_a_terminal() -> None:
    stream = io.StringIO()
    bar = ProgressBar("render out.mp4", stream)
    for done in range(1, 11):
        bar.update(done, 10)
    assert stream.getvalue() == ""


def test_bar_on_a_terminal_shows_label_and_counts_and_ends_the_line() -> None:
    stream = _Terminal()
    bar = ProgressBar("render out.mp4", stream)
    for done in range(1, 11):
        bar.update(done, 10)
    text = stream.getvalue()
    assert "render out.mp4" in text
    assert "10/10" in text
    assert text.endswith("\n")


def test_loss_bar_prints_a_line_per_report_without_a_terminal() -> None:
    stream = io.StringIO()
    bar = LossBar(stream)
    bar.update(1, 2)
    bar.report(2, 2, {"reconstruction": 0.25})
    assert stream.getvalue() == "step 2/2 reconstruction 0.2500\n"


def test_loss_bar_on_a_terminal_shows_the_losses_on_the_bar() -> None:
    stream = _Terminal()
    bar = LossBar(stream)
    bar.update(501, 502)
    bar.report(501, 502, {"reconstruction": 0.25})
    bar.update(502, 502)
    text = stream.getvalue()
    assert "502/502" in text and "reconstruction 0.2500" in text
    assert "step 501/502" not in text
