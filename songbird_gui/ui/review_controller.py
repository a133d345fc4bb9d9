"""The person's decisions on the run's uncertain matches: `ReviewController`.

It forwards what is decided in the review pane (accept, skip, "never this one", a search in
the person's own words) and in bulk ("Accept all in review ≥", once the person has seen what
it would take) to the run, then shows the decided row and moves on to the next track, as
people review hundreds. The review pane shows the selected track's candidates; this keeps it
in step with the table and the run.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from songbird_gui.core.types import Candidate
from songbird_gui.engine.session import SyncSession
from songbird_gui.engine.summary import plural
from songbird_gui.ui.review_pane import confirm_accept_all
from songbird_gui.ui.run_status import RunStatus
from songbird_gui.ui.tracks_pane import REVIEW_FILTER, TracksPane


class ReviewController(QObject):
    """Attributes: session (the run decided on, told by the run controller with `watch`)."""

    def __init__(self, tracks: TracksPane, status: RunStatus, parent: QObject) -> None:
        super().__init__(parent)
        self.tracks = tracks
        self.status = status
        self.session: SyncSession | None = None
        tracks.track_view.selectionModel().currentRowChanged.connect(self._on_track_selected)
        tracks.accept_all_button.clicked.connect(
            lambda: self._on_accept_all_above(tracks.accept_all_threshold.value())
        )
        review_pane = tracks.review_pane
        review_pane.accepted.connect(self._on_accept)
        review_pane.skipped.connect(self._on_skip)
        review_pane.rejected.connect(self._on_reject)
        review_pane.searchRequested.connect(self._on_search_by_hand)

    def watch(self, session: SyncSession | None) -> None:
        """Decide on `session`'s rows from now on (None: no run on screen)."""
        self.session = session

    def show_review(self) -> None:
        tracks = self.tracks
        tracks.status_filter.setCurrentIndex(REVIEW_FILTER)
        if tracks.track_proxy.rowCount():
            tracks.track_view.selectRow(0)
            tracks.review_pane.table.setFocus()
        else:
            tracks.track_view.setFocus()
            self.status.say("No track needs review.")

    @Slot()
    def _on_track_selected(self) -> None:
        self.refresh_review_pane()

    def refresh_review_pane(self) -> None:
        row = self.tracks.selected_row()
        if row is None or self.session is None:
            self.tracks.review_pane.show_row(None, None)
            return
        self.tracks.review_pane.show_row(row, self.session.rows[row], self.session.candidates(row))

    def _after_decision(self, row: int) -> None:
        """Repaint the row and move on to the next track, as people review hundreds.

        The keyboard stays in the candidates, so Enter, S and Delete go on working.
        """
        tracks = self.tracks
        tracks.track_model.row_changed(row)
        tracks.track_model.flush()
        current = tracks.track_view.currentIndex()
        next_row = current.row() + 1 if current.isValid() else 0
        # A filtered view ("needs review") drops the decided row itself: stay at its place.
        if tracks.selected_row() != row:
            next_row = current.row()
        if 0 <= next_row < tracks.track_proxy.rowCount():
            tracks.track_view.selectRow(next_row)
        else:
            self.refresh_review_pane()
        tracks.review_pane.table.setFocus()
        self.status.refresh()

    @Slot(int, object)
    def _on_accept(self, row: int, candidate: Candidate) -> None:
        if self.session is not None:
            self.session.choose(row, candidate)
            self._after_decision(row)

    @Slot(int)
    def _on_skip(self, row: int) -> None:
        if self.session is not None:
            self.session.skip(row)
            self._after_decision(row)

    @Slot(int, object)
    def _on_reject(self, row: int, candidate: Candidate) -> None:
        if self.session is not None:
            self.session.reject(row, candidate)
            self.tracks.track_model.row_changed(row)
            self.tracks.review_pane.show_row(
                row, self.session.rows[row], self.session.candidates(row)
            )
            self.tracks.review_pane.table.setFocus()
            self.status.refresh()

    @Slot(int, str)
    def _on_search_by_hand(self, row: int, words: str) -> None:
        if self.session is not None:
            self.tracks.review_pane.set_searching(
                f"Searching {self.session.target.display_name} for “{words}”…"
            )
            self.session.search_by_hand(row, words)

    @Slot(int, object)
    def on_hand_searched(self, row: int, answer: object) -> None:
        if isinstance(answer, str):
            self.tracks.review_pane.search_failed(row, answer)
        else:
            self.tracks.review_pane.show_candidates(row, answer)  # type: ignore[arg-type]

    def _on_accept_all_above(self, threshold: float) -> None:
        """Accept in bulk once the person has seen what it would take (rows that leave the
        review list leave the review pane too: the run's rowsChanged refreshes it)."""
        session = self.session
        if session is None:
            return
        going = [session.rows[number] for number in session.review_rows_above(threshold)]
        if not going:
            self.status.say(f"No track in review scores {threshold:.2f} or more.")
            return
        if not confirm_accept_all(self.tracks.window(), going, threshold):
            return
        accepted = session.accept_all_above(threshold)
        self.status.say(
            f"Accepted {plural(accepted, 'match', 'matches')} scoring {threshold:.2f} or more."
        )
        self.status.refresh()
