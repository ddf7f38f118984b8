"""Import Audio: read a sound file (or a video's sound) on a worker and store it in the project, one undo step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject

from studio.core.audio import SOUND_SUFFIXES, ChangeSound, Sound
from studio.media.sound_file import SoundFile, read_sound_file
from studio.ui.session import Session
from studio.ui.threads import BackgroundJob, start_job

AUDIO_FILTER = ("Sound or video (*.wav *.mp3 *.m4a *.aac *.flac *.ogg *.oga *.opus *.mp4 *.mov *.mkv *.webm "
                "*.avi);;All files (*)")


def is_sound_file(path: Path) -> bool:
    """True for the file names a drop on the window imports as sound."""
    return path.suffix.lower() in SOUND_SUFFIXES


def import_sound(session: Session, path: Path, message: Callable[[str], None],
                 parent: QObject | None = None, on_finished: Callable[[], None] | None = None) -> BackgroundJob:
    """Read ``path`` on a worker, then import it as the project's sound (replacing one keeps its place and
    volume; the old cues go with the old sound). ``message`` gets the outcome in one line; ``on_finished`` runs
    when the worker has ended."""

    def store(read: SoundFile) -> None:
        before = session.project.sound
        place = {"offset": before.offset, "volume": before.volume} if before else \
            {"offset": session.project.timing.start}
        after = Sound(read.data, read.name, read.suffix, **place)
        session.push(ChangeSound(before, after))
        session.finish_gesture()
        how = " (the video's sound, stored as FLAC)" if read.reencoded else ""
        message(f"Imported the sound {read.name}{how} at frame {after.offset}")

    return start_job(lambda: read_sound_file(path), store, message, parent, on_finished)
