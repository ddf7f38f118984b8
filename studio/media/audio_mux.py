"""Audio into an export: the first audio stream of a file, cut to the exported range and re-encoded in step."""

from __future__ import annotations

import contextlib
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from studio.core.errors import UserError

OUTPUT_RATE = 48_000


class AudioTrack:
    """Decodes ``source`` from ``start`` seconds and encodes it into ``output`` with ``codec_name``.

    Sample 0 of the output is the instant ``start`` of the source, which is also the export's first video
    frame, so sync is exact up to the encoder's own (muxer-compensated) priming delay. A negative ``start``
    begins with silence (the sound starts later than the export); ``gain`` scales the samples. Call ``feed_until``
    after each video frame so the muxer can interleave, then ``finish`` with the video's duration.
    """

    def __init__(self, source: Path, start: float, output: av.container.OutputContainer, codec_name: str,
                 gain: float = 1.0) -> None:
        try:
            self._input = av.open(str(source), mode="r")
        except (av.FFmpegError, OSError) as error:
            raise UserError(f"{source}: could not open its audio ({error}); use another audio file") from None
        if not self._input.streams.audio:
            self._input.close()
            raise UserError(f"{source} has no audio stream; choose a file with sound")
        in_stream = self._input.streams.audio[0]
        channels = in_stream.codec_context.channels or 1
        self._layout = "stereo" if channels >= 2 else "mono"
        self._channels = 2 if channels >= 2 else 1
        self._stream = output.add_stream(codec_name, rate=OUTPUT_RATE)
        context = self._stream.codec_context
        context.layout = self._layout
        context.format = context.codec.audio_formats[0].name
        context.time_base = Fraction(1, OUTPUT_RATE)
        self._packed = not context.format.is_planar
        self._resampler = av.AudioResampler(format="fltp", layout=self._layout, rate=OUTPUT_RATE)
        self._start = start
        self._gain = float(gain)
        self._source = source
        if start > 0:
            # Only a shortcut: samples before ``start`` are dropped by timestamp, so a failed seek is harmless.
            with contextlib.suppress(av.FFmpegError):
                self._input.seek(int(start * av.time_base), backward=True)
        self._decoded = self._input.decode(in_stream)
        self._pending = np.zeros((self._channels, 0), dtype=np.float32)
        self._received = 0  # output-timeline sample index just after self._pending
        self._sent = 0  # samples handed to the encoder
        self._to_skip: int | None = None  # resampled samples before ``start`` still to drop; None until known
        self._exhausted = False
        self._output = output

    def feed_until(self, seconds: float) -> None:
        """Encode and mux every whole encoder frame of audio before ``seconds`` (export timeline)."""
        self._encode_until(round(seconds * OUTPUT_RATE), final=False)

    def finish(self, seconds: float) -> None:
        """Encode the audio up to exactly ``seconds``, flush the encoder and close the source."""
        try:
            self._encode_until(round(seconds * OUTPUT_RATE), final=True)
            for packet in self._stream.encode(None):
                self._output.mux(packet)
        finally:
            self.close()

    def close(self) -> None:
        """Close the source file."""
        self._input.close()

    def _frame_size(self) -> int:
        """Samples per encoder frame (1024 for AAC, 960 for Opus; a fixed chunk for variable-size encoders)."""
        if not self._stream.codec_context.is_open:
            self._stream.codec_context.open()
        return self._stream.codec_context.frame_size or 1024

    def _encode_until(self, end: int, final: bool) -> None:
        """Send samples [sent, end) to the encoder in encoder-sized frames (a short last one when final)."""
        size = self._frame_size()
        while self._sent + size <= end or (final and self._sent < end):
            count = min(size, end - self._sent)
            while self._received - self._sent < count and not self._exhausted:
                self._pull()
            available = self._received - self._sent
            if available <= 0:
                return
            count = min(count, available)
            chunk, self._pending = self._pending[:, :count], self._pending[:, count:]
            self._encode(chunk)
            if count < size:
                return

    def _encode(self, chunk: np.ndarray) -> None:
        """Encode one chunk (channels x n float32) with pts = its first sample index."""
        if self._gain != 1.0:
            chunk = np.clip(chunk * self._gain, -1.0, 1.0)
        data = np.ascontiguousarray(chunk.T.reshape(1, -1) if self._packed else chunk)
        frame = av.AudioFrame.from_ndarray(data, format="flt" if self._packed else "fltp", layout=self._layout)
        frame.sample_rate = OUTPUT_RATE
        frame.time_base = Fraction(1, OUTPUT_RATE)
        frame.pts = self._sent
        self._sent += chunk.shape[1]
        for packet in self._stream.encode(frame):
            self._output.mux(packet)

    def _pull(self) -> None:
        """Decode and resample the next source frame onto the pending buffer (trimmed or padded at the start)."""
        try:
            source_frame = next(self._decoded, None)
        except av.FFmpegError as error:
            reason = str(error).splitlines()[0]
            raise UserError(f"{self._source}: its audio could not be decoded ({reason}); use another file") from None
        if source_frame is None:
            self._exhausted = True
        elif self._to_skip is None:
            begin = source_frame.time if source_frame.time is not None else self._start
            offset = round((begin - self._start) * OUTPUT_RATE)
            self._to_skip = max(-offset, 0)
            self._append(np.zeros((self._channels, max(offset, 0)), np.float32))
        for frame in self._resampler.resample(source_frame):
            samples = frame.to_ndarray().astype(np.float32, copy=False)
            skip = min(self._to_skip or 0, samples.shape[1])
            self._to_skip = (self._to_skip or 0) - skip
            self._append(samples[:, skip:])

    def _append(self, samples: np.ndarray) -> None:
        """Add channels x n samples to the pending buffer."""
        self._pending = np.concatenate([self._pending, samples], axis=1)
        self._received += samples.shape[1]
