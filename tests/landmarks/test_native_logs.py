"""mediapipe's native log lines stay off the terminal (they go to the log file); everything else still shows."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from studio.landmarks.native_logs import is_native_log_line, route

ROOT = Path(__file__).resolve().parents[2]
NATIVE = (b"W0000 00:00:1796167393.469359    9851 inference_feedback_manager.cc:114] Feedback manager requires a "
          b"model with a single signature inference. Disabling support for feedback tensors.\n")


def _route_all(chunks: list[bytes]) -> tuple[bytes, list[tuple[int, str]]]:
    written: list[bytes] = []
    logged: list[tuple[int, str]] = []
    pending, passing = b"", False
    for chunk in chunks:
        pending, passing = route(pending + chunk, passing, written.append, lambda level, text: logged.append(
            (level, text)))
    return b"".join(written) + pending, logged


def test_native_lines_are_logged_and_the_rest_passes_through() -> None:
    text, logged = _route_all([b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\nreal error\n", NATIVE[:30],
                               NATIVE[30:] + b"E0000 00:00:12.5 1 graph.cc:9] bad\n"])
    assert text == b"real error\n"
    assert [level for level, _ in logged] == [logging.INFO, logging.WARNING, logging.ERROR]
    assert "inference_feedback_manager.cc:114" in logged[1][1]
    assert is_native_log_line(NATIVE) and not is_native_log_line(b"Warning: something else\n")


def test_an_unfinished_line_that_cannot_be_native_shows_at_once() -> None:
    written: list[bytes] = []
    pending, passing = route(b"\rtracking  40%", False, written.append, lambda *_: None)
    assert written == [b"\rtracking  40%"] and pending == b"" and passing
    pending, passing = route(b"W00", False, written.append, lambda *_: None)
    assert pending == b"W00" and not passing, "the start of a native line waits for its end"


def test_the_cli_prints_no_mediapipe_log_lines_and_keeps_them_in_its_log(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MARIONETTE_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "new", str(ROOT / "resources" / "sample.png"), "-o",
         str(tmp_path / "face.marionette"), "--keypoints", "face"],
        capture_output=True, text=True, env=env, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "20 keypoints" in result.stdout  # the 19 face keypoints under their head parent
    assert "W0000" not in result.stderr and ".cc:" not in result.stderr and "TensorFlow Lite" not in result.stderr, \
        result.stderr
    log = (tmp_path / "data" / "cli.log").read_text(encoding="utf-8")
    assert "inference_feedback_manager.cc" in log
    failed = subprocess.run([sys.executable, str(ROOT / "main.py"), "new", str(tmp_path / "missing.png"), "-o",
                             str(tmp_path / "x.marionette")], capture_output=True, text=True, env=env, timeout=120,
                            check=False)
    assert failed.returncode != 0 and failed.stderr.startswith("error: "), "the CLI's own errors still show"
