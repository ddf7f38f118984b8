"""Sprite sheets: every frame in one PNG atlas (a grid) plus a TexturePacker "hash" JSON describing it."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from studio import __version__ as studio_version
from studio.core.atomic import write_bytes_atomically
from studio.core.errors import UserError
from studio.media.compose import with_alpha
from studio.media.frame_writer import FrameWriter
from studio.media.output_spec import OutputSpec
from studio.media.png_encoder import encode_png_parallel
from studio.media.spool import FrameSpool

APP_NAME = "Marionette Studio"
MAX_ATLAS_SIDE = 16_384  # the largest texture most GPUs and game engines accept


def sprite_sheet_paths(target: Path) -> tuple[Path, Path]:
    """The atlas PNG and the JSON written beside it (same name, .json)."""
    return target, target.with_suffix(".json")


def grid_columns(count: int, columns: int | None) -> int:
    """Columns of the atlas grid: the requested number (at most ``count``) or the ~square choice."""
    if columns is not None and columns > 0:
        return min(columns, count)
    return math.ceil(math.sqrt(count))


def atlas_size(count: int, spec: OutputSpec) -> tuple[int, int]:
    """(width, height) in pixels of the atlas holding ``count`` frames of ``spec``."""
    columns = grid_columns(count, spec.sprite_columns)
    return columns * spec.width, math.ceil(count / columns) * spec.height


class SpriteSheetWriter(FrameWriter):
    """Spools frames to disk, then lays them out row by row in an RGBA atlas and writes atlas + JSON."""

    supports_alpha = True

    def __init__(self, spec: OutputSpec) -> None:
        super().__init__(spec)
        self._spool = FrameSpool(Path(spec.path), (spec.height, spec.width, 4))

    def _write(self, frame: np.ndarray) -> None:
        width, height = atlas_size(self._spool.count + 1, self.spec)
        if max(width, height) > MAX_ATLAS_SIDE:
            raise UserError(
                f"{self.spec.path}: a sprite sheet of {self._spool.count + 1} frames would be {width}x{height} px, "
                f"above the {MAX_ATLAS_SIDE} px texture limit; export fewer or smaller frames, or a video"
            )
        self._spool.append(with_alpha(frame))

    def _finish(self) -> list[Path]:
        image_path, json_path = sprite_sheet_paths(Path(self.spec.path))
        count = self._spool.count
        columns = grid_columns(count, self.spec.sprite_columns)
        width, height = self.spec.width, self.spec.height
        atlas_width, atlas_height = atlas_size(count, self.spec)
        atlas = np.zeros((atlas_height, atlas_width, 4), dtype=np.uint8)
        frames = self._spool.frames()
        for index in range(count):
            row, column = divmod(index, columns)
            atlas[row * height : (row + 1) * height, column * width : (column + 1) * width] = frames[index]
        del frames
        self._spool.delete()
        layout = sprite_sheet_json(image_path.name, count, columns, width, height, self.spec.fps)
        write_bytes_atomically(image_path, encode_png_parallel(atlas))
        write_bytes_atomically(json_path, (json.dumps(layout, indent=2) + "\n").encode("utf-8"))
        return [image_path, json_path]

    def _discard(self) -> None:
        self._spool.delete()


def sprite_sheet_json(image_name: str, count: int, columns: int, width: int, height: int, fps: float) -> dict:
    """The TexturePacker JSON-hash layout of a grid atlas (the format Phaser, PixiJS and Aseprite read)."""
    stem = Path(image_name).stem
    duration = round(1000 / fps)
    frames = {}
    for index in range(count):
        row, column = divmod(index, columns)
        frames[f"{stem}_{index:04d}.png"] = {
            "frame": {"x": column * width, "y": row * height, "w": width, "h": height},
            "rotated": False,
            "trimmed": False,
            "spriteSourceSize": {"x": 0, "y": 0, "w": width, "h": height},
            "sourceSize": {"w": width, "h": height},
            "duration": duration,
        }
    rows = math.ceil(count / columns)
    meta = {
        "app": APP_NAME,
        "version": studio_version,
        "image": image_name,
        "format": "RGBA8888",
        "size": {"w": columns * width, "h": rows * height},
        "scale": "1",
        "frameTags": [],
    }
    return {"frames": frames, "meta": meta}
