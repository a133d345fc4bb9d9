"""The runnables of the thread pool, and the QObjects that carry their signals.

A `QRunnable` is not a `QObject` and is deleted by the pool when `run()` returns, so it cannot
own signals. Each job is handed a signal holder created on the receiving thread and owned by
the object that receives (the scheduler or the session): it outlives the job, and since it
lives on the receiver's thread, every emit from a worker is queued to that thread. Jobs get
immutable inputs and never touch a widget or a model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import AuthExpired, Cancelled, PermanentError, ServiceError
from songbird_gui.core.matching import find_match
from songbird_gui.core.ratelimit import TokenBucket
from songbird_gui.core.retry import RequestStats, RetryPolicy
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.service import MusicService
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import Track

log = logging.getLogger(__name__)


class MatchSignals(QObject):
    """Signals of every `MatchJob` of one search run (rows are the session's row numbers)."""

    started = Signal(int)
    waiting = Signal(int, float)  # row, clock time (time.monotonic) the pause ends
    matched = Signal(int, object)  # row, MatchResult
    failed = Signal(int, str)  # row, a sentence for the person
    expired = Signal(int, str)  # row, the service's session ended: reconnect, then resume


@dataclass(frozen=True, slots=True)
class SearchContext:
    """What every search of one run shares; immutable, so jobs can hold it safely."""

    service: MusicService
    matcher: Matcher
    policy: RetryPolicy
    bucket: TokenBucket
    cancel: CancelToken
    stats: RequestStats
    store: MatchStore


class MatchJob(QRunnable):
    """Searches the target service for one source track and reports the result."""

    def __init__(self, row: int, track: Track, context: SearchContext, signals: MatchSignals):
        super().__init__()
        self.row = row
        self.track = track
        self.context = context
        self.signals = signals

    def run(self) -> None:
        ctx = self.context
        if ctx.cancel.cancelled:
            return
        self.signals.started.emit(self.row)
        try:
            rejected = ctx.store.rejected_ids(self.track, ctx.service.service_id)
            result = find_match(
                self.track,
                ctx.service,
                ctx.matcher,
                ctx.policy,
                ctx.bucket,
                ctx.cancel,
                rejected=rejected,
                stats=ctx.stats,
                on_pause=lambda until: self.signals.waiting.emit(self.row, until),
            )
            ctx.store.remember(result, ctx.service.service_id)
        except Cancelled:
            return
        except AuthExpired as error:
            self.signals.expired.emit(self.row, str(error))
            return
        except ServiceError as error:
            permanent = isinstance(error, PermanentError)
            ctx.store.record_failure(self.track, ctx.service.service_id, str(error), permanent)
            self.signals.failed.emit(self.row, str(error))
            return
        except Exception as error:  # a bug must cost one track, not the whole run
            log.exception("search for %s failed", self.track.key)
            self.signals.failed.emit(self.row, f"unexpected error: {error}")
            return
        if not ctx.cancel.cancelled:
            self.signals.matched.emit(self.row, result)


class TaskSignals(QObject):
    done = Signal(object)
    failed = Signal(str)


class TaskJob(QRunnable):
    """Runs one blocking call (read playlists, write a plan) off the GUI thread."""

    def __init__(self, task: Callable[[], Any], signals: TaskSignals) -> None:
        super().__init__()
        self.task = task
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.task()
        except Cancelled:
            self.signals.failed.emit("stopped")
            return
        except ServiceError as error:
            self.signals.failed.emit(str(error))
            return
        except Exception as error:
            log.exception("background task failed")
            self.signals.failed.emit(f"unexpected error: {error}")
            return
        self.signals.done.emit(result)
