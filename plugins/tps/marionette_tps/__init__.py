"""Thin-plate-spline generator for Marionette Studio (bundled plugin ``tps``)."""

from marionette_tps.generator import TpsGenerator

__all__ = ["TpsGenerator"]
