"""The Ray driver of a batch: one actor per worker slot renders pairs; a bounded number of pairs is in flight.

Each actor is a studio.jobs.batch_worker.PairWorker (the local run's slot), so frames and bits are the same. Ray
restarts a killed actor (``max_restarts``) and re-runs the pairs it held (``max_task_retries``); a pair that still
fails is reported with its reason and the batch goes on.
"""

from __future__ import annotations

import os
import secrets
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from studio.core.errors import UserError
from studio.jobs.batch import BatchJob, BatchPair, PairResult
from studio.jobs.batch_run import OnResult, read_image
from studio.jobs.batch_worker import PairWorker
from studio.scale.ray_cluster import connected

PAIRS_PER_ACTOR = 2  # one rendering, one waiting: an actor never idles while the driver reads the next image
MAX_RESTARTS = -1  # a killed or lost actor is always replaced (on another node if its own is gone)
MAX_TASK_RETRIES = 2  # a pair whose worker dies three times (say, out of memory each time) is reported as failed


@dataclass(frozen=True)
class RayConfig:
    """Where and how to run: ADDRESS, actors (None: as many as the cluster's CPUs or GPUs allow), GPUs per actor,
    shared storage ("yes" | "no" | "auto") and the temp folder of a private local instance."""

    address: str = "local"
    workers: int | None = None
    gpus_per_worker: float = 0.0
    shared_storage: str = "auto"
    temp_dir: Path | None = None


def run_on_ray(job: BatchJob, pairs: list[BatchPair], on_result: OnResult, config: RayConfig) -> None:
    """Render ``pairs`` on Ray, calling ``on_result`` on this thread as each pair finishes (in finishing order)."""
    if not pairs:
        return
    with connected(config.address, config.temp_dir) as ray:
        job_ref = [ray.put(job)]  # held until the end: a restarted actor reads its job from it again
        actors = _start_actors(ray, job.settings.threads, len(pairs), config)
        try:
            shared = _storage_is_shared(ray, actors, pairs, config)
            if job.settings.audio and not shared:
                raise UserError("--audio on a cluster without shared storage: put the audio file on shared storage "
                                "(and --ray-shared-storage yes) or leave --audio out")
            _Dispatcher(ray, actors, job_ref, shared, on_result).run(pairs)
        finally:
            for actor in actors:
                ray.kill(actor, no_restart=True)


def _start_actors(ray: ModuleType, threads: int, pair_count: int, config: RayConfig) -> list[Any]:
    """One actor per slot; each reserves ``threads`` CPUs (and its GPUs) and loads the job and generator once.

    Never more actors than the cluster holds now: an actor that cannot start would keep its queued pairs forever.
    """
    slots = _slots(ray.cluster_resources(), threads, config.gpus_per_worker)
    count = min(config.workers or slots, slots)
    remote = ray.remote(num_cpus=threads, num_gpus=config.gpus_per_worker, max_restarts=MAX_RESTARTS,
                        max_task_retries=MAX_TASK_RETRIES)(RayPairWorker)
    return [remote.remote() for _ in range(max(1, min(count, pair_count)))]


class RayPairWorker:
    """The local run's worker slot (PairWorker) as an actor; it reads its job from the object store at its first
    pair, after every (re)start, so restarts need no constructor arguments kept alive."""

    def __init__(self) -> None:
        self._worker: PairWorker | None = None

    def pid(self) -> int:
        """The actor's process id (tests kill a worker by it)."""
        return os.getpid()

    def sees(self, path: str) -> bool:
        """Whether ``path`` exists here: the driver's probe file tells whether storage is shared."""
        return Path(path).exists()

    def render(self, job_ref: list, pair: BatchPair, image: bytes, shared: bool) -> PairResult:
        """Render one pair (the job's ref travels in a list, so Ray passes the ref, not the value)."""
        if self._worker is None:
            import ray

            self._worker = PairWorker(ray.get(job_ref[0]))
        return self._worker.render(pair, image, shared)


def _slots(resources: dict, threads: int, gpus: float) -> int:
    """How many actors the cluster holds at once: its CPUs over ``threads``, or its GPUs over ``gpus``."""
    slots = int(resources.get("CPU", 1) // threads)
    if gpus > 0:
        slots = min(slots, int(resources.get("GPU", 0) // gpus))
        if slots < 1:
            raise UserError(f"--ray-gpus-per-worker {gpus:g}: the cluster has no GPU for it; add GPU nodes or use 0")
    return max(1, slots)


def _storage_is_shared(ray: ModuleType, actors: list[Any], pairs: list[BatchPair], config: RayConfig) -> bool:
    """yes/no as given; auto: a private local instance shares this disk, else every actor must see a probe file."""
    if config.shared_storage != "auto":
        return config.shared_storage == "yes"
    if config.address == "local":
        return True
    folder = Path(pairs[0].output).parent
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / f".marionette-probe-{secrets.token_hex(4)}"
    probe.touch()
    try:
        return all(ray.get([actor.sees.remote(str(probe)) for actor in actors]))
    finally:
        probe.unlink(missing_ok=True)


class _Dispatcher:
    """Keeps PAIRS_PER_ACTOR pairs queued on each actor and hands an actor its next pair when one finishes."""

    def __init__(self, ray: ModuleType, actors: list[Any], job_ref: list, shared: bool, on_result: OnResult) -> None:
        self._ray = ray
        self._actors = actors
        self._job_ref = job_ref
        self._shared = shared
        self._on_result = on_result
        self._waiting: deque[BatchPair] = deque()
        self._in_flight: dict[Any, tuple[BatchPair, int]] = {}

    def run(self, pairs: list[BatchPair]) -> None:
        """Render every pair; returns when each has a result."""
        self._waiting.extend(pairs)
        for _ in range(PAIRS_PER_ACTOR):
            for index in range(len(self._actors)):
                self._submit(index)
        while self._in_flight:
            (ref,), _ = self._ray.wait(list(self._in_flight), num_returns=1)
            pair, index = self._in_flight.pop(ref)
            self._on_result(self._result(ref, pair))
            self._submit(index)

    def _submit(self, index: int) -> None:
        """Send the next pair to actor ``index`` (a portrait the driver cannot read fails on the spot)."""
        while self._waiting:
            pair = self._waiting.popleft()
            try:
                image = read_image(pair)
            except UserError as error:
                self._on_result(PairResult(pair, error=str(error)))
                continue
            self._in_flight[self._actors[index].render.remote(self._job_ref, pair, image, self._shared)] = (pair, index)
            return

    def _result(self, ref: Any, pair: BatchPair) -> PairResult:
        """The pair's result, or a failure naming what Ray reported (a worker lost beyond its retries)."""
        try:
            return self._ray.get(ref)
        except self._ray.exceptions.RayError as error:
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
            return PairResult(pair, error=f"worker lost ({type(error).__name__}): {reason}")
