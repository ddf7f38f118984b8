"""Native libraries' log lines (mediapipe's C++ absl logging, TensorFlow Lite) go to the log, not the terminal.

mediapipe writes lines such as ``W0000 00:00:1796.1 123 inference_feedback_manager.cc:114] Feedback manager
requires ...`` straight to file descriptor 2 from C++. mediapipe 0.10 logs through absl before
``absl::InitializeLog``, so no environment variable (GLOG_minloglevel, TF_CPP_MIN_LOG_LEVEL) silences them.
``route_native_logs``, called once when the process starts (main.py), puts a pipe on descriptor 2: a reader
thread sends those lines to the ``studio.native`` logger (the log file) and passes every other byte through to
the real stderr at once. Python's own ``sys.stderr`` writes to the real stderr directly, so tracebacks and
progress bars never depend on the thread.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path

_log = logging.getLogger("studio.native")
_NATIVE_LINE = re.compile(
    rb"(?:[IWEF]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ [\w.+-]+:\d+\] "
    rb"|INFO: Created TensorFlow Lite|WARNING: All log messages before absl::InitializeLog)"
)
_LEVELS = {ord("I"): logging.INFO, ord("W"): logging.WARNING, ord("E"): logging.ERROR, ord("F"): logging.CRITICAL}
_PREFIXES = (b"INFO: ", b"WARNING: ")
_LONGEST_NATIVE_START = 512
_state: dict[str, object] = {}


def is_native_log_line(line: bytes) -> bool:
    """True for a glog/absl line (``W0000 00:00:...  file.cc:12] ...``) or TensorFlow Lite's start-up notes."""
    return _NATIVE_LINE.match(line) is not None


def _could_become_native(partial: bytes) -> bool:
    """Whether an unfinished line may still turn out to be a native log line (then it waits for its end)."""
    if len(partial) > _LONGEST_NATIVE_START:
        return False
    head = partial[:9]
    return (re.match(rb"[IWEF](\d|$)", partial) is not None
            or any(prefix.startswith(head) or head.startswith(prefix) for prefix in _PREFIXES))


def _level(line: bytes) -> int:
    if line.startswith(b"WARNING"):
        return logging.WARNING
    if line.startswith(b"INFO"):
        return logging.INFO
    return _LEVELS.get(line[0], logging.INFO)


def route(pending: bytes, passing: bool, write: Callable[[bytes], None],
          log: Callable[[int, str], None]) -> tuple[bytes, bool]:
    """Route what was read so far: native lines to ``log(level, text)``, the rest to ``write(bytes)`` at once.

    ``passing`` is True while the middle of a line known not to be native is flowing through. Returns what
    must wait for more bytes (the start of a line that may become a native one) and the new ``passing``.
    """
    while pending:
        newline = pending.find(b"\n")
        if passing or newline < 0:
            if not passing and _could_become_native(pending):
                return pending, False
            end = len(pending) if newline < 0 else newline + 1
            write(pending[:end])
            pending, passing = pending[end:], newline < 0
            continue
        line, pending = pending[: newline + 1], pending[newline + 1 :]
        if is_native_log_line(line):
            log(_level(line), line.rstrip(b"\r\n").decode("utf-8", "replace"))
        else:
            write(line)
    return b"", passing


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data):]


def _pump(read_fd: int, real_fd: int) -> None:
    pending, passing = b"", False
    while chunk := os.read(read_fd, 65536):
        pending, passing = route(pending + chunk, passing, lambda data: _write_all(real_fd, data), _log.log)
    if pending:
        _write_all(real_fd, pending)
    os.close(read_fd)


def route_native_logs(log_file: Path | None = None) -> None:
    """Once per process: keep native log lines off stderr, in the ``studio.native`` logger (and ``log_file``).

    Without ``log_file`` the lines reach whatever handlers the root logger gets (the studio's log file).
    Only on POSIX, where native code writes to descriptor 2; elsewhere stderr is left alone.
    """
    if _state or os.name != "posix":
        return
    _log.addHandler(logging.NullHandler())  # never Python's last-resort handler, which prints to stderr
    if log_file is not None:
        handler = logging.FileHandler(log_file, encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        _log.addHandler(handler)
    _log.setLevel(logging.INFO)
    sys.stderr.flush()
    real_fd = os.dup(2)
    read_fd, write_fd = os.pipe()
    os.dup2(write_fd, 2)
    os.close(write_fd)
    sys.stderr = open(os.dup(real_fd), "w", buffering=1, encoding=sys.stderr.encoding,  # noqa: SIM115
                      errors="backslashreplace")
    thread = threading.Thread(target=_pump, args=(read_fd, real_fd), name="native-log-router", daemon=True)
    thread.start()
    _state.update(real_fd=real_fd, thread=thread)
    atexit.register(_restore)


def _restore() -> None:
    """At exit: give descriptor 2 back to the real stderr and let the reader pass on what is left."""
    real_fd, thread = _state["real_fd"], _state["thread"]
    os.dup2(real_fd, 2)  # closes the pipe's last write end, so the reader sees the end of its input
    thread.join(timeout=1.0)  # type: ignore[attr-defined]
