"""`rig PROJECT [--parent CHILD:PARENT] [--stick A:B] [--stiff X,Y,R[,S]] ... -o OUT.marionette`: edit the rig.

Parents make a keypoint follow another (its keys become relative: the keypoint keeps its world pose), sticks
keep two keypoints at their rest distance, stiff areas are circles the mesh generator holds more rigidly.
Keypoints are named by name or id. Without -o the rig is listed.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.errors import UserError

if TYPE_CHECKING:
    from studio.core.project import Project
    from studio.core.rig import StiffArea


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the command."""
    parser = subparsers.add_parser("rig", help="parents, sticks and stiff areas of a project's keypoints")
    parser.add_argument("project", help="a .marionette file")
    parser.add_argument("--parent", action="append", default=[], metavar="CHILD:PARENT",
                        help="make CHILD follow PARENT (repeatable; CHILD may be a comma list)")
    parser.add_argument("--unparent", action="append", default=[], metavar="CHILD",
                        help="make CHILD independent again (keeps where it stands)")
    parser.add_argument("--stick", action="append", default=[], metavar="A:B",
                        help="keep A and B at their rest distance (repeatable)")
    parser.add_argument("--unstick", action="append", default=[], metavar="A:B", help="remove the stick A-B")
    parser.add_argument("--stiff", action="append", default=[], metavar="X,Y,R[,STRENGTH]",
                        help="a stiff area: circle at X,Y (pixels) of radius R, strength 0..1 (default 1)")
    parser.add_argument("--clear-stiff", action="store_true", help="remove every stiff area first")
    parser.add_argument("--clear-sticks", action="store_true", help="remove every stick first")
    parser.add_argument("--frame", type=int, default=None,
                        help="frame whose pose parenting keeps for keypoints without keys (default: the first)")
    parser.add_argument("-o", "--output", help="project file to write (.marionette); without it, list the rig")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing output file")
    return parser


def run(args: argparse.Namespace) -> int:
    """Load the project, apply the rig changes in order (parents, sticks, stiff areas), save or list."""
    from studio.core.project_file import load_project, save_project

    changes = (args.parent or args.unparent or args.stick or args.unstick or args.stiff
               or args.clear_stiff or args.clear_sticks)
    if changes and not args.output:
        raise UserError("give -o OUT.marionette to save the changed rig")
    output = Path(args.output) if args.output else None
    if output is not None:
        if output.suffix != ".marionette":
            raise UserError(f"project file {output.name} must end in .marionette")
        if output.exists() and not args.overwrite and output.resolve() != Path(args.project).resolve():
            raise UserError(f"{output} exists: pass --overwrite or choose another name")
    project = load_project(args.project)
    if output is None:
        print(describe_rig(project))
        return 0
    _apply(project, args)
    save_project(project, output)
    print(f"wrote {output}: {summary(project)}")
    return 0


def _apply(project: Project, args: argparse.Namespace) -> None:
    """Every requested change, as the same edits the studio pushes on its undo stack."""
    from studio.core.rig_edits import ChangeRig, add_stick, add_stiff_area, remove_stick, set_parent

    frame = project.timing.start if args.frame is None else args.frame
    if args.clear_stiff or args.clear_sticks:
        ChangeRig(project.stiff_areas, () if args.clear_stiff else project.stiff_areas, project.sticks,
                  () if args.clear_sticks else project.sticks).apply(project)
    for child in args.unparent:
        set_parent(project, [keypoint_id(project, child)], None, frame).apply(project)
    for text in args.parent:
        children, parent = _pair(text, "--parent", "CHILD:PARENT")
        ids = [keypoint_id(project, c) for c in children.split(",")]
        set_parent(project, ids, keypoint_id(project, parent), frame).apply(project)
    for text in args.unstick:
        a, b = _pair(text, "--unstick", "A:B")
        remove_stick(project, keypoint_id(project, a), keypoint_id(project, b)).apply(project)
    for text in args.stick:
        a, b = _pair(text, "--stick", "A:B")
        add_stick(project, keypoint_id(project, a), keypoint_id(project, b)).apply(project)
    for text in args.stiff:
        add_stiff_area(project, parse_stiff(text)).apply(project)


def _pair(text: str, flag: str, form: str) -> tuple[str, str]:
    left, sep, right = text.rpartition(":")
    if not sep or not left or not right:
        raise UserError(f"{flag} {text!r} must look like {form}")
    return left, right


def keypoint_id(project: Project, ref: str) -> str:
    """The id of the keypoint named (or with the id) ``ref``; UserError naming the choices otherwise."""
    if any(kp.id == ref for kp in project.keypoints):
        return ref
    matches = [kp.id for kp in project.keypoints if kp.name == ref]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise UserError(f"{len(matches)} keypoints are named {ref!r}: name it by its id (`rig PROJECT` lists them)")
    names = ", ".join(kp.name for kp in project.keypoints[:12]) or "none"
    raise UserError(f"no keypoint named {ref!r}: the project has {names}")


def parse_stiff(text: str) -> StiffArea:
    """A stiff area from "X,Y,R" or "X,Y,R,STRENGTH"; UserError on anything else."""
    from studio.core.rig import StiffArea

    parts = text.split(",")
    try:
        values = [float(p) for p in parts]
        if len(values) not in (3, 4):
            raise ValueError("three or four numbers")
        return StiffArea(*values)
    except ValueError as error:
        raise UserError(f"--stiff {text!r} must be X,Y,RADIUS[,STRENGTH] with radius > 0 and strength in "
                        f"(0, 1] ({error})") from None


def summary(project: Project) -> str:
    """One line: how many keypoints follow a parent, sticks and stiff areas."""
    children = sum(kp.parent is not None for kp in project.keypoints)
    return (f"{children} of {len(project.keypoints)} keypoints follow a parent, {len(project.sticks)} stick(s), "
            f"{len(project.stiff_areas)} stiff area(s)")


def describe_rig(project: Project) -> str:
    """The rig as text: the hierarchy (indented), sticks and stiff areas."""
    names = {kp.id: kp.name for kp in project.keypoints}
    lines = [summary(project)]

    def walk(parent: str | None, depth: int) -> None:
        for kp in project.keypoints:
            if kp.parent == parent:
                lines.append(f"{'  ' * (depth + 1)}{kp.name} ({kp.id})")
                walk(kp.id, depth + 1)

    walk(None, 0)
    lines += [f"stick {names.get(s.a, s.a)} - {names.get(s.b, s.b)}" for s in project.sticks]
    lines += [f"stiff area at {a.x:g},{a.y:g} radius {a.radius:g} strength {a.strength:g}" for a in project.stiff_areas]
    return "\n".join(lines)
