"""Crash recovery: a marker file per running studio, left behind when the process dies.

While the studio runs, ``autosave_dir()/session-<pid>.json`` names the autosave file and the project
it belongs to. A clean exit removes both; on the next start, a marker whose process is gone and whose
autosave exists means unsaved work can be recovered.

A process counts as gone when its id is free, when it is a zombie (killed, not yet reaped by its parent:
the state right after a kill -9), or when the id now belongs to a process started at another time.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from studio.core.atomic import atomic_path
from studio.core.errors import UserError
from studio.core.paths import autosave_dir


def _proc_stat(pid: int) -> tuple[str, str] | None:
    """(state, start time) of a process from Linux's /proc/<pid>/stat, or None where unavailable."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()
    return (fields[0], fields[19]) if len(fields) > 19 else None


def process_start_time(pid: int) -> str | None:
    """An id for when process ``pid`` started (Linux clock ticks since boot), None where unknown."""
    stat = _proc_stat(pid)
    return stat[1] if stat else None


def process_alive(pid: int, started: str | None = None) -> bool:
    """Whether process ``pid`` still runs: not free, not a zombie, and (given ``started``) the same process."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        pass
    stat = _proc_stat(pid)
    if stat is None:
        return True
    state, start = stat
    if state in ("Z", "X", "x"):
        return False
    return started is None or start == started


@dataclass(frozen=True)
class CrashedSession:
    """Work left behind by a studio that did not exit cleanly."""

    marker: Path
    autosave: Path
    project_path: Path | None
    saved_at: float

    def discard(self) -> None:
        """Delete the marker and the autosave."""
        self.autosave.unlink(missing_ok=True)
        self.marker.unlink(missing_ok=True)


class SessionMarker:
    """This process's marker and autosave file."""

    def __init__(self) -> None:
        folder = autosave_dir()
        self.pid = os.getpid()
        self.started = process_start_time(self.pid)
        self.marker = folder / f"session-{self.pid}.json"
        self.autosave = folder / f"autosave-{self.pid}.marionette"

    def write(self, project_path: Path | None) -> None:
        """Create or update the marker (at start-up and when the project's path changes); UserError if unwritable."""
        document = {"pid": self.pid, "started": self.started, "autosave": self.autosave.name,
                    "project_path": str(project_path) if project_path else None}
        try:
            self.marker.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(f"cannot create {self.marker.parent}: {error.strerror or error}") from None
        with atomic_path(self.marker) as temp:
            temp.write_text(json.dumps(document), encoding="utf-8")

    def remove(self) -> None:
        """A clean exit: delete the marker and the autosave."""
        self.autosave.unlink(missing_ok=True)
        self.marker.unlink(missing_ok=True)


def find_crashed_sessions() -> list[CrashedSession]:
    """Markers of dead processes that left an autosave, newest first; markers without one are removed."""
    found = []
    for marker in autosave_dir().glob("session-*.json"):
        try:
            document = json.loads(marker.read_text(encoding="utf-8"))
            pid = int(document["pid"])
            started = document.get("started")
            autosave = marker.parent / Path(str(document["autosave"])).name
            project_path = Path(document["project_path"]) if document.get("project_path") else None
        except (OSError, ValueError, KeyError, TypeError):
            marker.unlink(missing_ok=True)
            continue
        if pid == os.getpid() or process_alive(pid, started if isinstance(started, str) else None):
            continue
        if not autosave.is_file():
            marker.unlink(missing_ok=True)
            continue
        found.append(CrashedSession(marker, autosave, project_path, autosave.stat().st_mtime))
    return sorted(found, key=lambda c: c.saved_at, reverse=True)


def describe(crashed: CrashedSession) -> str:
    """One line for the recovery prompt: what and when."""
    name = crashed.project_path.name if crashed.project_path else "an unsaved project"
    return f"{name}, autosaved {time.strftime('%Y-%m-%d %H:%M', time.localtime(crashed.saved_at))}"

