"""Speed of the bundled tps generator (render time per frame) and of plugin discovery.

Run: ``.venv/bin/python benchmarks/plugins_tps.py``; prints one JSON line per case.
"""

from __future__ import annotations

import json
import statistics
import time

import numpy as np

from studio.engine.contract import Motion
from studio.plugins.discovery import default_registry


def _time(function, repeats: int) -> float:
    """Median wall time of ``function()`` in milliseconds, after one warm-up call."""
    function()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    """Time discovery, then tps renders at a few sizes with 10 keypoints."""
    print(json.dumps({"case": "default_registry", "ms": round(_time(default_registry, 5), 2)}))
    generator = default_registry().create_generator("tps", "cpu")
    rng = np.random.default_rng(0)
    for height, width, channels in ((256, 256, 3), (512, 512, 4), (1024, 1024, 3)):
        image = rng.integers(0, 256, (height, width, channels), dtype=np.uint8)
        state = generator.prepare(image)
        positions = rng.uniform(0, min(height, width), (10, 2)).astype(np.float32)
        jacobians = np.tile(np.eye(2, dtype=np.float32), (10, 1, 1))
        source = Motion(positions, jacobians)
        driving = Motion(positions + rng.normal(0, 5, positions.shape).astype(np.float32), jacobians)
        ms = _time(lambda s=state, a=source, b=driving: generator.render(s, a, b), 10)
        print(json.dumps({"case": f"tps_render_{height}x{width}x{channels}", "device": str(generator.device),
                          "keypoints": 10, "ms": round(ms, 2)}))


if __name__ == "__main__":
    main()
