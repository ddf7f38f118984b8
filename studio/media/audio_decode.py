"""Sound in: any audio or video file's first audio stream as 16 kHz mono float32, what speech recognisers read."""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np

from studio.core.errors import UserError

SPEECH_RATE = 16_000


def decode_audio(path: Path | str | bytes, rate: int = SPEECH_RATE) -> np.ndarray:
    """Decode the first audio stream of ``path`` (WAV, MP3, AAC/M4A, FLAC, OGG or a video; or such a file's bytes,
    like a project's stored sound) to mono float32 at ``rate``.

    Samples are in [-1, 1]. Raises UserError (one line) for a missing file, a file without sound or undecodable data.
    """
    if isinstance(path, bytes):
        source: str | io.BytesIO = io.BytesIO(path)
        path = Path("the sound")
    else:
        path = Path(path)
        source = str(path)
        if not path.is_file():
            raise UserError(f"audio file not found: {path}; check the path")
    try:
        container = av.open(source, mode="r")
    except (av.FFmpegError, OSError) as error:
        raise UserError(f"{path}: not a sound or video file PyAV can read ({_reason(error)}); convert it to WAV"
                        ) from None
    with container:
        if not container.streams.audio:
            raise UserError(f"{path} has no audio stream; choose a file with sound")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        pieces: list[np.ndarray] = []
        try:
            for frame in container.decode(stream):
                pieces.extend(_plane(out) for out in resampler.resample(frame))
            pieces.extend(_plane(out) for out in resampler.resample(None))
        except (av.FFmpegError, ValueError) as error:
            raise UserError(f"{path}: its sound could not be decoded ({_reason(error)}); re-export the file") from None
    if not pieces:
        raise UserError(f"{path}: its audio stream holds no samples; choose a file with sound")
    return np.concatenate(pieces).astype(np.float32, copy=False)


def resample(samples: np.ndarray, source_rate: int, rate: int = SPEECH_RATE) -> np.ndarray:
    """Mono float32 ``samples`` at ``source_rate`` resampled to ``rate`` with the same resampler as decoding."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples, dtype=np.float32)[None, :], format="flt",
                                       layout="mono")
    frame.sample_rate = source_rate
    pieces = [_plane(out) for out in resampler.resample(frame)]
    pieces.extend(_plane(out) for out in resampler.resample(None))
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)


def to_pcm16(samples: np.ndarray) -> bytes:
    """Float samples in [-1, 1] as little-endian signed 16-bit PCM bytes (what pocketsphinx's process_raw reads)."""
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def _plane(frame: av.AudioFrame) -> np.ndarray:
    """The samples of one packed mono float frame as a 1-D float32 array."""
    return frame.to_ndarray().reshape(-1)[: frame.samples].astype(np.float32, copy=False)


def _reason(error: Exception) -> str:
    """A short one-line reason from a PyAV error."""
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
