"""The schedule of sync pairs on an injected wall clock: tests move time, nobody sleeps.

A pair is due once its interval has passed since it last synced; a pair missed while the
computer slept runs once (not once per missed interval), marked late; pausing the automatic
sync holds every due pair back; a pair that could not sync is tried again no sooner than the
time it was put off to.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from songbird_gui.core.pairs import SyncPair
from songbird_gui.core.schedule import HOUR_S, Schedule, due_pairs, in_words, next_sync
from songbird_gui.core.types import ServiceId
from songbird_gui.engine.scheduler import Scheduler

T0 = 1_800_000_000.0


class WallClock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def pair(pair_id: int, hours: int, synced_at: float | None = T0, paused: str = "") -> SyncPair:
    return SyncPair(
        pair_id, ServiceId.SPOTIFY, f"sp{pair_id}", f"List {pair_id}", ServiceId.YTMUSIC,
        f"PL{pair_id}", f"List {pair_id}", schedule_h=hours, created_at=T0 - 10,
        synced_at=synced_at, paused=paused,
    )  # fmt: skip


def test_the_choices_are_off_and_every_1_6_12_24_hours_and_a_stored_odd_number_rounds_up():
    assert [s.value for s in Schedule] == [0, 1, 6, 12, 24]
    assert [Schedule.of(h) for h in (0, -3, 1, 2, 6, 7, 13, 99)] == [
        Schedule.OFF, Schedule.OFF, Schedule.HOURLY, Schedule.EVERY_6_HOURS,
        Schedule.EVERY_6_HOURS, Schedule.EVERY_12_HOURS, Schedule.DAILY, Schedule.DAILY,
    ]  # fmt: skip
    assert Schedule.EVERY_6_HOURS.words == "every 6 hours"
    assert Schedule.HOURLY.words == "every hour"


def test_next_sync_is_the_interval_after_the_last_and_none_when_off_or_paused():
    assert next_sync(pair(1, 6)) == T0 + 6 * HOUR_S
    assert next_sync(pair(1, 6, synced_at=None)) == T0 - 10  # never synced: due at once
    assert next_sync(pair(1, 0)) is None
    assert next_sync(pair(1, 6, paused="its playlist was deleted")) is None


@pytest.fixture
def clock() -> WallClock:
    return WallClock()


def test_a_pair_becomes_due_when_its_interval_has_passed(qtbot, clock):
    pairs = [pair(1, 6), pair(2, 24), pair(3, 0)]
    scheduler = Scheduler(lambda: pairs, clock)
    with qtbot.assertNotEmitted(scheduler.due):
        assert scheduler.check() == []
    clock.advance(6 * HOUR_S - 1)
    assert scheduler.check() == []
    clock.advance(1)
    with qtbot.waitSignal(scheduler.due, timeout=1000) as said:
        scheduler.check()
    (due,) = said.args[0]
    assert due.pair.pair_id == 1 and not due.late
    assert scheduler.next_sync() == (pairs[0], clock.now)  # due now, until it has run
    # It ran: the next is 6 hours on (the daily one comes 18 hours after that).
    pairs[0] = replace(pairs[0], synced_at=clock.now)
    assert scheduler.check() == []
    assert scheduler.next_sync() == (pairs[0], clock.now + 6 * HOUR_S)


def test_a_schedule_missed_while_asleep_runs_once_and_is_marked_late(qtbot, clock):
    pairs = [pair(1, 1), pair(2, 6)]
    scheduler = Scheduler(lambda: pairs, clock)
    clock.advance(3 * 24 * HOUR_S)  # the laptop slept for three days
    due = scheduler.check()
    assert [(d.pair.pair_id, d.late) for d in due] == [(1, True), (2, True)]  # once each
    pairs[:] = [replace(p, synced_at=clock.now) for p in pairs]
    assert scheduler.check() == []  # nothing replays the 72 missed hourly runs
    clock.advance(HOUR_S)
    assert [(d.pair.pair_id, d.late) for d in scheduler.check()] == [(1, False)]


def test_pause_holds_every_due_pair_back_until_lifted(qtbot, clock):
    pairs = [pair(1, 1)]
    scheduler = Scheduler(lambda: pairs, clock)
    scheduler.set_paused(True)
    clock.advance(2 * HOUR_S)
    with qtbot.assertNotEmitted(scheduler.due):
        assert scheduler.check() == []
    with qtbot.waitSignal(scheduler.due, timeout=1000):
        scheduler.set_paused(False)  # looks again at once


def test_a_pair_put_off_after_a_failure_is_not_tried_before_then(clock):
    pairs = [pair(1, 1), pair(2, 1)]
    scheduler = Scheduler(lambda: pairs, clock)
    clock.advance(HOUR_S)
    scheduler.postpone([1], clock.now + 15 * 60)
    assert [d.pair.pair_id for d in scheduler.check()] == [2]
    clock.advance(15 * 60)
    assert [d.pair.pair_id for d in scheduler.check()] == [1, 2]
    scheduler.postpone([1, 2], clock.now + 600)
    scheduler.forget_postponed()  # reconnected: try at their time again
    assert len(scheduler.check()) == 2


def test_once_started_it_looks_again_on_its_own(qtbot, clock):
    pairs: list[SyncPair] = []
    scheduler = Scheduler(lambda: pairs, clock, tick_ms=10)
    scheduler.start()
    assert scheduler.running
    pairs.append(pair(1, 1, synced_at=None))  # a schedule turned on meanwhile
    with qtbot.waitSignal(scheduler.due, timeout=2000):
        pass  # the next tick finds it, with nobody calling `check`
    scheduler.stop()
    assert not scheduler.running


def test_due_pairs_skips_paused_and_unscheduled_pairs():
    pairs = [pair(1, 1, paused="gone"), pair(2, 0), pair(3, 12)]
    assert [d.pair.pair_id for d in due_pairs(pairs, T0 + 13 * HOUR_S)] == [3]


def test_spans_ahead_in_words():
    assert [in_words(s) for s in (10, 300, 3 * HOUR_S, 3 * 86400)] == [
        "now", "in 5 min", "in 3 h", "in 3 days",
    ]  # fmt: skip
