"""A batch render: every (motion, portrait) pair of several projects and many images, as plain picklable data.

The same objects travel to a local loop and to Ray workers (studio.scale), so both render pairs the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studio.core.errors import UserError
from studio.core.pose_table import PoseTable
from studio.core.project import Project
from studio.jobs.render_plan import RenderOptions

ENCODER_THREADS = 1  # every pair, on every machine: the encoded bits depend on the encoder's thread count


@dataclass(frozen=True)
class BatchPair:
    """One output: the project (motion) by name, the portrait and the target, both absolute paths."""

    project: str
    image: str
    output: str

    @property
    def label(self) -> str:
        """"project/image" as the progress bar and the failure list show it."""
        return f"{self.project}/{Path(self.image).stem}"


@dataclass(frozen=True)
class PairSettings:
    """The render command's choices that every pair shares; ``threads`` is torch's intra-op thread count."""

    options: RenderOptions
    background: tuple[int, int, int] | None
    audio: str | None
    crf: int
    sprite_sheet: bool
    threads: int = 1


@dataclass
class BatchJob:
    """What every worker loads once: the projects by name, their driving motions (or None), the settings, and
    where each project's frames start in the audio (seconds)."""

    projects: dict[str, Project]
    motions: dict[str, PoseTable | None]
    settings: PairSettings
    audio_starts: dict[str, float]


@dataclass(frozen=True)
class OutputFile:
    """One written file: its final absolute path, its sha256, and its bytes when the driver must write it."""

    path: str
    sha256: str
    data: bytes | None = None


@dataclass(frozen=True)
class PairResult:
    """What rendering one pair gave: the files, or the one-line reason it failed."""

    pair: BatchPair
    files: tuple[OutputFile, ...] = ()
    error: str | None = None
    seconds: float = 0.0


def expand_pairs(projects: list[tuple[str, Path]], images: list[Path], output: str) -> list[BatchPair]:
    """Every (project, image) pair with ``{project}`` and ``{name}`` filled in OUT; paths made absolute.

    Relative paths are resolved here, on the driver: workers do not share its working directory.
    """
    if len(projects) > 1 and "{project}" not in output:
        raise UserError(f"{len(projects)} projects: put {{project}} in the output, e.g. out/{{project}}/{{name}}.mp4")
    if len(images) > 1 and "{name}" not in output:
        raise UserError(f"--source matches {len(images)} images: put {{name}} in the output, e.g. out/{{name}}.mp4")
    pairs = [BatchPair(name, str(image.resolve()),
                       str(Path(output.replace("{project}", name).replace("{name}", image.stem)).resolve()))
             for name, _ in projects for image in images]
    seen: dict[str, BatchPair] = {}
    for pair in pairs:
        if pair.output in seen:
            raise UserError(f"{seen[pair.output].label} and {pair.label} would both write {pair.output}: "
                            "give the projects or images different names")
        seen[pair.output] = pair
    return pairs


def project_names(paths: list[Path]) -> list[tuple[str, Path]]:
    """(name, path) per project file: the file's stem, which must be unique across the batch."""
    named = [(path.stem, path) for path in paths]
    names = [name for name, _ in named]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise UserError(f"several projects are named {duplicates[0]}: {{project}} would not tell them apart; "
                        "rename one")
    return named
