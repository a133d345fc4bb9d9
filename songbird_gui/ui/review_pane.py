"""The review pane: one source track beside its candidates, and the person's choices.

It decides nothing itself: it emits what the person chose (accept, skip, never this one,
search with these words) and the window hands that to the session, which records it.
Keyboard: Up/Down move between candidates, Enter accepts, S skips, Delete marks a candidate
"never for this track", Ctrl+F goes to the search box, Ctrl+O opens the candidate in the browser.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from songbird_gui.core.track_links import track_link
from songbird_gui.core.types import Candidate, Track
from songbird_gui.engine.rows import Row
from songbird_gui.engine.summary import plural
from songbird_gui.ui.table_model import FlatTableModel

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Score", "Title", "Artists", "Duration", "Kind", "Album", "Why")
SCORE, TITLE, ARTISTS, DURATION, KIND, ALBUM, WHY = range(len(COLUMNS))
VISIBLE_CANDIDATES = 6  # the pane is never shorter than this many candidates


SHOWN_IN_BULK = 8  # tracks named in the question before "Accept all"; the rest are counted


def confirm_accept_all(parent: QWidget, rows: Sequence[Row], threshold: float) -> bool:
    """Ask before "Accept all in review ≥ X": how many, and which (the first few, each with
    the candidate it would take). True when the person says yes; nothing to accept asks
    nothing and says no."""
    if not rows:
        return False
    lines = []
    for row in rows[:SHOWN_IN_BULK]:
        best = row.result.best if row.result else None
        taken = f"{best.track.describe()} ({best.score:.2f})" if best else "?"
        lines.append(f"• {row.entry.source.describe()}  →  {taken}")
    if len(rows) > SHOWN_IN_BULK:
        lines.append(f"… and {len(rows) - SHOWN_IN_BULK} more")
    count = plural(len(rows), "track")
    answer = QMessageBox.question(
        parent,
        "Accept all in review",
        f"Accept the best candidate of {count} scoring {threshold:.2f} or more? Each is "
        "remembered as your decision and added on Apply.\n\n" + "\n".join(lines),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


class CandidateModel(FlatTableModel):
    COLUMNS = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: Track | None = None
        self._candidates: list[Candidate] = []

    def set_candidates(self, source: Track | None, candidates: Sequence[Candidate]) -> None:
        self.beginResetModel()
        self._source = source
        self._candidates = list(candidates)
        self.endResetModel()

    def candidate(self, row: int) -> Candidate | None:
        return self._candidates[row] if 0 <= row < len(self._candidates) else None

    def row_count(self) -> int:
        return len(self._candidates)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        candidate = self._candidates[index.row()]
        track = candidate.track
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == SCORE:
                return f"{candidate.score:.2f}"
            if column == TITLE:
                return track.title
            if column == ARTISTS:
                return ", ".join(track.artists)
            if column == DURATION:
                return self._duration(track)
            if column == KIND:
                return str(track.kind)
            if column == ALBUM:
                return track.album or ""
            if column == WHY:
                return candidate.explain()
        if role == Qt.ItemDataRole.ToolTipRole:
            return candidate.explain()
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (SCORE, DURATION):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _duration(self, track: Track) -> str:
        text = track.duration_text
        source = self._source
        if not text or source is None or not source.duration_ms or not track.duration_ms:
            return text
        diff = round((track.duration_ms - source.duration_ms) / 1000)
        if diff == 0:
            return text
        return f"{text} ({'+' if diff > 0 else '−'}{abs(diff)} s)"


class ReviewPane(QWidget):
    """Signals:
    accepted(int row, object Candidate), skipped(int row), rejected(int row, object Candidate),
    searchRequested(int row, str words).
    """

    accepted = Signal(int, object)
    skipped = Signal(int)
    rejected = Signal(int, object)
    searchRequested = Signal(int, str)

    def __init__(self, parent: QWidget | None = None, can_open_links: bool = True) -> None:
        super().__init__(parent)
        self._row: int | None = None
        self._source: Track | None = None
        self.heading = QLabel("Pick a track to review it.")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.model = CandidateModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        metrics = self.table.fontMetrics()
        for column, text in ((SCORE, "0.000"), (DURATION, "10:00 (+100 s)"), (KIND, "music video")):
            header.resizeSection(column, metrics.horizontalAdvance(text) + 24)
        for column, width in ((TITLE, 200), (ARTISTS, 130), (ALBUM, 120)):
            header.resizeSection(column, width)
        rows_height = VISIBLE_CANDIDATES * 22 + header.sizeHint().height() + 6
        self.table.setMinimumHeight(rows_height)
        self.table.setAccessibleName("Candidates")
        self.table.doubleClicked.connect(lambda _index: self._accept())
        # The whole reasoning of the candidate in focus, however narrow the Why column is.
        self.why = QLabel()
        self.why.setWordWrap(True)
        self.why.setTextFormat(Qt.TextFormat.PlainText)
        self.why.setAccessibleName("Why this score")
        self.why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.accept_button = QPushButton("&Accept")
        self.accept_button.setToolTip("Use this candidate (Enter)")
        self.skip_button = QPushButton("&Skip")
        self.skip_button.setToolTip("Leave this track out (S)")
        self.reject_button = QPushButton("&Never this one")
        self.reject_button.setToolTip("Never propose this candidate for this track (Delete)")
        self.open_button = QPushButton("&Open in browser")
        self.open_button.setToolTip("Listen to the candidate on the service (Ctrl+O)")
        self.open_button.setEnabled(can_open_links)
        self._can_open_links = can_open_links
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search with your own words…  (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_button = QPushButton("Searc&h")
        self.search_note = QLabel()
        self.search_note.setAccessibleName("Search by hand")
        # Its text must not widen the pane: long words are cut, whole in the tooltip.
        self.search_note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        actions = QHBoxLayout()
        for button in (self.accept_button, self.skip_button, self.reject_button, self.open_button):
            actions.addWidget(button)
        actions.addStretch()
        search = QHBoxLayout()
        search.addWidget(self.search_box, 2)
        search.addWidget(self.search_button)
        search.addWidget(self.search_note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.why)
        layout.addLayout(actions)
        layout.addLayout(search)

        self.accept_button.clicked.connect(self._accept)
        self.skip_button.clicked.connect(self._skip)
        self.reject_button.clicked.connect(self._reject)
        self.open_button.clicked.connect(self._open)
        self.search_button.clicked.connect(self._search)
        self.search_box.returnPressed.connect(self._search)
        self.table.selectionModel().currentRowChanged.connect(self._show_why)
        # Plain keys on the candidate list (not window shortcuts: "S" must still type an S in
        # the search box).
        self._keys = {
            Qt.Key.Key_Return: self._accept,
            Qt.Key.Key_Enter: self._accept,
            Qt.Key.Key_S: self._skip,
            Qt.Key.Key_Delete: self._reject,
        }
        self.table.installEventFilter(self)
        QShortcut(QKeySequence.StandardKey.Find, self, self.search_box.setFocus)
        QShortcut(QKeySequence("Ctrl+O"), self, self._open)
        self._update_buttons()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            action = self._keys.get(Qt.Key(event.key()))
            if action is not None and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                action()
                return True
        return super().eventFilter(watched, event)

    # -- showing ---------------------------------------------------------------------------

    def show_row(
        self, row_number: int | None, row: Row | None, candidates: Sequence[Candidate] = ()
    ) -> None:
        """Show a track and the candidates it was decided among (None: nothing to review).

        The candidates come apart from the row: a sure match's row holds only its best
        (`SyncSession.candidates` reads the others back).
        """
        self._row = row_number
        self._source = row.entry.source if row else None
        self._note("")
        if row is None:
            self.heading.setText("Pick a track to review it.")
            self.model.set_candidates(None, [])
        else:
            track = row.entry.source
            album = f" · {track.album}" if track.album else ""
            self.heading.setText(
                f"{track.title} — {', '.join(track.artists)}{album} · {track.duration_text}"
                f"    [{row.status}]"
            )
            self.model.set_candidates(track, candidates)
            self.search_box.setText(f"{track.title} {' '.join(track.artists[:1])}".strip())
        if self.model.rowCount():
            self.table.selectRow(0)
        self._show_why()
        self._update_buttons()

    def show_candidates(self, row_number: int, candidates: Sequence[Candidate]) -> None:
        """The answer to a search by hand for the row shown."""
        if row_number != self._row:
            return
        self.model.set_candidates(self._source, candidates)
        found = len(candidates)
        self._note(f"{found} found." if found else "Nothing found: try other words.")
        if candidates:
            self.table.selectRow(0)
            self.table.setFocus()
        self._show_why()
        self._update_buttons()

    def _note(self, text: str) -> None:
        self.search_note.setText(text)
        self.search_note.setToolTip(text)

    def set_searching(self, text: str) -> None:
        self._note(text)

    def search_failed(self, row_number: int, message: str) -> None:
        if row_number == self._row:
            self._note(f"The search failed: {message}")

    def set_can_open_links(self, can: bool) -> None:
        self._can_open_links = can
        self._update_buttons()

    def current_candidate(self) -> Candidate | None:
        index = self.table.currentIndex()
        return self.model.candidate(index.row()) if index.isValid() else None

    def _show_why(self, *_: object) -> None:
        candidate = self.current_candidate()
        self.why.setText(f"Why {candidate.score:.2f}: {candidate.explain()}" if candidate else "")

    def _update_buttons(self) -> None:
        has_row = self._row is not None
        has_candidates = self.model.rowCount() > 0
        self.accept_button.setEnabled(has_candidates)
        self.reject_button.setEnabled(has_candidates)
        self.open_button.setEnabled(has_candidates and self._can_open_links)
        self.skip_button.setEnabled(has_row)
        self.search_button.setEnabled(has_row)
        self.search_box.setEnabled(has_row)

    # -- choosing --------------------------------------------------------------------------

    def _accept(self) -> None:
        candidate = self.current_candidate()
        if self._row is not None and candidate is not None:
            self.accepted.emit(self._row, candidate)

    def _skip(self) -> None:
        if self._row is not None:
            self.skipped.emit(self._row)

    def _reject(self) -> None:
        candidate = self.current_candidate()
        if self._row is not None and candidate is not None:
            self.rejected.emit(self._row, candidate)

    def _open(self) -> None:
        candidate = self.current_candidate()
        link = track_link(candidate.track) if candidate is not None else None
        if link is not None and self._can_open_links:
            QDesktopServices.openUrl(QUrl(link))

    def _search(self) -> None:
        if self._row is None:
            return
        words = self.search_box.text().strip()
        if not words:
            self._note("Type some words to search for first.")
            self.search_box.setFocus()
            return
        self.searchRequested.emit(self._row, words)
