"""Which torch device the engine runs on, and how many CPU threads it uses.

Nothing here runs at import time: callers choose when to resolve a device or set thread counts.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch

from studio.core.errors import UserError

DEVICE_NAMES = ("auto", "cpu", "cuda", "mps")
MAX_DEFAULT_THREADS = 8


def _mps_available() -> bool:
    """True when Apple's Metal backend can run torch code on this machine."""
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def resolve_device(name: str = "auto") -> torch.device:
    """Turn a user's device choice into a torch.device; "auto" prefers cuda, then mps, then cpu.

    "cuda:N" picks the N-th GPU. An unknown or unavailable device is a UserError naming the way out.
    """
    choice = name.strip().lower()
    if choice == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    if choice == "cpu":
        return torch.device("cpu")
    kind, _, index_text = choice.partition(":")
    if kind == "cuda" and (not index_text or index_text.isdigit()):
        if not torch.cuda.is_available():
            raise UserError(f"device {name!r} is not available on this machine: use --device cpu or auto")
        index = int(index_text) if index_text else 0
        if index >= torch.cuda.device_count():
            raise UserError(
                f"device {name!r} is not available: this machine has {torch.cuda.device_count()} CUDA "
                "device(s), use cuda:0 or auto"
            )
        return torch.device("cuda", index) if index_text else torch.device("cuda")
    if choice == "mps":
        if not _mps_available():
            raise UserError(f"device {name!r} is not available on this machine: use --device cpu or auto")
        return torch.device("mps")
    raise UserError(f"unknown device {name!r}: choose one of {', '.join(DEVICE_NAMES)}")


def device_problem(name: str) -> str | None:
    """Why ``name`` cannot run on this machine, worded for the window (no command-line flags); None if it can."""
    try:
        resolve_device(name)
    except UserError:
        kind = name.strip().lower().partition(":")[0]
        if kind == "cuda":
            count = torch.cuda.device_count() if torch.cuda.is_available() else 0
            return f"this computer has {count} CUDA GPU(s)" if count else "no CUDA GPU was found on this computer"
        if kind == "mps":
            return "this computer has no Apple GPU (MPS)"
        return f"{name!r} is not a device the studio knows"
    return None


def _usable_cpus() -> set[int]:
    """The logical CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return set(os.sched_getaffinity(0))
    return set(range(os.cpu_count() or 1))


def _thread_siblings(cpu: int) -> str:
    """Linux's list of the logical CPUs sharing a physical core with `cpu` (OSError elsewhere)."""
    return Path(f"/sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list").read_text().strip()


def physical_core_count() -> int:
    """Physical cores this process may use (hyper-threads counted once); logical CPUs where unknown."""
    cpus = _usable_cpus()
    try:
        cores = {_thread_siblings(cpu) for cpu in cpus}
    except OSError:
        return max(1, len(cpus))
    return max(1, len(cores))


def configure_cpu_threads(count: int | None = None) -> int:
    """Set torch's intra-op thread count (default: physical cores, at most 8) and return it.

    More threads than physical cores only adds contention for the small per-frame ops of the engine.
    """
    if count is None:
        count = min(physical_core_count(), MAX_DEFAULT_THREADS)
    if count < 1:
        raise UserError(f"thread count {count} is not positive: give 1 or more threads")
    torch.set_num_threads(count)
    return count


def describe_device(device: torch.device | str) -> str:
    """A short human-readable name for a device, e.g. "CPU (2 threads)" or "CUDA: <gpu name>"."""
    device = torch.device(device)
    if device.type == "cuda":
        return f"CUDA: {torch.cuda.get_device_name(device)}"
    if device.type == "mps":
        return "MPS: Apple GPU"
    if device.type == "cpu":
        threads = torch.get_num_threads()
        return f"CPU ({threads} thread{'s' if threads != 1 else ''})"
    return device.type.upper()
