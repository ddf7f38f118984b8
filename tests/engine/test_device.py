"""Device choice and CPU thread configuration."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from studio.core.errors import UserError
from studio.engine import device as device_module
from studio.engine.device import configure_cpu_threads, describe_device, resolve_device


@pytest.fixture
def restore_threads():
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def test_auto_is_cpu_on_this_machine() -> None:
    assert not torch.cuda.is_available()
    assert resolve_device("auto") == torch.device("cpu")
    assert resolve_device() == torch.device("cpu")


def test_auto_prefers_cuda_then_mps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(device_module, "_mps_available", lambda: True)
    assert resolve_device("auto") == torch.device("mps")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == torch.device("cuda")


def test_explicit_names(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device(" CPU ") == torch.device("cpu")
    monkeypatch.setattr(device_module, "_mps_available", lambda: True)
    assert resolve_device("mps") == torch.device("mps")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert resolve_device("cuda:1") == torch.device("cuda", 1)
    with pytest.raises(UserError, match="cuda:0 or auto"):
        resolve_device("cuda:2")


@pytest.mark.parametrize("name", ["cuda", "cuda:0", "mps"])
def test_unavailable_device_is_a_one_line_user_error(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(device_module, "_mps_available", lambda: False)
    with pytest.raises(UserError) as info:
        resolve_device(name)
    message = str(info.value)
    assert "not available" in message and "--device cpu or auto" in message and "\n" not in message


@pytest.mark.parametrize("name", ["banana", "", "cuda:x", "gpu"])
def test_unknown_device_is_a_user_error(name: str) -> None:
    with pytest.raises(UserError, match="unknown device") as info:
        resolve_device(name)
    assert "auto, cpu, cuda, mps" in str(info.value)


def test_configure_cpu_threads(restore_threads) -> None:
    assert configure_cpu_threads(1) == 1
    assert torch.get_num_threads() == 1
    used = configure_cpu_threads()
    assert used == min(device_module.physical_core_count(), 8)
    assert torch.get_num_threads() == used
    with pytest.raises(UserError, match="not positive"):
        configure_cpu_threads(0)


def test_default_threads_are_capped_at_eight(monkeypatch: pytest.MonkeyPatch, restore_threads) -> None:
    monkeypatch.setattr(device_module, "physical_core_count", lambda: 64)
    assert configure_cpu_threads() == 8


def test_physical_cores_count_hyperthreads_once(monkeypatch: pytest.MonkeyPatch) -> None:
    assert 1 <= device_module.physical_core_count() <= len(device_module._usable_cpus())
    monkeypatch.setattr(device_module, "_usable_cpus", lambda: {0, 1, 2, 3})
    monkeypatch.setattr(device_module, "_thread_siblings", lambda cpu: ("0,2", "1,3")[cpu % 2])
    assert device_module.physical_core_count() == 2

    def no_sysfs(cpu: int) -> str:
        raise OSError("no such file")

    monkeypatch.setattr(device_module, "_thread_siblings", no_sysfs)
    assert device_module.physical_core_count() == 4


def test_describe_device(monkeypatch: pytest.MonkeyPatch, restore_threads) -> None:
    torch.set_num_threads(2)
    assert describe_device(torch.device("cpu")) == "CPU (2 threads)"
    torch.set_num_threads(1)
    assert describe_device("cpu") == "CPU (1 thread)"
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "Fake RTX")
    assert describe_device("cuda") == "CUDA: Fake RTX"
    assert describe_device("mps").startswith("MPS")


def test_importing_the_engine_changes_no_thread_settings() -> None:
    code = (
        "import torch; before = torch.get_num_threads(); "
        "import studio.engine.device, studio.engine.warp; "
        "assert torch.get_num_threads() == before, (before, torch.get_num_threads())"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
