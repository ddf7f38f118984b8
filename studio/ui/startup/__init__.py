"""What runs before and beside the window: the system-library check and the garbage-collection policy."""
