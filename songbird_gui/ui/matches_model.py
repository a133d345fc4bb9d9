"""The Matches view's model: every remembered decision of one library, filtered and sorted.

Made for tens of thousands of rows. The rows are the light tuples `load_history` reads in one
query; a row's tracks (JSON text) are decoded the first time the row is painted, filtered or
sorted by a track column, and kept. Filtering and sorting are the model's own (a list of the
rows shown, sorted with a key in one pass), not a QSortFilterProxyModel, which would ask for
each cell through Python for every comparison. A sort keeps the selection (a layout change);
a new filter is a new list of rows (a reset), as it is one deliberate step of the person's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from songbird_gui.core.match_history import (
    HistoryRow,
    How,
    PlaylistIndex,
    ScoreBand,
    describe,
    matches_words,
    playlists_of,
    search_text,
)
from songbird_gui.core.types import Decision
from songbird_gui.ui.table_model import FlatTableModel

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Source track", "To", "Target track", "Score", "Decided", "When", "Playlists")
SOURCE, TO, TARGET, SCORE, DECIDED, WHEN, PLAYLISTS = range(len(COLUMNS))
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the HistoryRow itself

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def decided_words(row: HistoryRow) -> str:
    """How the row was decided, in words that say what the decision is: a track the person
    left out is not "accepted by you", and one waiting in review is not decided at all."""
    decision = row.decision
    if decision is Decision.SKIPPED:
        return "left out by you"
    if decision is Decision.REVIEW and row.how_code == How.AUTO:
        return "not yet: needs review"
    return row.how.words


class _Texts:
    """A row's decoded words: what the source and target columns show, and what a text
    filter looks in (made only when a filter asks)."""

    __slots__ = ("haystack", "source", "target")

    def __init__(self, row: HistoryRow) -> None:
        self.source = describe(row.source, row.source_key)
        target = describe(row.target, row.target_id or "")
        decision = row.decision
        if decision is Decision.REVIEW:
            target = f"needs review: {target}" if target else "needs review"
        elif decision in (Decision.NOT_FOUND, Decision.SKIPPED) or not target:
            target = f"({row.state_words})"
        self.target = target
        self.haystack: str | None = None


class MatchesModel(FlatTableModel):
    COLUMNS = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[HistoryRow] = []
        self._shown: list[HistoryRow] = []
        self._texts: dict[int, _Texts] = {}  # by id() of a row of `_all`, which holds it
        self._playlists: PlaylistIndex = {}
        self._accept, self._review = 0.85, 0.5
        self._words = ""
        self._how: How | None = None
        self._band = ScoreBand.ANY
        self._sort: tuple[int, Qt.SortOrder] = (WHEN, Qt.SortOrder.DescendingOrder)

    # -- feeding ---------------------------------------------------------------------------

    def set_rows(
        self,
        rows: list[HistoryRow],
        playlists: PlaylistIndex,
        accept: float,
        review: float,
    ) -> None:
        """Show these rows (newest first, as `load_history` gives them), with the playlists
        that hold each match and the matcher's bands."""
        self.beginResetModel()
        self._all = rows
        self._texts = {}
        self._playlists = playlists
        self._accept, self._review = accept, review
        self._shown = self._chosen()
        if self._sort != (WHEN, Qt.SortOrder.DescendingOrder):
            self._shown.sort(key=self._key(self._sort[0]), reverse=self._descending())
        self.endResetModel()

    def set_filter(
        self, words: str = "", how: How | None = None, band: ScoreBand | None = None
    ) -> None:
        self.beginResetModel()
        self._words = words.strip()
        self._how = how
        self._band = band or ScoreBand.ANY
        self._shown = self._chosen()
        self._shown.sort(key=self._key(self._sort[0]), reverse=self._descending())
        self.endResetModel()

    def _chosen(self) -> list[HistoryRow]:
        rows = self._all
        if self._how is not None:
            rows = [r for r in rows if r.how_code == self._how]
        if self._band is not ScoreBand.ANY:
            band, accept, review = self._band, self._accept, self._review
            rows = [r for r in rows if band.holds(r.score, accept, review)]
        if self._words:
            words = self._words
            rows = [r for r in rows if matches_words(self._haystack(r), words)]
        return list(rows)

    # -- reading -------------------------------------------------------------------------------

    def row_count(self) -> int:
        return len(self._shown)

    @property
    def total(self) -> int:
        return len(self._all)

    def row_at(self, row: int) -> HistoryRow:
        return self._shown[row]

    def row_of(self, wanted: Callable[[HistoryRow], bool]) -> int | None:
        """The shown row number of the first row `wanted` says yes to."""
        return next((n for n, row in enumerate(self._shown) if wanted(row)), None)

    def decoded(self, row: HistoryRow) -> bool:
        """Whether the row's tracks were decoded (painted, filtered or sorted by): a view
        that paints only what it shows leaves the others as they were read."""
        return id(row) in self._texts

    @property
    def decoded_count(self) -> int:
        return len(self._texts)

    def _texts_of(self, row: HistoryRow) -> _Texts:
        texts = self._texts.get(id(row))
        if texts is None:
            texts = self._texts[id(row)] = _Texts(row)
        return texts

    def _haystack(self, row: HistoryRow) -> str:
        texts = self._texts_of(row)
        if texts.haystack is None:
            texts.haystack = search_text(row)
        return texts.haystack

    def playlists(self, row: HistoryRow) -> Sequence[str]:
        return playlists_of(row, self._playlists)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._shown[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (SOURCE, TARGET):
                return self._display(row, column)
            if column == PLAYLISTS:
                return "\n".join(self.playlists(row)) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == SCORE:
            return _RIGHT
        if role == ROW_ROLE:
            return row
        return None

    def _display(self, row: HistoryRow, column: int) -> str:
        if column == SOURCE:
            return self._texts_of(row).source
        if column == TO:
            return row.target_service.display_name
        if column == TARGET:
            return self._texts_of(row).target
        if column == SCORE:
            return "" if row.score is None else f"{row.score:.2f}"
        if column == DECIDED:
            return decided_words(row)
        if column == WHEN:
            return time.strftime("%Y-%m-%d %H:%M", time.localtime(row.decided_at))
        return ", ".join(self.playlists(row))

    # -- sorting -------------------------------------------------------------------------------

    def _descending(self) -> bool:
        return self._sort[1] == Qt.SortOrder.DescendingOrder

    def _key(self, column: int) -> Callable[[HistoryRow], Any]:
        if column == SOURCE:
            return lambda r: self._texts_of(r).source.casefold()
        if column == TARGET:
            return lambda r: self._texts_of(r).target.casefold()
        if column == TO:
            return lambda r: r.service_code
        if column == SCORE:
            return lambda r: -1.0 if r.score is None else r.score
        if column == DECIDED:
            return lambda r: r.how_code
        if column == PLAYLISTS:
            return lambda r: ", ".join(self.playlists(r)).casefold()
        return lambda r: r.decided_at

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        kept = [(self._shown[i.row()], i.column()) for i in before]
        self._shown.sort(key=self._key(column), reverse=self._descending())
        if before:
            where = {id(row): n for n, row in enumerate(self._shown)}
            after = [self.index(where[id(row)], c) for row, c in kept]
            self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()
