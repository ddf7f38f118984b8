"""Run a batch on this machine: one worker slot, pairs in order; the Ray driver (studio.scale) runs the same slots."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from studio.core.errors import UserError
from studio.engine.contract import GeneratorFactory
from studio.jobs.batch import BatchJob, BatchPair, PairResult
from studio.jobs.batch_worker import PairWorker

OnResult = Callable[[PairResult], None]


def read_image(pair: BatchPair) -> bytes:
    """The portrait's bytes, read on the driver (a worker may not see the driver's disk)."""
    try:
        return Path(pair.image).read_bytes()
    except OSError as error:
        raise UserError(f"cannot read {pair.image}: {error.strerror or error}") from None


def run_local(job: BatchJob, pairs: list[BatchPair], on_result: OnResult,
              registry: GeneratorFactory | None = None) -> None:
    """Render ``pairs`` one after another in this process, reporting each result; thread counts are restored."""
    import cv2
    import torch

    previous = torch.get_num_threads(), cv2.getNumThreads()
    try:
        worker = PairWorker(job, registry)
        for pair in pairs:
            try:
                image = read_image(pair)
            except UserError as error:
                on_result(PairResult(pair, error=str(error)))
                continue
            on_result(worker.render(pair, image, shared=True))
    finally:
        torch.set_num_threads(previous[0])
        cv2.setNumThreads(previous[1])
