"""Measuring generators on the user's own footage (``python main.py evaluate``)."""
