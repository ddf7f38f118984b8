"""The preview renders with the project's stiff areas (the mesh holds them), exactly like a direct render."""

from __future__ import annotations

import numpy as np

from studio.core.rig import StiffArea
from studio.engine.renderer import renderer_for_project
from studio.plugins.api import builtin_registry
from studio.ui.preview.preview_worker import PreviewWorker
from tests.ui.conftest import make_project, pattern_image


def test_the_preview_passes_the_stiffness_map_to_the_generator(qtbot) -> None:
    project = make_project()
    project.stiff_areas = (StiffArea(40.0, 40.0, 25.0, 1.0),)
    worker = PreviewWorker(builtin_registry)
    worker.start()
    try:
        worker.configure(project.source_png, "mesh", "cpu", {"vertices": 200}, (96, 96), None, project.stiff_areas)
        with qtbot.waitSignal(worker.result_ready, timeout=30000) as blocker:
            worker.request(5, project.rest_pose(), project.sample([5]))
    finally:
        worker.shutdown()
    image = blocker.args[0].image
    registry = builtin_registry()
    project.render = project.render.with_changes(generator="mesh", options={"vertices": 200})
    stiff = renderer_for_project(project, pattern_image(), registry, (96, 96), "cpu").render_frame(project, 5)
    project.stiff_areas = ()
    soft = renderer_for_project(project, pattern_image(), registry, (96, 96), "cpu").render_frame(project, 5)
    np.testing.assert_array_equal(image, stiff)
    assert not np.array_equal(stiff, soft)
