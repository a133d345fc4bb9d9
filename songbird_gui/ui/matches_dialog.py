"""The Matches view: every decision the library's match store remembers, and the person's
ways to correct it.

A table (`MatchesModel`) of source track, target service, target track, score, how it was
decided, when, and the target playlists that hold it, filtered by words, by how decided and
by score band, sorted by any column. "Change…" opens the review of that track
(`ChangeMatchDialog`); "Forget" drops a decision so the next sync searches the track again,
or lifts a "never this one"; "Report wrong match" writes a decision the person made as a test
case. On opening, a replacement an earlier run left half done (the write journal) is finished.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from songbird_gui.core.match_fix import REPLACE, ReplaceOutcome
from songbird_gui.core.match_history import (
    HistoryRow,
    How,
    ScoreBand,
    describe,
    forget,
    holding_playlists,
    load_history,
)
from songbird_gui.core.types import Candidate, Decision, ServiceId, Track, TrackStatus
from songbird_gui.engine.context import SyncContext
from songbird_gui.engine.match_fix import MatchFixer
from songbird_gui.engine.rows import STATUS_OF_DECISION
from songbird_gui.engine.summary import plural
from songbird_gui.ui.change_match_dialog import ChangeMatchDialog, MatchChange, report_case
from songbird_gui.ui.matches_model import (
    DECIDED,
    PLAYLISTS,
    SCORE,
    SOURCE,
    TARGET,
    TO,
    WHEN,
    MatchesModel,
    decided_words,
)

DECIDED_FILTERS: tuple[tuple[str, How | None], ...] = (
    ("Decided any way", None),
    ("Automatic (or waiting in review)", How.AUTO),
    ("By you: accepted or left out", How.YOU),
    (How.HAND.words.capitalize(), How.HAND),
    (How.NEVER.words.capitalize(), How.NEVER),
)


def source_track(row: HistoryRow) -> Track:
    """The row's source track; its service and id alone where the store does not know it."""
    known = row.source
    if known is not None:
        return known
    service, _, track_id = row.source_key.partition(":")
    return Track(ServiceId(service), track_id, "")


def current_match(row: HistoryRow) -> Candidate | None:
    """The track that stands for the source track now (a matched decision's), if any."""
    target = row.target
    if row.decision is not Decision.ACCEPT or target is None:
        return None
    return Candidate(target, row.score or 0.0)


