"""Image and video in and out: loading stills, reading frames, and writing every export format."""
