"""The project's sound in an export: placed at its offset, at its volume, cut to the exported range."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from studio.core.project import Project
from studio.media.output_spec import OutputSpec, format_for
from studio.media.video_reader import audio_stream_info
from studio.media.writers import AUDIO_FORMATS


def sound_start(project: Project, first_time: float) -> float:
    """Seconds into the project's sound at project frame time ``first_time`` (negative: before it starts)."""
    offset = project.sound.offset if project.sound is not None else 0
    return (first_time - offset) / project.timing.fps


@contextmanager
def with_project_sound(project: Project, spec: OutputSpec, first_time: float) -> Iterator[OutputSpec]:
    """``spec`` with the project's sound muxed in from project frame time ``first_time`` (the export's first
    frame), written to a temporary file for the encoder's lifetime. Unchanged when the spec already has an audio
    file, the format has no sound, the sound is muted or absent, or the range starts after the sound ends."""
    sound = project.sound
    if spec.audio or sound is None or sound.gain == 0.0 or format_for(spec) not in AUDIO_FORMATS:
        yield spec
        return
    start = sound_start(project, first_time)
    with tempfile.TemporaryDirectory(prefix="marionette-sound-") as folder:
        path = Path(folder) / f"sound{sound.suffix}"
        path.write_bytes(sound.data)
        info = audio_stream_info(path)
        past_the_end = info is None or (info[0] > 0 and start >= info[0])
        yield spec if past_the_end else replace(spec, audio=str(path), audio_start=start, audio_gain=sound.volume)
