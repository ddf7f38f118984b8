"""Animated GIF: one global palette for the clip, looping forever, frame delays matching the fps.

While frames arrive they are spooled to a temp file and their colours counted (on the export's encoder
thread, in parallel with rendering); ``close`` builds the palette from the whole clip, maps the frames and
encodes them with FFmpeg's GIF encoder through PyAV. With alpha kept, pixels under 50% opacity use one
transparent palette entry. GIF delays are whole hundredths of a second, so rates above 50 fps play slower
in browsers (they raise delays under 2/100 s).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from studio.media.atomic import replace_atomically, temp_path_beside
from studio.media.frame_writer import FrameWriter
from studio.media.gif_palette import ColourHistogram, dither_pattern, lookup_table, map_frame
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
        self._histogram = ColourHistogram()

    def _write(self, frame: np.ndarray) -> None:
        self._spool.append(frame)
        self._histogram.add(frame[:, :, :3], frame[:, :, 3] >= 128 if self.keeps_alpha else None)

    def _finish(self) -> list[Path]:
        frames = self._spool.frames()
        transparent = self.keeps_alpha
        colours = self._histogram.palette(255 if transparent else 256)
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
        """Write the palette-mapped frames with pts in hundredths of a second (the GIF delay unit).

        Frame i+1 is mapped on a helper thread while frame i is encoded (both release the GIL).
        """
        pattern = dither_pattern(self.spec.height, self.spec.width)

        def indices_of(frame: np.ndarray) -> np.ndarray:
            indices = map_frame(frame[:, :, :3], table, pattern)
            if transparent is not None:
                indices[frame[:, :, 3] < 128] = transparent
            return indices

        with (
            av.open(str(self._temp), mode="w", format="gif", options={"loop": "0"}) as container,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="gif-map") as pool,
        ):
            stream = container.add_stream("gif", rate=Fraction(self.spec.fps).limit_denominator(1001))
            stream.width = self.spec.width
            stream.height = self.spec.height
            stream.pix_fmt = "pal8"
            stream.codec_context.time_base = GIF_TIME_BASE
            pending = pool.submit(indices_of, frames[0])
            for index in range(len(frames)):
                indices = pending.result()
                if index + 1 < len(frames):
                    pending = pool.submit(indices_of, frames[index + 1])
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
