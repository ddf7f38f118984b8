"""The canvas feature of the studio window."""
