"""The preview worker: one thread that owns the renderer and renders the newest requested frame.

The GUI thread posts immutable requests (sequence number, frame, rest and driving Pose snapshots) into a
one-slot mailbox guarded by a ``threading.Condition``: a newer request replaces a pending one (latest
wins), so a drag never builds a queue. A request may ask for a draft (``draft=True``, while a drag or a
scrub is in progress): generators that offer one render it, the others render the full frame; when idle, the
worker warms a drafting generator's draft for the current rest pose, so the first draft of a drag is quick. Results
come back through queued Qt signals. A new setup (project source, generator, device, size) is posted the
same way and swaps the renderer on the worker; torch, the generator and the source image decode never
touch the GUI thread.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal

from studio.core.errors import UserError
from studio.core.project import PoseArrays
from studio.plugins.api import Registry
from studio.ui.threads import track_thread

_log = logging.getLogger(__name__)
_ABANDONED: set[QThread] = set()  # render threads left stuck in a generator, kept alive until they end


PREVIEW_DEVICES = ("cpu", "cuda", "mps")
SHUTDOWN_WAIT_MS = 5000


def stuck_threads_running() -> bool:
    """Whether a render thread left behind in a stuck generator (or a slow torch import) is still running.

    Qt aborts the process if such a QThread is destroyed while it runs, so the app must not tear down normally.
    """
    return any(thread.isRunning() for thread in _ABANDONED)


class DeviceUnavailable(Exception):
    """A setup asked for a device this machine does not have; the previous renderer stays in use."""

    def __init__(self, device: str, reason: str) -> None:
        super().__init__(f"{device}: {reason}")
        self.device = device
        self.reason = reason


@dataclass(frozen=True)
class PreviewSetup:
    """What the renderer is built from: the project's source PNG, generator, device, options, size (W, H),
    region PNG (None for none) and stiff areas (studio.core.rig.StiffArea, source pixels)."""

    generation: int
    source_png: bytes
    generator: str
    device: str
    options: dict[str, Any]
    size: tuple[int, int]
    region_png: bytes | None = None
    stiff_areas: tuple[Any, ...] = ()


@dataclass(frozen=True)
class PreviewRequest:
    """One frame to render: ``rest`` and ``driving`` are one-frame PoseArrays sampled on the GUI thread;
    ``draft`` asks for the generator's quick draft when it has one."""

    seq: int
    generation: int
    frame: float
    rest: PoseArrays
    driving: PoseArrays
    draft: bool = False


@dataclass(frozen=True)
class PreviewResult:
    """A rendered frame (HxWxC uint8) for request ``seq``, with the render time in milliseconds.

    ``mesh`` (when the mesh overlay is wanted and the generator has a mesh): (vertices float64 [N, 2] deformed,
    in source-image pixels; triangles int64 [T, 3]). ``draft``: the frame is the generator's draft, not the full
    frame. ``cached``: the frame came from the shot's frame cache, not from the renderer. ``threads``: the CPU
    threads torch rendered it on (0: not known, or not rendered here).
    """

    seq: int
    frame: float
    image: np.ndarray
    render_ms: float
    mesh: tuple[np.ndarray, np.ndarray] | None = None
    draft: bool = False
    cached: bool = False
    threads: int = 0


class _WorkerThread(QThread):
    """The QThread whose run() is the worker's loop."""

    def __init__(self, loop: Callable[[], None]) -> None:
        super().__init__()
        self._loop = loop

    def run(self) -> None:
        """Run the render loop until shutdown."""
        self._loop()


