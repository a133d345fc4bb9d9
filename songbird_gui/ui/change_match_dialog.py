"""Changing one remembered match: the review pane for that track, with the candidates
Songbird remembers plus a fresh search of the target, and the person's choice.

Choosing another track remembers it at once (the person's decision) and, where Songbird had
already put the old track in target playlists, offers to replace it there: at the same
place, once, on a background task through the write journal (`engine/match_fix.py`). "Never
this one" and a search with the person's own words work as in the window's review pane.
"Report wrong match" writes the case (source, candidates as seen, the choice) to the file of
reported cases, in the `songbird eval-matches` format.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from songbird_gui.core.match_fix import Replacement, ReplaceOutcome, holdings
from songbird_gui.core.match_history import describe
from songbird_gui.core.service import MusicService
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import (
    Candidate,
    Decision,
    EntryState,
    MatchOrigin,
    MatchResult,
    PlanEntry,
    ServiceId,
    Track,
    TrackStatus,
)
from songbird_gui.core.wrong_match import CaseFileError, append_case, wrong_match_case
from songbird_gui.engine.context import SyncContext
from songbird_gui.engine.match_fix import HAND, MatchFixer
from songbird_gui.engine.rows import Row
from songbird_gui.engine.summary import plural
from songbird_gui.ui.review_pane import ReviewPane


def _merged(*lists: Sequence[Candidate]) -> list[Candidate]:
    """The candidates of every list, each track once (its first), the best score first."""
    seen: dict[str | None, Candidate] = {}
    for candidates in lists:
        for candidate in candidates:
            seen.setdefault(candidate.track.id, candidate)
    return sorted(seen.values(), key=lambda c: c.score, reverse=True)


@dataclass(frozen=True, slots=True)
class MatchChange:
    """The person's new decision for a track; `replaced`: the playlists that held the old
    track hold the new one now."""

    result: MatchResult
    target_service: ServiceId
    replaced: bool


def report_case(
    report_file: Path,
    service: MusicService,
    source: Track,
    candidates: Sequence[Candidate],
    chosen: Track,
    matcher_choice: Candidate | None,
) -> tuple[Path | None, str]:
    """Append a wrong match, as an `eval-matches` case, to `report_file` (from the review and
    from the Matches view alike): the file (None when it could not be written), and what to
    tell the person."""
    queries = service.search_queries(source)
    first_query = queries[0] if queries else None
    case = wrong_match_case(source, candidates, chosen, first_query, matcher_choice, time.time())
    try:
        count = append_case(report_file, case)
    except (OSError, CaseFileError) as error:
        return None, f"Could not write the report: {error}"
    return report_file, (
        f"Reported as case {case['id']} in {report_file} ({plural(count, 'case')}): "
        "share that file so the matcher learns from it."
    )


class ChangeMatchDialog(QDialog):
    """Signals: decided(object MatchChange): the person chose (a track, or to leave the source
    track out); sent again, with `replaced`, once the playlists hold the new track."""

    decided = Signal(object)

    def __init__(
        self,
        context: SyncContext,
        source: Track,
        target_service: ServiceId,
        current: Candidate | None,
        remembered: Sequence[Candidate],
        report_file: Path,
        can_write: bool = True,
        parent: QWidget | None = None,
        status: TrackStatus = TrackStatus.MATCHED,
    ) -> None:
        """`status`: what became of the track, as its heading says it (a track the person
        left out is not "matched")."""
        super().__init__(parent)
        self.setWindowTitle(f"Change the match — {source.title or source.key}")
        self.context = context
        self.store: MatchStore = context.store
        self.source = source
        self.target_service = target_service
        self.current = current  # the standing match (None: none, or left out)
        # What the matcher would take: the best it offered (the match, unless the person
        # chose another before).
        self.matcher_choice = max(remembered, key=lambda c: c.score, default=current)
        self.report_file = report_file
        self.can_write = can_write
        self.remembered = list(remembered)
        self.fresh: list[Candidate] = []
        self.chosen: Candidate | None = None
        self.replacing = False
        self._pending: MatchResult | None = None  # remembered; its replacement under way
        service = context.services[target_service]
        self.fixer = MatchFixer(
            service, context.matcher, self.store, context.policy, parent, context.writer_lock
        )
        self.fixer.searched.connect(self._on_searched)
        self.fixer.handSearched.connect(self._on_hand_searched)
        self.fixer.replaced.connect(self._on_replaced)
        self.fixer.failed.connect(self._on_failed)

        self.now = QLabel()
        self.now.setWordWrap(True)
        self.now.setAccessibleName("The match now")
        self.pane = ReviewPane(can_open_links=False)
        self.pane.accepted.connect(self._on_accept)
        self.pane.skipped.connect(self._on_skip)
        self.pane.rejected.connect(self._on_reject)
        self.pane.searchRequested.connect(self._on_search)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("What happened")
        self.report_button = QPushButton("&Report wrong match")
        self.report_button.setToolTip(
            "Add this track, the candidates you saw and your choice to a file of test cases "
            f"you can share ({report_file})"
        )
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self.report)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.report_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.now)
        layout.addWidget(self.pane, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(960, 520)
        self.finished.connect(self._on_closed)

        self._show_now()
        row = Row(0, PlanEntry(0, source, EntryState.REMEMBERED), status)
        self.pane.show_row(0, row, self.remembered)
        if source.title:
            self.pane.set_searching(f"Searching {target_service.display_name} again…")
            self.fixer.search(source)

    # -- what is shown -------------------------------------------------------------------------

    def _show_now(self) -> None:
        if self.current is None:
            self.now.setText("No track stands for it now: pick one below.")
            return
        self.now.setText(
            f"Now: {describe(self.current.track, self.current.track.id or '')}"
            f" ({self.current.score:.2f}). Pick the right one below, or search with your own "
            "words."
        )

    def candidates_seen(self) -> list[Candidate]:
        """What the person was shown before any search of their own: the remembered
        candidates and today's search."""
        return _merged(self.remembered, self.fresh)

    def say(self, text: str) -> None:
        self.status.setText(text)

    @Slot(object)
    def _on_searched(self, candidates: tuple[Candidate, ...]) -> None:
        self.fresh = list(candidates)
        self.pane.show_candidates(0, self.candidates_seen())
        self.pane.set_searching(
            f"{plural(len(self.candidates_seen()), 'candidate')}: remembered and found today."
        )

    @Slot(object)
    def _on_hand_searched(self, answer: tuple[Candidate, ...] | str) -> None:
        if isinstance(answer, str):
            self.pane.search_failed(0, answer)
            return
        self.pane.show_candidates(0, answer)

    @Slot(str, str)
    def _on_failed(self, what: str, message: str) -> None:
        if what == HAND:
            self.pane.search_failed(0, message)
        elif self.replacing:
            self.replacing = False
            self.pane.setEnabled(True)
            self.say(
                f"Could not replace it in the playlists: {message} Your choice is remembered; "
                "a sync in mirror mode puts it right."
            )
        else:
            self.pane.set_searching(f"The search failed: {message}")

    # -- the person's choices ------------------------------------------------------------------

    @Slot(int, object)
    def _on_accept(self, _row: int, candidate: Candidate) -> None:
        old = self.current
        if old is not None and old.track.id == candidate.track.id:
            self.say("That is the match already.")
            return
        offered = self.candidates_seen()
        by_hand = candidate.track.id not in {c.track.id for c in offered}
        # Remembered with what the matcher's own searches offered, not the person's searches:
        # a report made later from the Matches view then holds the candidates as the matcher
        # saw them, and the track found by hand apart (the store keeps it as the target).
        result = MatchResult(
            self.source,
            Decision.ACCEPT,
            candidate,
            tuple(offered),
            0,
            MatchOrigin.PERSON,
        )
        self.store.remember(result, self.target_service, by_person=True, by_hand=by_hand)
        self.current = self.chosen = candidate
        self.report_button.setEnabled(True)
        self._show_now()
        self.decided.emit(MatchChange(result, self.target_service, False))
        held = (
            holdings(self.store, self.source.key, self.target_service, old.track.id or "")
            if old is not None
            else []
        )
        new_words = describe(candidate.track, candidate.track.id or "")
        if not held:
            self.say(f"Remembered: “{new_words}” from now on.")
            return
        names = ", ".join(f"“{h.playlist.name}”" for h in held)
        if not self.can_write:
            self.say(
                f"Remembered. {names} still hold the old track: a sync is running, so it is "
                "not replaced now (a sync in mirror mode puts it right)."
            )
            return
        assert old is not None
        answer = QMessageBox.question(
            self,
            "Replace in the playlists",
            f"Songbird put “{describe(old.track, old.track.id or '')}” in "
            f"{plural(len(held), 'playlist')} on {self.target_service.display_name}: "
            f"{names}.\n\nReplace it with “{new_words}” there, at the same place?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            self.say(
                f"Remembered. {names} keep the old track for now (a sync in mirror mode "
                "replaces it; in add-only mode the new one is added)."
            )
            return
        self._pending = result
        self.replacing = True
        self.pane.setEnabled(False)
        self.say(f"Replacing it in {plural(len(held), 'playlist')}…")
        self.fixer.replace_track(
            Replacement(self.source.key, old.track.id or "", candidate.track.id or "", tuple(held))
        )

    @Slot(object)
    def _on_replaced(self, outcomes: list[ReplaceOutcome]) -> None:
        self.replacing = False
        self.pane.setEnabled(True)
        self.say(" ".join(o.sentence() + "." for o in outcomes))
        if self._pending is not None:
            self.decided.emit(
                MatchChange(self._pending, self.target_service, any(o.done for o in outcomes))
            )

    @Slot(int)
    def _on_skip(self, _row: int) -> None:
        result = MatchResult(
            self.source,
            Decision.SKIPPED,
            None,
            tuple(self.candidates_seen()),
            0,
            MatchOrigin.PERSON,
        )
        self.store.remember(result, self.target_service, by_person=True)
        self.current = None
        self._show_now()
        self.say("Left out: syncs no longer add this track.")
        self.decided.emit(MatchChange(result, self.target_service, False))

    @Slot(int, object)
    def _on_reject(self, _row: int, candidate: Candidate) -> None:
        self.store.reject(self.source, candidate.track)
        gone = candidate.track.id
        self.remembered = [c for c in self.remembered if c.track.id != gone]
        self.fresh = [c for c in self.fresh if c.track.id != gone]
        if self.current is not None and self.current.track.id == gone:
            self.current = None  # rejecting the standing match drops it
            self._show_now()
        self.pane.show_candidates(0, self.candidates_seen())
        self.say(f"Never again for this track: “{describe(candidate.track)}”.")

    @Slot(int, str)
    def _on_search(self, _row: int, words: str) -> None:
        self.say("")  # what was said of the last candidates is not said of the new ones
        self.pane.set_searching(f"Searching {self.target_service.display_name} for “{words}”…")
        self.fixer.search_by_hand(self.source, words)

    def report(self) -> Path | None:
        """Write the case to the file of reported cases; returns that file."""
        chosen = self.chosen
        if chosen is None:
            return None
        written, said = report_case(
            self.report_file,
            self.context.services[self.target_service],
            self.source,
            _merged(self.remembered, self.fresh),
            chosen.track,
            self.matcher_choice,
        )
        self.say(said)
        return written

    def _on_closed(self) -> None:
        # A replacement still going is left to the write journal: never wait for it here.
        self.fixer.dispose()
