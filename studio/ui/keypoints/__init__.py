"""The keypoints feature of the studio window."""
