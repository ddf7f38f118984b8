"""`render P [P ...] --source GLOB -o "out/{project}/{name}.mp4"`: every (motion, portrait) pair, here or on Ray.

The local run and ``--ray ADDRESS`` share everything but the loop: the pairs, the manifest that ``--resume`` reads,
the worker slot that renders a pair, the progress bar and the summary. Ray is imported only with ``--ray``.
"""

from __future__ import annotations

import argparse
import glob
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.errors import UserError

if TYPE_CHECKING:  # the command's heavy imports (the jobs pull in PyAV and OpenCV) happen when it runs
    from studio.cli._progress import ProgressBar
    from studio.jobs.batch import BatchJob, BatchPair, PairResult, PairSettings
    from studio.jobs.batch_files import Manifest

EXIT_PAIRS_FAILED = 1


def add_batch_arguments(parser: argparse.ArgumentParser) -> None:
    """The batch and scale-out flags of the render command."""
    batch = parser.add_argument_group("batch and scale-out", "several projects and/or --source GLOB: one output "
                                      "per (project, image) pair; {project} and {name} in OUT")
    batch.add_argument("--resume", action="store_true", help="skip outputs recorded complete in the manifest beside "
                       "them (sha256 checked); re-render the rest and remove a killed run's temp files")
    batch.add_argument("--threads", type=int, default=1, help="torch threads per pair (default 1); the encoder "
                       "uses one thread, so every machine writes the same bits")
    batch.add_argument("--ray", metavar="ADDRESS", help="render on Ray: local (a private instance on this machine), "
                       "auto (the running cluster), HOST:PORT, or ray://HOST:10001 (Ray Client)")
    batch.add_argument("--ray-workers", type=int, metavar="N",
                       help="actors (default and at most: the cluster's CPUs / --threads)")
    batch.add_argument("--ray-gpus-per-worker", type=float, default=0.0, metavar="G",
                       help="GPUs each actor reserves (fomm on CUDA: 1, or 0.5 to share a GPU by two)")
    batch.add_argument("--ray-shared-storage", choices=("auto", "yes", "no"), default="auto",
                       help="yes: workers write the outputs; no: workers send the encoded bytes and this machine "
                            "writes them; auto: yes for local, else a probe file tells (default)")
    batch.add_argument("--ray-temp", metavar="DIR", help="Ray's logs and temp files for --ray local "
                       "(default /tmp/mray-UID; keep it short: Ray's socket paths are limited)")


def is_batch(args: argparse.Namespace) -> bool:
    """Whether the command is a batch: several projects, a --source glob, --ray or --resume."""
    return bool(len(args.project) > 1 or (args.source and glob.has_magic(args.source)) or args.ray or args.resume)


@dataclass
class _Tally:
    """Counts and failures as results arrive, shown on the progress bar."""

    total: int
    skipped: int
    bar: ProgressBar
    rendered: int = 0
    failures: list[PairResult] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def add(self, result: PairResult, manifest: Manifest) -> None:
        """Store a finished pair (or note its failure) and move the bar."""
        from studio.jobs.batch import PairResult
        from studio.jobs.batch_files import store_result

        if result.error is None:
            try:
                store_result(result, manifest)
                self.rendered += 1
            except (UserError, OSError) as error:
                self.failures.append(PairResult(result.pair, error=f"could not store the output: {error}"))
        else:
            self.failures.append(result)
        self.bar.update(self.skipped + self.rendered + len(self.failures), self.total)
        self.bar.describe(f"failed {len(self.failures)}")

    def summary(self) -> str:
        """One line: what was rendered, skipped and failed, and how long it took."""
        return (f"rendered {self.rendered}, skipped {self.skipped} (complete), failed {len(self.failures)} "
                f"of {self.total} pairs in {time.perf_counter() - self.started:.1f} s")


def run_batch(args: argparse.Namespace, job: BatchJob, pairs: list[BatchPair]) -> int:
    """Render the pairs that are not complete, locally or on Ray; a summary, and exit 1 if any pair failed."""
    from studio.cli._progress import ProgressBar
    from studio.jobs.batch_files import Manifest, remove_stray_temps, select_pairs

    manifest = Manifest()
    todo, done = select_pairs(pairs, manifest, args.resume, args.overwrite, args.sprite_sheet)
    tally = _Tally(len(pairs), len(done), ProgressBar(f"render {len(pairs)} pairs"))
    try:
        if args.ray:
            _run_ray(args, job, todo, lambda result: tally.add(result, manifest))
        else:
            from studio.jobs.batch_run import run_local

            run_local(job, todo, lambda result: tally.add(result, manifest))
    finally:
        for pair in todo:
            remove_stray_temps(Path(pair.output), args.sprite_sheet)
    print(tally.summary())
    for failure in tally.failures:
        print(f"failed {failure.pair.label}: {failure.error}", file=sys.stderr)
    return EXIT_PAIRS_FAILED if tally.failures else 0


def _run_ray(args: argparse.Namespace, job: BatchJob, pairs: list[BatchPair], on_result) -> None:
    """The same pairs through Ray actors (imported here: without --ray nothing of Ray loads)."""
    from studio.scale.ray_batch import RayConfig, run_on_ray

    if args.ray_workers is not None and args.ray_workers < 1:
        raise UserError("--ray-workers must be at least 1")
    config = RayConfig(args.ray, args.ray_workers, args.ray_gpus_per_worker, args.ray_shared_storage,
                       Path(args.ray_temp) if args.ray_temp else None)
    run_on_ray(job, pairs, on_result, config)


def batch_pairs(args: argparse.Namespace) -> tuple[list[tuple[str, Path]], list[BatchPair]]:
    """(project names and paths, every pair) from the arguments; relative paths become absolute here."""
    from studio.jobs.batch import expand_pairs, project_names

    if not args.source:
        raise UserError("a batch needs --source IMAGE or a glob of images, e.g. --source 'portraits/*.png'")
    images = sorted(Path(p) for p in glob.glob(args.source)) if glob.has_magic(args.source) else [Path(args.source)]
    if not images:
        raise UserError(f"--source {args.source!r} matches no files")
    if args.threads < 1:
        raise UserError("--threads must be at least 1")
    named = project_names([Path(p) for p in args.project])
    return named, expand_pairs(named, images, args.output)


def pair_settings(args: argparse.Namespace, options, background, audio) -> PairSettings:
    """The shared settings of every pair."""
    from studio.jobs.batch import PairSettings

    return PairSettings(options, background, audio, args.crf, args.sprite_sheet, args.threads)
