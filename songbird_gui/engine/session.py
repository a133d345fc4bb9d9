"""One sync run, from reading the playlists to writing the targets: `SyncSession`.

The session lives on the thread that created it (the GUI thread in the window, the main
thread in the CLI) and keeps the authoritative list of rows, one per source entry. Its three
phases each run on its own `QThreadPool`, and each reports back through queued signals:

    plan()   read source and target, plan every playlist       -> planned
    search() one MatchJob per entry to search, throttled       -> track*, progress, searchFinished
    apply()  write each plan's accepted matches to its target  -> applyProgress, applied

`stop()` cancels within a moment: queued jobs are dropped from the pool, jobs waiting for a
token wake and quit, and `searchFinished(True)` is emitted at once. Searches in flight finish
their one request and report nothing. `shutdown()` then drains the pool; the owner calls it
before the session (and the receivers of its signals) go away.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from songbird_gui.core.apply import ApplyReport, PlanWriter
from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.planner import additions, find_target_playlist, plan_sync
from songbird_gui.core.ratelimit import TokenBucket
from songbird_gui.core.retry import RequestStats, RetryPolicy
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.service import MusicService
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import (
    Candidate,
    Decision,
    EntryState,
    MatchOrigin,
    MatchResult,
    PlanEntry,
    Playlist,
    ServiceId,
    SyncPlan,
    Track,
    TrackStatus,
)
from songbird_gui.engine.jobs import MatchJob, MatchSignals, SearchContext, TaskJob, TaskSignals

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncContext:
    """The long-lived parts a session works with, built once by the composition root."""

    services: dict[ServiceId, MusicService]
    buckets: dict[ServiceId, TokenBucket]
    store: MatchStore
    matcher: Matcher
    policy: RetryPolicy
    workers: int


@dataclass
class Row:
    """One source entry as the person sees it; changed only on the session's thread."""

    plan_index: int
    entry: PlanEntry
    status: TrackStatus
    result: MatchResult | None = None
    reason: str = ""
    waiting_until: float = 0.0


_STATUS_OF_DECISION = {
    Decision.ACCEPT: TrackStatus.MATCHED,
    Decision.REVIEW: TrackStatus.REVIEW,
    Decision.NOT_FOUND: TrackStatus.NOT_FOUND,
    Decision.SKIPPED: TrackStatus.SKIPPED,
}


@dataclass
class SessionFigures:
    """Counts for the summary line, the status bar and the benchmarks."""

    search_stats: RequestStats = field(default_factory=RequestStats)
    io_stats: RequestStats = field(default_factory=RequestStats)
    started_at: float = field(default_factory=time.monotonic)
    search_started_at: float = 0.0
    search_ended_at: float = 0.0


