"""Retry policy: which failures are retried, how long to wait, and the loop that does it.

Each attempt, retries included, takes a token from the service's bucket, so retrying never
pushes the request rate past the limit. A 429 pauses the whole bucket (every worker of that
service) for its Retry-After; other transient failures back off exponentially with full
jitter, which spreads the retries of many workers instead of sending them in step.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import Cancelled, RateLimited, ServiceError, TransientError
from songbird_gui.core.ratelimit import TokenBucket
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


class RetryPolicy:
    """Exponential backoff with full jitter; the random source is injectable for tests."""

    def __init__(self, settings: RetrySettings, rng: random.Random | None = None) -> None:
        self.settings = settings
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1 for the first retry)."""
        ceiling = min(self.settings.max_delay_s, self.settings.base_delay_s * 2 ** (attempt - 1))
        with self._rng_lock:
            return self._rng.uniform(ceiling / 2, ceiling)

    def call(
        self,
        request: Callable[[], T],
        bucket: TokenBucket,
        cancel: CancelToken,
        stats: RequestStats | None = None,
        on_pause: Callable[[float], None] | None = None,
    ) -> T:
        """Run `request` under the bucket, retrying transient failures.

        Raises `Cancelled` when Stop is pressed, the last `ServiceError` when retries are
        exhausted, and permanent errors at once.
        """
        stats = stats or RequestStats()
        attempt = 0
        while True:
            self.permit(bucket, cancel, stats, on_pause)
            try:
                result = request()
            except RateLimited as error:
                stats.add(rate_limited=1)
                retry_after = error.retry_after
                if retry_after is not None and retry_after > self.settings.max_retry_after_s:
                    raise ServiceError(
                        f"the service asked us to wait {retry_after:.0f} s; try again later"
                    ) from error
                bucket.on_rate_limited(retry_after)
                log.info("rate-limited (Retry-After %s): every request waits", retry_after)
                attempt = self._next_attempt(attempt, error)
                stats.add(retries=1)
                continue
            except TransientError as error:
                attempt = self._next_attempt(attempt, error)
                log.info("retrying after a transient failure: %s", error)
                stats.add(retries=1)
                if cancel.wait(self.backoff(attempt)):
                    raise Cancelled() from error
                continue
            bucket.on_success()
            return result

    @staticmethod
    def permit(
        bucket: TokenBucket,
        cancel: CancelToken,
        stats: RequestStats,
        on_pause: Callable[[float], None] | None = None,
    ) -> None:
        """Take one request's permit and count the request; raises `Cancelled` on Stop.

        Each attempt of `call` takes one; a request that an attempt sends after another
        (a write after the look that decided it) takes its own.
        """
        if not bucket.acquire(cancel, on_pause):
            raise Cancelled()
        stats.add(requests=1)

    def _next_attempt(self, attempt: int, error: ServiceError) -> int:
        attempt += 1
        if attempt >= self.settings.max_attempts:
            raise error
        return attempt
