"""The track table's view: a QTableView that repaints only the rows that changed on screen.

QAbstractItemView answers a `dataChanged` over more than one cell by repainting the whole
viewport, even when the changed rows are scrolled far out of sight. During a sync the
changes run ahead of what is shown, and a full repaint asks the model for every visible cell
(a Python call each, competing for the GIL with the search workers), so the loop stutters.
This view repaints the changed rows' strip of the viewport, or nothing when it is off screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect
from PySide6.QtWidgets import QTableView

Index = QModelIndex | QPersistentModelIndex


class TrackTableView(QTableView):
    def dataChanged(self, topLeft: Index, bottomRight: Index, roles: Sequence[int] = ()) -> None:
        if not topLeft.isValid() or not bottomRight.isValid():
            super().dataChanged(topLeft, bottomRight, list(roles))
            return
        first, last = topLeft.row(), bottomRight.row()
        top = self.rowViewportPosition(first)
        bottom = self.rowViewportPosition(last) + self.rowHeight(last)
        height = self.viewport().height()
        if bottom < 0 or top > height:
            return
        top, bottom = max(top, 0), min(bottom, height)
        self.viewport().update(QRect(0, top, self.viewport().width(), bottom - top))
