"""Trackers: one interface (``Tracker.track(frame, t) -> TrackedFrame``), built-ins face, pose, hands, flow."""
