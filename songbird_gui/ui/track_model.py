"""The per-track status table: `TrackTableModel` over a session's rows, and its filter proxy.

The session's signals arrive per track, up to hundreds a second. The model does not forward
each one: it marks the row dirty and, once per frame, emits one `dataChanged` per contiguous
range of dirty rows. It never resets itself for an update, so selection, scroll position and
the proxy's state survive a whole sync.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QHeaderView, QTableView

from songbird_gui.core.types import TrackStatus
from songbird_gui.engine.rows import Row
from songbird_gui.ui.status_icons import StatusIcons
from songbird_gui.ui.table_model import FlatTableModel

Index = QModelIndex | QPersistentModelIndex

# What a person watches comes first: the track, how it went, how sure the match is.
COLUMNS = (
    "#", "Title", "Status", "Score", "Artists", "Match", "Album", "Duration", "Reason", "Playlist"
)  # fmt: skip
(POSITION, TITLE, STATUS, SCORE, ARTISTS, MATCH, ALBUM, DURATION, REASON, PLAYLIST) = range(
    len(COLUMNS)
)
# Widths as shares of the table's width, for the columns whose text can be long.
_SHARES = {TITLE: 0.24, ARTISTS: 0.15, MATCH: 0.24, ALBUM: 0.12, REASON: 0.2}

# Where the row's status comes from for sorting: final states after the ones in progress.
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_ROLE = Qt.ItemDataRole.UserRole + 3

FRAME_MS = 33  # coalescing period: one flush per frame at 30 fps


class TrackTableModel(FlatTableModel):
    """Signals: flushed(): a batch of row changes was just announced."""

    COLUMNS = COLUMNS

    flushed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: Sequence[Row] = ()
        self._playlists: Sequence[str] = ()
        self._dirty: set[int] = set()
        self._icons = StatusIcons()
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FRAME_MS)
        self._flush_timer.timeout.connect(self.flush)
        self.flushes = 0  # dataChanged emissions, for tests and benchmarks

    # -- feeding ---------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Row], playlists: Sequence[str] = ()) -> None:
        """Show a new session's rows (the one reset: a new sync, not an update).

        `playlists` names the source playlist of each plan index.
        """
        self.beginResetModel()
        self._rows = rows
        self._playlists = playlists
        self._dirty.clear()
        self.endResetModel()

    def row_changed(self, row: int) -> None:
        """A row's status or result changed; shown at the next frame."""
        self._dirty.add(row)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def rows_changed(self) -> None:
        """Many rows changed at once (a bulk decision): repaint them all in one go."""
        if self._rows:
            self._dirty.update(range(len(self._rows)))
            self.flush()

    def flush(self) -> None:
        if not self._dirty:
            return
        rows = sorted(r for r in self._dirty if r < len(self._rows))
        self._dirty.clear()
        last_column = len(COLUMNS) - 1
        start = previous = rows[0] if rows else 0
        for row in [*rows[1:], None]:
            if row is not None and row == previous + 1:
                previous = row
                continue
            self.dataChanged.emit(self.index(start, 0), self.index(previous, last_column))
            self.flushes += 1
            if row is not None:
                start = previous = row
        self.flushed.emit()

    # -- the model -------------------------------------------------------------------------

    def row_count(self) -> int:
        return len(self._rows)

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def multiData(self, index: Index, roleDataSpan: Any) -> None:
        # The view asks for every role of a cell at once. Answering in one Python call, not
        # one per role, matters: each call from Qt must take the GIL, which busy search
        # workers hold, and a repaint of the table takes hundreds of them.
        for role_data in roleDataSpan:
            role_data.setData(self.data(index, role_data.role()))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == STATUS:
            return self._icons.icon(row.status)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == SCORE and row.result and row.result.best:
                return row.result.best.explain()
            if column in (REASON, STATUS) and row.reason:
                return row.reason
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (POSITION, DURATION, SCORE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ROW_ROLE:
            return index.row()
        if role == STATUS_ROLE:
            return row.status
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        return None

    def _display(self, row: Row, column: int) -> str:
        track = row.entry.source
        best = row.result.best if row.result else None
        if column == POSITION:
            return str(row.entry.position)
        if column == PLAYLIST:
            index = row.plan_index
            return self._playlists[index] if index < len(self._playlists) else ""
        if column == TITLE:
            return track.title
        if column == ARTISTS:
            return ", ".join(track.artists)
        if column == ALBUM:
            return track.album or ""
        if column == DURATION:
            return track.duration_text
        if column == STATUS:
            return str(row.status)
        if column == SCORE:
            return f"{best.score:.2f}" if best and best.score else ""
        if column == MATCH:
            return best.track.describe() if best and best.track.title else ""
        if column == REASON:
            return row.reason
        return ""

    def _sort_key(self, row: Row, column: int) -> Any:
        if column == POSITION:
            return (row.plan_index, row.entry.position)
        if column == DURATION:
            return row.entry.source.duration_ms or 0
        if column == SCORE:
            best = row.result.best if row.result else None
            return best.score if best else -1.0
        if column == STATUS:
            return list(TrackStatus).index(row.status)
        return self._display(row, column).casefold()


class TrackFilterProxy(QSortFilterProxyModel):
    """Filters rows by status and by words in title, artists, album or match.

    Qt's dynamic sorting and filtering re-evaluates rows on every `dataChanged`; during a
    sync that means the whole table, many times a second, and the window stutters. Instead
    the proxy re-filters and re-sorts on its own, at most twice a second while changes arrive,
    and only when a filter or a sort order could move rows at all.
    """

    REFRESH_MS = 500

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._statuses: frozenset[TrackStatus] | None = None
        self._words: list[str] = []
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(False)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(self.REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)

    def refresh(self) -> None:
        """Filter (and sort) again. Rows that leave are removed as rows, not in a new layout,
        so that a view whose current row left moves to one still shown and says so
        (currentRowChanged): the review pane then never shows a track no longer listed."""
        self.beginFilterChange()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        if self.sortColumn() not in (-1, POSITION):
            self.invalidate()

    def source_rows_changed(self) -> None:
        """Rows of the source changed: refresh soon if that may hide, show or move rows."""
        moves_rows = self.sortColumn() not in (-1, POSITION)
        if (
            self._statuses is not None or self._words or moves_rows
        ) and not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The rows come in playlist order: sorting by position upwards is no sort at all, and
        # on a new run's reset it would ask the model for every row's key, many times over.
        if column == POSITION and order is Qt.SortOrder.AscendingOrder:
            column = -1
        super().sort(column, order)

    def multiData(self, index: Index, roleDataSpan: Any) -> None:
        # Forward in one call (see TrackTableModel.multiData); Qt's proxy would ask per role.
        source = self.sourceModel()
        if source is not None:
            source.multiData(self.mapToSource(index), roleDataSpan)

    def set_statuses(self, statuses: frozenset[TrackStatus] | None) -> None:
        self.beginFilterChange()
        self._statuses = statuses
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.casefold().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        super().setSourceModel(model)
        if isinstance(model, TrackTableModel):
            model.flushed.connect(self.source_rows_changed)
            model.modelReset.connect(self._map_rows)

    def _map_rows(self) -> None:
        """Filter a new run's rows at once, not when the view first asks.

        Filtering calls `filterAcceptsRow` once per row, each call taking the interpreter
        lock. Asked later by the view, the search's workers would be holding it by then,
        and each of thousands of calls would wait for them: a quarter-second freeze as the
        search starts. Now (the rows are new, the search not started) none waits.
        """
        self.rowCount()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, TrackTableModel):
            return True
        row = model.row_at(source_row)
        if self._statuses is not None and row.status not in self._statuses:
            return False
        if not self._words:
            return True
        track = row.entry.source
        best = row.result.best if row.result else None
        haystack = " ".join(
            [track.title, *track.artists, track.album or "", best.track.describe() if best else ""]
        ).casefold()
        return all(word in haystack for word in self._words)


def fit_track_columns(view: QTableView) -> None:
    """Size the track table's columns so that status and score show without scrolling.

    The short columns fit their longest possible text (every status word, "0.00", "59:59"),
    so they never jump as rows change; the long ones share the width that is left. Done
    once per run, never per update: sizing to contents would read every visible cell.
    """
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    metrics = view.fontMetrics()
    padding = 24
    icon = 20
    fixed = {
        POSITION: metrics.horizontalAdvance("0000") + padding,
        STATUS: max(metrics.horizontalAdvance(str(s)) for s in TrackStatus) + icon + padding,
        SCORE: metrics.horizontalAdvance("Score") + padding,
        DURATION: metrics.horizontalAdvance("Duration") + padding,
    }
    for column, width in fixed.items():
        header.resizeSection(column, width)
    width = view.viewport().width()
    scrollbar = view.verticalScrollBar()
    if not scrollbar.isVisible():  # it will be, once the rows come: leave it its room now
        width -= scrollbar.sizeHint().width()
    room = max(width, 640) - sum(fixed.values())
    for column, share in _SHARES.items():
        header.resizeSection(column, max(80, round(room * share / 0.75)))
    header.resizeSection(PLAYLIST, 140)
