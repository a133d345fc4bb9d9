"""One sync run, from reading the playlists to the report of what was written: `SyncSession`.

A run is one object with explicit states that the window and the command line observe
(`state`, `stateChanged`) rather than keep flags of their own:

    NEW ─plan()→ PLANNING ─search()→ SEARCHING ─→ READY ─apply()→ APPLYING ─→ APPLIED
                    │                   │  ↑ resume()        (apply() again: what is left)
                    ↓ Stop / failure     ↓ blocked
                 STOPPED / FAILED      PAUSED

The session lives on the thread that created it (the GUI thread in the window, the main
thread in the command line) and keeps the authoritative list of rows, one per source entry.
Its work runs on its own `QThreadPool`, each job inside a request scope (its Stop, its
counters), and reports back through queued signals.

Nothing here ever waits for a worker on the session's thread. `stop()` cancels at once:
queued jobs leave the pool, jobs waiting for a permit or a backoff wake and quit, and the
requests in flight finish on their own. `close()` cancels the read-back after a write too;
`dispose()` lets the object go once its workers have left; `drain()` is for after the event
loop has returned, when waiting can freeze no window.

Settings never end a run (`update_settings`): new workers apply to the next jobs, new
thresholds decide again every row the person has not decided. (New rates apply at the
services' throttles, which the composition root reconfigures.)

The person's decisions take one path (`decide`), and a decision is the track's: every row of
that track in the run shows it. What an Apply writes, and the writing itself, live in
`engine/writing.py`; after each Apply the run keeps what it created and wrote, so the next
one plans against that.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, SignalInstance, Slot

from songbird_gui.core.apply import ApplyReport
from songbird_gui.core.c_heap import give_back_freed
from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import AuthExpired, QuotaExceeded, RunBlocked, ServiceError
from songbird_gui.core.failure import Failure
from songbird_gui.core.matching import SearchProgress
from songbird_gui.core.mirror import GuardVerdict, MirrorPlan
from songbird_gui.core.pair_writer import PairInputs, PairWriter
from songbird_gui.core.retry import RequestStats
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.service import MusicService
from songbird_gui.core.settings import Settings
from songbird_gui.core.types import (
    Candidate,
    Decision,
    MatchOrigin,
    MatchResult,
    Playlist,
    ServiceId,
    SyncMode,
    SyncPlan,
    Track,
    TrackStatus,
)
from songbird_gui.engine.context import SyncContext
from songbird_gui.engine.jobs import (
    STOPPED,
    MatchJob,
    MatchReports,
    Report,
    SearchContext,
    TaskJob,
    TaskSignals,
    delete_when_idle,
)
from songbird_gui.engine.planning import PairSetup, make_plans
from songbird_gui.engine.rows import STATUS_OF_DECISION, Row, row_for
from songbird_gui.engine.summary import IN_PROGRESS, RunSummary
from songbird_gui.engine.writer_lock import holding
from songbird_gui.engine.writing import (
    PlanWrite,
    Written,
    inputs_of,
    matches_of,
    preview_of,
    total_writes,
    write_plans,
)

log = logging.getLogger(__name__)

# Searches handed to the pool per thread: one running, one ready for when it ends, so that
# no thread waits for the window's thread to hand it the next.
JOBS_PER_THREAD = 2

__all__ = ["Row", "RunState", "SyncContext", "SyncSession"]


class RunState(StrEnum):
    NEW = "new"
    PLANNING = "reading playlists"
    SEARCHING = "searching"
    PAUSED = "paused"  # the service refused to go on (login, account, quota); resume()
    READY = "ready"  # searched, or stopped while searching: review, then apply
    APPLYING = "writing"
    APPLIED = "written"
    STOPPED = "stopped"  # stopped before there was anything to apply
    FAILED = "failed"  # the playlists could not be read
    CLOSED = "closed"


@dataclass
class RequestRate:
    """Requests per second over the last second or so, sampled when asked."""

    _at: float = 0.0
    _count: int = 0
    rate: float = 0.0

    def sample(self, count: int, now: float) -> float:
        if not self._at:
            self._at, self._count = now, count
        elif now - self._at >= 1.0:
            self.rate = (count - self._count) / (now - self._at)
            self._at, self._count = now, count
        return self.rate


@dataclass
class SessionFigures:
    """Counts for the summary line, the status bar and the benchmarks."""

    search_stats: RequestStats = field(default_factory=RequestStats)
    io_stats: RequestStats = field(default_factory=RequestStats)
    started_at: float = field(default_factory=time.monotonic)
    search_started_at: float = 0.0
    search_ended_at: float = 0.0
    request_rate: RequestRate = field(default_factory=RequestRate)


class SyncSession(QObject):
    """Signals:
    stateChanged(object RunState): the run moved on; `message` says why, where there is why.
    planned(): `rows` and `plans` are ready.
    trackStarted(int row), trackWaiting(int row, float until), trackMatched(int row, object
    MatchResult), trackFailed(int row, str reason): one search's progress.
    rowsChanged(object list[int]): rows changed at once (a bulk decision, new thresholds).
    progress(int done, int total): searches finished so far.
    searchFinished(bool stopped): every search ended, or Stop was pressed.
    applyProgress(int done, int total): tracks written so far, over all plans.
    applied(object list[ApplyReport]): the writes ended (or were stopped).
    failed(str): a phase could not run (network down, playlist gone); a sentence to show.
    handSearched(int row, object answer): the answer to `search_by_hand`: the candidates
    found (a tuple, maybe empty), or a sentence saying why the search failed.
    blocked(str message, bool reconnect): the target refused to go on; the search paused,
    every unsearched track is queued again, and `resume()` goes on from there (after
    reconnecting, when `reconnect` is true).
    applyWaiting(object pid): the write waits for another writer to finish (the pid of the
    process that holds the writer lock, when known); it starts once that one has.
    """

    stateChanged = Signal(object)
    planned = Signal()
    trackStarted = Signal(int)
    trackWaiting = Signal(int, float)
    trackMatched = Signal(int, object)
    trackFailed = Signal(int, str)
    rowsChanged = Signal(object)
    progress = Signal(int, int)
    searchFinished = Signal(bool)
    applyProgress = Signal(int, int)
    applied = Signal(object)
    failed = Signal(str)
    handSearched = Signal(int, object)
    blocked = Signal(str, bool)
    applyWaiting = Signal(object)

    def __init__(
        self,
        context: SyncContext,
        source: ServiceId,
        target: ServiceId,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.source = source
        self.target = target
        self.state = RunState.NEW
        self.message = ""  # why the run is in its state, where there is a why
        self.needs_login = False  # paused by a login that ended: resume after reconnecting
        # The refusal that paused or ended the run, typed (AuthExpired, QuotaExceeded and its
        # `retry_at`, WritesGated, AccountNotAllowed), for the window's prompt and the
        # command line's exit code; None while nothing refused it.
        self.refusal: RunBlocked | None = None
        self.failure: Failure | None = None  # what the last `failed` said, typed (exit code)
        self.rows: list[Row] = []
        self.plans: list[SyncPlan] = []
        self.setups: list[PairSetup] = []  # each plan's pair, mode, snapshot, target as read
        self._target_listed: list[Playlist] | None = None  # the target's playlists, if given
        self.reports: list[ApplyReport] = []  # the last Apply's, one per plan
        self._applies = 0
        self._added = 0  # tracks every Apply of this run added, read back
        self.figures = SessionFigures()
        self.cancel = CancelToken()  # the current phase's Stop
        self._closing = CancelToken()  # closing the run: also cuts the read-back short
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max(1, context.workers))
        self._reports = MatchReports(self)
        self._reports.arrived.connect(self._take_reports)
        self._on_report: dict[Report, Callable[..., None]] = {
            Report.STARTED: self._on_started,
            Report.WAITING: self._on_waiting,
            Report.MATCHED: self._on_matched,
            Report.FAILED: self._on_failed,
            Report.BLOCKED: self._on_blocked,
            Report.INTERRUPTED: self._on_interrupted,
            Report.FINISHED: self._on_job_finished,
        }
        # One holder for every write's progress, for the run's life: no object per write.
        self._apply_progress = TaskSignals(self)
        self._apply_progress.done.connect(self._on_apply_progress)
        self._apply_waiting = TaskSignals(self)
        self._apply_waiting.done.connect(self.applyWaiting)
        self._in_flight: set[int] = set()  # rows whose job was given out and has not ended
        self._awaiting: set[int] = set()  # queued rows whose earlier job is still in flight
        self._active: set[int] = set()  # rows of the current search still to answer
        self._progress: dict[int, SearchProgress] = {}  # searches a pause cut short
        self._search_done = 0
        self._search_total = 0
        self._to_start: deque[int] = deque()  # rows of the search whose job is still to start
        self._wider_first: frozenset[int] = frozenset()  # rows searched first (`PlannedRun`)

    # -- state ------------------------------------------------------------------------------

    def _set_state(self, state: RunState, message: str = "") -> None:
        self.state = state
        self.message = message
        self.stateChanged.emit(state)

    @property
    def busy(self) -> bool:
        """Work runs that Stop would end (reading, searching, writing)."""
        return self.state in (RunState.PLANNING, RunState.SEARCHING, RunState.APPLYING)

    @property
    def paused(self) -> bool:
        return self.state is RunState.PAUSED

    @property
    def resume_at(self) -> float | None:
        """When a quota refusal lets the run go on (wall-clock seconds), where it said."""
        return self.refusal.retry_at if isinstance(self.refusal, QuotaExceeded) else None

    def summary(self) -> RunSummary:
        held_back = sum(len(report.held) for report in self.reports)
        return RunSummary.of(self.rows, self._added if self._applies else None, held_back)

    def request_rate(self) -> float:
        """Search requests per second lately (sampled at most once a second)."""
        return self.figures.request_rate.sample(
            self.figures.search_stats.requests, time.monotonic()
        )

    def has_unapplied_results(self) -> bool:
        """Matches or decisions that an apply would write and that would be lost unwritten."""
        if self.state not in (RunState.READY, RunState.PAUSED, RunState.APPLIED):
            return False
        return any(self.planned_additions())

    def _new_phase(self) -> None:
        """A Stop ends the phase it was pressed in, not the ones the person starts after it;
        nor does a refusal (the run goes on once it is put right)."""
        if self.cancel.cancelled:
            self.cancel = CancelToken()
        self.refusal = None
        self.failure = None

    def use_services(self, services: dict[ServiceId, MusicService]) -> None:
        """After reconnecting while not paused (a write refused for the sign-in): the run's
        next phase, an apply again, goes through these."""
        self.context = replace(self.context, services=services)
        self.needs_login = False

    # -- phase 1: plan ----------------------------------------------------------------------

    def plan(
        self,
        playlists: Sequence[Playlist],
        target_playlists: Sequence[Playlist] | None = None,
        modes: Mapping[str, SyncMode] | None = None,
    ) -> None:
        """Read the chosen source playlists and the target, and plan each sync.

        `target_playlists`, when the caller has read them already, saves a request. `modes`
        sets the mode of some playlists' pairs (by source playlist id) from this run on.
        """
        chosen = list(playlists)
        known = list(target_playlists) if target_playlists is not None else None
        self._target_listed = known
        self._set_state(RunState.PLANNING)
        plans = partial(
            make_plans, self.context, self.source, self.target, chosen, known, dict(modes or {})
        )
        self._run_task(partial(_planned_run, plans, self.context.matcher), self._on_planned)

    @Slot(object)
    def _on_planned(self, planned: PlannedRun) -> None:
        if self.state is not RunState.PLANNING:
            return  # stopped or closed meanwhile
        self.plans = planned.plans
        self.setups = planned.setups
        self.rows = planned.rows
        self._wider_first = planned.wider_first
        plans = self.plans
        log.info(
            "planned %d playlist(s) %s -> %s: %d entries, %d to search",
            len(plans), self.source, self.target,
            sum(len(p.entries) for p in plans), sum(len(p.to_search) for p in plans),
        )  # fmt: skip
        self.planned.emit()

    # -- phase 2: search --------------------------------------------------------------------

    def search(self) -> None:
        """Search the target for every queued row; `searchFinished` tells when it ended."""
        self._new_phase()
        queued = [i for i, row in enumerate(self.rows) if row.status is TrackStatus.QUEUED]
        self._active = set(queued)
        self._search_total = len(queued)
        self._search_done = 0
        self.figures.search_started_at = time.monotonic()
        self._set_state(RunState.SEARCHING)
        self.progress.emit(0, self._search_total)
        if not queued:
            self._finish_search(stopped=False)
            return
        # Tracks likely to need a second search go first: it then shares a round trip with
        # the others' first searches instead of adding one at the end.
        queued.sort(key=lambda row: row not in self._wider_first)
        # A row whose earlier search may still answer waits for it (`_on_job_finished`).
        self._awaiting.update(row for row in queued if row in self._in_flight)
        self._to_start = deque(row for row in queued if row not in self._in_flight)
        self._feed()

    def _feed(self) -> None:
        """Give the pool the next searches, up to `JOBS_PER_THREAD` per thread.

        Never all at once: starting thousands of jobs takes the window's thread a quarter
        of a second while the first workers already compete for the interpreter, and a
        Stop would have them all to clear. A job's end makes room for the next.
        """
        room = JOBS_PER_THREAD * self._pool.maxThreadCount() - len(self._in_flight)
        while room > 0 and self._to_start and self.state is RunState.SEARCHING:
            self._start_job(self._to_start.popleft())
            room -= 1

    def _start_job(self, row: int) -> None:
        context = SearchContext(
            service=self.context.services[self.target],
            matcher=self.context.matcher,
            cancel=self.cancel,
            stats=self.figures.search_stats,
            store=self.context.store,
        )
        progress = self._progress.pop(row, None)
        source = self.rows[row].entry.source
        self._in_flight.add(row)  # until its `finished`, which every job sends, run or not
        self._pool.start(MatchJob(row, source, context, self._reports, progress))

    @Slot()
    def _take_reports(self) -> None:
        for report, details in self._reports.take():
            self._on_report[report](*details)

    def _on_started(self, row: int) -> None:
        if self.state is RunState.SEARCHING and row in self._active:
            self.rows[row].status = TrackStatus.SEARCHING
            self.trackStarted.emit(row)

    def _on_waiting(self, row: int, until: float) -> None:
        if self.state is RunState.SEARCHING and row in self._active:
            self.rows[row].status = TrackStatus.WAITING
            self.rows[row].waiting_until = until
            self.trackWaiting.emit(row, until)

    def _on_matched(self, row: int, result: MatchResult) -> None:
        if self.state not in (RunState.SEARCHING, RunState.PAUSED):
            return
        self._show_result(row, result)
        self._count_search(row)

    def _show_result(self, row: int, result: MatchResult) -> None:
        self._set_result(row, result)
        self.trackMatched.emit(row, result)

    def _on_failed(self, row: int, reason: str) -> None:
        if self.state not in (RunState.SEARCHING, RunState.PAUSED):
            return
        log.warning("search failed for %s: %s", self.rows[row].entry.source.key, reason)
        self.rows[row].status = TrackStatus.FAILED
        self.rows[row].reason = reason
        self.trackFailed.emit(row, reason)
        self._count_search(row)

    def _on_blocked(self, row: int, blocked: tuple[RunBlocked, SearchProgress]) -> None:
        """Pause: stop scheduling, keep what was found, queue the rest again."""
        error, progress = blocked
        if progress.queries_done:
            self._progress[row] = progress  # its next search goes on from there
        if row in self._awaiting:
            return  # the answer of a job from before a resume: that pause is over
        if self.rows[row].status in (TrackStatus.SEARCHING, TrackStatus.WAITING):
            self.rows[row].status = TrackStatus.QUEUED
        if self.state is not RunState.SEARCHING:
            return
        log.warning("the search paused on %s: %s", self.target, error)
        # The jobs not yet begun are left in the pool: each sees the Stop and ends at once,
        # and its `finished` says so (a resume must know which rows are still out).
        self.cancel.cancel()
        for candidate in self.rows:
            if candidate.status in (TrackStatus.SEARCHING, TrackStatus.WAITING):
                candidate.status = TrackStatus.QUEUED
        reconnect = isinstance(error, AuthExpired)
        self.needs_login = reconnect
        self.refusal = error
        self._set_state(RunState.PAUSED, str(error))
        self.rowsChanged.emit(list(range(len(self.rows))))
        self.blocked.emit(str(error), reconnect)

    def _on_interrupted(self, row: int, progress: SearchProgress) -> None:
        self._progress[row] = progress  # a resume goes on after its last answered query

    def _on_job_finished(self, row: int) -> None:
        """A job ended, answered or not: room for the next search; a row resumed meanwhile
        is settled now."""
        self._in_flight.discard(row)
        self._feed()
        if row not in self._awaiting:
            return
        self._awaiting.discard(row)
        if self.state is not RunState.SEARCHING:
            return
        remembered = self.context.store.recall(self.rows[row].entry.source, self.target)
        if remembered is not None:
            self._show_result(row, remembered)
            self._count_search(row)
        else:
            self._start_job(row)

    def resume(self, services: dict[ServiceId, MusicService] | None = None) -> None:
        """Go on after a pause (with the new services after reconnecting): queued rows only.

        A search that was in flight at the pause and succeeded is in the store; it is taken
        from there, so no track is searched twice.
        """
        if self.state is not RunState.PAUSED:
            return
        if services is not None:
            self.context = replace(self.context, services=services)
        recalled = []
        for number, row in enumerate(self.rows):
            if row.status is TrackStatus.QUEUED and number not in self._in_flight:
                remembered = self.context.store.recall(row.entry.source, self.target)
                if remembered is not None:
                    self._set_result(number, remembered)
                    recalled.append(number)
        if recalled:
            self.rowsChanged.emit(recalled)
        self.search()

    def _count_search(self, row: int) -> None:
        if self.state is not RunState.SEARCHING or row not in self._active:
            return  # an answer from before a pause: shown, but not this search's to count
        self._active.discard(row)
        self._search_done += 1
        self.progress.emit(self._search_done, self._search_total)
        if self._search_done >= self._search_total:
            self._finish_search(stopped=False)

    def _finish_search(self, stopped: bool) -> None:
        self.figures.search_ended_at = time.monotonic()
        stats = self.figures.search_stats
        log.info(
            "search %s after %.1f s: %d requests, %d retries, %d rate-limited",
            "stopped" if stopped else "finished",
            self.figures.search_ended_at - self.figures.search_started_at,
            stats.requests, stats.retries, stats.rate_limited,
        )  # fmt: skip
        if stopped:
            for row in self.rows:
                if row.status in IN_PROGRESS:
                    row.status = TrackStatus.NOT_SEARCHED
                    row.reason = "the search was stopped before this track's turn"
        self._awaiting.clear()
        self._to_start.clear()
        give_back_freed()  # the answers were read; a big run's leave megabytes behind
        self._set_state(RunState.READY)
        self.searchFinished.emit(stopped)

    # -- the person's decisions -------------------------------------------------------------

    def decide(self, row: int, decision: Decision, chosen: Candidate | None = None) -> None:
        """The person's decision for `row`: ACCEPT `chosen`, or SKIPPED (leave it out).

        Every decision of the person's takes this one path: remembered at once (a restart
        keeps it), shown on the row, written by the next Apply. The row keeps the
        candidates the matcher offered; a chosen one not among them was found by hand.
        """
        current = self.rows[row]
        offered = self.candidates(row)
        result = MatchResult(current.entry.source, decision, chosen, offered, 0, MatchOrigin.PERSON)
        self.context.store.remember(result, self.target, by_person=True)
        # One track, one decision: its rows in the run's other playlists show it too.
        others = [n for n in self._rows_of(current.entry.source.key) if n != row]
        for number in (row, *others):
            self._set_result(number, result)
        if others:
            self.rowsChanged.emit(others)

    def candidates(self, row: int) -> tuple[Candidate, ...]:
        """The candidates `row`'s decision was made among, best first: what the review
        pane and Wrong match… offer. A sure match keeps only its best in memory; the others
        are read back from the match store (`MatchResult.slim`)."""
        return self._candidates_of([row])[row]

    def _candidates_of(self, rows: Sequence[int]) -> dict[int, tuple[Candidate, ...]]:
        """`candidates` of many rows, with one read of the store for them all."""
        results = {number: self.rows[number].result for number in rows}
        keys = {
            self.rows[number].entry.source.key
            for number, result in results.items()
            if result is not None and result.others_in_store
        }
        read = self.context.store.candidates_left(keys, self.target) if keys else {}
        found: dict[int, tuple[Candidate, ...]] = {}
        for number, result in results.items():
            if result is None:
                found[number] = ()
                continue
            again = read.get(self.rows[number].entry.source.key, ())
            # Read back only while the store holds the row's decision still (the Matches
            # view may have forgotten it since): else its best is all there is to offer.
            in_store = result.others_in_store and result.best in again
            found[number] = again if in_store else result.candidates
        return found

    def _rows_of(self, source_key: str) -> list[int]:
        """The rows that stand for this source track (a second listing counts as its first)."""
        return [
            number
            for number, row in enumerate(self.rows)
            if row.entry.source.key == source_key and row.status is not TrackStatus.DUPLICATE
        ]

    def choose(self, row: int, candidate: Candidate) -> None:
        """The person picked `candidate` for `row`: remembered, and added on apply."""
        self.decide(row, Decision.ACCEPT, candidate)

    def skip(self, row: int) -> None:
        """The person leaves the track out: remembered, and never added."""
        self.decide(row, Decision.SKIPPED)

    def decided_elsewhere(self, result: MatchResult, replaced: bool = False) -> list[int]:
        """A decision the person made outside the run (the Matches view), remembered
        already: the run's rows of that track show it, as already there when it replaced the
        old track in the playlists. Returns the rows that changed (`rowsChanged` too)."""
        changed = self._rows_of(result.source.key)
        for number in changed:
            self._set_result(number, result)
            if replaced:
                self.rows[number].status = TrackStatus.PRESENT
        if changed:
            self.rowsChanged.emit(changed)
        return changed

    def review_rows_above(self, threshold: float) -> list[int]:
        """The rows needing review whose best candidate scores `threshold` or more: what
        `accept_all_above` would accept (for the person to confirm first)."""
        return [
            number
            for number, row in enumerate(self.rows)
            if row.status is TrackStatus.REVIEW
            and row.result is not None
            and row.result.best is not None
            and row.result.best.score >= threshold
        ]

    def accept_all_above(self, threshold: float) -> int:
        """Accept the best candidate of every row needing review that scores `threshold` or
        more; returns how many."""
        accepted = self.review_rows_above(threshold)
        for number in accepted:
            result = self.rows[number].result
            assert result is not None and result.best is not None
            self.decide(number, Decision.ACCEPT, result.best)
        if accepted:
            self.rowsChanged.emit(accepted)
        return len(accepted)

    def reject(self, row: int, candidate: Candidate) -> None:
        """Never propose `candidate` for `row` again. When it was the row's match (or its
        proposal), the next best is proposed in its place; any other decision stands (a
        track left out stays out, a match to another track stays)."""
        source = self.rows[row].entry.source
        others = [n for n in self._rows_of(source.key) if n != row]
        # Read before the store drops the decision whose match is rejected.
        offered = self._candidates_of([row, *others])
        self.context.store.reject(source, candidate.track)
        for number in (row, *others):
            self._drop_candidate(number, candidate, offered[number])
        if others:
            self.rowsChanged.emit(others)

    def _drop_candidate(
        self, row: int, candidate: Candidate, offered: tuple[Candidate, ...]
    ) -> None:
        current = self.rows[row]
        result = current.result
        if result is None:
            return
        remaining = tuple(c for c in offered if c.track.id != candidate.track.id)
        best = result.best
        if best is None or best.track.id != candidate.track.id:
            # The decision stands. A sure match's others are read back, less this one.
            if not result.others_in_store:
                current.result = replace(result, candidates=remaining)
            return
        best = remaining[0] if remaining else None
        decision = Decision.REVIEW if best else Decision.NOT_FOUND
        self._set_result(
            row,
            MatchResult(current.entry.source, decision, best, remaining, 0, MatchOrigin.PERSON),
        )

    def _set_result(self, row: int, result: MatchResult) -> None:
        """Show `result` on `row`. Every result set here that is not the person's is the
        store's standing decision (searched, recalled, decided again), so a sure match
        keeps only its best candidate in memory."""
        current = self.rows[row]
        current.result = result.slim()
        current.status = STATUS_OF_DECISION[result.decision]
        current.reason = ""

    def search_by_hand(self, row: int, text: str) -> None:
        """Search the target with the person's own words; `handSearched` brings the answer."""
        source = self.rows[row].entry.source
        task = partial(
            search_by_hand,
            self.context.services[self.target],
            self.context.matcher,
            source,
            text,
            self.context.store.rejected_ids(source, self.target),
            row,
        )
        # A Stop of the sync is not meant for the person's own search: only closing ends it.
        self._run_task(task, self._on_hand_searched, cancel=self._closing)

    @Slot(object)
    def _on_hand_searched(self, answer: tuple[int, tuple[Candidate, ...] | str]) -> None:
        self.handSearched.emit(*answer)

    # -- settings ---------------------------------------------------------------------------

    def update_settings(self, settings: Settings) -> None:
        """New settings for the rest of the run; never ends it.

        Workers apply to the next jobs. New thresholds decide again every row the person
        has not decided (automatic and remembered decisions alike), from the candidates the
        row was decided among (`candidates`); the person's own decisions stay.
        """
        matcher = Matcher(settings.match)
        self.context = replace(self.context, matcher=matcher, workers=settings.workers)
        self._pool.setMaxThreadCount(max(1, settings.workers))
        redecidable = (TrackStatus.MATCHED, TrackStatus.REVIEW, TrackStatus.NOT_FOUND)
        automatic = [
            number
            for number, row in enumerate(self.rows)
            if row.status in redecidable
            and row.result is not None
            and row.result.origin is not MatchOrigin.PERSON
        ]
        offered = self._candidates_of(automatic)
        changed = []
        for number in automatic:
            row, candidates = self.rows[number], offered[number]
            result = row.result
            if result is None or not candidates:
                continue
            source = row.entry.source
            tracks = [c.track for c in candidates]
            again = replace(matcher.decide(source, tracks, result.searches), origin=result.origin)
            if again.decision is result.decision and again.best == result.best:
                continue
            self.context.store.remember(again, self.target)
            self._set_result(number, again)
            changed.append(number)
        if changed:
            self.rowsChanged.emit(changed)

    # -- phase 3: apply ---------------------------------------------------------------------

    def planned_additions(self) -> list[list[str]]:
        """For each plan, the target ids an apply would add now, in source order."""
        return [list(preview.additions) for preview, _ in self.previews()]

    def matches(self, plan_index: int) -> dict[str, str]:
        """Source Track.key -> the target track that stands for it, for one plan's rows
        (see `writing.matches_of`: a pending decision keeps the copy that stood)."""
        rows = [row for row in self.rows if row.plan_index == plan_index]
        snapshot = self.setups[plan_index].snapshot if plan_index < len(self.setups) else None
        store, target = self.context.store, self.target
        return matches_of(rows, snapshot, lambda source: store.rejected_ids(source, target))

    def inputs(self, plan_index: int) -> PairInputs:
        return inputs_of(self.plans[plan_index], self.setups[plan_index], self.matches(plan_index))

    def previews(self) -> list[tuple[MirrorPlan, GuardVerdict]]:
        """What each plan's write would do to its target as read, and what the guard says.

        The write plans again on the target as it is then; this is what the person sees
        before it (the removals by title, the moves, the additions).
        """
        return [preview_of(setup, self.inputs(i)) for i, setup in enumerate(self.setups)]

    def apply(self, allowed: Mapping[int, int] | None = None) -> None:
        """Write every plan in its pair's mode; `applied` carries the reports.

        `allowed[i]` is how many removals the person accepted for plan i past the guard.
        Another Apply of the same run plans against what the last one wrote.
        """
        self._new_phase()
        writes = [
            PlanWrite(plan, setup, self.inputs(index), (allowed or {}).get(index), preview)
            for index, (plan, setup, (preview, _)) in enumerate(
                zip(self.plans, self.setups, self.previews(), strict=True)
            )
        ]
        writer = PairWriter(
            self.context.services[self.target],
            self.context.policy,
            journal=self.context.store,
            readback_cancel=self._closing,
            listed=self._target_listed,
            creation=self.context.creation,
            sleep=self.context.sleep,
            clock=self.context.clock,
        )
        total = sum(total_writes(write.preview) for write in writes)
        task = partial(
            write_plans,
            writes,
            writer,
            self.context.pairs,
            self.cancel,
            partial(_emit_pair, self._apply_progress.done),
        )
        # One writer at a time on the data folder: this write waits (on its worker) for
        # another process's sync, or the window's, to finish; a Stop ends the wait.
        locked = holding(self.context.writer_lock, task, self.cancel, self._apply_waiting.done.emit)
        self._set_state(RunState.APPLYING)
        if total:
            self.applyProgress.emit(0, total)  # every write counted, from the first
        self._run_task(locked, self._on_applied, stats=self.figures.io_stats)

    @Slot(object)
    def _on_apply_progress(self, pair: tuple[int, int]) -> None:
        self.applyProgress.emit(*pair)

    @Slot(object)
    def _on_applied(self, written: list[Written]) -> None:
        if self.state is not RunState.APPLYING:
            return
        reports = [each.report for each in written]
        self.reports = reports
        # A refusal of the whole run during the write (the sign-in ended, a quota, a dialog
        # to answer): the later playlists were held back; the window and the command line
        # say it once, by its kind.
        refusal = next((r.refusal for r in reports if r.refusal is not None), None)
        if refusal is not None:
            self.refusal = refusal
            self.needs_login = isinstance(refusal, AuthExpired)
        self._applies += 1
        self._added += sum(report.added for report in reports)
        # What this write created and wrote is where the next Apply of the run starts.
        for index, each in enumerate(written):
            created = each.plan.target if each.report.created else None
            if created is not None and self._target_listed is not None:
                self._target_listed.append(created)
            self.plans[index] = each.plan
            self.setups[index] = each.setup
        for report in reports:
            log.info(
                "applied to %s: %d planned, %d added, %d failed, %d held back%s",
                report.name, len(report.planned), report.added, len(report.failed),
                len(report.held),
                " (stopped)" if report.cancelled else "",
            )  # fmt: skip
        landed = [set(report.landed) for report in reports]
        for row in self.rows:
            if row.plan_index >= len(reports):
                continue  # stopped before this playlist was written
            report = reports[row.plan_index]
            if report.gone and row.status in (TrackStatus.PRESENT, TrackStatus.MATCHED):
                # it went with the playlist, or had nowhere to go
                row.status = TrackStatus.FAILED
                row.reason = report.warning
            best = row.result.best if row.result else None
            if row.status is not TrackStatus.MATCHED or best is None:
                continue
            if best.track.id in landed[row.plan_index]:
                row.status = TrackStatus.ADDED
            elif best.track.id in report.failed:
                row.status = TrackStatus.FAILED
                row.reason = report.failed[best.track.id]
        self._set_state(RunState.APPLIED)
        self.applied.emit(reports)

    # -- stopping and closing ---------------------------------------------------------------

    def stop(self) -> None:
        """End the current phase: within a moment, nothing more is searched or written."""
        self.cancel.cancel()
        self._pool.clear()
        if self.state is RunState.PLANNING:
            self._set_state(RunState.STOPPED, "Stopped before searching.")
        elif self.state in (RunState.SEARCHING, RunState.PAUSED):
            self._finish_search(stopped=True)
        # APPLYING: the writer stops between batches and reports what it did (`applied`).

    def close(self) -> None:
        """Stop everything, the read-back after a write included; never waits."""
        self.stop()
        self._closing.cancel()
        self._pool.clear()
        if self.state is not RunState.CLOSED:
            self._set_state(RunState.CLOSED)

    def active_workers(self) -> int:
        """Pool threads still running a job (a search in flight, a read, a write)."""
        return self._pool.activeThreadCount()

    def dispose(self) -> None:
        """Close, tell nobody anything more, and delete this object once its workers left.

        For a run being replaced while its last requests may still be in flight: their
        answers still reach this object (their signal holders are its children), so it
        lives until they have, without anyone waiting for them.
        """
        self.close()
        self.blockSignals(True)
        delete_when_idle(self, self._pool)

    def drain(self, timeout_ms: int) -> bool:
        """Wait up to `timeout_ms` for the workers to leave: only once the event loop has
        returned (at exit), where waiting freezes nothing. True when they all left."""
        return bool(self._pool.waitForDone(timeout_ms))

    # -- helpers ----------------------------------------------------------------------------

    def _run_task(
        self,
        task: Callable[[], Any],
        on_done: Callable[[Any], None],
        *,
        cancel: CancelToken | None = None,
        stats: RequestStats | None = None,
    ) -> None:
        """Run `task` on the pool; `on_done` (a slot of this object) gets its result.

        Neither `task` nor `on_done` may hold this object in a closure: the job is deleted on
        its worker thread and the holder when its answer has come, and neither must be the
        last owner of this object (a QObject deleted there, or from inside its own child).
        """
        signals = TaskSignals(self)
        signals.done.connect(on_done)
        signals.failure.connect(self._on_task_failure)
        signals.failed.connect(self._on_task_failed)
        signals.blocked.connect(self._on_task_blocked)
        for signal in (signals.done, signals.failed, signals.blocked):
            signal.connect(signals.deleteLater)
        job_cancel = cancel or self.cancel
        stats = stats or self.figures.io_stats
        self._pool.start(TaskJob(task, signals, job_cancel, stats, self.context.data_dir))

    @Slot(object)
    def _on_task_failure(self, failure: Failure) -> None:
        self.failure = failure

    @Slot(str)
    def _on_task_failed(self, message: str) -> None:
        stopped = message == STOPPED
        if self.state is RunState.PLANNING:
            self._set_state(
                RunState.STOPPED if stopped else RunState.FAILED,
                "Stopped before searching." if stopped else message,
            )
        elif self.state is RunState.APPLYING:
            self._set_state(RunState.READY, message)
        if not stopped:
            self.failed.emit(message)

    @Slot(object)
    def _on_task_blocked(self, error: RunBlocked) -> None:
        """Reading or writing ran into a refusal that no retry cures: say so, in words."""
        self.needs_login = isinstance(error, AuthExpired)  # a scheduled run waits for it
        self.refusal = error
        self._on_task_failed(str(error))


