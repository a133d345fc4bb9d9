"""The runnables of the thread pool, and the QObjects that carry their signals.

A `QRunnable` is not a `QObject` and is deleted by the pool when `run()` returns, so it cannot
own signals. Each job is handed a holder created on the receiving thread and owned by the
object that receives (the session or the loader): it outlives the job, and since it lives on
the receiver's thread, every emit from a worker is queued to that thread (`MatchReports`
gathers a search's many reports so that one queued signal carries a batch of them). Jobs get
immutable inputs and never touch a widget or a model.

Each job runs inside a request scope (`core.throttle.request_scope`): the requests it sends,
through whatever library, belong to its run's Stop and counters.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import Cancelled, PermanentError, RunBlocked, ServiceError
from songbird_gui.core.failure import failure_of
from songbird_gui.core.matching import SearchProgress, find_match
from songbird_gui.core.retry import RequestStats
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.service import MusicService
from songbird_gui.core.store import MatchStore
from songbird_gui.core.throttle import request_scope
from songbird_gui.core.types import Track

log = logging.getLogger(__name__)


class Report(StrEnum):
    """What a `MatchJob` reports of its row (the session's row number comes with each)."""

    STARTED = "started"
    WAITING = "waiting"  # + the clock time (time.monotonic) the pause ends
    MATCHED = "matched"  # + the MatchResult
    FAILED = "failed"  # + a sentence for the person
    # + (the RunBlocked error, the track's SearchProgress): the service will serve no more of
    # this run (a login that ended, an account it refuses, a quota used up); the search
    # pauses, and the track's next search goes on from its progress.
    BLOCKED = "blocked"
    # + the track's SearchProgress: stopped between two of its queries (a pause, a Stop); a
    # resume goes on from there.
    INTERRUPTED = "interrupted"
    FINISHED = "finished"  # the job has ended, whatever it reported (or not)


class MatchReports(QObject):
    """The reports of every `MatchJob` of one run, handed to the receiving thread in order.

    A fast sync makes several reports a track, hundreds a second. A queued signal each would
    make the window's thread take the interpreter lock from busy workers hundreds of times a
    second, and the window would stutter. So reports wait in a list, and one queued signal,
    `arrived`, wakes the receiver, which `take`s all that wait: one wake-up per batch.
    """

    arrived = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._waiting: list[tuple[Report, tuple[Any, ...]]] = []

    def post(self, report: Report, row: int, *details: Any) -> None:
        with self._lock:
            self._waiting.append((report, (row, *details)))
            first = len(self._waiting) == 1
        if first:  # later ones ride on the wake-up already on its way
            self.arrived.emit()

    def take(self) -> list[tuple[Report, tuple[Any, ...]]]:
        with self._lock:
            taken, self._waiting = self._waiting, []
        return taken


@dataclass(frozen=True, slots=True)
class SearchContext:
    """What every search of one run shares; immutable, so jobs can hold it safely."""

    service: MusicService
    matcher: Matcher
    cancel: CancelToken
    stats: RequestStats
    store: MatchStore


class MatchJob(QRunnable):
    """Searches the target service for one source track and reports the result."""

    def __init__(
        self,
        row: int,
        track: Track,
        context: SearchContext,
        reports: MatchReports,
        progress: SearchProgress | None = None,
    ) -> None:
        super().__init__()
        self.row = row
        self.track = track
        self.context = context
        self.reports = reports
        self.progress = progress or SearchProgress()

    def run(self) -> None:
        try:
            self._search()
        finally:
            self.reports.post(Report.FINISHED, self.row)

    def _search(self) -> None:
        ctx = self.context
        if ctx.cancel.cancelled:
            return
        self.reports.post(Report.STARTED, self.row)

        def on_pause(until: float) -> None:
            self.reports.post(Report.WAITING, self.row, until)

        try:
            with request_scope(ctx.cancel, ctx.stats, on_pause):
                rejected = ctx.store.rejected_ids(self.track, ctx.service.service_id)
                result = find_match(
                    self.track, ctx.service, ctx.matcher, rejected=rejected, progress=self.progress
                )
            ctx.store.remember(result, ctx.service.service_id)
        except Cancelled:
            if self.progress.queries_done:
                self.reports.post(Report.INTERRUPTED, self.row, self.progress)
            return
        except RunBlocked as error:
            # Every other request of this run would be refused alike: stop them now, from
            # this thread, rather than when the session hears of it.
            ctx.cancel.cancel()
            self.reports.post(Report.BLOCKED, self.row, (error, self.progress))
            return
        except ServiceError as error:
            permanent = isinstance(error, PermanentError)
            ctx.store.record_failure(self.track, ctx.service.service_id, str(error), permanent)
            self.reports.post(Report.FAILED, self.row, str(error))
            return
        except Exception as error:  # a full disk, or a bug: one track, not the whole run
            failure = failure_of(error)  # a bug's trace goes to the log
            if failure.unexpected:
                log.error("the search for %s failed", self.track.key)
            self.reports.post(Report.FAILED, self.row, failure.sentence)
            return
        if not ctx.cancel.cancelled:
            self.reports.post(Report.MATCHED, self.row, result)


# What a task's `failed` says when Stop ended it (not a failure to show).
STOPPED = "stopped"


class TaskSignals(QObject):
    done = Signal(object)
    failure = Signal(object)  # the Failure behind the `failed` that follows (its exit code)
    failed = Signal(str)
    blocked = Signal(object)  # the RunBlocked error that ended the task


class TaskJob(QRunnable):
    """Runs one blocking call (read playlists, write a plan) off the GUI thread.

    Its requests belong to `cancel` and are counted in `stats`; a failure that names no file
    (SQLite's) names `folder`.
    """

    def __init__(
        self,
        task: Callable[[], Any],
        signals: TaskSignals,
        cancel: CancelToken,
        stats: RequestStats | None = None,
        folder: Path | None = None,
    ) -> None:
        super().__init__()
        self.task = task
        self.signals = signals
        self.cancel = cancel
        self.stats = stats
        self.folder = folder

    def run(self) -> None:
        try:
            with request_scope(self.cancel, self.stats):
                result = self.task()
        except Cancelled:
            self.signals.failed.emit(STOPPED)
            return
        except RunBlocked as error:
            self.signals.blocked.emit(error)
            return
        except Exception as error:  # a service's failure, a full disk, a read-only folder, a bug
            failure = failure_of(error, self.folder)  # a bug's trace: to the log
            # One sentence, said alike wherever it is shown, with its exit code beside it.
            self.signals.failure.emit(failure)
            self.signals.failed.emit(failure.sentence)
            return
        self.signals.done.emit(result)


class _IdleDeleter(QTimer):
    """Looks now and then whether its parent's pool is idle, and deletes the parent then.

    It holds the pool, never its parent's Python object: a closure over that would make it
    the parent's last owner, and drop it from inside the parent's own destruction.
    """

    def __init__(self, owner: QObject, pool: QThreadPool, poll_ms: int) -> None:
        super().__init__(owner)
        self._pool = pool
        self.setInterval(poll_ms)
        self.timeout.connect(self._check)

    def _check(self) -> None:
        parent = self.parent()
        if self._pool.activeThreadCount() == 0 and parent is not None:
            self.stop()
            parent.deleteLater()


def delete_when_idle(owner: QObject, pool: QThreadPool, poll_ms: int = 50) -> None:
    """Delete `owner` (the receiver of `pool`'s jobs) once the pool has no job left.

    Never waits: a job still in flight reports to signal holders that `owner` owns, so
    `owner` lives until it has. (A pool's destructor would wait for its jobs, on whatever
    thread deletes it.)
    """
    if pool.activeThreadCount() == 0:
        owner.deleteLater()
        return
    _IdleDeleter(owner, pool, poll_ms).start()
