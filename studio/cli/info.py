"""`info PROJECT`: print a summary of a project file."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the command."""
    parser = subparsers.add_parser("info", help="summarise a project file")
    parser.add_argument("project", help="a .marionette file")
    return parser


def run(args: argparse.Namespace) -> int:
    """Load the project and print what it holds."""
    from studio.core.project_file import load_project

    project = load_project(args.project)
    timing = project.timing
    keys = sum(len(t) for t in project.tracks.values())
    print(f"project:   {args.project}")
    print(f"source:    {project.width}x{project.height}")
    print(f"timing:    frames {timing.start}..{timing.end} ({timing.frame_count}) at {timing.fps:g} fps "
          f"= {timing.frame_count / timing.fps:.2f} s")
    print(f"render:    generator {project.render.generator}, device {project.render.device}")
    print(f"keypoints: {len(project.keypoints)} ({keys} keys on {len(project.tracks)} tracks)")
    for kp in project.keypoints:
        track = project.track(kp.id)
        print(f"  {kp.name:<20} at ({kp.x:7.1f}, {kp.y:7.1f}) radius {kp.radius:5.1f}  {len(track)} keys")
    print(f"takes:     {len(project.takes)}")
    for take in project.takes:
        print(f"  {take.name}: {len(take.times)} samples, {take.duration:.2f} s")
    return 0
