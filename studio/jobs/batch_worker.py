"""One worker slot of a batch: loads each generator once and renders pairs, locally or inside a Ray actor."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import cv2

from studio.core.errors import UserError
from studio.engine.contract import Generator, GeneratorFactory
from studio.jobs.batch import ENCODER_THREADS, BatchJob, BatchPair, OutputFile, PairResult
from studio.jobs.batch_files import file_sha256, remove_stray_temps
from studio.jobs.render_job import render_project
from studio.jobs.render_plan import plan_render
from studio.media.image_io import decode_image
from studio.media.output_spec import OutputSpec


class CachedGenerators:
    """A GeneratorFactory that builds each (name, device, options) generator once: a model loads once per slot."""

    def __init__(self, registry: GeneratorFactory) -> None:
        self._registry = registry
        self._cache: dict[tuple, Generator] = {}

    def create_generator(self, name: str, device: str = "auto", **options: Any) -> Generator:
        """The cached generator, built on first use."""
        key = (name, device, tuple(sorted((k, repr(v)) for k, v in options.items())))
        if key not in self._cache:
            self._cache[key] = self._registry.create_generator(name, device, **options)
        return self._cache[key]


class PairWorker:
    """Renders pairs of one batch job on ``threads`` threads: torch's (so every slot on every machine gives equal
    frames) and OpenCV's (its pool, sized for the whole machine, crawls when every core already runs a slot)."""

    def __init__(self, job: BatchJob, registry: GeneratorFactory | None = None) -> None:
        import torch

        from studio.plugins.discovery import default_registry

        torch.set_num_threads(job.settings.threads)
        cv2.setNumThreads(job.settings.threads)
        self.job = job
        self.generators = CachedGenerators(registry or default_registry())

    def render(self, pair: BatchPair, image: bytes, shared: bool) -> PairResult:
        """Render one pair; with ``shared`` write the target in place, else return the files' bytes.

        Any error becomes the result's one-line reason, so one bad portrait never stops the batch.
        """
        start = time.perf_counter()
        try:
            files = self._render_shared(pair, image) if shared else self._render_unshared(pair, image)
        except UserError as error:
            return PairResult(pair, error=str(error), seconds=time.perf_counter() - start)
        except Exception as error:  # a bug or a broken model: reported with the pair, the batch goes on
            return PairResult(pair, error=f"unexpected {type(error).__name__}: {error}",
                              seconds=time.perf_counter() - start)
        return PairResult(pair, files, seconds=time.perf_counter() - start)

    def _render_shared(self, pair: BatchPair, image: bytes) -> tuple[OutputFile, ...]:
        """Write the target beside itself (temp name, then rename), after removing a killed attempt's temp files."""
        remove_stray_temps(Path(pair.output), self.job.settings.sprite_sheet)
        written = self._render_to(pair, image, pair.output)
        return tuple(OutputFile(str(path), file_sha256(path)) for path in written)

    def _render_unshared(self, pair: BatchPair, image: bytes) -> tuple[OutputFile, ...]:
        """Render into a private folder and return the files' bytes under their final paths."""
        folder = Path(tempfile.mkdtemp(prefix="marionette-pair-"))
        try:
            target = Path(pair.output)
            written = self._render_to(pair, image, str(folder / target.name))
            files = []
            for path in written:
                data = path.read_bytes()
                files.append(OutputFile(str(target.parent / path.relative_to(folder)),
                                        hashlib.sha256(data).hexdigest(), data))
            return tuple(files)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _render_to(self, pair: BatchPair, image: bytes, output: str) -> list[Path]:
        """Plan and render ``pair`` to ``output``; returns the written paths."""
        settings = self.job.settings
        project = self.job.projects[pair.project]
        source = decode_image(image, Path(pair.image).name)
        plan = plan_render(project, settings.options, (source.shape[1], source.shape[0]))
        spec = OutputSpec(output, plan.fps, plan.width, plan.height, crf=settings.crf, background=settings.background,
                          sprite_sheet=settings.sprite_sheet, audio=settings.audio,
                          audio_start=self.job.audio_starts.get(pair.project, 0.0),
                          overwrite=True, encoder_threads=ENCODER_THREADS)
        return render_project(project, plan, spec, self.generators, source=source, device=settings.options.device,
                              generator=settings.options.generator, motion=self.job.motions.get(pair.project))

