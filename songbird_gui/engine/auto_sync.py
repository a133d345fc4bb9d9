"""A scheduled sync, with nobody watching: `AutoSync` runs the due pairs on the same engine.

The same engine and throttles as a sync the person starts: per direction, one `SyncSession`
over the due pairs of that direction, planned, searched and written in each pair's mode. Nobody
is there to decide, so it writes only what the matcher accepted on its own (at or above the
accept threshold) and what the person decided before; tracks that need review wait for the
person, remembered, and the run's sessions are kept so that the window can show them. A mirror
that would remove too many is stopped by the guard and writes nothing. Each write waits for the
data folder's writer lock (engine/writer_lock.py), so a sync from cron delays it, never mixes
with it.

A login that expires during the run pauses it and says so once (`loginNeeded`); after
reconnecting, `resume(services)` goes on: a paused search from where it stopped (no track is
searched twice), a read or a write that was refused, anew. A run that cannot reach the services
at all (offline) ends at once with `AutoRun.offline` set and its pairs still due.

A quota refusal says when the quota may be used again (Spotify's Retry-After can be half a
day): no scheduled run starts before then (`run` declines, `resume_at` says until when),
rather than one every 15 minutes that would only be refused again and spend the next window.
Every pair has Spotify on one side, so one refusal holds every pair back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import partial

from PySide6.QtCore import QObject, Signal, Slot

from songbird_gui.core.apply import ApplyReport
from songbird_gui.core.errors import (
    AuthExpired,
    QuotaExceeded,
    RunBlocked,
    ServiceError,
    TransientError,
)
from songbird_gui.core.pairs import SyncPair
from songbird_gui.core.schedule import DuePair
from songbird_gui.core.service import MusicService
from songbird_gui.core.throttle import gather
from songbird_gui.core.types import Playlist, ServiceId, TrackStatus
from songbird_gui.engine.context import SyncContext
from songbird_gui.engine.session import SyncSession
from songbird_gui.engine.summary import plural
from songbird_gui.engine.tasks import BackgroundTasks

log = logging.getLogger(__name__)

READ_LISTS = "read-playlists"


@dataclass(frozen=True, slots=True)
class PairOutcome:
    """What a scheduled sync did to one pair, in numbers and in words (`words`)."""

    pair: SyncPair
    late: bool = False  # it was missed (asleep, offline, not running) and caught up now
    added: int = 0
    removed: int = 0
    review: int = 0  # tracks left for the person to decide
    failed: int = 0  # tracks whose write failed
    held_back: int = 0  # tracks not sent: the service held the write back (`ApplyReport.held`)
    stopped: str = ""  # why the guard stopped it: nothing was written
    problem: str = ""  # why the pair could not sync at all

    @property
    def name(self) -> str:
        return self.pair.source_name

    @property
    def news(self) -> bool:
        """Something the person would want to hear of."""
        return bool(
            self.added or self.removed or self.review or self.failed or self.held_back
        ) or bool(self.stopped or self.problem)

    def words(self) -> str:
        """ "Road Trip: 12 added, 3 need review"; "Road Trip: up to date"."""
        if self.problem:
            return f"{self.name}: {self.problem}"
        if self.stopped:
            return f"{self.name}: nothing written, {self.stopped}"
        parts = [
            plural(self.added, "added", "added"),
            plural(self.removed, "removed", "removed"),
            plural(self.review, "needs review", "need review"),
            plural(self.failed, "failed", "failed"),
            plural(self.held_back, "held back", "held back"),
        ]
        said = [p for p in parts if not p.startswith("0 ")]
        return f"{self.name}: {', '.join(said) if said else 'up to date'}"


@dataclass(frozen=True)
class AutoRun:
    """A finished scheduled sync: each pair's outcome, and the runs (for the window)."""

    outcomes: tuple[PairOutcome, ...] = ()
    sessions: tuple[SyncSession, ...] = ()
    offline: str = ""  # the services could not be reached: nothing ran (why, in words)
    # A quota refused the run: no scheduled run before then (wall-clock seconds).
    resume_at: float | None = None

    def session_to_review(self) -> SyncSession | None:
        """The run whose rows need the person most (the most tracks in review)."""
        best, most = None, 0
        for session in self.sessions:
            count = sum(1 for row in session.rows if row.status is TrackStatus.REVIEW)
            if count > most:
                best, most = session, count
        return best


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """The playlists could not be read: why, and whether a login or the network is to blame."""

    message: str
    login: bool = False
    offline: bool = False
    resume_at: float | None = None  # a quota refused the reading: not before then


