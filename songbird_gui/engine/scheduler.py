"""Noticing when scheduled pairs are due: `Scheduler`, on an injectable wall clock.

It looks once a minute (and when asked, `check`) which pairs are due by `core/schedule.py`,
and says so (`due`); what to do about it is its owner's business (engine/auto_sync.py runs
them, the window's owner decides when). While a pair is due and not run, every check says it
again, so a run that had to wait (for the window's own run, for a login) starts at the first
check after the wait ends, and never twice at once: the owner ignores `due` while it runs.

A short tick on a wall clock rather than one timer set for the next due time: a timer counts
monotonic time, which stands still while the computer sleeps, so after a night asleep it
would fire hours late; a wall-clock look each minute finds the missed sync within a minute
of waking. Tests give a clock of their own and call `check`: time moves, nobody sleeps.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from songbird_gui.core.pairs import SyncPair
from songbird_gui.core.schedule import DuePair, due_pairs, next_due

log = logging.getLogger(__name__)

TICK_MS = 60_000


class Scheduler(QObject):
    """Signals: due(object list[DuePair]): pairs whose scheduled sync has come (at each
    check while there are any and the scheduler is not paused)."""

    due = Signal(object)

    def __init__(
        self,
        pairs: Callable[[], Sequence[SyncPair]],
        clock: Callable[[], float] = time.time,
        tick_ms: int = TICK_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pairs = pairs
        self._clock = clock
        self._not_before: dict[int, float] = {}  # pair id -> not tried again before then
        self.paused = False  # "Pause automatic sync": nothing is due until it is lifted
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.check)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        """Look now, then once a minute."""
        self._timer.start()
        self.check()

    def stop(self) -> None:
        self._timer.stop()

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        if not paused:
            self.check()

    def now(self) -> float:
        return self._clock()

    def scheduled(self) -> list[SyncPair]:
        """The pairs with a schedule (paused ones included: they show as paused)."""
        return [pair for pair in self._pairs() if pair.schedule_h > 0]

    def due_now(self) -> list[DuePair]:
        return due_pairs(self._pairs(), self._clock(), self._not_before)

    def check(self) -> list[DuePair]:
        """Say which pairs are due now (nothing while paused); returns them."""
        if self.paused:
            return []
        due = self.due_now()
        if due:
            log.info("scheduled sync due: %s", ", ".join(d.pair.source_name for d in due))
            self.due.emit(due)
        return due

    def postpone(self, pair_ids: Iterable[int], until: float) -> None:
        """Try these pairs again no sooner than `until` (after a run that could not help
        them: offline, failing, or stopped by the guard until the person looks)."""
        for pair_id in pair_ids:
            self._not_before[pair_id] = max(until, self._not_before.get(pair_id, 0.0))

    def forget_postponed(self) -> None:
        """Every pair may be tried at its time again (after reconnecting, say)."""
        self._not_before.clear()

    def next_sync(self) -> tuple[SyncPair, float] | None:
        """The pair that syncs next on its own and when, or None (nothing scheduled)."""
        return next_due(self._pairs(), self._clock(), self._not_before)
