"""The token bucket and the adaptive rate: the service's limit holds for the whole program."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from core_fakes import FakeClock
from hypothesis import given, settings
from hypothesis import strategies as st

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.ratelimit import DEFAULT_PAUSE_S, AdaptiveRate, TokenBucket

# -- with a fake clock -----------------------------------------------------------------------------


def take_all(bucket: TokenBucket) -> int:
    """Take permits until none is free; returns how many were taken."""
    taken = 0
    while bucket.try_acquire() == 0.0:
        taken += 1
        assert taken < 10_000
    return taken


def test_burst_then_rate(clock: FakeClock) -> None:
    bucket = TokenBucket(2.0, 5, clock=clock)
    assert take_all(bucket) == 5
    assert bucket.try_acquire() == pytest.approx(0.5)  # the wait for the next permit
    clock.advance(0.25)
    assert bucket.try_acquire() == pytest.approx(0.25)
    clock.advance(0.25)
    assert take_all(bucket) == 1
    clock.advance(10.0)  # a long quiet spell refills the burst, no more
    assert take_all(bucket) == 5
    assert bucket.granted == 11


@settings(max_examples=100, deadline=None, database=None)
@given(
    rate=st.floats(0.5, 100.0),
    burst=st.integers(1, 20),
    steps=st.lists(st.floats(0.0, 2.0), min_size=1, max_size=40),
)
def test_grants_never_exceed_burst_plus_rate_times_elapsed(
    rate: float, burst: int, steps: list[float]
) -> None:
    clock = FakeClock(0.0)
    bucket = TokenBucket(rate, burst, clock=clock)
    for step in steps:
        clock.advance(step)
        take_all(bucket)
        assert bucket.granted <= burst + rate * clock.now + 1e-6


def test_headroom_keeps_tokens_in_reserve(clock: FakeClock) -> None:
    bucket = TokenBucket(10.0, 5, headroom=1.0, clock=clock)
    assert take_all(bucket) == 4
    clock.advance(60.0)
    assert take_all(bucket) == 4


def test_headroom_never_leaves_less_than_one_permit(clock: FakeClock) -> None:
    bucket = TokenBucket(10.0, 2, headroom=5.0, clock=clock)
    assert take_all(bucket) == 1


@pytest.mark.parametrize(("rate", "burst"), [(0.0, 5), (-1.0, 5), (1.0, 0)])
def test_nonsense_limits_are_refused(rate: float, burst: int) -> None:
    with pytest.raises(ValueError):
        TokenBucket(rate, burst)


def test_a_429_pauses_every_taker_and_resumes_from_an_empty_bucket(clock: FakeClock) -> None:
    bucket = TokenBucket(4.0, 5, clock=clock)
    assert bucket.try_acquire() == 0.0
    assert bucket.paused_until == 0.0
    until = bucket.on_rate_limited(3.0)
    assert until == clock.now + 3.0
    assert bucket.paused_until == until
    # the bucket still had 4 permits: none is handed out during the pause
    assert bucket.try_acquire() == pytest.approx(3.0)
    clock.advance(2.0)
    assert bucket.try_acquire() == pytest.approx(1.0)
    clock.advance(1.0)
    assert bucket.paused_until == 0.0
    # the pause is over, but the bucket starts empty: one permit per 1/rate, no burst
    assert bucket.try_acquire() == pytest.approx(0.25)
    clock.advance(0.25)
    assert take_all(bucket) == 1


def test_a_429_without_retry_after_pauses_for_the_default(clock: FakeClock) -> None:
    bucket = TokenBucket(4.0, 5, clock=clock)
    assert bucket.on_rate_limited(None) == clock.now + DEFAULT_PAUSE_S


def test_a_shorter_retry_after_does_not_shorten_a_pause(clock: FakeClock) -> None:
    bucket = TokenBucket(4.0, 5, clock=clock)
    first = bucket.on_rate_limited(10.0)
    clock.advance(1.0)
    assert bucket.on_rate_limited(2.0) == first
    assert bucket.paused_until == first


def test_a_pause_blocks_acquire_in_every_thread(clock: FakeClock) -> None:
    bucket = TokenBucket(1000.0, 10, clock=clock)
    until = bucket.on_rate_limited(0.2)
    told: list[float] = []
    all_told = threading.Semaphore(0)

    def on_pause(at: float) -> None:
        told.append(at)
        all_told.release()

    threads = [
        threading.Thread(target=bucket.acquire, args=(None, on_pause), daemon=True)
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for _ in threads:
        assert all_told.acquire(timeout=5.0)  # every thread is waiting, told why
    assert bucket.granted == 0  # the clock has not moved: nobody got through
    assert told == [until] * 4
    # The pause ends, and the empty bucket refills; the waiters re-check within 0.2 s (real).
    clock.advance(1.0)
    for thread in threads:
        thread.join(timeout=5.0)
    assert not any(thread.is_alive() for thread in threads)
    assert bucket.granted == 4


# -- with real threads -----------------------------------------------------------------------------


class GrantClock:
    """`time.monotonic`, remembering per thread the last reading: the instant of a grant."""

    def __init__(self) -> None:
        self._local = threading.local()

    def __call__(self) -> float:
        now = time.monotonic()
        self._local.last = now
        return now

    @property
    def last(self) -> float:
        return float(self._local.last)


def test_many_threads_never_exceed_the_limit_in_any_window() -> None:
    rate, burst = 40.0, 5
    clock = GrantClock()
    bucket = TokenBucket(rate, burst, clock=clock)
    cancel = CancelToken()
    grants: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + 1.5

    def worker() -> None:
        while time.monotonic() < deadline:
            if not bucket.acquire(cancel):
                return
            granted_at = clock.last  # the bucket's own clock reading that led to the grant
            with lock:
                grants.append(granted_at)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(16)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, deadline - time.monotonic()))
    cancel.cancel()  # wakes the ones still waiting
    for thread in threads:
        thread.join(timeout=5.0)
    assert not any(thread.is_alive() for thread in threads)

    grants.sort()
    assert len(grants) == bucket.granted
    assert len(grants) > burst  # the refill was exercised, not only the burst
    # Every window [grants[i], grants[j]] holds j - i + 1 grants: at most burst + rate·width
    # (+1 for a grant on the window's boundary).
    for i in range(len(grants)):
        for j in range(i, len(grants)):
            width = grants[j] - grants[i]
            assert j - i + 1 <= burst + rate * width + 1, (i, j, width)


def test_cancel_wakes_an_acquire_blocked_on_an_empty_bucket(clock: FakeClock) -> None:
    read = threading.Event()

    def reading_clock() -> float:
        read.set()
        return clock.now

    bucket = TokenBucket(0.001, 1, clock=reading_clock)  # the next permit is ~17 minutes away
    assert bucket.try_acquire() == 0.0
    read.clear()
    cancel = CancelToken()
    outcome: list[bool] = []
    waiter = threading.Thread(target=lambda: outcome.append(bucket.acquire(cancel)), daemon=True)
    waiter.start()
    # Once the waiter has read the clock it holds the bucket's lock until it waits, and cancel
    # needs that lock to wake it: the wake-up cannot slip in before the wait.
    assert read.wait(timeout=5.0)
    cancel.cancel()
    waiter.join(timeout=2.0)
    assert not waiter.is_alive()
    assert outcome == [False]
    assert bucket.granted == 1


def test_cancel_wakes_an_acquire_blocked_by_a_pause(clock: FakeClock) -> None:
    bucket = TokenBucket(10.0, 5, clock=clock)
    bucket.on_rate_limited(3600.0)
    cancel = CancelToken()
    waiting = threading.Event()
    outcome: list[bool] = []
    waiter = threading.Thread(
        target=lambda: outcome.append(bucket.acquire(cancel, on_pause=lambda _: waiting.set())),
        daemon=True,
    )
    waiter.start()
    assert waiting.wait(timeout=5.0)
    cancel.cancel()
    waiter.join(timeout=2.0)
    assert not waiter.is_alive()
    assert outcome == [False]
    assert bucket.granted == 0


def test_acquire_after_cancel_returns_false_at_once(clock: FakeClock) -> None:
    bucket = TokenBucket(10.0, 5, clock=clock)
    cancel = CancelToken()
    cancel.cancel()
    assert bucket.acquire(cancel) is False
    assert bucket.granted == 0


# -- the adaptive rate -----------------------------------------------------------------------------


def test_adaptive_rate_grows_while_answers_are_clean() -> None:
    adaptive = AdaptiveRate(5.0)
    rates = []
    for second in range(10):
        adaptive.on_success(float(second))
        rates.append(adaptive.rate)
    assert rates[0] == 5.0  # the first answer only starts the clock
    assert all(b > a for a, b in itertools.pairwise(rates[1:]))
    assert rates[-1] > 10.0


def test_adaptive_rate_never_passes_its_maximum() -> None:
    adaptive = AdaptiveRate(5.0, max_rate=8.0)
    for second in range(100):
        adaptive.on_success(float(second))
    assert adaptive.rate == 8.0


def test_adaptive_rate_cuts_on_a_429_and_remembers_the_ceiling() -> None:
    adaptive = AdaptiveRate(10.0)
    adaptive.on_rate_limited(100.0, None)
    assert adaptive.rate == pytest.approx(10.0 * AdaptiveRate.BACKOFF)
    assert adaptive.ceiling == 10.0


def test_adaptive_rate_cuts_from_the_rate_the_server_accepted() -> None:
    adaptive = AdaptiveRate(10.0)
    adaptive.on_rate_limited(100.0, accepted_rate=4.0)
    assert adaptive.ceiling == 4.0
    assert adaptive.rate == pytest.approx(4.0 * AdaptiveRate.BACKOFF)


def test_adaptive_rate_never_falls_below_its_minimum() -> None:
    adaptive = AdaptiveRate(1.0, min_rate=0.5)
    for n in range(20):
        adaptive.on_rate_limited(n * 10.0, None)
    assert adaptive.rate == 0.5


def test_adaptive_rate_ignores_429s_within_the_quiet_window() -> None:
    adaptive = AdaptiveRate(10.0)
    adaptive.on_rate_limited(100.0, None)
    once = adaptive.rate
    adaptive.on_rate_limited(100.0 + AdaptiveRate.QUIET_AFTER_CUT_S / 2, None)
    assert adaptive.rate == once  # an answer to a request sent before the cut
    adaptive.on_rate_limited(100.0 + AdaptiveRate.QUIET_AFTER_CUT_S + 0.1, None)
    assert adaptive.rate == pytest.approx(once * AdaptiveRate.BACKOFF)


def test_adaptive_rate_grows_slowly_near_its_ceiling() -> None:
    probing = AdaptiveRate(10.0)
    probing.on_rate_limited(0.0, None)  # ceiling 10, rate 8.5
    fresh = AdaptiveRate(8.5)  # the same rate, but no 429 seen yet
    start = AdaptiveRate.QUIET_AFTER_CUT_S + 1.0
    for n in range(200):  # 20 s of clean answers, one every 0.1 s
        probing.on_success(start + n / 10)
        fresh.on_success(start + n / 10)
    # quickly back to 90 % of the ceiling, then 0.3 % of it per second
    assert 9.0 <= probing.rate <= 9.0 + 20 * AdaptiveRate.SLOW_GROWTH * 10.0 + 0.3
    assert fresh.rate > 2 * probing.rate


def test_bucket_with_adaptive_rate_follows_the_server(clock: FakeClock) -> None:
    bucket = TokenBucket(5.0, 5, adaptive=True, clock=clock)
    for _ in range(20):
        clock.advance(0.2)
        bucket.try_acquire()
        bucket.on_success()
    grown = bucket.rate
    assert grown > 5.0
    bucket.on_rate_limited(1.0)
    assert bucket.rate < grown
    # the cut uses what was accepted over the last window (~5/s), not the rate asked for
    assert bucket.rate <= 5.0 * AdaptiveRate.BACKOFF + 0.5


def test_fixed_bucket_ignores_feedback(clock: FakeClock) -> None:
    bucket = TokenBucket(5.0, 5, clock=clock)
    bucket.on_success()
    bucket.on_rate_limited(1.0)
    assert bucket.rate == 5.0
