"""Connecting to Ray for one batch: a private local instance, the running cluster, an address, or Ray Client.

Ray is an optional extra (``pip install 'marionette-studio[ray]'``); it is imported here, only when asked for.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from studio.core.errors import UserError

# Ray puts its sockets under the temp dir (".../session_<date>_<pid>/sockets/plasma_store"): Unix socket paths
# are limited to 107 bytes, so the folder's own path must stay short.
MAX_TEMP_DIR_CHARS = 40


def import_ray() -> ModuleType:
    """The ray module, or a one-line UserError saying how to install it."""
    try:
        import ray
    except ImportError:
        raise UserError("--ray needs Ray, which is not installed: pip install 'marionette-studio[ray]'") from None
    return ray


def default_temp_dir() -> Path:
    """Where a private local instance keeps its logs and temp files: short, per user (/tmp/mray-1000)."""
    user = os.getuid() if hasattr(os, "getuid") else os.getlogin()
    return Path(tempfile.gettempdir()) / f"mray-{user}"


def _studio_root() -> str:
    """The folder that holds the studio package, so local workers import this very code."""
    import studio

    return str(Path(studio.__file__).resolve().parents[1])


def _init_options(address: str, temp_dir: Path | None) -> dict:
    """ray.init's arguments for an address: local starts a private instance with its temp dir under ``temp_dir``."""
    options: dict = {"log_to_driver": False, "logging_level": "ERROR"}
    if address != "local":
        return {**options, "address": address}
    folder = (temp_dir or default_temp_dir()).resolve()
    if len(str(folder)) > MAX_TEMP_DIR_CHARS:
        raise UserError(f"--ray-temp {folder} is too long for Ray's socket paths: choose a folder of at most "
                        f"{MAX_TEMP_DIR_CHARS} characters, e.g. /tmp/mray")
    folder.mkdir(parents=True, exist_ok=True)
    path = os.pathsep.join(p for p in (_studio_root(), os.environ.get("PYTHONPATH")) if p)
    return {**options, "address": "local", "_temp_dir": str(folder), "include_dashboard": False,
            "runtime_env": {"env_vars": {"PYTHONPATH": path}}}


def _connect_hint(address: str) -> str:
    """What to try: a token-authenticated cluster (Ray's default) needs RAY_AUTH_MODE=token on this side too."""
    if address != "local" and not os.environ.get("RAY_AUTH_MODE"):
        return ("if the cluster uses token authentication (Ray's default), set RAY_AUTH_MODE=token and its token "
                "(~/.ray/auth_token or RAY_AUTH_TOKEN); else start one with `ray start --head` or use --ray local")
    return "start one with `ray start --head` or use --ray local"


@contextlib.contextmanager
def connected(address: str, temp_dir: Path | None = None) -> Iterator[ModuleType]:
    """Ray connected to ``address`` for the block; what this call started or joined it leaves afterwards.

    A process that has already called ray.init (an embedding program, the tests) keeps its own connection.
    """
    ray = import_ray()
    if ray.is_initialized():
        yield ray
        return
    try:
        ray.init(**_init_options(address, temp_dir))
    except ImportError as error:
        raise UserError(f"--ray {address} needs Ray Client: pip install 'ray[client]==2.60.0' ({error})") from None
    except (ConnectionError, ValueError, RuntimeError) as error:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise UserError(f"could not reach the Ray cluster at {address}: {reason}; {_connect_hint(address)}") from None
    try:
        yield ray
    finally:
        ray.shutdown()
