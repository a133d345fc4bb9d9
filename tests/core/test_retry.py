"""The retry policy: what is retried, how long it waits, and that every attempt is throttled."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable

import pytest
from core_fakes import FakeClock
from hypothesis import given, settings
from hypothesis import strategies as st

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import (
    AuthExpired,
    Cancelled,
    PermanentError,
    QuotaExceeded,
    RateLimited,
    ServiceError,
    TransientError,
)
from songbird_gui.core.ratelimit import WindowLimiter
from songbird_gui.core.retry import RequestStats, RetryPolicy
from songbird_gui.core.settings import RateSettings, RetrySettings

QUICK = RetrySettings(max_attempts=5, base_delay_s=0.001, max_delay_s=0.004)


class Script:
    """A request that raises the given errors in turn, then returns "ok"."""

    def __init__(self, outcomes: Iterable[Exception | Callable[[], None]]) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.outcomes:
            outcome = self.outcomes.pop(0)
            if isinstance(outcome, Exception):
                raise outcome
            outcome()
        return "ok"


def quick_policy(settings: RetrySettings = QUICK) -> RetryPolicy:
    return RetryPolicy(settings, random.Random(1234))


def test_a_transient_error_is_retried(fast_limiter: WindowLimiter, cancel: CancelToken) -> None:
    request = Script([TransientError("503"), TransientError("timeout")])
    stats = RequestStats()
    assert quick_policy().call(request, fast_limiter, cancel, stats) == "ok"
    assert request.calls == 3
    assert (stats.requests, stats.retries, stats.rate_limited) == (3, 2, 0)


def test_every_attempt_takes_a_permit(fast_limiter: WindowLimiter, cancel: CancelToken) -> None:
    request = Script([TransientError("503")] * 3)
    quick_policy().call(request, fast_limiter, cancel)
    assert fast_limiter.granted == request.calls == 4


def test_retries_wait_on_the_limiter(clock: FakeClock, cancel: CancelToken) -> None:
    """With one permit per 1000 s, a retry cannot go: it waits for a permit (or Stop)."""
    armed = threading.Event()
    waiting = threading.Event()

    def watched_clock() -> float:
        if armed.is_set():
            waiting.set()  # the retry is inside acquire, reading the limiter's clock
        return clock.now

    limiter = WindowLimiter(RateSettings(rate=0.001, burst=1), clock=watched_clock)

    def fail_once() -> None:
        armed.set()
        raise TransientError("503")

    def stop_when_waiting() -> None:
        waiting.wait(5.0)
        cancel.cancel()

    stopper = threading.Thread(target=stop_when_waiting, daemon=True)
    stopper.start()
    request = Script([fail_once])
    with pytest.raises(Cancelled):
        quick_policy().call(request, limiter, cancel)
    stopper.join(timeout=2.0)
    assert waiting.is_set()  # Stop came while the retry was waiting for a permit
    assert request.calls == 1
    assert limiter.granted == 1


def test_max_attempts_is_honoured(fast_limiter: WindowLimiter, cancel: CancelToken) -> None:
    request = Script([TransientError(f"503 #{n}") for n in range(10)])
    with pytest.raises(TransientError, match="503 #2"):
        quick_policy(RetrySettings(max_attempts=3, base_delay_s=0.001)).call(
            request, fast_limiter, cancel
        )
    assert request.calls == 3


def test_one_attempt_means_no_retry(fast_limiter: WindowLimiter, cancel: CancelToken) -> None:
    request = Script([TransientError("503")])
    with pytest.raises(TransientError):
        quick_policy(RetrySettings(max_attempts=1)).call(request, fast_limiter, cancel)
    assert request.calls == 1


@pytest.mark.parametrize(
    "error", [PermanentError("no such playlist"), AuthExpired("please reconnect")]
)
def test_permanent_errors_are_not_retried(
    fast_limiter: WindowLimiter, cancel: CancelToken, error: ServiceError
) -> None:
    request = Script([error])
    with pytest.raises(type(error)):
        quick_policy().call(request, fast_limiter, cancel)
    assert request.calls == 1


def test_other_exceptions_are_not_retried(fast_limiter: WindowLimiter, cancel: CancelToken) -> None:
    request = Script([KeyError("bug")])
    with pytest.raises(KeyError):
        quick_policy().call(request, fast_limiter, cancel)
    assert request.calls == 1


def test_a_429_pauses_the_limiter_and_is_retried(cancel: CancelToken) -> None:
    clock = FakeClock(100.0)
    limiter = WindowLimiter(RateSettings(rate=10.0, burst=5), clock=clock)
    request = Script([RateLimited("too many requests", retry_after=0.05)])
    seen: list[tuple[float, float]] = []

    def on_pause(until: float) -> None:
        # The retry found the whole limiter paused for the Retry-After; then time passes.
        seen.append((until, limiter.paused_until))
        clock.advance(1.0)

    stats = RequestStats()
    assert quick_policy().call(request, limiter, cancel, stats, on_pause) == "ok"
    ((until, paused_until),) = seen  # one pause, reported once
    assert until == pytest.approx(100.05)
    assert paused_until == pytest.approx(100.05)
    assert request.calls == 2
    assert limiter.granted == 2
    assert (stats.requests, stats.retries, stats.rate_limited) == (2, 1, 1)


def test_429s_count_against_max_attempts(fast_limiter: WindowLimiter, cancel: CancelToken) -> None:
    request = Script([RateLimited("429", retry_after=0.0) for _ in range(10)])
    with pytest.raises(RateLimited):
        quick_policy(RetrySettings(max_attempts=3)).call(request, fast_limiter, cancel)
    assert request.calls == 3


def test_a_too_long_retry_after_fails_instead_of_stalling(
    fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    request = Script([RateLimited("429", retry_after=600.0)])
    settings = RetrySettings(max_retry_after_s=120.0)
    policy = RetryPolicy(settings, random.Random(1), wall_clock=lambda: 1_000_000.0)
    with pytest.raises(QuotaExceeded, match="asked Songbird to wait 10 min") as raised:
        policy.call(request, fast_limiter, cancel, service_name="Spotify")
    assert str(raised.value).startswith("Spotify asked")
    assert raised.value.retry_at == 1_000_600.0  # shown as "try again after …"
    assert not isinstance(raised.value, TransientError)  # not retried further up either
    assert request.calls == 1
    assert fast_limiter.paused_until == 0.0  # the limiter is not paused for ten minutes


def test_cancel_before_the_call_raises_cancelled(
    fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    request = Script([])
    cancel.cancel()
    with pytest.raises(Cancelled):
        quick_policy().call(request, fast_limiter, cancel)
    assert request.calls == 0


def test_cancel_during_backoff_raises_cancelled_at_once(
    fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    # A backoff of up to a minute: Stop must not wait for it.
    slow = RetrySettings(base_delay_s=60.0, max_delay_s=60.0)

    def stop_then_fail() -> None:
        cancel.cancel()
        raise TransientError("503")

    request = Script([stop_then_fail])
    with pytest.raises(Cancelled):
        quick_policy(slow).call(request, fast_limiter, cancel)
    assert request.calls == 1


# -- backoff ---------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None, database=None)
@given(seed=st.integers(0, 2**32), attempt=st.integers(1, 30))
def test_backoff_is_equal_jitter_within_its_exponential_ceiling(seed: int, attempt: int) -> None:
    """Never sooner than half the ceiling (a real pause), never later than the ceiling."""
    retry = RetrySettings(base_delay_s=0.5, max_delay_s=30.0)
    delay = RetryPolicy(retry, random.Random(seed)).backoff(attempt)
    ceiling = min(30.0, 0.5 * 2 ** (attempt - 1))
    assert ceiling / 2 <= delay <= ceiling


def test_the_jittered_half_spreads_the_workers_retries() -> None:
    retry = RetrySettings(base_delay_s=0.5, max_delay_s=30.0)
    delays = [RetryPolicy(retry, random.Random(seed)).backoff(3) for seed in range(200)]
    assert min(delays) < 1.1 and max(delays) > 1.9  # over the whole of [1, 2] s


def test_backoff_follows_the_injected_random_source() -> None:
    retry = RetrySettings(base_delay_s=0.5, max_delay_s=30.0)
    first = [RetryPolicy(retry, random.Random(42)).backoff(n) for n in range(1, 8)]
    again = [RetryPolicy(retry, random.Random(42)).backoff(n) for n in range(1, 8)]
    assert first == again
    assert first[-1] > first[0]  # grows with the attempt


def test_request_stats_add_up() -> None:
    stats = RequestStats()
    stats.add(requests=2, retries=1)
    stats.add(requests=1, rate_limited=1)
    assert (stats.requests, stats.retries, stats.rate_limited) == (3, 1, 1)
