"""The preview renders with the project's region, exactly like a direct render of the project."""

from __future__ import annotations

import numpy as np

from studio.engine.region import encode_region
from studio.engine.renderer import renderer_for_project
from studio.plugins.api import builtin_registry
from studio.ui.preview.preview_worker import PreviewWorker
from tests.ui.conftest import make_project, pattern_image


def test_the_preview_passes_the_region_to_the_generator(qtbot) -> None:
    project = make_project()
    region = np.zeros((96, 96), np.uint8)
    region[:, :48] = 255
    project.region_png = encode_region(region)
    worker = PreviewWorker(builtin_registry)
    worker.start()
    try:
        worker.configure(project.source_png, "warp", "cpu", {}, (96, 96), project.region_png)
        with qtbot.waitSignal(worker.result_ready, timeout=30000) as blocker:
            worker.request(5, project.rest_pose(), project.sample([5]))
    finally:
        worker.shutdown()
    image = blocker.args[0].image
    renderer = renderer_for_project(project, pattern_image(), builtin_registry(), (96, 96), "cpu")
    np.testing.assert_array_equal(image, renderer.render_frame(project, 5))
    np.testing.assert_array_equal(image[:, 60:], pattern_image()[:, 60:])
