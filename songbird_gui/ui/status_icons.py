"""Small status icons, drawn once: a coloured disc with a glyph, readable at 16 px.

Drawn rather than loaded so they need no image plugin and follow the device pixel ratio.
Colour is never the only cue: each status also has its own glyph and its word in the table.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from songbird_gui.core.types import TrackStatus

_LOOK: dict[TrackStatus, tuple[str, str]] = {
    TrackStatus.QUEUED: ("#9e9e9e", "·"),
    TrackStatus.SEARCHING: ("#1e88e5", "…"),
    TrackStatus.WAITING: ("#fb8c00", "‖"),
    TrackStatus.MATCHED: ("#43a047", "✓"),
    TrackStatus.REVIEW: ("#fdd835", "?"),
    TrackStatus.NOT_FOUND: ("#757575", "∅"),
    TrackStatus.FAILED: ("#e53935", "!"),
    TrackStatus.PRESENT: ("#26a69a", "="),
    TrackStatus.UNSYNCABLE: ("#bdbdbd", "–"),
    TrackStatus.ADDED: ("#2e7d32", "+"),
    TrackStatus.SKIPPED: ("#8d6e63", "»"),
    TrackStatus.NOT_SEARCHED: ("#cfd8dc", "○"),
    TrackStatus.DUPLICATE: ("#bdbdbd", "×"),
}


class StatusIcons:
    SIZE = 32  # drawn at 32 px, shown at 16: crisp on high-density screens

    def __init__(self) -> None:
        self._cache: dict[TrackStatus, QIcon] = {}

    def icon(self, status: TrackStatus) -> QIcon:
        if status not in self._cache:
            self._cache[status] = self._draw(status)
        return self._cache[status]

    def _draw(self, status: TrackStatus) -> QIcon:
        colour, glyph = _LOOK[status]
        pixmap = QPixmap(self.SIZE, self.SIZE)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        painter.drawEllipse(QRectF(2, 2, self.SIZE - 4, self.SIZE - 4))
        font = QFont()
        font.setPixelSize(20)
        font.setBold(True)
        painter.setFont(font)
        dark_background = QColor(colour).lightness() < 150
        painter.setPen(QColor("white" if dark_background else "black"))
        painter.drawText(QRectF(0, 0, self.SIZE, self.SIZE), Qt.AlignmentFlag.AlignCenter, glyph)
        painter.end()
        return QIcon(pixmap)