class SyncSession(QObject):
    """Signals:
    planned(): `rows` and `plans` are ready.
    trackStarted(int row), trackWaiting(int row, float until), trackMatched(int row, object
    MatchResult), trackFailed(int row, str reason): one search's progress.
    progress(int done, int total): searches finished so far.
    searchFinished(bool stopped): every search ended, or Stop was pressed.
    applyProgress(int done, int total): tracks written so far, over all plans.
    applied(object list[ApplyReport]): the writes ended (or were stopped).
    failed(str): a phase could not run (network down, playlist gone); a sentence to show.
    handSearched(int row, object candidates): the answer to `search_by_hand`.
    sessionExpired(str message): the target service's session ended; the search paused, every
    unsearched track is queued again, and `resume()` (after reconnecting) goes on from there.
    """

    planned = Signal()
    trackStarted = Signal(int)
    trackWaiting = Signal(int, float)
    trackMatched = Signal(int, object)
    trackFailed = Signal(int, str)
    progress = Signal(int, int)
    searchFinished = Signal(bool)
    applyProgress = Signal(int, int)
    applied = Signal(object)
    failed = Signal(str)
    handSearched = Signal(int, object)  # row, tuple[Candidate, ...] found by the person's words
    sessionExpired = Signal(str)  # the target's login ended mid-run; the search is paused

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
        self.rows: list[Row] = []
        self.plans: list[SyncPlan] = []
        self.reports: list[ApplyReport] = []
        self.figures = SessionFigures()
        self.cancel = CancelToken()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max(1, context.workers))
        self._match_signals = MatchSignals(self)
        self._match_signals.started.connect(self._on_started)
        self._match_signals.waiting.connect(self._on_waiting)
        self._match_signals.matched.connect(self._on_matched)
        self._match_signals.failed.connect(self._on_failed)
        self._match_signals.expired.connect(self._on_expired)
        self._searching = False
        self._paused = False  # the session expired: answers still in flight are kept
        self._active: set[int] = set()  # rows of the current search still to answer
        self._search_done = 0
        self._search_total = 0

    # -- phase 1: plan ----------------------------------------------------------------------

    def plan(self, playlists: Sequence[Playlist]) -> None:
        """Read the chosen source playlists and the target, and plan each sync."""
        chosen = list(playlists)
        self._run_task(lambda: self._make_plans(chosen), self._on_planned)

    def _call(self, service: ServiceId, request: Callable[[], T]) -> T:
        return self.context.policy.call(
            request, self.context.buckets[service], self.cancel, self.figures.io_stats
        )

    def _make_plans(self, playlists: list[Playlist]) -> list[SyncPlan]:
        source = self.context.services[self.source]
        target = self.context.services[self.target]
        target_playlists = self._call(self.target, target.list_playlists)
        plans = []
        for playlist in playlists:
            tracks = self._call(self.source, lambda p=playlist: source.playlist_tracks(p))
            existing = find_target_playlist(playlist, target_playlists)
            held = (
                self._call(self.target, lambda e=existing: target.playlist_tracks(e))
                if existing
                else []
            )
            plans.append(
                plan_sync(
                    playlist,
                    tracks,
                    self.target,
                    existing,
                    held,
                    self.context.store,
                    self.context.matcher,
                )
            )
        return plans

    @Slot(object)
    def _on_planned(self, plans: list[SyncPlan]) -> None:
        self.plans = plans
        log.info(
            "planned %d playlist(s) %s -> %s: %d entries, %d to search",
            len(plans), self.source, self.target,
            sum(len(p.entries) for p in plans), sum(len(p.to_search) for p in plans),
        )  # fmt: skip
        self.rows = [
            _row_for(index, entry) for index, plan in enumerate(plans) for entry in plan.entries
        ]
        self.planned.emit()

    # -- phase 2: search --------------------------------------------------------------------

    def _new_phase(self) -> None:
        """A Stop ends the phase it was pressed in, not the ones the person starts after it."""
        if self.cancel.cancelled:
            self.cancel = CancelToken()

    def search(self) -> None:
        """Search the target for every queued row; `searchFinished` tells when it ended."""
        self._new_phase()
        context = SearchContext(
            service=self.context.services[self.target],
            matcher=self.context.matcher,
            policy=self.context.policy,
            bucket=self.context.buckets[self.target],
            cancel=self.cancel,
            stats=self.figures.search_stats,
            store=self.context.store,
        )
        queued = [i for i, row in enumerate(self.rows) if row.status is TrackStatus.QUEUED]
        self._active = set(queued)
        self._search_total = len(queued)
        self._search_done = 0
        self._searching = True
        self.figures.search_started_at = time.monotonic()
        self.progress.emit(0, self._search_total)
        if not queued:
            self._finish_search(stopped=False)
            return
        for row in queued:
            job = MatchJob(row, self.rows[row].entry.source, context, self._match_signals)
            self._pool.start(job)

    @Slot(int)
    def _on_started(self, row: int) -> None:
        if self._searching:
            self.rows[row].status = TrackStatus.SEARCHING
            self.trackStarted.emit(row)

    @Slot(int, float)
    def _on_waiting(self, row: int, until: float) -> None:
        if self._searching:
            self.rows[row].status = TrackStatus.WAITING
            self.rows[row].waiting_until = until
            self.trackWaiting.emit(row, until)

    @Slot(int, object)
    def _on_matched(self, row: int, result: MatchResult) -> None:
        if not (self._searching or self._paused):
            return
        self.rows[row].result = result
        self.rows[row].status = _STATUS_OF_DECISION[result.decision]
        self.trackMatched.emit(row, result)
        self._count_search(row)

    @Slot(int, str)
    def _on_expired(self, row: int, message: str) -> None:
        """Pause: stop scheduling, keep what was found, queue the rest again."""
        if not self._searching:
            return
        log.warning("session expired on %s: %s", self.target, message)
        self._paused = True
        self.cancel.cancel()
        self._pool.clear()
        self._searching = False
        for candidate in self.rows:
            if candidate.status in (TrackStatus.SEARCHING, TrackStatus.WAITING):
                candidate.status = TrackStatus.QUEUED
        self.rows[row].status = TrackStatus.QUEUED
        self.sessionExpired.emit(message)

    @property
    def paused(self) -> bool:
        return self._paused

    def resume(self, context: SyncContext | None = None) -> None:
        """Go on after reconnecting (with the new services, if given): queued rows only.

        A search that was in flight at the pause and succeeded is in the store already; it
        is taken from there, so no track is searched twice.
        """
        self._pool.waitForDone()
        self._paused = False
        if context is not None:
            # The services' rate limits count requests, not logins: the new login goes on
            # with the buckets the old one drew from, or a fresh bucket's burst would come
            # straight after the last second's requests.
            self.context = replace(context, buckets=self.context.buckets)
        for row in self.rows:
            if row.status is TrackStatus.QUEUED:
                remembered = self.context.store.recall(row.entry.source, self.target)
                if remembered is not None:
                    row.result = remembered
                    row.status = _STATUS_OF_DECISION[remembered.decision]
        self.search()

    @Slot(int, str)
    def _on_failed(self, row: int, reason: str) -> None:
        if self._paused:
            self.rows[row].status = TrackStatus.QUEUED  # failed for the expired login: again
            return
        if not self._searching:
            return
        log.warning("search failed for %s: %s", self.rows[row].entry.source.key, reason)
        self.rows[row].status = TrackStatus.FAILED
        self.rows[row].reason = reason
        self.trackFailed.emit(row, reason)
        self._count_search(row)

    def _count_search(self, row: int) -> None:
        if not self._searching or row not in self._active:
            return  # an answer from before a pause: shown, but not this search's to count
        self._active.discard(row)
        self._search_done += 1
        self.progress.emit(self._search_done, self._search_total)
        if self._search_done >= self._search_total:
            self._finish_search(stopped=False)

    def _finish_search(self, stopped: bool) -> None:
        if not self._searching:
            return
        self._searching = False
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
                if row.status in (TrackStatus.QUEUED, TrackStatus.SEARCHING, TrackStatus.WAITING):
                    row.status = TrackStatus.SKIPPED
                    row.reason = "stopped before it was searched"
        self.searchFinished.emit(stopped)

    # -- the person's decisions -------------------------------------------------------------

    def choose(self, row: int, candidate: Candidate) -> None:
        """The person picked `candidate` for `row`: remembered, and added on apply."""
        current = self.rows[row]
        candidates = current.result.candidates if current.result else (candidate,)
        result = MatchResult(
            current.entry.source, Decision.ACCEPT, candidate, candidates, 0, MatchOrigin.PERSON
        )
        self.context.store.remember(result, self.target, by_person=True)
        current.result = result
        current.status = TrackStatus.MATCHED
        current.reason = ""

    def reject(self, row: int, candidate: Candidate) -> None:
        """Never propose `candidate` for `row` again; the next best takes its place."""
        current = self.rows[row]
        self.context.store.reject(current.entry.source, candidate.track)
        if current.result is None:
            return
        remaining = tuple(c for c in current.result.candidates if c.track.id != candidate.track.id)
        best = current.result.best
        if best is not None and best.track.id == candidate.track.id:
            best = remaining[0] if remaining else None
        decision = Decision.REVIEW if best else Decision.NOT_FOUND
        current.result = MatchResult(
            current.entry.source, decision, best, remaining, 0, MatchOrigin.PERSON
        )
        current.status = _STATUS_OF_DECISION[decision]

    def search_by_hand(self, row: int, text: str) -> None:
        """Search the target with the person's own words; `handSearched` brings the answer."""
        source = self.rows[row].entry.source
        service = self.context.services[self.target]
        rejected = self.context.store.rejected_ids(source, self.target)

        def search() -> tuple[Candidate, ...]:
            found: list[Track] = []
            for query in service.search_queries(replace(source, title=text, artists=())):
                found.extend(self._call(self.target, lambda q=query: service.search(q)))
            kept = [t for t in found if t.id not in rejected]
            return tuple(self.context.matcher.rank(source, kept))

        self._run_task(search, lambda candidates: self.handSearched.emit(row, candidates))

    def skip(self, row: int) -> None:
        current = self.rows[row]
        candidates = current.result.candidates if current.result else ()
        result = MatchResult(
            current.entry.source, Decision.SKIPPED, None, candidates, 0, MatchOrigin.PERSON
        )
        self.context.store.remember(result, self.target, by_person=True)
        current.result = result
        current.status = TrackStatus.SKIPPED

    # -- phase 3: apply ---------------------------------------------------------------------

    def planned_additions(self) -> list[list[str]]:
        """For each plan, the target ids an apply would add now, in source order."""
        results: list[dict[int, MatchResult]] = [{} for _ in self.plans]
        for row in self.rows:
            if row.result is not None:
                results[row.plan_index][row.entry.position] = row.result
        return [additions(plan, results[i]) for i, plan in enumerate(self.plans)]

    def apply(self) -> None:
        """Write every plan's accepted matches; `applied` carries the reports."""
        self._new_phase()
        todo = list(zip(self.plans, self.planned_additions(), strict=True))
        total = sum(len(ids) for _, ids in todo)
        writer = PlanWriter(
            self.context.services[self.target],
            self.context.policy,
            self.context.buckets[self.target],
            self.cancel,
            self.figures.io_stats,
            journal=self.context.store,
        )

        progress_signals = TaskSignals(self)
        progress_signals.done.connect(lambda pair: self.applyProgress.emit(*pair))

        def write_all() -> list[ApplyReport]:
            reports: list[ApplyReport] = []
            written = 0
            for plan, ids in todo:
                if self.cancel.cancelled:
                    break

                def progress(done: int, _total: int, base: int = written) -> None:
                    progress_signals.done.emit((base + done, total))

                reports.append(writer.write(plan.target, plan.target_name, ids, progress))
                written += len(ids)
            return reports

        self._run_task(write_all, self._on_applied)

    @Slot(object)
    def _on_applied(self, reports: list[ApplyReport]) -> None:
        self.reports = reports
        for report in reports:
            name = report.name
            log.info(
                "applied to %s: %d planned, %d added, %d failed%s",
                name, len(report.planned), report.added, len(report.failed),
                " (stopped)" if report.cancelled else "",
            )  # fmt: skip
        landed = [set(report.landed) for report in reports]
        for row in self.rows:
            if row.plan_index >= len(reports):
                continue  # stopped before this playlist was written
            report = reports[row.plan_index]
            if report.gone and row.status is TrackStatus.PRESENT:  # it went with the playlist
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
        self.applied.emit(reports)

    # -- stopping ---------------------------------------------------------------------------

    def stop(self) -> None:
        """Cancel whatever runs: within a moment, nothing more is searched or written."""
        self.cancel.cancel()
        self._pool.clear()
        self._finish_search(stopped=True)

    def active_workers(self) -> int:
        """Pool threads still running a job (a search in flight, a read, a write)."""
        return self._pool.activeThreadCount()

    def shutdown(self) -> None:
        """Stop and wait for the pool's threads to end; call before the receivers die."""
        self.stop()
        self._pool.waitForDone()

    # -- helpers ----------------------------------------------------------------------------

    def _run_task(self, task: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        signals = TaskSignals(self)
        signals.done.connect(on_done)
        signals.failed.connect(self.failed)
        signals.done.connect(signals.deleteLater)
        signals.failed.connect(signals.deleteLater)
        self._pool.start(TaskJob(task, signals))


def _row_for(plan_index: int, entry: PlanEntry) -> Row:
    if entry.state is EntryState.SEARCH:
        return Row(plan_index, entry, TrackStatus.QUEUED)
    if entry.state is EntryState.PRESENT:
        return Row(plan_index, entry, TrackStatus.PRESENT, entry.result)
    if entry.state is EntryState.UNSYNCABLE:
        return Row(plan_index, entry, TrackStatus.UNSYNCABLE, reason=entry.reason)
    if entry.state is EntryState.DUPLICATE:
        return Row(plan_index, entry, TrackStatus.SKIPPED, reason=entry.reason)
    if entry.state is EntryState.FAILED:
        return Row(plan_index, entry, TrackStatus.FAILED, reason=entry.reason)
    result = entry.result
    status = _STATUS_OF_DECISION[result.decision] if result else TrackStatus.QUEUED
    return Row(plan_index, entry, status, result)
