"""`region PROJECT (--matte MATTE.png | --auto person | --alpha | --clear) -o OUT.marionette`: set the region.

The region is the part of the image that moves (the character); the mesh and warp generators keep the rest
still. A matte image must have the project's size; its alpha is used when it has transparency, else its
brightness (white = character).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.errors import UserError

if TYPE_CHECKING:
    import numpy as np

    from studio.core.project import Project


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the command."""
    parser = subparsers.add_parser("region", help="set the region of the image that moves (the character)")
    parser.add_argument("project", help="a .marionette file")
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--matte", metavar="IMAGE", help="a matte image of the project's size (white or opaque = moves)")
    how.add_argument("--auto", choices=("person",), help="find the region: person (mediapipe selfie segmentation)")
    how.add_argument("--alpha", action="store_true", help="the source image's own transparency")
    how.add_argument("--clear", action="store_true", help="remove the region (the whole image moves)")
    parser.add_argument("-o", "--output", required=True, help="project file to write (.marionette)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing output file")
    return parser


def run(args: argparse.Namespace) -> int:
    """Load the project, compute the region, save the result."""
    from studio.core.project_file import load_project, save_project
    from studio.core.region import SetRegion
    from studio.engine.region import encode_region

    output = Path(args.output)
    if output.suffix != ".marionette":
        raise UserError(f"project file {output.name} must end in .marionette")
    if output.exists() and not args.overwrite and output.resolve() != Path(args.project).resolve():
        raise UserError(f"{output} exists: pass --overwrite or choose another name")
    project = load_project(args.project)
    matte = None if args.clear else _matte(args, project)
    SetRegion(None if matte is None else encode_region(matte)).apply(project)
    save_project(project, output)
    if matte is None:
        print(f"wrote {output}: no region (the whole image moves)")
    else:
        print(f"wrote {output}: region covers {100.0 * float((matte > 127).mean()):.1f}% of the image")
    return 0


def _matte(args: argparse.Namespace, project: Project) -> np.ndarray:
    """The matte the arguments ask for, checked against the project's size."""
    from studio.engine.region import matte_from_image
    from studio.media.image_io import decode_image, load_image

    if args.matte:
        if not Path(args.matte).is_file():
            raise UserError(f"matte image {args.matte} does not exist")
        matte = matte_from_image(load_image(args.matte))
        height, width = matte.shape
        if (width, height) != (project.width, project.height):
            raise UserError(f"the matte is {width}x{height} but the project's image is "
                            f"{project.width}x{project.height}: give a matte of the same size")
    else:
        source = decode_image(project.source_png, "the project's source image")
        if args.alpha:
            if source.shape[2] != 4 or bool((source[..., 3] == 255).all()):
                raise UserError("the project's image has no transparency: use --matte or --auto person")
            matte = source[..., 3].copy()
        else:
            from studio.capture.person_matte import person_matte

            matte = person_matte(source)
    if not (matte > 127).any():
        raise UserError("the region is empty: the matte has no white (or opaque) pixels")
    return matte
