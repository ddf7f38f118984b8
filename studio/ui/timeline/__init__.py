"""The timeline feature of the studio window."""
