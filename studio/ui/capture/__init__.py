"""The capture feature of the studio window."""
