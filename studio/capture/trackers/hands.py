"""Hands tracker: mediapipe hands in tracking mode, two fixed slots of 21 landmarks (left hand, right hand)."""

from __future__ import annotations

import numpy as np

from studio.capture.trackers.base import TrackedFrame, Tracker
from studio.landmarks.frames import as_rgb_uint8

HAND_LANDMARK_COUNT = 21
LEFT_SLOT, RIGHT_SLOT = 0, 1


class HandsTracker(Tracker):
    """Up to two hands; landmarks 0-20 are the performer's left hand, 21-41 the right, gaps when unseen.

    mediapipe labels hands as if the picture were mirrored (a selfie view); set ``mirrored=False`` (the
    default, right for video files) to swap its labels so that slots follow the performer's own hands.
    """

    name = "hands"
    landmark_count = 2 * HAND_LANDMARK_COUNT

    def __init__(
        self,
        mirrored: bool = False,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        import mediapipe as mp

        self.mirrored = mirrored
        self._hands = mp.solutions.hands.Hands(
            static_image_mode=False,
            max_num_hands=2,
            model_complexity=1,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )

    def _slot(self, label: str) -> int:
        """The slot of a hand mediapipe labelled "Left" or "Right"."""
        is_left = label == "Left"
        if not self.mirrored:
            is_left = not is_left
        return LEFT_SLOT if is_left else RIGHT_SLOT

    def track(self, frame_rgb: np.ndarray, timestamp: float) -> TrackedFrame:
        """Both hands' landmarks in this frame; a missing hand is a gap in its slot."""
        rgb = as_rgb_uint8(frame_rgb)
        height, width = rgb.shape[:2]
        result = self._hands.process(rgb)
        tracked = self.lost()
        if not result.multi_hand_landmarks:
            return tracked
        hands = sorted(
            zip(result.multi_handedness, result.multi_hand_landmarks, strict=True),
            key=lambda pair: -pair[0].classification[0].score,
        )
        taken: set[int] = set()
        for handedness, hand in hands:
            slot = self._slot(handedness.classification[0].label)
            if slot in taken:
                slot = RIGHT_SLOT if slot == LEFT_SLOT else LEFT_SLOT
            if slot in taken:
                continue
            taken.add(slot)
            rows = slice(slot * HAND_LANDMARK_COUNT, (slot + 1) * HAND_LANDMARK_COUNT)
            tracked.landmarks[rows] = [(p.x * width, p.y * height) for p in hand.landmark]
            tracked.visible[rows] = True
        return tracked

    def close(self) -> None:
        """Release the mediapipe graph."""
        self._hands.close()
