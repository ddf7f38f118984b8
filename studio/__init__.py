"""Marionette Studio: pin keypoints on a still image and bring it to life."""

__version__ = "0.1.0"
