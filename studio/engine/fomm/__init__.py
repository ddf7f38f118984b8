"""The first-order motion model generator: runs the released checkpoints and configs."""
