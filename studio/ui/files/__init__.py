"""The files feature of the studio window."""