class MatchesDialog(QDialog):
    """Signals: decided(object MatchChange): a match was changed here (the window may show it
    in its table)."""

    decided = Signal(object)

    def __init__(
        self,
        context: SyncContext,
        report_file: Path,
        can_write: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Matches")
        self.context = context
        self.store = context.store
        self.report_file = report_file
        self.can_write = can_write
        self.change_dialog: ChangeMatchDialog | None = None
        self._fixers: list[MatchFixer] = []

        self.words = QLineEdit()
        self.words.setPlaceholderText("Filter by title, artist or album…")
        self.words.setClearButtonEnabled(True)
        self.words.setAccessibleName("Filter matches")
        self.how = QComboBox()
        for label, _how in DECIDED_FILTERS:
            self.how.addItem(label)
        self.how.setAccessibleName("Decided")
        self.band = QComboBox()
        for band in ScoreBand:
            self.band.addItem(band.words)
        self.band.setAccessibleName("Score")
        self.count = QLabel()
        self.model = MatchesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Matches")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.hide()
        # Fixed heights: a view of twenty thousand rows then never measures them.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in (
            (SOURCE, 260),
            (TO, 100),
            (TARGET, 260),
            (SCORE, 50),
            (DECIDED, 120),
            (WHEN, 120),
            (PLAYLISTS, 160),
        ):
            header.resizeSection(column, width)
        self.table.setSortingEnabled(True)
        header.setSortIndicator(WHEN, Qt.SortOrder.DescendingOrder)
        self.table.doubleClicked.connect(lambda _index: self.change())

        self.change_button = QPushButton("&Change…")
        self.change_button.setToolTip("Pick another track for it, or search by hand")
        self.forget_button = QPushButton("&Forget")
        self.report_button = QPushButton("&Report wrong match")
        self.report_button.setToolTip(
            f"Add this track, its candidates and your choice to a file of test cases you can "
            f"share ({report_file})"
        )
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("What happened")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for button in (self.change_button, self.forget_button, self.report_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        filters = QHBoxLayout()
        filters.addWidget(self.words, 2)
        filters.addWidget(self.how)
        filters.addWidget(self.band)
        filters.addWidget(self.count, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(1180, 640)

        self.words.textChanged.connect(self._on_filter)
        self.how.currentIndexChanged.connect(self._on_filter)
        self.band.currentIndexChanged.connect(self._on_filter)
        self.change_button.clicked.connect(self.change)
        self.forget_button.clicked.connect(self.forget)
        self.report_button.clicked.connect(self.report)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.finished.connect(self._on_closed)
        self.reload()
        self._finish_interrupted()

    # -- the rows ------------------------------------------------------------------------------

    def reload(self, keep: tuple[str, str] | None = None) -> None:
        """Read the store again; select the row of `keep` (source key, service) if shown."""
        match = self.context.matcher.thresholds
        self.model.set_rows(
            load_history(self.store), holding_playlists(self.store), match.accept, match.review
        )
        self._show_count()
        if keep is not None:
            found = self.model.row_of(
                lambda r: (r.source_key, r.service_code) == keep and r.how_code != How.NEVER
            )
            if found is not None:
                self.table.selectRow(found)
                self.table.scrollTo(self.model.index(found, 0))
        self._update_buttons()

    def _show_count(self) -> None:
        self.count.setText(
            f"{plural(self.model.total, 'remembered decision')} · {self.model.rowCount()} shown"
        )

    @Slot()
    def _on_filter(self) -> None:
        self.model.set_filter(
            self.words.text(),
            DECIDED_FILTERS[self.how.currentIndex()][1],
            list(ScoreBand)[self.band.currentIndex()],
        )
        self._show_count()
        self._update_buttons()

    def selected(self) -> HistoryRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select(self, row: int) -> None:
        self.table.selectRow(row)

    @Slot()
    def _update_buttons(self, *_: QModelIndex) -> None:
        row = self.selected()
        never = row is not None and row.how is How.NEVER
        self.change_button.setEnabled(row is not None and not never)
        self.forget_button.setEnabled(row is not None)
        self.forget_button.setText("&Lift “never”" if never else "&Forget")
        self.forget_button.setToolTip(
            "This track may be proposed for it again"
            if never
            else "Drop the decision: the next sync searches this track again"
        )
        mine = row is not None and row.how in (How.YOU, How.HAND) and row.target_id is not None
        self.report_button.setEnabled(mine)

    # -- the person's actions ------------------------------------------------------------------

    def change(self) -> ChangeMatchDialog | None:
        """Open the review of the selected track (returns the dialog, shown window-modal)."""
        row = self.selected()
        if row is None or row.how is How.NEVER:
            return None
        source = source_track(row)
        dialog = ChangeMatchDialog(
            self.context,
            source,
            row.target_service,
            current_match(row),
            self.store.candidates_of(row.source_key, row.target_service),
            self.report_file,
            self.can_write,
            self,
            STATUS_OF_DECISION[row.decision] if row.decision else TrackStatus.MATCHED,
        )
        dialog.decided.connect(self._on_decided)
        dialog.finished.connect(
            lambda _code, key=(row.source_key, row.service_code): self._on_change_closed(key)
        )
        self.change_dialog = dialog
        dialog.open()
        return dialog

    @Slot(object)
    def _on_decided(self, change: MatchChange) -> None:
        self.decided.emit(change)

    def _on_change_closed(self, key: tuple[str, str]) -> None:
        dialog, self.change_dialog = self.change_dialog, None
        if dialog is not None:
            dialog.deleteLater()
        self.reload(keep=key)

    def forget(self) -> bool:
        """Forget the selected decision (or lift its "never"), once the person confirms.

        No other row is selected afterwards: a second click must not forget another one.
        """
        row = self.selected()
        if row is None:
            return False
        words = describe(source_track(row), row.source_key)
        if row.how is How.NEVER:
            title = "Lift “never”"
            question = f"Let “{describe(row.target)}” be proposed for “{words}” again?"
        else:
            title = "Forget"
            question = (
                f"Forget the decision for “{words}” ({decided_words(row)}: "
                f"{self.model.index(self.table.currentIndex().row(), TARGET).data()})?\n\n"
                "The next sync searches it again."
            )
        answer = QMessageBox.question(
            self,
            title,
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        forget(self.store, row)
        if row.how is How.NEVER:
            self.say(f"“{describe(row.target)}” may be proposed for “{words}” again.")
        else:
            self.say(f"Forgot the decision for “{words}”: the next sync searches it again.")
        self.reload()
        self.table.clearSelection()
        self.table.setCurrentIndex(QModelIndex())
        self._update_buttons()
        return True

    def report(self) -> Path | None:
        """Write the selected decision of the person's as a test case."""
        row = self.selected()
        chosen = row.target if row is not None else None
        if row is None or chosen is None or row.how not in (How.YOU, How.HAND):
            return None
        source = source_track(row)
        candidates = self.store.candidates_of(row.source_key, row.target_service)
        written, said = report_case(
            self.report_file,
            self.context.services[row.target_service],
            source,
            candidates,
            chosen,
            max(candidates, key=lambda c: c.score, default=None),
        )
        self.say(said)
        return written

    def say(self, text: str) -> None:
        self.status.setText(text)

    # -- replacements an earlier run left half done ---------------------------------------------

    def _finish_interrupted(self) -> None:
        if not self.can_write:
            return
        for service_id, service in self.context.services.items():
            if not self.store.journal_unconfirmed_batches(service_id, None, REPLACE):
                continue
            fixer = MatchFixer(
                service,
                self.context.matcher,
                self.store,
                self.context.policy,
                self.parent(),
                self.context.writer_lock,
            )
            fixer.finished.connect(self._on_finished_interrupted)
            fixer.finish_interrupted()
            self._fixers.append(fixer)

    @Slot(object)
    def _on_finished_interrupted(self, outcomes: list[ReplaceOutcome]) -> None:
        if outcomes:
            self.say(
                "Finished a replacement cut short earlier: "
                + " ".join(o.sentence() + "." for o in outcomes)
            )
            self.reload()

    def _on_closed(self) -> None:
        for fixer in self._fixers:
            fixer.dispose()
        self._fixers = []
