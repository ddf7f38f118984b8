"""MP4 (H.264), WebM (VP9) and MOV (ProRes 4444) through PyAV, with optional audio, to a temp file then renamed.

Chroma-subsampled formats (MP4, WebM) need even sizes: an odd width or height is padded by repeating the last
column or row, so no image content is lost (the file is then one pixel wider or taller than the frames).
RGB -> YUV uses the BT.601 matrix, limited range (OpenCV's fast I420 conversion for 4:2:0, FFmpeg's swscale
otherwise, which use the same matrix), and the stream is tagged with exactly that (matrix smpte170m, BT.709
primaries and transfer as for sRGB content), so players decode the colours back.
H.264 uses x264's "superfast" preset: at the default CRF 18 the picture quality is the same as slower presets
(CRF fixes quality); the file is somewhat larger, and encoding is ~4x faster, which keeps export real-time.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
from av.video.reformatter import VideoReformatter

from studio.core.atomic import replace_atomically, temp_path_beside
from studio.media.audio_mux import AudioTrack
from studio.media.frame_writer import FrameWriter
from studio.media.output_spec import OutputSpec

_BT709 = 1  # AVCOL_PRI_BT709 == AVCOL_TRC_BT709
_BT601_MATRIX = 6  # AVCOL_SPC_SMPTE170M, the matrix swscale uses by default
_LIMITED_RANGE = 1  # AVCOL_RANGE_MPEG


@dataclass(frozen=True)
class _Codec:
    """How one container format is encoded."""

    container: str
    video: str
    audio: str
    subsampled: bool  # 4:2:0 chroma: needs even width and height


_CODECS = {
    "mp4": _Codec("mp4", "libx264", "aac", subsampled=True),
    "webm": _Codec("webm", "libvpx-vp9", "libopus", subsampled=True),
    "mov": _Codec("mov", "prores_ks", "aac", subsampled=False),
}


def fps_fraction(fps: float) -> Fraction:
    """A frame rate as an exact fraction (29.97 -> 2997/100, 25.0 -> 25)."""
    return Fraction(fps).limit_denominator(1001)


class VideoFileWriter(FrameWriter):
    """Encodes frames into one video file; audio (if the spec has it) is muxed frame by frame."""

    def __init__(self, spec: OutputSpec, fmt: str) -> None:
        self.supports_alpha = fmt in ("mov", "webm")
        super().__init__(spec)
        self._fmt = fmt
        self._codec = _CODECS[fmt]
        self._target = Path(spec.path)
        self._temp = temp_path_beside(self._target)
        self._width = spec.width + (spec.width % 2 if self._codec.subsampled else 0)
        self._height = spec.height + (spec.height % 2 if self._codec.subsampled else 0)
        options = {"movflags": "+faststart"} if fmt in ("mp4", "mov") else {}
        self._audio: AudioTrack | None = None
        self._reformatter = VideoReformatter()
        self._container = av.open(str(self._temp), mode="w", format=self._codec.container, options=options)
        try:
            self._stream = self._add_video_stream()
            if spec.audio:
                self._audio = AudioTrack(Path(spec.audio), spec.audio_start, self._container, self._codec.audio,
                                         spec.audio_gain)
        except BaseException:
            self._discard()
            raise

    def _add_video_stream(self) -> av.video.stream.VideoStream:
        """The video stream with codec, pixel format, quality and colour tags for this format."""
        threads = str(self.spec.encoder_threads or min(os.cpu_count() or 1, 8))
        if self._fmt == "mp4":
            pix_fmt = "yuv420p"
            options = {"crf": str(self.spec.crf), "preset": "superfast", "threads": threads}
        elif self._fmt == "webm":
            pix_fmt = "yuva420p" if self.keeps_alpha else "yuv420p"
            options = {
                "crf": str(self.spec.crf),
                "b": "0",
                "deadline": "realtime",
                "cpu-used": "8",
                "row-mt": "1",
                "threads": threads,
            }
        else:
            pix_fmt = "yuva444p10le" if self.keeps_alpha else "yuv444p10le"
            options = {"profile": "4", "vendor": "apl0", "threads": threads}
        stream = self._container.add_stream(self._codec.video, rate=fps_fraction(self.spec.fps), options=options)
        stream.width = self._width
        stream.height = self._height
        stream.pix_fmt = pix_fmt
        context = stream.codec_context
        context.color_primaries = _BT709
        context.color_trc = _BT709
        context.colorspace = _BT601_MATRIX
        context.color_range = _LIMITED_RANGE
        return stream

    def _write(self, frame: np.ndarray) -> None:
        if (self._width, self._height) != (self.spec.width, self.spec.height):
            frame = cv2.copyMakeBorder(
                frame, 0, self._height - self.spec.height, 0, self._width - self.spec.width, cv2.BORDER_REPLICATE
            )
        if self._stream.pix_fmt == "yuv420p":
            video_frame = av.VideoFrame.from_ndarray(cv2.cvtColor(frame, cv2.COLOR_RGB2YUV_I420), format="yuv420p")
        else:
            video_frame = av.VideoFrame.from_ndarray(frame, format="rgba" if frame.shape[2] == 4 else "rgb24")
            video_frame = self._reformatter.reformat(video_frame, format=self._stream.pix_fmt)
        video_frame.pts = self.frames_written
        for packet in self._stream.encode(video_frame):
            self._container.mux(packet)
        if self._audio is not None:
            self._audio.feed_until((self.frames_written + 1) / self.spec.fps)

    def _finish(self) -> list[Path]:
        for packet in self._stream.encode(None):
            self._container.mux(packet)
        if self._audio is not None:
            self._audio.finish(self.frames_written / self.spec.fps)
        self._container.close()
        replace_atomically(self._temp, self._target)
        return [self._target]

    def _discard(self) -> None:
        if self._audio is not None:
            self._audio.close()
        with contextlib.suppress(av.FFmpegError, OSError, ValueError):
            self._container.close()
        self._temp.unlink(missing_ok=True)
