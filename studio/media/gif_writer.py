"""Animated GIF: one global palette for the clip, looping forever, frame delays matching the fps.

While frames arrive (on the export's encoder thread, in parallel with rendering) their colours are counted
and each frame is dithered and reduced to 15-bit colour keys, spooled to a temp file; ``close`` builds the
palette from the whole clip, turns keys into palette indices with one table look-up and encodes them with
FFmpeg's GIF encoder through PyAV. With alpha kept, pixels under 50% opacity use one
transparent palette entry. GIF delays are whole hundredths of a second, so rates above 50 fps play slower
in browsers (they raise delays under 2/100 s).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from studio.core.atomic import replace_atomically, temp_path_beside
from studio.media.frame_writer import FrameWriter
from studio.media.gif_palette import ColourHistogram, dither_pattern, dithered_keys, lookup_table
from studio.media.output_spec import OutputSpec
from studio.media.spool import FrameSpool

GIF_TIME_BASE = Fraction(1, 100)  # GIF delays are in hundredths of a second
_TRANSPARENT_KEY = 1 << 15  # key bit marking a pixel under 50% opacity
_TRANSPARENT_INDEX = 255


class GifWriter(FrameWriter):
    """Spools frames, then builds the palette and encodes the GIF on ``close``."""

    supports_alpha = True

    def __init__(self, spec: OutputSpec) -> None:
        super().__init__(spec)
        self._target = Path(spec.path)
        self._temp = temp_path_beside(self._target)
        self._spool = FrameSpool(self._target, (spec.height, spec.width), np.uint16)
        self._histogram = ColourHistogram()
        self._pattern = dither_pattern(spec.height, spec.width)

    def _write(self, frame: np.ndarray) -> None:
        opaque = frame[:, :, 3] >= 128 if self.keeps_alpha else None
        self._histogram.add(frame[:, :, :3], opaque)
        keys = dithered_keys(frame[:, :, :3], self._pattern)
        if opaque is not None:
            keys[~opaque] |= _TRANSPARENT_KEY
        self._spool.append(keys)

    def _finish(self) -> list[Path]:
        transparent = self.keeps_alpha
        colours = self._histogram.palette(255 if transparent else 256)
        table = np.full(2 * _TRANSPARENT_KEY, _TRANSPARENT_INDEX, dtype=np.uint8)
        table[:_TRANSPARENT_KEY] = lookup_table(colours)
        palette = np.zeros((256, 4), dtype=np.uint8)  # ARGB rows, as PyAV's pal8 expects
        palette[: len(colours), 0] = 255
        palette[: len(colours), 1:] = colours
        keys = self._spool.frames()
        self._encode(keys, table, palette)
        del keys
        self._spool.delete()
        replace_atomically(self._temp, self._target)
        return [self._target]

    def _encode(self, keys: np.ndarray, table: np.ndarray, palette: np.ndarray) -> None:
        """Write the frames' palette indices with pts in hundredths of a second (the GIF delay unit)."""
        with av.open(str(self._temp), mode="w", format="gif", options={"loop": "0"}) as container:
            stream = container.add_stream("gif", rate=Fraction(self.spec.fps).limit_denominator(1001))
            stream.width = self.spec.width
            stream.height = self.spec.height
            stream.pix_fmt = "pal8"
            stream.codec_context.time_base = GIF_TIME_BASE
            for index, frame_keys in enumerate(keys):
                indices = np.take(table, frame_keys)
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
