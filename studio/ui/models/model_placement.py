"""Load a learned generator off the GUI thread, let it place the keypoints, and land the result as one undo step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from studio.core.edits import AddKeypoint, ChangeRenderSettings, DeleteKeypoints, Edit, Macro
from studio.core.errors import UserError
from studio.core.keypoints import Keypoint
from studio.core.project import Project, RenderSettings
from studio.plugins.api import Registry

MODEL_GENERATORS = frozenset({"fomm"})
REQUIRED_FILES = ("config", "checkpoint")


def needs_model_files(generator: str, options: dict[str, Any]) -> bool:
    """True for a learned generator whose options lack its config or checkpoint (the setup dialog asks)."""
    return generator in MODEL_GENERATORS and not all(options.get(name) for name in REQUIRED_FILES)


def detects_keypoints(generator: str) -> bool:
    """Whether the generator places keypoints itself (the learned models do)."""
    return generator in MODEL_GENERATORS


def load_model_keypoints(registry_factory: Callable[[], Registry], generator: str, source_png: bytes, device: str,
                         options: dict[str, Any], place: bool, keypoint_count: int = 0) -> list[Keypoint] | None:
    """Build the generator (loading its weights) and, when ``place``, the keypoints it detects on the source.

    Runs on a worker thread: loading a large checkpoint takes seconds. A bad config or checkpoint raises the
    generator's one-line UserError. Without ``place`` the generator is only built, to check the files and
    that the project's ``keypoint_count`` keypoints are as many as the model needs.
    """
    registry = registry_factory()
    if not place:
        needed = registry.create_generator(generator, device, **options).capabilities.keypoint_count
        if needed is not None and needed != keypoint_count:
            raise UserError(f"this model needs {needed} keypoints and the project has {keypoint_count}: "
                            "tick \"Replace my keypoints with the model's\" to let it place its own")
        return None
    from studio.jobs.model_keypoints import model_keypoints
    from studio.media.image_io import decode_image

    image = decode_image(source_png, "the project's source image")
    return model_keypoints(registry, generator, image, device, options)


def replace_keypoints_edits(project: Project, keypoints: list[Keypoint]) -> list[Edit]:
    """Edits that delete every current keypoint (with its track) and add ``keypoints``."""
    edits: list[Edit] = []
    if project.keypoints:
        edits.append(DeleteKeypoints(tuple(kp.id for kp in project.keypoints)))
    edits.extend(AddKeypoint(kp) for kp in keypoints)
    return edits


def use_model_edit(project: Project, generator: str, options: dict[str, Any],
                   keypoints: list[Keypoint] | None) -> Macro:
    """One undo step: the detected keypoints replace the current ones, then the project renders with the model.

    The settings change comes last, so the preview never builds the model while the old keypoint count stands.
    """
    edits = replace_keypoints_edits(project, keypoints) if keypoints is not None else []
    after = RenderSettings(generator, project.render.device, project.render.relative, dict(options))
    edits.append(ChangeRenderSettings(project.render, after))
    return Macro(edits, f"Use the {generator} model")


def place_model_keypoints_edit(project: Project, keypoints: list[Keypoint]) -> Macro:
    """One undo step: the keypoints the model detected replace the current ones."""
    return Macro(replace_keypoints_edits(project, keypoints), "Place keypoints from model")
