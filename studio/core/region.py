"""The project's region: an optional matte (HxW, 0 = still background, 255 = the character) stored as a PNG.

Generators that understand regions (the mesh and the warp) move only what is inside it. The project file keeps
it as the member ``region.png`` named in project.json's ``region`` section; a file without that section (every
file written before regions existed) opens with no region. Core keeps the PNG bytes only; decoding is the
engine's (studio.engine.region).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import Any

from studio.core.edits import Edit
from studio.core.project import Project

REGION_NAME = "region.png"


def region_document(project: Project) -> dict[str, Any]:
    """The project.json entries for the region: ``{"region": {"file": ...}}``, or nothing without a region."""
    return {"region": {"file": REGION_NAME}} if project.region_png else {}


def write_region(project: Project, archive: zipfile.ZipFile) -> None:
    """Store the region's PNG in the project archive (nothing without a region)."""
    if project.region_png:
        archive.writestr(REGION_NAME, project.region_png, zipfile.ZIP_STORED)


def read_region(context: Any, project: Project) -> None:
    """The project file's region section (a project_file section reader): checks the PNG and its size."""
    raw = context.document.get("region")
    if raw is None:
        return
    from studio.core.project_file import png_size

    r = context.r
    name = r.str_(r.obj(raw, "region"), "file", "region")
    if name not in context.names:
        raise r.fail("region", f"names {name}, which is missing from the file")
    png = context.archive.read(name)
    try:
        size = png_size(png)
    except ValueError:
        raise r.fail("region", f"{name} is not a PNG") from None
    if size != (project.width, project.height):
        raise r.fail("region", f"is {size[0]}x{size[1]} but the source image is {project.width}x{project.height}")
    project.region_png = png


@dataclass
class SetRegion(Edit):
    """Set, replace or clear (``png=None``) the project's region."""

    png: bytes | None
    before: bytes | None = None
    text: str = "Set region"

    def apply(self, project: Project) -> None:
        self.before = project.region_png
        project.region_png = self.png
        project.notify("region")

    def revert(self, project: Project) -> None:
        project.region_png = self.before
        project.notify("region")
