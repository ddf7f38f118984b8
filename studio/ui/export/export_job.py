"""The export worker: runs the render job on its own QThread and reports progress, success, failure or cancel.

The thread has no Qt parent and is tracked by ``studio.ui.threads``, so closing the dialog never destroys a
running thread; ``cancel()`` sets the job's threading.Event, which the render job checks between frames.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QThread, Signal

from studio.core.errors import CancelledError, UserError
from studio.core.project import Project
from studio.jobs.render_job import render_project
from studio.jobs.render_plan import RenderPlan
from studio.media.output_spec import OutputSpec
from studio.plugins.api import Registry
from studio.ui.error_reporting import unexpected_error_text
from studio.ui.threads import track_thread

_log = logging.getLogger(__name__)


class ExportJob(QThread):
    """Renders ``project`` (a snapshot the GUI no longer edits) to ``spec``; all signals arrive queued.

    ``progressed(done, total)`` counts encoded frames; then exactly one of ``succeeded(paths)``,
    ``failed(message)`` (one line) or ``cancelled()``.
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, project: Project, plan: RenderPlan, spec: OutputSpec,
                 registry_factory: Callable[[], Registry], project_sound: bool = False) -> None:
        super().__init__()
        self._project_sound = project_sound
        self._project = project
        self._plan = plan
        self._spec = spec
        self._registry_factory = registry_factory
        self._cancel = threading.Event()
        track_thread(self)

    def cancel(self) -> None:
        """Ask the job to stop after the frame in hand; it then emits ``cancelled``."""
        self._cancel.set()

    def stop(self) -> None:
        """Cancel and wait for the thread to end (the app is quitting)."""
        self._cancel.set()
        self.wait()

    def run(self) -> None:
        """Build the registry on this thread (plugin discovery reads disk) and run the render job."""
        try:
            paths = render_project(self._project, self._plan, self._spec, self._registry_factory(),
                                   progress=self.progressed.emit, cancel=self._cancel,
                                   project_sound=self._project_sound)
        except CancelledError:
            self.cancelled.emit()
            return
        except UserError as error:
            self.failed.emit(str(error))
            return
        except Exception as error:  # a bug reaches the user as one line, the traceback goes to the log
            _log.exception("export failed")
            self.failed.emit(unexpected_error_text(error))
            return
        self.succeeded.emit(list(paths))
