"""Cameras, video files and trackers that turn a performance into keypoint motion (no Qt)."""