class PreviewWorker(QObject):
    """Owns the render thread, its mailbox and its renderer; lives on the GUI thread.

    ``registry_factory`` is called on the worker thread the first time a renderer is built.
    Signals: ``result_ready(PreviewResult)``, ``failed(str)`` (one line), ``renderer_ready(str)``
    (a description of the device), ``devices_checked(dict)`` (device name -> why it cannot be used, once at
    start), ``device_failed(str, str)`` (device, reason: a setup asked for a missing device and was not applied),
    ``drafts_offered(bool)`` (after each setup: whether the generator renders drafts).
    """

    result_ready = Signal(object)
    failed = Signal(str)
    renderer_ready = Signal(str)
    devices_checked = Signal(dict)
    device_failed = Signal(str, str)
    drafts_offered = Signal(bool)

    def __init__(self, registry_factory: Callable[[], Registry]) -> None:
        super().__init__()
        self._registry_factory = registry_factory
        self._condition = threading.Condition()
        self._setup: PreviewSetup | None = None
        self._request: PreviewRequest | None = None
        self._registry: Registry | None = None
        self._stopping = False
        self._generation = 0
        self._seq = 0
        self._abandoned = threading.Event()
        self.mesh_wanted = False
        self._thread = self._new_thread()

    def _new_thread(self) -> _WorkerThread:
        abandoned = self._abandoned
        thread = _WorkerThread(lambda: self._run(abandoned))
        track_thread(thread)
        return thread

    def start(self) -> None:
        """Start the render thread (call once, after the window is up)."""
        self._thread.start()

    def restart(self) -> None:
        """Leave a render thread stuck in a generator behind and carry on with a fresh one.

        A thread cannot be killed: the stuck one is abandoned (it takes no more work and reports nothing)
        and ends on its own when the generator returns. Pending work goes to the new thread.
        """
        with self._condition:
            self._abandoned.set()
            self._abandoned = threading.Event()
            self._condition.notify_all()
        _ABANDONED.add(self._thread)
        self._thread.finished.connect(lambda thread=self._thread: _ABANDONED.discard(thread))
        self._thread = self._new_thread()
        self._thread.start()

    @property
    def stopped(self) -> bool:
        """True once ``shutdown`` was called."""
        return self._stopping

    @property
    def registry_factory(self) -> Callable[[], Registry]:
        """What the worker gets its plugin registry from (jobs that render like the preview use it too)."""
        return self._registry_factory

    @property
    def generation(self) -> int:
        """The id of the newest setup; requests must carry it."""
        return self._generation

    def configure(self, source_png: bytes, generator: str, device: str, options: dict[str, Any],
                  size: tuple[int, int], region_png: bytes | None = None, stiff_areas: tuple[Any, ...] = ()) -> int:
        """Post a new setup (replacing a pending one) and drop any pending request; return its generation."""
        with self._condition:
            self._generation += 1
            self._setup = PreviewSetup(self._generation, source_png, generator, device, dict(options), size,
                                       region_png, tuple(stiff_areas))
            self._request = None
            self._condition.notify()
            return self._generation

    def use_registry(self, registry: Registry) -> None:
        """Render with another plugin registry (after plugins changed) from the next setup on."""
        with self._condition:
            self._registry = registry

    def request(self, frame: float, rest: PoseArrays, driving: PoseArrays, draft: bool = False) -> int:
        """Post a frame request (replacing a pending one); return its sequence number."""
        with self._condition:
            self._seq += 1
            self._request = PreviewRequest(self._seq, self._generation, frame, rest, driving, draft)
            self._condition.notify()
            return self._seq

    def take_seq(self) -> int:
        """A sequence number for a frame shown without rendering (a cached frame), dropping a pending request:
        results of earlier requests become stale."""
        with self._condition:
            self._seq += 1
            self._request = None
            return self._seq

    def shutdown(self) -> None:
        """Cancel pending work, stop the thread and wait for it."""
        with self._condition:
            self._stopping = True
            self._setup = None
            self._request = None
            self._condition.notify_all()
        if self._thread.isRunning() and not self._thread.wait(SHUTDOWN_WAIT_MS):
            _log.warning("the preview thread is stuck in its generator; leaving it behind")
            _ABANDONED.add(self._thread)

    def _take(self, abandoned: threading.Event) -> tuple[PreviewSetup | None, PreviewRequest | None, Any] | None:
        with self._condition:
            while (not self._stopping and not abandoned.is_set() and self._setup is None
                   and self._request is None):
                self._condition.wait()
            if self._stopping or abandoned.is_set():
                return None
            setup, request, registry = self._setup, self._request, self._registry
            self._setup = self._request = self._registry = None
            return setup, request, registry

    def _run(self, abandoned: threading.Event) -> None:
        state = RenderState(self._registry_factory)
        self._check_devices()
        while True:
            taken = self._take(abandoned)
            if taken is None:
                return
            setup, request, registry = taken
            if registry is not None:
                state.use_registry(registry)
            if setup is not None and not self._set_up(state, setup):
                continue
            if request is not None and state.accepts(request) and not self._render(state, request, abandoned):
                return
            if self._idle():
                state.warm_draft()

    def _idle(self) -> bool:
        """True when no setup or request waits (warming a draft would delay nothing the user asked for)."""
        with self._condition:
            return self._setup is None and self._request is None and not self._stopping

    def _set_up(self, state: RenderState, setup: PreviewSetup) -> bool:
        """Build the renderer for ``setup``; False when it failed and the request must wait for the next one."""
        try:
            self.renderer_ready.emit(state.set_up(setup))
            self.drafts_offered.emit(state.drafts)
        except DeviceUnavailable as error:  # keep rendering with the previous setup, under the new id
            state.keep_previous(setup)
            self.device_failed.emit(error.device, error.reason)
        except Exception as error:  # a generator that fails to build must not kill the preview thread
            state.reset()
            self._report(error)
            return False
        return True

    def _render(self, state: RenderState, request: PreviewRequest, abandoned: threading.Event) -> bool:
        """Render one request and send it; False when this thread was abandoned meanwhile and must end."""
        try:
            started = time.perf_counter()
            image, draft = state.render(request)
            elapsed = (time.perf_counter() - started) * 1000.0
        except Exception as error:  # a failed frame keeps the setup: the next request may render
            if abandoned.is_set():
                return False
            self._report(error)
            return True
        if abandoned.is_set():
            return False
        mesh = state.mesh(request) if self.mesh_wanted else None
        self.result_ready.emit(PreviewResult(request.seq, request.frame, image, elapsed, mesh, draft,
                                             threads=state.threads))
        return True

    def _check_devices(self) -> None:
        """Tell the GUI which devices this machine lacks (torch is imported here, on the worker)."""
        try:
            from studio.engine.device import device_problem

            problems = {name: device_problem(name) or "" for name in PREVIEW_DEVICES}
        except Exception:  # no torch or a broken driver: the GUI simply keeps every device listed
            _log.exception("checking devices failed")
            return
        self.devices_checked.emit(problems)

    def _report(self, error: Exception) -> None:
        """Send a failure to the GUI: a UserError as it is, anything else logged and named."""
        if isinstance(error, UserError):
            self.failed.emit(str(error))
        else:
            _log.exception("preview render failed", exc_info=error)
            self.failed.emit(f"preview failed: {type(error).__name__}: {error}")


