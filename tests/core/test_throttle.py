"""The throttle every request passes, the request scope that travels with the thread, and
the operation loop that looks before it writes again."""

from __future__ import annotations

import random
import threading

import pytest
from core_fakes import FakeClock

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import (
    Cancelled,
    PermanentError,
    RateLimited,
    RunBlocked,
    TransientError,
)
from songbird_gui.core.ratelimit import RateLimiter, WindowLimiter, limiter_for
from songbird_gui.core.retry import RequestStats, RetryPolicy, clock_text, wait_text
from songbird_gui.core.settings import RateSettings, RetrySettings
from songbird_gui.core.throttle import (
    Throttle,
    current_scope,
    gather,
    request_scope,
    writing,
)
from songbird_gui.core.types import ServiceId

QUICK = RetrySettings(max_attempts=4, base_delay_s=0.001, max_delay_s=0.002)
FAST = RateSettings(10_000.0, 1_000)  # far above what a test asks: never waits


def throttle(limiter: RateLimiter | None = None) -> Throttle:
    return Throttle(
        ServiceId.SPOTIFY,
        limiter or limiter_for(FAST),
        RetryPolicy(QUICK, random.Random(5)),
    )


class Failing:
    """A request that fails with `errors` in turn, then answers "ok"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.sent = 0

    def __call__(self) -> str:
        self.sent += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def test_each_request_takes_a_permit_and_counts_in_the_scope_of_its_run() -> None:
    limiter = limiter_for(FAST)
    t = throttle(limiter)
    stats = RequestStats()
    request = Failing(TransientError("503"))
    with request_scope(CancelToken(), stats):
        assert t.send(request) == "ok"
    assert request.sent == 2 and limiter.granted == 2  # the retry took its own permit
    assert (stats.requests, stats.retries) == (2, 1)


def test_outside_any_run_a_request_still_passes_but_counts_for_nobody() -> None:
    assert current_scope().stats.requests == 0
    assert throttle().send(Failing()) == "ok"
    assert current_scope().stats.requests == 0  # a fresh scope each time: nobody's figures


def test_a_lost_write_is_not_sent_again_but_a_refused_one_is() -> None:
    t = throttle()
    lost = Failing(TransientError("the connection was reset"))
    with request_scope(CancelToken()), writing(), pytest.raises(TransientError):
        t.send(lost)
    assert lost.sent == 1  # it may have landed: the writer looks before it asks again

    refused = Failing(RateLimited("slow down", retry_after=0.0))
    with request_scope(CancelToken()), writing():
        assert t.send(refused) == "ok"
    assert refused.sent == 2  # a 429 did nothing: sent again after the pause


def test_writing_ends_with_its_block() -> None:
    with request_scope(CancelToken()) as scope:
        with writing():
            assert not current_scope().resend_lost
            assert current_scope().cancel is scope.cancel  # still the same run
        assert current_scope().resend_lost


def test_stop_ends_a_request_waiting_for_its_permit() -> None:
    clock = FakeClock()
    # one permit, then none for 1000 s
    limiter = WindowLimiter(RateSettings(rate=0.001, burst=1), clock=clock)
    t = throttle(limiter)
    cancel = CancelToken()
    with request_scope(cancel):
        t.send(Failing())
    timer = threading.Timer(0.05, cancel.cancel)
    timer.start()
    with request_scope(cancel), pytest.raises(Cancelled):
        t.send(Failing())
    timer.join()


def test_gather_runs_the_calls_at_once_each_in_the_callers_scope() -> None:
    arrived = threading.Barrier(3, timeout=5)  # all three must be running together
    stats = RequestStats()

    def read(n: int) -> tuple[int, RequestStats]:
        arrived.wait()
        return n, current_scope().stats

    with request_scope(CancelToken(), stats):
        results = gather([lambda n=n: read(n) for n in range(3)])
    assert [n for n, _ in results] == [0, 1, 2]  # in order
    assert all(scope_stats is stats for _, scope_stats in results)


def test_gather_raises_the_first_failure_once_every_call_has_ended() -> None:
    ended: list[int] = []

    def ok() -> int:
        ended.append(1)
        return 1

    def refused() -> int:
        raise PermanentError("no such playlist")

    with pytest.raises(PermanentError):
        gather([ok, refused, ok])
    assert ended == [1, 1]


def test_gather_raises_the_refusal_not_the_stop_it_caused_in_an_earlier_call() -> None:
    # The target's read is still waiting when the source's is refused: the refusal stops it,
    # and what the caller hears must be the refusal (a Stop would be ignored as the person's).
    class Refused(RunBlocked):
        pass

    def waiting_read() -> int:
        scope = current_scope()
        assert scope.cancel.wait(5)  # until the refusal stops it
        raise Cancelled()

    def refused_read() -> int:
        raise Refused("Active premium subscription required for the owner of the app.")

    with request_scope(CancelToken()), pytest.raises(Refused):
        gather([waiting_read, refused_read])


def test_repeat_runs_an_operation_again_after_a_transient_failure() -> None:
    policy = RetryPolicy(QUICK, random.Random(2))
    operation = Failing(TransientError("reset"), TransientError("502"))
    stats = RequestStats()
    assert policy.repeat(operation, CancelToken(), stats) == "ok"
    assert operation.sent == 3 and stats.retries == 2


def test_repeat_gives_up_after_the_attempts_and_on_what_no_retry_cures() -> None:
    policy = RetryPolicy(QUICK, random.Random(2))
    with pytest.raises(TransientError):
        policy.repeat(Failing(*[TransientError("reset")] * 9), CancelToken())
    exhausted = Failing(RateLimited("slow down"))  # its pauses were waited out below
    with pytest.raises(RateLimited):
        policy.repeat(exhausted, CancelToken())
    assert exhausted.sent == 1


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(5, "5 s"), (119, "119 s"), (600, "10 min"), (7200, "2 h"), (7500, "2 h 5 min")],
)
def test_a_pause_in_words(seconds: float, words: str) -> None:
    assert wait_text(seconds) == words


def test_a_time_later_today_is_a_clock_time_and_another_day_names_the_day() -> None:
    noon = 1_700_000_000.0
    assert ":" in clock_text(noon + 60, noon) and len(clock_text(noon + 60, noon)) == 5
    assert len(clock_text(noon + 3 * 86400, noon).split()) == 2  # "Thu 09:15"
