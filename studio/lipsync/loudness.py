"""Mouth cues from loudness alone (quiet: rest, louder: more open): the baseline the recogniser must beat."""

from __future__ import annotations

import numpy as np

from studio.lipsync.cues import MouthCue
from studio.lipsync.vad import frame_levels, speech_frames


def loudness_cues(samples: np.ndarray) -> list[MouthCue]:
    """Cues for 16 kHz mono ``samples``: X in pauses, then B, C or D by the loudness tercile of speech frames."""
    levels = frame_levels(samples)
    speech = speech_frames(samples)
    low, high = np.percentile(levels[speech], [33, 67]) if speech.any() else (0.0, 0.0)
    shapes = np.where(~speech, "X", np.where(levels < low, "B", np.where(levels < high, "C", "D")))
    cues: list[MouthCue] = []
    for index, shape in enumerate(shapes.tolist()):
        if cues and cues[-1].shape == shape:
            cues[-1] = MouthCue(cues[-1].start, (index + 1) / 100, shape)
        else:
            cues.append(MouthCue(index / 100, (index + 1) / 100, shape))
    return cues
