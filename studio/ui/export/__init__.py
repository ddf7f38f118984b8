"""The export feature of the studio window."""
