"""The mesh overlay (View > Mesh Overlay): the mesh generator's triangles, deformed as the preview rendered them.

The preview worker solves the mesh for the frame it renders and sends the deformed vertices with the frame
(``PreviewResult.mesh``); this item only draws them, so nothing is computed on the GUI thread. The overlay
follows the preview: it shows the last rendered frame's mesh, and nothing when the generator has no mesh.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

MESH_Z = 3
MESH_COLOUR = QColor(255, 255, 255, 110)


def mesh_edges(triangles: np.ndarray) -> np.ndarray:
    """The unique undirected edges [E, 2] of triangles [T, 3]."""
    pairs = np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [2, 0]]])
    return np.unique(np.sort(pairs, axis=1), axis=0)


class MeshOverlayItem(QGraphicsItem):
    """Draws mesh edges in source-image pixels with a hairline pen."""

    def __init__(self) -> None:
        super().__init__()
        self._path = QPainterPath()
        self._triangles: np.ndarray | None = None
        self._edges = np.zeros((0, 2), np.int64)
        self.edge_count = 0
        self.setZValue(MESH_Z)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_mesh(self, mesh: tuple[np.ndarray, np.ndarray] | None) -> None:
        """Show deformed vertices [N, 2] over triangles [T, 3] (None: no mesh)."""
        self.prepareGeometryChange()
        self._path = QPainterPath()
        self.edge_count = 0
        if mesh is not None:
            vertices, triangles = mesh
            if self._triangles is not triangles:
                self._triangles, self._edges = triangles, mesh_edges(triangles)
            for a, b in vertices[self._edges]:
                self._path.moveTo(QPointF(float(a[0]), float(a[1])))
                self._path.lineTo(QPointF(float(b[0]), float(b[1])))
            self.edge_count = len(self._edges)
        self.update()

    def boundingRect(self) -> QRectF:
        """The mesh's extent."""
        return self._path.boundingRect().adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """Draw every edge once."""
        painter.setPen(QPen(MESH_COLOUR, 0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
