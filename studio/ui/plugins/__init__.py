"""The plugins feature of the studio window."""
