"""Aggressive cyclic GC for the whole run: ``pytest -p tests.gc_stress_plugin`` (or MARIONETTE_GC_STRESS=1).

Automatic collection stays on with thresholds (100, 2, 2), so a pass can land inside almost any Qt call;
a hang or crash then means a Qt object was left to the cyclic collector (docs/reliability.md).
"""

from __future__ import annotations

import gc

import pytest

THRESHOLDS = (100, 2, 2)


def pytest_configure(config: pytest.Config) -> None:
    """Turn automatic GC on with the aggressive thresholds (tests/conftest.py leaves it so)."""
    gc.set_threshold(*THRESHOLDS)
    gc.enable()


def pytest_report_header(config: pytest.Config) -> str:
    """Say in the header that the run is a GC stress run."""
    return f"gc stress: automatic collection on, thresholds {gc.get_threshold()}"
