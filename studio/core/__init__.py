"""The document: project, keypoints, tracks, timeline, edits. numpy only; no Qt, no torch."""
