"""The preview feature of the studio window."""
