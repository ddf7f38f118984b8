"""Draw the app icon (a marionette under its control bar) at every size the desktops ask for.

Writes resources/icons/marionette-studio-SIZE.png (16..512), and
marionette-studio.ico (Windows) and marionette-studio.icns (macOS). Drawn with Qt's painter offscreen:
no downloads, no fonts. Run from the repository root: ``.venv/bin/python resources/build_icons.py``.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QLinearGradient, QPainter, QPen

ICONS = Path(__file__).resolve().parent / "icons"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"ic11", 32), (b"ic12", 64), (b"ic07", 128), (b"ic13", 256),
              (b"ic08", 256), (b"ic14", 512), (b"ic09", 512))


def _background(painter: QPainter, side: float) -> None:
    """A rounded square with a deep violet-to-teal gradient."""
    gradient = QLinearGradient(0, 0, side, side)
    gradient.setColorAt(0.0, QColor("#4b2d83"))
    gradient.setColorAt(1.0, QColor("#1b8a8f"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(gradient))
    margin = side * 0.04
    painter.drawRoundedRect(QRectF(margin, margin, side - 2 * margin, side - 2 * margin), side * 0.2, side * 0.2)


def _puppet(painter: QPainter, side: float) -> None:
    """The control bar, three strings and the puppet: head and two hands, plus a body line."""
    s = side / 100.0
    bar, string, body = QColor("#f4d35e"), QColor(255, 255, 255, 170), QColor("#ffffff")
    head, left_hand, right_hand = QPointF(50 * s, 52 * s), QPointF(28 * s, 62 * s), QPointF(72 * s, 62 * s)
    painter.setPen(QPen(string, max(1.0, 1.6 * s)))
    for x, target in ((50, head), (24, left_hand), (76, right_hand)):
        painter.drawLine(QPointF(x * s, 22 * s), target)
    painter.setPen(QPen(bar, max(1.5, 6 * s), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    painter.drawLine(QPointF(22 * s, 20 * s), QPointF(78 * s, 20 * s))
    painter.setPen(QPen(body, max(1.5, 7 * s), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    painter.drawLine(QPointF(50 * s, 62 * s), QPointF(50 * s, 80 * s))
    painter.drawLine(left_hand, QPointF(50 * s, 68 * s))
    painter.drawLine(right_hand, QPointF(50 * s, 68 * s))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(body)
    painter.drawEllipse(head, 11 * s, 11 * s)


def draw_icon(side: int) -> QImage:
    """The icon as a premultiplied ARGB image of ``side`` x ``side`` pixels."""
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    _background(painter, side)
    _puppet(painter, side)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    """An image encoded as PNG."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding PNG-compressed images (Vista and later read these)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset, entries, payload = 6 + 16 * len(pngs), b"", b""
    for side, data in pngs.items():
        entries += struct.pack("<BBBBHHII", side % 256, side % 256, 0, 0, 1, 32, len(data), offset + len(payload))
        payload += data
    return header + entries + payload


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding PNG payloads under their standard type codes."""
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[side])) + pngs[side] for kind, side in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> None:
    """Write every icon file into resources/icons/."""
    app = QGuiApplication.instance() or QGuiApplication([])
    ICONS.mkdir(exist_ok=True)
    pngs = {side: png_bytes(draw_icon(side)) for side in sorted({*SIZES, *ICO_SIZES})}
    for side in SIZES:
        (ICONS / f"marionette-studio-{side}.png").write_bytes(pngs[side])
    (ICONS / "marionette-studio.ico").write_bytes(ico_bytes({side: pngs[side] for side in ICO_SIZES}))
    (ICONS / "marionette-studio.icns").write_bytes(icns_bytes(pngs))
    del app


if __name__ == "__main__":
    main()
