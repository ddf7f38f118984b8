"""A frame still queued when the window shuts down is dropped, not drawn into a view that may be gone."""

from __future__ import annotations

import numpy as np

from studio.ui.preview.preview_worker import PreviewResult


def test_a_result_arriving_after_shutdown_is_ignored(qtbot, window) -> None:
    shown = window.preview.shown_seq
    window.shutdown()
    late = PreviewResult(window.preview_link.last_seq + 100, 0, np.zeros((8, 8, 3), np.uint8), 1.0)
    window.preview_link._on_result(late)
    assert window.preview.shown_seq == shown
