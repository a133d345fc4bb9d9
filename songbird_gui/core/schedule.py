"""When a sync pair syncs on its own: the schedule choices and the due-time arithmetic.

Plain functions of a pair and the wall-clock time, so that the scheduler (engine/scheduler.py),
the window's Sync column, the tray's tooltip and `songbird pairs --json` agree on when a pair
is due, and tests move time by passing another `now`.

A pair is due once its interval has passed since it last synced. However long it has been
overdue (the computer slept through three intervals, or was offline all day) it is one due
pair, synced once: nothing replays the runs it missed. `DuePair.late` tells such a catch-up
from a run on time, so that it can be said once.

Wall-clock time on purpose: a timer counts monotonic time, which on Linux stands still while
the computer sleeps, so "every 6 hours" measured by a timer alone would drift by every night.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum

from songbird_gui.core.pairs import SyncPair

HOUR_S = 3600.0
# A scheduled sync that starts this much after it was due was missed (the computer slept,
# Songbird was not running, the network was down), not merely picked up by the next check.
LATE_AFTER_S = 15 * 60.0
# After a scheduled sync that could not run (offline, a service failing), the next try waits
# this long: a network that is down is not asked again every minute.
RETRY_AFTER_S = 15 * 60.0


class Schedule(IntEnum):
    """How often a pair syncs on its own; the value is the interval in hours."""

    OFF = 0
    HOURLY = 1
    EVERY_6_HOURS = 6
    EVERY_12_HOURS = 12
    DAILY = 24

    @classmethod
    def of(cls, hours: int) -> Schedule:
        """The choice for a stored number of hours: the nearest choice at or above it (a
        store edited by hand may hold any number; syncing less often than asked is safer)."""
        if hours <= 0:
            return cls.OFF
        return next((choice for choice in cls if choice >= hours), cls.DAILY)

    @property
    def seconds(self) -> float:
        return self.value * HOUR_S

    @property
    def words(self) -> str:
        """ "off", "every hour", "every 6 hours": for menus and the Settings list."""
        if self is Schedule.OFF:
            return "off"
        return "every hour" if self is Schedule.HOURLY else f"every {self.value} hours"

    @property
    def short(self) -> str:
        """ "every 6 h": for the playlist table's Sync column."""
        return "" if self is Schedule.OFF else f"every {self.value} h"


def next_sync(pair: SyncPair) -> float | None:
    """When `pair` syncs next on its own (seconds since the epoch), or None: no schedule, or
    paused (its playlist is gone and it waits for the person). A pair that never synced is
    due at once."""
    schedule = Schedule.of(pair.schedule_h)
    if schedule is Schedule.OFF or pair.paused:
        return None
    if pair.synced_at is None:
        return pair.created_at
    return pair.synced_at + schedule.seconds


@dataclass(frozen=True, slots=True)
class DuePair:
    """A pair whose scheduled sync has come; `late`: it was missed, and is caught up now."""

    pair: SyncPair
    due_at: float
    late: bool


def due_pairs(
    pairs: Iterable[SyncPair], now: float, not_before: Mapping[int, float] | None = None
) -> list[DuePair]:
    """The pairs due at `now`, each once however many intervals it missed.

    `not_before` holds, per pair id, a time before which the pair is not tried again (after a
    run that failed or that the guard stopped).
    """
    waits = not_before or {}
    due = []
    for pair in pairs:
        at = next_sync(pair)
        if at is None or at > now or waits.get(pair.pair_id, 0.0) > now:
            continue
        due.append(DuePair(pair, at, now - at > LATE_AFTER_S))
    return due


def next_due(
    pairs: Iterable[SyncPair], now: float, not_before: Mapping[int, float] | None = None
) -> tuple[SyncPair, float] | None:
    """The pair that syncs next on its own and when (not before `now`), or None."""
    waits = not_before or {}
    soonest: tuple[SyncPair, float] | None = None
    for pair in pairs:
        at = next_sync(pair)
        if at is None:
            continue
        at = max(at, waits.get(pair.pair_id, 0.0), now)
        if soonest is None or at < soonest[1]:
            soonest = (pair, at)
    return soonest


def in_words(seconds: float) -> str:
    """A span ahead, in words: "in 5 min", "in 3 h", "in 2 days"; "now" when it has come."""
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"in {int(seconds // 60)} min"
    if seconds < 2 * 86400:
        return f"in {round(seconds / 3600)} h"
    return f"in {int(seconds // 86400)} days"
