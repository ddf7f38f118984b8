"""Sound for the project: read an audio file as it is stored (the original bytes of a sound file, the sound of a
video re-encoded to FLAC), its duration, and the waveform envelope the timeline draws."""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from studio.core.audio import SOUND_SUFFIXES
from studio.core.errors import UserError
from studio.media.audio_decode import decode_audio

ENVELOPE_RATE = 8_000  # samples per second decoded for the envelope: enough for the peaks a timeline shows
ENVELOPE_BINS_PER_SECOND = 200


@dataclass(frozen=True)
class SoundFile:
    """A sound ready to store: its bytes, the stored suffix, the original name and whether it was re-encoded."""

    data: bytes
    suffix: str
    name: str
    reencoded: bool


def read_sound_file(path: Path | str) -> SoundFile:
    """The sound of ``path``: a sound file's own bytes, or the first audio stream of a video (or of a file in a
    format the project does not store) re-encoded losslessly to FLAC. UserError (one line) when it has none."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"audio file not found: {path}; check the path")
    try:
        with av.open(str(path), mode="r") as container:
            if not container.streams.audio:
                raise UserError(f"{path.name} has no sound; choose an audio file or a video with sound")
            is_video = bool(container.streams.video)
    except av.FFmpegError as error:
        raise UserError(f"{path.name}: not a sound or video file PyAV can read ({error.strerror or error}); "
                        "convert it to WAV") from None
    suffix = path.suffix.lower()
    if suffix in SOUND_SUFFIXES and not is_video:
        return SoundFile(path.read_bytes(), suffix, path.name, False)
    return SoundFile(_to_flac(path), ".flac", path.name, True)


def _to_flac(path: Path) -> bytes:
    """The first audio stream of ``path`` as FLAC bytes (same rate, mono or stereo)."""
    out = io.BytesIO()
    with av.open(str(path), mode="r") as source, av.open(out, mode="w", format="flac") as target:
        in_stream = source.streams.audio[0]
        rate = in_stream.codec_context.sample_rate or 48_000
        layout = "stereo" if (in_stream.codec_context.channels or 1) >= 2 else "mono"
        stream = target.add_stream("flac", rate=rate)
        stream.codec_context.layout = layout
        stream.codec_context.format = "s16"
        stream.codec_context.time_base = Fraction(1, rate)
        resampler = av.AudioResampler(format="s16", layout=layout, rate=rate)
        try:
            for frame in source.decode(in_stream):
                for chunk in resampler.resample(frame):
                    chunk.pts = None
                    target.mux(stream.encode(chunk))
            for chunk in resampler.resample(None):
                chunk.pts = None
                target.mux(stream.encode(chunk))
        except av.FFmpegError as error:
            raise UserError(f"{path.name}: its sound could not be decoded ({error}); re-export the file") from None
        target.mux(stream.encode(None))
    return out.getvalue()


def sound_duration(data: bytes) -> float:
    """Seconds of sound in a stored sound's bytes (decoded, so exact for every format)."""
    return len(decode_audio(data, ENVELOPE_RATE)) / ENVELOPE_RATE


def waveform_envelope(data: bytes, bins_per_second: int = ENVELOPE_BINS_PER_SECOND) -> np.ndarray:
    """Peak level per bin [N] float32 in [0, 1], ``bins_per_second`` bins per second of sound: what the audio row
    draws (mirrored around its middle). Decoding takes a while: call it on a worker."""
    samples = np.abs(decode_audio(data, ENVELOPE_RATE))
    size = ENVELOPE_RATE // bins_per_second
    count = -(-len(samples) // size)
    padded = np.zeros(count * size, np.float32)
    padded[: len(samples)] = samples
    return np.minimum(padded.reshape(count, size).max(axis=1), 1.0).astype(np.float32)
