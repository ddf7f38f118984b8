"""The built-in "mesh" generator: as-rigid-as-possible deformation of a triangle mesh (see docs/deformation.md)."""
