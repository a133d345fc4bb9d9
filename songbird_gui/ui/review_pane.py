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
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from songbird_gui.core.types import Candidate, ServiceId, Track
from songbird_gui.engine.session import Row
from songbird_gui.ui.table_model import FlatTableModel

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Title", "Artists", "Album", "Duration", "Kind", "Score", "Why")


def web_url(track: Track) -> QUrl:
    if track.service is ServiceId.SPOTIFY:
        return QUrl(f"https://open.spotify.com/track/{track.id}")
    return QUrl(f"https://music.youtube.com/watch?v={track.id}")


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
            if column == 0:
                return track.title
            if column == 1:
                return ", ".join(track.artists)
            if column == 2:
                return track.album or ""
            if column == 3:
                return self._duration(track)
            if column == 4:
                return str(track.kind)
            if column == 5:
                return f"{candidate.score:.2f}"
            if column == 6:
                return candidate.explain()
        if role == Qt.ItemDataRole.ToolTipRole:
            return candidate.explain()
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
    searchRequested(int row, str words), acceptAllAbove(float score).
    """

    accepted = Signal(int, object)
    skipped = Signal(int)
    rejected = Signal(int, object)
    searchRequested = Signal(int, str)
    acceptAllAbove = Signal(float)

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
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Candidates")
        self.table.doubleClicked.connect(lambda _index: self._accept())

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
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setValue(0.75)
        self.threshold.setAccessibleName("Accept all above this score")
        self.accept_all_button = QPushButton("Accept all a&bove")
        self.accept_all_button.setToolTip(
            "Accept the best candidate of every track needing review above this score"
        )

        actions = QHBoxLayout()
        for button in (self.accept_button, self.skip_button, self.reject_button, self.open_button):
            actions.addWidget(button)
        actions.addStretch()
        actions.addWidget(self.accept_all_button)
        actions.addWidget(self.threshold)
        search = QHBoxLayout()
        search.addWidget(self.search_box)
        search.addWidget(self.search_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.table)
        layout.addLayout(actions)
        layout.addLayout(search)

        self.accept_button.clicked.connect(self._accept)
        self.skip_button.clicked.connect(self._skip)
        self.reject_button.clicked.connect(self._reject)
        self.open_button.clicked.connect(self._open)
        self.search_button.clicked.connect(self._search)
        self.search_box.returnPressed.connect(self._search)
        self.accept_all_button.clicked.connect(
            lambda: self.acceptAllAbove.emit(self.threshold.value())
        )
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

    def show_row(self, row_number: int | None, row: Row | None) -> None:
        """Show a track and its candidates (None: nothing to review)."""
        self._row = row_number
        self._source = row.entry.source if row else None
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
            self.model.set_candidates(track, row.result.candidates if row.result else ())
            self.search_box.setText(f"{track.title} {' '.join(track.artists[:1])}".strip())
        if self.model.rowCount():
            self.table.selectRow(0)
        self._update_buttons()

    def show_candidates(self, row_number: int, candidates: Sequence[Candidate]) -> None:
        """The answer to a search by hand for the row shown."""
        if row_number != self._row:
            return
        self.model.set_candidates(self._source, candidates)
        if candidates:
            self.table.selectRow(0)
            self.table.setFocus()
        self._update_buttons()

    def set_can_open_links(self, can: bool) -> None:
        self._can_open_links = can
        self._update_buttons()

    def current_candidate(self) -> Candidate | None:
        index = self.table.currentIndex()
        return self.model.candidate(index.row()) if index.isValid() else None

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
        if candidate is not None and self._can_open_links:
            QDesktopServices.openUrl(web_url(candidate.track))

    def _search(self) -> None:
        words = self.search_box.text().strip()
        if self._row is not None and words:
            self.searchRequested.emit(self._row, words)