def _emit_pair(signal: SignalInstance, done: int, total: int) -> None:
    signal.emit((done, total))  # one object: the holder's signal carries one


def search_by_hand(
    service: MusicService,
    matcher: Matcher,
    source: Track,
    words: str,
    rejected: frozenset[str],
    row: int,
) -> tuple[int, tuple[Candidate, ...] | str]:
    """The person's own words on the target (on a worker thread): candidates, or why not.

    The words only say where to look: each candidate is scored against the source track,
    as the matcher's own search scores it, so that a candidate has one score however it
    was found.
    """
    found: list[Track] = []
    try:
        for query in service.search_queries(replace(source, title=words, artists=())):
            found.extend(service.search(query))
    except ServiceError as error:
        return row, str(error)
    kept = [t for t in found if t.id not in rejected]
    return row, tuple(matcher.rank(source, kept))


@dataclass(frozen=True)
class PlannedRun:
    """What the planning job hands the session: each playlist's plan and pair, and, made on
    the worker too, the rows they start as and the rows to search first.

    A run of thousands of tracks made its rows and sorted its searches on the window's thread
    as the search started, the workers already competing for the interpreter: a tenth of a
    second in which the window did not answer.
    """

    plans: list[SyncPlan]
    setups: list[PairSetup]
    rows: list[Row]
    wider_first: frozenset[int]  # rows likely to need a second, wider search


def _planned_run(
    make: Callable[[], list[tuple[SyncPlan, PairSetup]]], matcher: Matcher
) -> PlannedRun:
    """Plan (`make`, on a worker), then the rows of the run and the rows to search first."""
    planned = make()
    plans = [plan for plan, _ in planned]
    setups = [setup for _, setup in planned]
    rows = [row_for(index, entry) for index, plan in enumerate(plans) for entry in plan.entries]
    for row in rows:  # a pair whose playlist is gone syncs nothing until it is back
        paused = setups[row.plan_index].paused
        if paused and row.status is not TrackStatus.UNSYNCABLE:
            row.status = TrackStatus.FAILED
            row.reason = paused
    wider = matcher.likely_to_search_wider
    wider_first = frozenset(index for index, row in enumerate(rows) if wider(row.entry.source))
    return PlannedRun(plans, setups, rows, wider_first)
