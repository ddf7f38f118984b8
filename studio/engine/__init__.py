"""torch: (source image, keypoints at time t) -> frame. Never imports Qt."""
