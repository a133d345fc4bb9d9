"""The playlists' table view: the names stay readable at a laptop's width.

Sized to their contents, "Goes to" and the Sync column ("mirror · 2 min ago · every 6 h")
left the names a few letters each ("Focus F…") in a pane 400 px wide. Here every column is as
wide as its contents while they all fit; where they do not, the name keeps what it needs, up
to half the width, and the other columns share the rest, each cut (with "…") only as far as
the room requires. Every cell is whole in its tooltip.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QAbstractItemModel, QEvent
from PySide6.QtWidgets import QHeaderView, QTableView

NAME_SHARE = 0.5  # of the width, at most, before the name is cut too


def shared_widths(wanted: Mapping[int, int], room: int, first: int) -> dict[int, int]:
    """Each column's width: what it `wanted`, or where they do not all fit in `room`, column
    `first` up to half the room and the others a fair share of the rest (a column that
    wants less than its share gives the difference to the others). Whatever is left over
    goes to `first`."""
    widths = dict(wanted)
    if sum(wanted.values()) > room:
        widths[first] = min(wanted[first], int(room * NAME_SHARE))
        others = sorted((c for c in wanted if c != first), key=lambda c: wanted[c])
        left = room - widths[first]
        for count, column in enumerate(others):
            widths[column] = min(wanted[column], left // (len(others) - count))
            left -= widths[column]
    widths[first] += max(room - sum(widths.values()), 0)
    return widths


class PlaylistTableView(QTableView):
    """A table whose column `name_column` is read first (see the module's docstring)."""

    def __init__(self, name_column: int) -> None:
        super().__init__()
        self.name_column = name_column
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is not None:
            for signal in (model.modelReset, model.layoutChanged):
                signal.connect(self.fit_columns)
            for rows in (model.rowsInserted, model.rowsRemoved):
                rows.connect(self.fit_columns)

    def viewportEvent(self, event: QEvent) -> bool:
        # The viewport's width changes with the window, the splitter and the scroll bar.
        if event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return super().viewportEvent(event)

    def fit_columns(self, *_: object) -> None:
        header = self.horizontalHeader()
        shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        if not shown:
            return
        wanted = {
            c: max(
                self.sizeHintForColumn(c), header.sectionSizeHint(c), header.minimumSectionSize()
            )
            for c in shown
        }
        widths = shared_widths(wanted, self.viewport().width(), self.name_column)
        for column, width in widths.items():
            header.resizeSection(column, width)
