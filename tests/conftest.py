"""Test-wide settings: Qt offscreen, isolated user directories, fixed thread counts, the GC policy."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_NUM_THREADS", "2")

import pytest

STRESS_PLUGIN = "tests.gc_stress_plugin"


def pytest_configure(config: pytest.Config) -> None:
    """The app's GC policy in tests: no automatic collection (a pass could land inside a Qt call), collections
    between tests. MARIONETTE_GC_STRESS=1 loads the stress plugin instead, which keeps automatic GC on."""
    if os.environ.get("MARIONETTE_GC_STRESS") and not config.pluginmanager.has_plugin(STRESS_PLUGIN):
        config.pluginmanager.import_plugin(STRESS_PLUGIN)
    if not config.pluginmanager.has_plugin(STRESS_PLUGIN):
        gc.disable()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """After every fixture is torn down (no Qt call running), collect what automatic GC would have by now."""
    try:
        return (yield)
    finally:
        if not gc.isenabled():
            from studio.ui.startup.gc_policy import collect_due

            collect_due()


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give every test fresh config and data directories so settings and plugins never leak."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("MARIONETTE_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("MARIONETTE_DATA_DIR", str(home / "data"))


@pytest.fixture
def one_torch_thread():
    """Run a test on one torch thread (tiny models are fastest so, and a busy machine cannot stall a thread
    team); the previous count comes back afterwards."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
