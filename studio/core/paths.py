"""Where settings, user plugins and autosaves live: the platform's config and data dirs.

``MARIONETTE_CONFIG_DIR`` and ``MARIONETTE_DATA_DIR`` override them (tests use this so that
nothing leaks between runs or into the real user's folders).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "marionette-studio"


def config_dir() -> Path:
    """The user's settings folder (created on demand)."""
    path = Path(os.environ.get("MARIONETTE_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """The user's data folder: plugins, autosaves (created on demand)."""
    path = Path(os.environ.get("MARIONETTE_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_plugin_dir() -> Path:
    """The folder user-installed plugins are copied into."""
    path = data_dir() / "plugins"
    path.mkdir(parents=True, exist_ok=True)
    return path


def autosave_dir() -> Path:
    """The folder autosaves and crash-recovery files go to."""
    path = data_dir() / "autosave"
    path.mkdir(parents=True, exist_ok=True)
    return path
