"""Marionette Studio: pin keypoints on a still image and bring it to life."""

from studio.version import app_version

__version__ = app_version()
