"""The models feature of the studio window."""
