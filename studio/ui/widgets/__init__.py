"""Small widgets shared by every panel of the window."""
