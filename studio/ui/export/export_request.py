"""What the Export dialog asks for, turned into the render job's plan and output spec; and the document snapshot.

No widgets here: the dialog fills an ``ExportSettings`` and these functions do the same checks the CLI does,
so a bad field becomes one UserError line shown in the dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studio.core.errors import UserError
from studio.core.project import Project
from studio.jobs.render_plan import RenderOptions, RenderPlan, plan_render
from studio.media.output_spec import OutputSpec, format_for
from studio.ui.export.export_targets import export_format


@dataclass(frozen=True)
class ExportSettings:
    """The dialog's fields. ``size`` holds the one side the user set (the other follows the aspect ratio).

    ``background`` None is transparent; ``sprite_columns`` None lets the sheet choose a near-square grid.
    ``audio_source`` is "project" (the project's sound, placed, at its volume, unless muted), "file" (``audio``,
    if given) or "none".
    """

    format: str
    target: str
    frames: tuple[int, int]
    fps: float
    size: tuple[int | None, int | None] | None = None
    background: tuple[int, int, int] | None = None
    motion_blur: int = 1
    shutter: float = 180.0
    audio: str | None = None
    audio_source: str = "file"
    crf: int = 18
    sprite_columns: int | None = None
    overwrite: bool = False


def plan_export(project: Project, settings: ExportSettings) -> tuple[RenderPlan, OutputSpec]:
    """The render plan and output spec for the settings; UserError (one line) for anything the user must fix."""
    fmt = export_format(settings.format)
    if not settings.target.strip():
        raise UserError("choose where to save the export (the Save to field is empty)")
    if settings.frames[1] < settings.frames[0]:
        raise UserError(f"frame range {settings.frames[0]}-{settings.frames[1]}: the end comes before the start")
    audio = settings.audio if fmt.uses_audio and settings.audio and settings.audio_source == "file" else None
    if audio is not None and not Path(audio).is_file():
        raise UserError(f"audio file {audio} does not exist; choose another file or clear the audio field")
    options = RenderOptions(frames=settings.frames, size=settings.size, fps=settings.fps,
                            motion_blur=settings.motion_blur, shutter=settings.shutter)
    plan = plan_render(project, options)
    audio_start = max(0.0, (settings.frames[0] - project.timing.start) / project.timing.fps)
    spec = OutputSpec(settings.target, plan.fps, plan.width, plan.height,
                      crf=settings.crf, background=settings.background,
                      sprite_sheet=fmt.key == "sprite-sheet", audio=audio, audio_start=audio_start,
                      overwrite=settings.overwrite,
                      sprite_columns=settings.sprite_columns if fmt.uses_columns else None)
    written = format_for(spec)
    if written != fmt.key:
        raise UserError(f"{settings.target} would be saved as {written}, not as {fmt.label}; "
                        f"end the name in {fmt.suffix} or pick the matching format")
    return plan, spec


def uses_project_sound(project: Project, settings: ExportSettings) -> bool:
    """True when the export should carry the project's sound (asked for, the format has sound, there is one)."""
    return (settings.audio_source == "project" and export_format(settings.format).uses_audio
            and project.sound is not None)


def snapshot_project(project: Project) -> Project:
    """A detached copy of the whole document for the export worker: later edits never reach it."""
    return project.snapshot()
