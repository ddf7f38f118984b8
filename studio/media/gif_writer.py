"""Animated GIF: one global palette for the clip, looping forever, frame delays matching the fps.

Frames are spooled to a temp file (the palette needs the whole clip), then mapped and encoded with FFmpeg's
GIF encoder through PyAV. With alpha kept, pixels under 50% opacity use one transparent palette entry.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from studio.media.atomic import replace_atomically, temp_path_beside
from studio.media.frame_writer import FrameWriter
from studio.media.gif_palette import build_palette, lookup_table, map_frame, sample_pixels
from studio.media.output_spec import OutputSpec
from studio.media.spool import FrameSpool

GIF_TIME_BASE = Fraction(1, 100)  # GIF delays are in hundredths of a second


class GifWriter(FrameWriter):
    """Spools frames, then builds the palette and encodes the GIF on ``close``."""

    supports_alpha = True

    def __init__(self, spec: OutputSpec) -> None:
        super().__init__(spec)
        self._target = Path(spec.path)
        self._temp = temp_path_beside(self._target)
        channels = 4 if self.keeps_alpha else 3
        self._spool = FrameSpool(self._target, (spec.height, spec.width, channels))

    def _write(self, frame: np.ndarray) -> None:
        self._spool.append(frame)

    def _finish(self) -> list[Path]:
        frames = self._spool.frames()
        transparent = self.keeps_alpha
        colours = build_palette(sample_pixels(frames, opaque_only=transparent), 255 if transparent else 256)
        table = lookup_table(colours)
        palette = np.zeros((256, 4), dtype=np.uint8)  # ARGB rows, as PyAV's pal8 expects
        palette[: len(colours), 0] = 255
        palette[: len(colours), 1:] = colours
        transparent_index = 255
        self._encode(frames, table, palette, transparent_index if transparent else None)
        del frames
        self._spool.delete()
        replace_atomically(self._temp, self._target)
        return [self._target]

    def _encode(self, frames: np.ndarray, table: np.ndarray, palette: np.ndarray, transparent: int | None) -> None:
        """Write the palette-mapped frames with pts in hundredths of a second (the GIF delay unit)."""
        with av.open(str(self._temp), mode="w", format="gif", options={"loop": "0"}) as container:
            stream = container.add_stream("gif", rate=Fraction(self.spec.fps).limit_denominator(1001))
            stream.width = self.spec.width
            stream.height = self.spec.height
            stream.pix_fmt = "pal8"
            stream.codec_context.time_base = GIF_TIME_BASE
            for index, frame in enumerate(frames):
                indices = map_frame(frame[:, :, :3], table)
                if transparent is not None:
                    indices[frame[:, :, 3] < 128] = transparent
                video_frame = av.VideoFrame.from_ndarray((indices, palette), format="pal8")
                video_frame.pts = round(index * 100 / self.spec.fps)
                video_frame.time_base = GIF_TIME_BASE
                for packet in stream.encode(video_frame):
                    container.mux(packet)
            for packet in stream.encode(None):
                container.mux(packet)

    def _discard(self) -> None:
        self._spool.delete()
        self._temp.unlink(missing_ok=True)