class RenderState:
    """The worker thread's private state: registry, decoded source, generator and renderer."""

    def __init__(self, registry_factory: Callable[[], Registry]) -> None:
        self._registry_factory = registry_factory
        self._registry: Registry | None = None
        self._cores = 0
        self._setup: PreviewSetup | None = None
        self._source: np.ndarray | None = None
        self._region: np.ndarray | None = None
        self._stiffness: np.ndarray | None = None
        self._generator: Any = None
        self._renderer: Any = None
        self._rest: PoseArrays | None = None
        self._warm: PoseArrays | None = None
        self.threads = 0  # torch's CPU threads for the last frame rendered

    def use_registry(self, registry: Registry) -> None:
        """Adopt a new registry; the next setup builds its generator from it."""
        self._registry = registry
        self._generator = None
        self._renderer = None

    def set_up(self, setup: PreviewSetup) -> str:
        """Decode the source and build the generator if they changed; return the device description."""
        from studio.engine.device import (
            configure_cpu_threads,
            describe_device,
            device_problem,
            physical_core_count,
            resolve_device,
        )
        from studio.engine.region import decode_region
        from studio.engine.stiffness import stiffness_map
        from studio.media.image_io import decode_image

        problem = device_problem(setup.device)
        if problem is not None:
            raise DeviceUnavailable(setup.device, problem)
        if not self._cores:
            self._cores = physical_core_count()
            configure_cpu_threads(preview_thread_count(self._cores))
        if self._registry is None:
            self._registry = self._registry_factory()
        previous = self._setup
        self._setup = setup
        if previous is None or (previous.source_png, previous.region_png, previous.stiff_areas) != (
                setup.source_png, setup.region_png, setup.stiff_areas):
            self._source = decode_image(setup.source_png, "the project's source image")
            size = (self._source.shape[1], self._source.shape[0])
            self._region = decode_region(setup.region_png, size)
            self._stiffness = stiffness_map(setup.stiff_areas, size)
            self._renderer = None
        if previous is None or (previous.generator, previous.device, previous.options) != (
                setup.generator, setup.device, setup.options) or self._generator is None:
            self._generator = None
            self._renderer = None
            self._generator = self._registry.create_generator(setup.generator, setup.device, **setup.options)
        if previous is None or previous.size != setup.size:
            self._renderer = None
        return f"{setup.generator} on {describe_device(resolve_device(setup.device))}"

    @property
    def drafts(self) -> bool:
        """Whether the generator renders drafts (``capabilities.draft``)."""
        return bool(getattr(getattr(self._generator, "capabilities", None), "draft", False))

    def accepts(self, request: PreviewRequest) -> bool:
        """Whether the request belongs to the current setup and a generator is ready."""
        return (self._setup is not None and request.generation == self._setup.generation
                and self._generator is not None)

    def render(self, request: PreviewRequest) -> tuple[np.ndarray, bool]:
        """Render a request (and say whether the frame is a draft); a changed rest pose reuses the prepared
        source."""
        from studio.engine.renderer import Pose, Renderer
        from studio.jobs.render_job import check_generated_frame

        if self._renderer is None:
            assert self._setup is not None and self._source is not None
            self._renderer = Renderer(self._generator, self._source, Pose.from_arrays(request.rest),
                                      self._setup.size, self._region, self._stiffness)
            self._rest = request.rest
            self._warm = None
        elif not _same_pose(self._rest, request.rest):
            self._renderer = self._renderer.with_rest(Pose.from_arrays(request.rest))
            self._rest = request.rest
        draft = request.draft and self._renderer.drafts
        full_learned_frame = self._renderer.drafts and not draft
        self._use_threads(preview_thread_count(self._cores, full_learned_frame,
                                               load_average() if full_learned_frame else 0.0))
        image = self._renderer.render(Pose.from_arrays(request.driving), draft)
        check_generated_frame(image, self._setup.size if self._setup else None,
                              self._setup.generator if self._setup else "?")
        return image, draft

    def _use_threads(self, count: int) -> None:
        """Give torch ``count`` intra-op threads when it has another number (a cheap call, made per frame)."""
        import torch

        if count != torch.get_num_threads():
            torch.set_num_threads(count)
        self.threads = count

    def warm_draft(self) -> None:
        """Render a draft at the rest pose once per rest pose (drafting generators prepare their draft then)."""
        from studio.engine.renderer import Pose

        renderer = self._renderer
        if renderer is None or not renderer.drafts or self._rest is None or _same_pose(self._warm, self._rest):
            return
        self._warm = self._rest
        self._use_threads(preview_thread_count(self._cores))
        try:
            renderer.render(Pose.from_arrays(self._rest), draft=True)
        except Exception:  # the next requested frame reports a failing generator
            _log.debug("warming the draft failed", exc_info=True)

    def mesh(self, request: PreviewRequest) -> tuple[np.ndarray, np.ndarray] | None:
        """The deformed mesh for a request just rendered, in source pixels (None: the generator has no mesh)."""
        from studio.engine.renderer import Pose

        renderer = self._renderer
        if renderer is None or not hasattr(renderer.generator, "deform") or "mesh" not in renderer.state.data:
            return None
        driving = renderer.to_motion(Pose.from_arrays(request.driving))
        vertices = renderer.generator.deform(renderer.state, renderer.rest, driving)
        return vertices / renderer.scale.astype(np.float64), renderer.state.data["mesh"].triangles

    def keep_previous(self, refused: PreviewSetup | None) -> None:
        """A setup was refused: keep the previous one for the same image, answering the refused one's requests."""
        previous = self._setup
        if refused is None or previous is None or (previous.source_png, previous.size) != (
                refused.source_png, refused.size):
            self.reset()
            return
        self._setup = replace(previous, generation=refused.generation)

    def reset(self) -> None:
        """Forget the setup after it failed, so the next setup builds everything afresh."""
        self._setup = None
        self._source = None
        self._region = None
        self._stiffness = None
        self._generator = None
        self._renderer = None


def preview_thread_count(cores: int, full_learned_frame: bool = False, load: float = 0.0) -> int:
    """CPU threads for preview rendering: all cores but one (at most 8), which stays free for the GUI thread.

    The full frame of a drafting generator (a learned model, hundreds of ms a frame on a CPU) takes every core
    when the machine has them to spare (1-minute load average ``load`` below the core count): it is asked for
    when a drag or scrub ends, so the GUI thread is idle, and it comes about 1.4x sooner on 2 cores. On a busy
    machine an op split over every core waits for its slowest, descheduled thread, so it stays on the rest.
    """
    spare = full_learned_frame and load < cores
    return max(1, min(cores if spare else cores - 1, 8))


def load_average() -> float:
    """The machine's 1-minute load average (0 where the system does not report one)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return 0.0


def _same_pose(a: PoseArrays | None, b: PoseArrays) -> bool:
    """True when two pose snapshots hold equal arrays."""
    if a is None:
        return False
    return (a.positions.shape == b.positions.shape and np.array_equal(a.positions, b.positions)
            and np.array_equal(a.jacobians, b.jacobians) and np.array_equal(a.radii, b.radii))
