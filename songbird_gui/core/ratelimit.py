"""Client-side throttling: a thread-safe token bucket per service, with an optional AIMD rate.

Every request to a service takes a token first, whatever thread it runs on, so the service's
limit holds for the whole program rather than per worker. A 429 pauses every taker until its
Retry-After has passed. For a service whose limit is unknown (YouTube Music) `AdaptiveRate`
probes for it: it grows the rate while answers are clean and cuts it on a 429.

The clock is injectable (any `() -> float` in seconds, monotonic) so tests need not sleep.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from songbird_gui.core.cancel import CancelToken

Clock = Callable[[], float]

# Used when a 429 carries no Retry-After: long enough for a per-second limit to refill.
DEFAULT_PAUSE_S = 1.0


class AdaptiveRate:
    """Additive-increase / multiplicative-decrease control of a request rate.

    Below the last rate that drew a 429 (the ceiling) the rate grows quickly; near it, slowly,
    so that the limit is probed rarely and each probe costs a single 429. A cut uses the rate
    the server actually accepted lately, not the rate asked for, so a burst that the server's
    own bucket absorbed does not inflate the estimate.
    """

    BACKOFF = 0.85  # after a 429: this share of the accepted rate
    FAST_GROWTH = 0.25  # per second, as a share of the rate, well below the ceiling
    SLOW_GROWTH = 0.003  # per second, as a share of the ceiling, near it
    NEAR_CEILING = 0.9
    # Answers to requests already in flight when the rate was cut say nothing new.
    QUIET_AFTER_CUT_S = 2.0

    def __init__(self, start_rate: float, min_rate: float = 0.2, max_rate: float = 200.0) -> None:
        self.rate = start_rate
        self.min_rate = min_rate
        self.max_rate = max_rate
        self.ceiling: float | None = None
        self._last_growth: float | None = None
        self._quiet_until = 0.0

    def on_success(self, now: float) -> None:
        last, self._last_growth = self._last_growth, now
        if last is None or now < self._quiet_until:
            return
        elapsed = min(now - last, 1.0)
        if self.ceiling is None or self.rate < self.NEAR_CEILING * self.ceiling:
            growth = max(0.2, self.FAST_GROWTH * self.rate)
        else:
            growth = self.SLOW_GROWTH * self.ceiling
        self.rate = min(self.max_rate, self.rate + growth * elapsed)

    def on_rate_limited(self, now: float, accepted_rate: float | None) -> None:
        if now < self._quiet_until:
            return
        reference = min(self.rate, accepted_rate) if accepted_rate else self.rate
        self.ceiling = reference
        self.rate = max(self.min_rate, self.BACKOFF * reference)
        self._quiet_until = now + self.QUIET_AFTER_CUT_S
        self._last_growth = None


class TokenBucket:
    """Hands out request permits at `rate` per second with bursts of up to `burst`.

    `headroom` tokens are never handed out: see `RateSettings.headroom` for why.
    """

    # Window over which the accepted rate is measured for the adaptive cut.
    ACCEPTED_WINDOW_S = 5.0

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        headroom: float = 0.0,
        adaptive: bool = False,
        clock: Clock = time.monotonic,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self._fixed_rate = rate
        self.adaptive = AdaptiveRate(rate) if adaptive else None
        self.capacity = max(1.0, burst - headroom)
        self._clock = clock
        self._cond = threading.Condition()
        self._tokens = self.capacity
        self._updated = clock()
        self._paused_until = 0.0
        self._accepted: deque[float] = deque()
        self.granted = 0  # permits handed out, for figures and tests

    @property
    def rate(self) -> float:
        return self.adaptive.rate if self.adaptive else self._fixed_rate

    @property
    def paused_until(self) -> float:
        """Clock time until which a 429 holds every taker back (0 when not paused)."""
        with self._cond:
            return self._paused_until if self._paused_until > self._clock() else 0.0

    def try_acquire(self) -> float:
        """Take a permit if one is free: 0.0 when taken, else the seconds to wait for one."""
        with self._cond:
            return self._take_locked(self._clock())

    def acquire(
        self,
        cancel: CancelToken | None = None,
        on_pause: Callable[[float], None] | None = None,
    ) -> bool:
        """Block until a permit is taken (True) or `cancel` fires (False, at once).

        `on_pause(until)` is called when the wait is a server-ordered pause (a 429), with the
        clock time it ends, so the UI can say "waiting 4 s: the service asked us to slow down".
        """
        unregister = cancel.on_cancel(self._wake_all) if cancel else None
        reported_pause = 0.0
        try:
            with self._cond:
                while True:
                    if cancel is not None and cancel.cancelled:
                        return False
                    now = self._clock()
                    wait = self._take_locked(now)
                    if wait <= 0.0:
                        return True
                    if (
                        on_pause
                        and self._paused_until > now
                        and self._paused_until != reported_pause
                    ):
                        reported_pause = self._paused_until
                        on_pause(self._paused_until)
                    self._cond.wait(wait)
        finally:
            if unregister:
                unregister()

    def on_success(self) -> None:
        """Tell the bucket that a request went through (feeds the adaptive rate)."""
        if self.adaptive is None:
            return
        with self._cond:
            now = self._clock()
            self._accepted.append(now)
            while self._accepted and self._accepted[0] < now - self.ACCEPTED_WINDOW_S:
                self._accepted.popleft()
            self.adaptive.on_success(now)

    def on_rate_limited(self, retry_after: float | None) -> float:
        """A 429: pause every taker until Retry-After has passed; returns the pause's end."""
        with self._cond:
            now = self._clock()
            until = now + (retry_after if retry_after is not None else DEFAULT_PAUSE_S)
            self._paused_until = max(self._paused_until, until)
            # Start again from an empty bucket at the pause's end: a burst the moment the
            # pause ends would run straight into the same limit.
            self._tokens = 0.0
            self._updated = self._paused_until
            if self.adaptive is not None:
                window = self.ACCEPTED_WINDOW_S
                recent = [t for t in self._accepted if t >= now - window]
                accepted = len(recent) / window if len(recent) >= 4 else None
                self.adaptive.on_rate_limited(now, accepted)
            return self._paused_until

    def _take_locked(self, now: float) -> float:
        if now < self._paused_until:
            return self._paused_until - now
        if now > self._updated:
            self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            self.granted += 1
            return 0.0
        return (1.0 - self._tokens) / self.rate

    def _wake_all(self) -> None:
        with self._cond:
            self._cond.notify_all()