def read_playlists(
    services: dict[ServiceId, MusicService],
) -> dict[ServiceId, list[Playlist]] | ReadProblem:
    """Both services' playlists (on a worker thread), or what stopped the reading."""
    try:
        lists = gather([service.list_playlists for service in services.values()])
    except AuthExpired as error:
        return ReadProblem(str(error), login=True)
    except QuotaExceeded as error:
        return ReadProblem(str(error), resume_at=error.retry_at)
    except TransientError as error:  # retried to the end: the network or the service is down
        return ReadProblem(str(error), offline=True)
    except ServiceError as error:
        return ReadProblem(str(error))
    return dict(zip(services, lists, strict=True))


@dataclass
class _Leg:
    """One direction of a run: its due pairs with their source playlists, the target's list."""

    source: ServiceId
    target: ServiceId
    due: list[tuple[DuePair, Playlist]] = field(default_factory=list)
    target_list: list[Playlist] = field(default_factory=list)


class AutoState(Enum):
    IDLE = "idle"
    RUNNING = "running"
    WAITING_FOR_LOGIN = "waiting for a login"


class _Resume(Enum):
    """What `resume` does after a login: read again, go on searching, or run the leg anew."""

    READ = "read"
    SEARCH = "search"
    LEG = "leg"


class AutoSync(QObject):
    """Runs scheduled pairs, one run at a time.

    Signals:
    started(object list[SyncPair]): a run began on these pairs.
    finished(object AutoRun): the run ended.
    loginNeeded(str): a service wants a new login; the run waits for `resume` (said once).
    """

    started = Signal(object)
    finished = Signal(object)
    loginNeeded = Signal(str)

    def __init__(
        self, parent: QObject | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(parent)
        self._clock = clock  # wall clock, as a quota's resume time is
        self._resume_at: float | None = None  # no run before then (a quota refusal)
        self.state = AutoState.IDLE
        self._tasks = BackgroundTasks(self)
        self._tasks.done.connect(self._on_read)
        self._tasks.failed.connect(self._on_read_failed)
        self._context: SyncContext | None = None
        self._due: list[DuePair] = []
        self._legs: list[_Leg] = []
        self._session: SyncSession | None = None
        self._outcomes: list[PairOutcome] = []
        self._sessions: list[SyncSession] = []
        self._kept: list[SyncSession] = []  # the last run's, for the window to show
        self._resume = _Resume.READ
        self._login_said = False
        self._leg_problem = ""

    @property
    def busy(self) -> bool:
        return self.state is not AutoState.IDLE

    @property
    def waiting_for_login(self) -> bool:
        return self.state is AutoState.WAITING_FOR_LOGIN

    @property
    def resume_at(self) -> float | None:
        """Until when a quota refusal holds every scheduled run back (None: it does not)."""
        if self._resume_at is not None and self._clock() >= self._resume_at:
            self._resume_at = None
        return self._resume_at

    def run(self, context: SyncContext, due: Sequence[DuePair]) -> bool:
        """Sync `due` now; False (and nothing done) while a run is going already, or until
        the time a quota refusal said (`resume_at`)."""
        if self.busy or not due:
            return False
        if self.resume_at is not None:
            log.info("scheduled sync waits for the quota to renew (until %.0f)", self._resume_at)
            return False
        for old in self._kept:
            if old.parent() is self:  # not taken over by the window
                old.dispose()
        self._kept = []
        self._context = context
        self._due = list(due)
        self._legs, self._outcomes, self._sessions = [], [], []
        self._login_said = False
        self.state = AutoState.RUNNING
        log.info("scheduled sync of %s", ", ".join(d.pair.describe() for d in self._due))
        self.started.emit([d.pair for d in self._due])
        self._read()
        return True

    def resume(self, services: dict[ServiceId, MusicService]) -> None:
        """After reconnecting: go on with `services` where the login stopped the run."""
        if self.state is not AutoState.WAITING_FOR_LOGIN or self._context is None:
            return
        self._context = replace(self._context, services=services)
        self.state = AutoState.RUNNING
        log.info("scheduled sync resumes after a new login (%s)", self._resume.value)
        if self._resume is _Resume.READ:
            self._read()
        elif self._resume is _Resume.SEARCH and self._session is not None:
            self._session.resume(services)
        else:
            self._drop_session()
            self._next_leg()

    def close(self) -> None:
        """Stop at once (the app is quitting); never waits."""
        self._tasks.cancel_all()
        self.abandon()

    def abandon(self) -> None:
        """End the scheduled run under way and be ready for the next one (a run an error broke:
        its pairs are due again at the scheduler's next look). Unlike `close`, the reads of
        later runs still work: their tasks' token is not cancelled."""
        if self._session is not None:
            self._session.close()
        for session in self._kept:
            if session.parent() is self:
                session.close()
        self.state = AutoState.IDLE

    def drain(self, timeout_ms: int) -> None:
        """Once the event loop has returned: let the last requests end (bounded)."""
        self._tasks.drain(timeout_ms)
        for session in [*self._sessions, *self._kept]:
            if session.parent() is self:
                session.drain(timeout_ms)

    # -- reading the playlists ------------------------------------------------------------------

    def _read(self) -> None:
        assert self._context is not None
        self._tasks.run(READ_LISTS, partial(read_playlists, self._context.services))

    @Slot(object, object)
    def _on_read(self, _tag: object, result: object) -> None:
        if self.state is not AutoState.RUNNING or self._context is None:
            return
        if isinstance(result, ReadProblem):
            self._note_resume_at(result.resume_at)
            if result.login:
                self._wait_for_login(result.message, _Resume.READ)
            elif result.offline:
                self._finish(offline=result.message)
            else:
                self._outcomes = [
                    PairOutcome(d.pair, d.late, problem=result.message) for d in self._due
                ]
                self._finish()
            return
        lists: dict[ServiceId, list[Playlist]] = result  # type: ignore[assignment]
        pairs = self._context.pairs
        legs: dict[tuple[ServiceId, ServiceId], _Leg] = {}
        for due in self._due:
            pair = due.pair
            playlist = next((p for p in lists[pair.source] if p.id == pair.source_id), None)
            if playlist is None:
                # Gone from the source: nothing is synced, and nothing re-created.
                reason = f"“{pair.source_name}” is no longer on {pair.source.display_name}"
                pairs.pause(pair.pair_id, reason)
                self._outcomes.append(PairOutcome(pair, due.late, problem=f"paused: {reason}"))
                continue
            direction = (pair.source, pair.target)
            leg = legs.setdefault(direction, _Leg(*direction, target_list=lists[pair.target]))
            leg.due.append((due, playlist))
        self._legs = list(legs.values())
        self._next_leg()

    @Slot(object, str)
    def _on_read_failed(self, _tag: object, message: str) -> None:
        if self.state is AutoState.RUNNING:  # not closed meanwhile
            self._outcomes = [PairOutcome(d.pair, d.late, problem=message) for d in self._due]
            self._finish()

    # -- one direction at a time ----------------------------------------------------------------

    def _next_leg(self) -> None:
        if not self._legs:
            self._finish()
            return
        assert self._context is not None
        leg = self._legs[0]
        session = SyncSession(self._context, leg.source, leg.target, self)
        self._session = session
        self._leg_problem = ""
        self._watch(session, True)
        session.plan([playlist for _, playlist in leg.due], leg.target_list)

    def _watch(self, session: SyncSession, on: bool) -> None:
        links: list[tuple[object, Callable[..., None]]] = [
            (session.planned, self._on_planned),
            (session.searchFinished, self._on_search_finished),
            (session.applied, self._on_applied),
            (session.failed, self._on_failed),
            (session.blocked, self._on_blocked),
        ]
        for signal, slot in links:
            if on:
                signal.connect(slot)  # type: ignore[attr-defined]
            else:
                signal.disconnect(slot)  # type: ignore[attr-defined]

    @Slot()
    def _on_planned(self) -> None:
        if self._session is not None:
            self._session.search()

    @Slot(bool)
    def _on_search_finished(self, stopped: bool) -> None:
        session = self._session
        if session is None or self.state is not AutoState.RUNNING:
            return
        if stopped:
            self._end_leg(problem=self._leg_problem or "stopped")
            return
        # No permission past the guard: a mirror that would remove too much writes nothing.
        session.apply(None)

    @Slot(object)
    def _on_applied(self, reports: list[ApplyReport]) -> None:
        if self._session is not None and self.state is AutoState.RUNNING:
            self._note_refusal(self._session.refusal)
            self._end_leg(reports=reports)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        session = self._session
        if session is None or self.state is not AutoState.RUNNING:
            return
        self._note_refusal(session.refusal)
        if session.needs_login:
            self._wait_for_login(message, _Resume.LEG)
            return
        self._end_leg(problem=message)

    @Slot(str, bool)
    def _on_blocked(self, message: str, reconnect: bool) -> None:
        session = self._session
        if session is None:
            return
        if reconnect:
            self._wait_for_login(message, _Resume.SEARCH)
            return
        # A quota or an account problem: no use waiting here; the pairs are tried later
        # (after a quota's resume time, when it said one).
        self._note_refusal(session.refusal)
        self._leg_problem = message
        session.stop()

    def _note_refusal(self, refusal: RunBlocked | None) -> None:
        if isinstance(refusal, QuotaExceeded):
            self._note_resume_at(refusal.retry_at)

    def _note_resume_at(self, resume_at: float | None) -> None:
        if resume_at is not None:
            self._resume_at = max(resume_at, self._resume_at or 0.0)
            log.warning("no scheduled sync before %s (a quota refusal)", time.ctime(resume_at))

    def _wait_for_login(self, message: str, resume: _Resume) -> None:
        self.state = AutoState.WAITING_FOR_LOGIN
        self._resume = resume
        log.warning("scheduled sync waits for a new login: %s", message)
        if not self._login_said:  # one notice a run, however often it is refused
            self._login_said = True
            self.loginNeeded.emit(message)

    def _end_leg(self, reports: Sequence[ApplyReport] | None = None, problem: str = "") -> None:
        session = self._session
        assert session is not None
        leg = self._legs.pop(0)
        self._watch(session, False)
        self._outcomes.extend(leg_outcomes(session, leg.due, reports or [], problem))
        self._sessions.append(session)
        self._session = None
        self._next_leg()

    def _drop_session(self) -> None:
        if self._session is not None:
            self._watch(self._session, False)
            self._session.dispose()
            self._session = None

    def _finish(self, offline: str = "") -> None:
        if offline:
            log.warning("scheduled sync could not reach the services: %s", offline)
        run = AutoRun(tuple(self._outcomes), tuple(self._sessions), offline, self.resume_at)
        self._kept = list(self._sessions)
        self._sessions = []
        self.state = AutoState.IDLE
        self.finished.emit(run)


def leg_outcomes(
    session: SyncSession,
    due: Sequence[tuple[DuePair, Playlist]],
    reports: Sequence[ApplyReport],
    problem: str = "",
) -> list[PairOutcome]:
    """Each due pair's outcome from its plan, its rows and its write's report."""
    by_source = {playlist.id: entry for entry, playlist in due}
    index_of = {plan.source.id: i for i, plan in enumerate(session.plans)}
    outcomes = []
    for source_id, entry in by_source.items():
        index = index_of.get(source_id)
        if index is None:
            outcomes.append(PairOutcome(entry.pair, entry.late, problem=problem or "not read"))
            continue
        review = sum(
            1 for r in session.rows if r.plan_index == index and r.status is TrackStatus.REVIEW
        )
        report = reports[index] if index < len(reports) else None
        paused = session.setups[index].paused if index < len(session.setups) else ""
        if report is None:
            outcomes.append(
                PairOutcome(entry.pair, entry.late, review=review, problem=paused or problem)
            )
            continue
        outcomes.append(
            PairOutcome(
                entry.pair,
                entry.late,
                added=report.added,
                removed=len(report.removed),
                review=review,
                failed=len(report.failed),
                held_back=len(report.held),
                stopped=report.stopped,
                problem=paused or (report.warning if report.gone else ""),
            )
        )
    return outcomes
