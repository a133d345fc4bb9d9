"""Retry policy: which failures are retried, how long to wait, and the loops that do it.

Two loops, for two kinds of work:

- `call` sends ONE request: each attempt, retries included, takes a permit from the service's
  limiter first, so retrying never pushes the request rate past the limit. A 429 pauses the
  whole limiter (every worker of that service) for its Retry-After; other transient failures
  back off exponentially with "equal jitter": half the exponential ceiling, then a random
  share of the other half. The random half spreads the retries of many workers instead of
  sending them in step; the fixed half keeps every retry a real pause (full jitter, from 0,
  would let some workers try a struggling service again at once). The service's `Throttle`
  runs every request through it.
- `repeat` runs an OPERATION of several requests again after a transient failure that the
  request loop could not safely retry on its own: a write whose answer was lost may have
  landed, so the operation looks before it writes again. Its requests take their own permits.

A Retry-After of many minutes is not waited out: the run stops with `QuotaExceeded`, which
says how long and until when. Nor is a 429 that names a quota (Spotify's "QUOTA_EXCEEDED",
whose Retry-After can be half a day): it ends the run at once with the time it may resume.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import (
    Cancelled,
    QuotaExceeded,
    RateLimited,
    ServiceError,
    TransientError,
)
from songbird_gui.core.ratelimit import RateLimiter
from songbird_gui.core.settings import RetrySettings

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass
class RequestStats:
    """Counts of one run's requests, shared by its workers (hence the lock)."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, *, requests: int = 0, retries: int = 0, rate_limited: int = 0) -> None:
        with self._lock:
            self.requests += requests
            self.retries += retries
            self.rate_limited += rate_limited


def wait_text(seconds: float) -> str:
    """A pause in words: "45 s", "12 min", "2 h 5 min"."""
    seconds = max(round(seconds), 0)
    if seconds < 120:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 120:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def clock_text(when: float, now: float) -> str:
    """A wall-clock time in words: "18:40", or "Thu 09:15" when it is not today."""
    local, today = time.localtime(when), time.localtime(now)
    same_day = local.tm_yday == today.tm_yday and local.tm_year == today.tm_year
    return time.strftime("%H:%M" if same_day else "%a %H:%M", local)


def quota_words(service_name: str, retry_at: float | None, now: float) -> str:
    """A used-up quota in words, with when it may be used again where the service said."""
    when = (
        f"it may be used again after {clock_text(retry_at, now)} (in {wait_text(retry_at - now)})"
        if retry_at is not None
        else "try again later"
    )
    return (
        f"{service_name}'s quota for your app is used up; {when}. What was found so far is "
        "kept, and the next sync goes on from there."
    )


class RetryPolicy:
    """Exponential backoff with equal jitter; the random source and clock are injectable."""

    def __init__(
        self,
        settings: RetrySettings,
        rng: random.Random | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()
        self._wall_clock = wall_clock

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1 for the first retry): between half
        the ceiling base · 2^(attempt − 1) (at most `max_delay_s`) and the ceiling."""
        ceiling = min(self.settings.max_delay_s, self.settings.base_delay_s * 2 ** (attempt - 1))
        with self._rng_lock:
            return self._rng.uniform(ceiling / 2, ceiling)

    def call(
        self,
        request: Callable[[], T],
        limiter: RateLimiter,
        cancel: CancelToken,
        stats: RequestStats | None = None,
        on_pause: Callable[[float], None] | None = None,
        *,
        resend: bool = True,
        service_name: str = "The service",
    ) -> T:
        """Send one request under the limiter, retrying what may be retried.

        A 429 is always retried after its pause: the service refused the request, so it did
        nothing. Other transient failures are retried only when `resend` is true: a write
        whose answer was lost may have landed, and its caller must look before it asks again.
        Raises `Cancelled` when Stop is pressed, `QuotaExceeded` for a pause of minutes, the
        last `ServiceError` when retries are exhausted, and permanent errors at once.
        """
        stats = stats or RequestStats()
        attempt = 0
        while True:
            if not limiter.acquire(cancel, on_pause):
                raise Cancelled()
            stats.add(requests=1)
            try:
                result = request()
            except RateLimited as error:
                stats.add(rate_limited=1)
                self._check_pause(error, service_name)
                limiter.on_rate_limited(error.retry_after)
                log.info("rate-limited (Retry-After %s): every request waits", error.retry_after)
                attempt = self._next_attempt(attempt, error)
                stats.add(retries=1)
                continue
            except TransientError as error:
                if not resend:
                    raise
                attempt = self._next_attempt(attempt, error)
                log.info("retrying after a transient failure: %s", error)
                stats.add(retries=1)
                if cancel.wait(self.backoff(attempt)):
                    raise Cancelled() from error
                continue
            limiter.on_success()
            return result

    def repeat(
        self,
        operation: Callable[[], T],
        cancel: CancelToken,
        stats: RequestStats | None = None,
    ) -> T:
        """Run `operation` again after a transient failure, with backoff, up to the limit.

        The operation's own requests are paced (and their 429s waited out) where they are
        sent; a failure that reaches here could not be retried there.
        """
        attempt = 0
        while True:
            try:
                return operation()
            except RateLimited:
                raise  # its pauses were waited out already, and retries used up
            except TransientError as error:
                attempt = self._next_attempt(attempt, error)
                log.info("trying the operation again after: %s", error)
                if stats is not None:
                    stats.add(retries=1)
                if cancel.wait(self.backoff(attempt)):
                    raise Cancelled() from error

    def _check_pause(self, error: RateLimited, service_name: str) -> None:
        """A quota refusal, or a Retry-After longer than the settings allow, ends the run, in
        words and with the time it may go on."""
        retry_after = error.retry_after
        if error.quota:
            now = self._wall_clock()
            resume_at = now + retry_after if retry_after is not None else None
            raise QuotaExceeded(quota_words(service_name, resume_at, now), resume_at) from error
        if retry_after is None or retry_after <= self.settings.max_retry_after_s:
            return
        now = self._wall_clock()
        retry_at = now + retry_after
        raise QuotaExceeded(
            f"{service_name} asked Songbird to wait {wait_text(retry_after)}; "
            f"try again after {clock_text(retry_at, now)}",
            retry_at,
        ) from error

    def _next_attempt(self, attempt: int, error: ServiceError) -> int:
        attempt += 1
        if attempt >= self.settings.max_attempts:
            raise error
        return attempt
