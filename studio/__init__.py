"""Marionette Studio: pin keypoints on a still image and bring it to life."""

import os

from studio.version import app_version

# OpenMP worker threads (torch's libgomp) that run out of work spin this many checks before they sleep,
# instead of libgomp's default 300,000. A long spin keeps a core busy after every torch operation, so the
# fomm generator's native Winograd transforms (which run on their own threads between torch operations)
# and the window's own thread would find it taken: a frame measured 10-15% slower (docs/fomm.md, "Speed").
# Read when torch loads, so it is set here, before any studio module imports torch; a user's value wins.
os.environ.setdefault("GOMP_SPINCOUNT", "1000")

__version__ = app_version()
