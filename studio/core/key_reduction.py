"""Key reduction: keep the fewest samples whose linear interpolation stays within a tolerance."""

from __future__ import annotations

import numpy as np


def reduce_keys(times: np.ndarray, values: np.ndarray, tolerance: float) -> list[int]:
    """Indices to keep (always first and last) so that linear interpolation between kept samples
    deviates from every sample by at most ``tolerance`` in any channel (Ramer-Douglas-Peucker over time).

    times: [N] increasing; values: [N] or [N, C].
    """
    values = np.asarray(values, dtype=np.float64).reshape(len(times), -1)
    n = len(times)
    if n <= 2:
        return list(range(n))
    keep = np.zeros(n, bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        u = (times[a + 1:b] - times[a]) / (times[b] - times[a])
        line = values[a] + u[:, None] * (values[b] - values[a])
        error = np.abs(values[a + 1:b] - line).max(axis=1)
        worst = int(np.argmax(error))
        if error[worst] > tolerance:
            split = a + 1 + worst
            keep[split] = True
            stack.append((a, split))
            stack.append((split, b))
    return [int(i) for i in np.nonzero(keep)[0]]
