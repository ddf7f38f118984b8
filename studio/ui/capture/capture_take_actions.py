"""The Capture panel's takes behaviour: build a take from a finished recording (kept even when the source failed
mid-way), list the takes, and bake or store one as a single undo step. The rules are studio.capture.takes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QListWidgetItem

from studio.capture.motion import TrackedMotion
from studio.capture.neutral import Neutral
from studio.capture.takes import bake_edit, build_take, next_take_name, take_frame_count
from studio.core.errors import UserError
from studio.core.takes import Take
from studio.ui.capture.capture_bind_actions import BindingActions
from studio.ui.capture.capture_countdown import CountdownOverlay
from studio.ui.threads import BackgroundJob


class TakeActions(BindingActions):
    """Takes part of CapturePanel. ``take_ready(Take)`` fires when a recording was built."""

    take_ready = Signal(object)
    countdown: CountdownOverlay
    _neutral: Neutral | None = None

    def _init_takes(self) -> None:
        self._jobs: set[BackgroundJob] = set()
        self._pending_take: Take | None = None

    def _run_job(self, function: Callable[[], Any], on_success: Callable[[Any], None],
                 on_failure: Callable[[str], None] | None = None) -> None:
        """Run ``function`` off the GUI thread; its result goes to ``on_success``, a failure to ``on_failure`` (the
        status line by default).
        """
        job = BackgroundJob(function, self)
        self._jobs.add(job)
        job.succeeded.connect(on_success)
        job.failed.connect(on_failure or self.set_status)
        job.finished.connect(lambda: self._jobs.discard(job))
        job.finished.connect(job.deleteLater)
        job.start()

    def wait_for_jobs(self) -> None:
        """Block until the panel's background jobs (camera listing, frame grabs, take building) finish."""
        for job in list(self._jobs):
            job.wait()

    def _finish_recording(self, cause: str = "") -> None:
        """Build the take of what was recorded; ``cause`` (why recording stopped early) leads the status line."""
        recorder = self.runner.take_recording()
        self._set_recording_ui(False)
        if recorder is None:
            return
        name, lead = self._announce_take(cause)
        face_take = self._face_take_builder(name)
        self._build_recorded_take(lambda: face_take(recorder.motion()), lead)

    def _announce_take(self, cause: str) -> tuple[str, str]:
        """The next take's name and the status lead saying why recording stopped (``cause``; empty: Stop was
        pressed); the status line says the take is being built."""
        name = next_take_name(self.session.project)
        lead = f"{cause[:1].upper()}{cause[1:]} — recording stopped; " if cause else ""
        self.set_status(f"{lead}building {name}…" if lead else f"Building {name}…")
        return name, lead

    def _face_take_builder(self, name: str) -> Callable[[TrackedMotion], Take]:
        """Turns recorded tracker motion into take ``name`` with the bindings and settings the panel has now (read
        here on the GUI thread; the returned function runs on a worker)."""
        keypoints, bindings = list(self.session.project.keypoints), self.bindings.bindings()
        mode, strength = self.mode_combo.currentText(), self.smoothing_slider.value() / 100.0
        neutral, head = self._neutral, self.head_limits()
        return lambda motion: build_take(motion, keypoints, bindings, mode, strength, name, neutral, head)

    def _build_recorded_take(self, build: Callable[[], Take], lead: str) -> None:
        """Build a recording's take off the GUI thread and list it as the unsaved take (``lead``: why it stopped)."""
        project = self.session.project

        def built(take: Take) -> None:
            if self.session.project is not project:
                return
            self._pending_take = take  # a new recording replaces one that was never stored
            self._refresh_takes()
            self.take_list.setCurrentRow(0)
            frames = take_frame_count(take, project.timing.fps)
            kept = f"{lead}kept " if lead else ""
            self.set_status(f"{kept}{take.name}: {take.duration:.1f} s, {len(take.times)} samples ({frames} frames); "
                            "choose the range, then Bake")
            self.take_ready.emit(take)

        self._run_job(build, built, lambda message: self.set_status(f"{lead}{message}"))

    def _set_recording_ui(self, recording: bool) -> None:
        self.record_action.setEnabled(not recording)
        self.stop_action.setEnabled(recording)
        if not recording:
            self.countdown.clear()

    def takes(self) -> list[Take]:
        """The takes in the list: the unsaved recording first (if any), then the project's takes."""
        pending = [self._pending_take] if self._pending_take is not None else []
        return pending + list(self.session.project.takes)

    def _refresh_takes(self) -> None:
        fps = self.session.project.timing.fps
        current = self.take_list.currentRow()
        self.take_list.blockSignals(True)
        self.take_list.clear()
        for take in self.takes():
            unsaved = " — not stored yet" if take is self._pending_take else ""
            item = QListWidgetItem(f"{take.name}: {take.duration:.1f} s, "
                                   f"{take_frame_count(take, fps)} frames{unsaved}")
            self.take_list.addItem(item)
        self.take_list.blockSignals(False)
        if 0 <= current < self.take_list.count():
            self.take_list.setCurrentRow(current)

    def _on_take_selected(self, row: int) -> None:
        takes = self.takes()
        if not 0 <= row < len(takes):
            return
        timing = self.session.project.timing
        start = self.session.current_frame
        self.start_spin.setValue(start)
        self.end_spin.setValue(min(timing.end, start + take_frame_count(takes[row], timing.fps) - 1))

    def bake(self) -> None:
        """Store the selected take and/or replace the keys over the chosen range with it, as one undo step."""
        takes = self.takes()
        row = self.take_list.currentRow()
        if not 0 <= row < len(takes):
            self.set_status("Record a take or select one in the list first")
            return
        take = takes[row]
        try:
            edit = bake_edit(self.session.project, take, self.start_spin.value(), self.end_spin.value(),
                             self.replace_radio.isChecked())
        except UserError as error:
            self.set_status(str(error))
            return
        if take is self._pending_take:
            self._pending_take = None
        self.session.push(edit)
        self.session.finish_gesture()
        self.set_status(edit.text)
