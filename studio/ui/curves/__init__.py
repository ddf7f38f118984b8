"""The curves feature of the studio window."""
