"""How the remote services limit requests, modelled for the demo services and the benchmarks.

These models are written apart from Songbird's own limiter (`core/ratelimit.py` is never
imported here), so that a benchmark against them measures the client against rules it did
not write. The client learns its limits from its settings, never from these objects.

`SlidingWindowLimit` — at most `limit` requests in any `window_s` seconds, counted when each
request reaches the server (its arrival), not when the client sent it. A request over the
limit is answered 429 with a Retry-After in whole seconds (as HTTP sends it), long enough for
the window to have room again if nothing else arrives meanwhile.

Refused requests count. Spotify's documentation says its limit "is calculated based on the
number of calls that your app makes to Spotify in a rolling 30 second window" — calls made,
not calls served — and says nothing of refused calls being left out, so the models take the
stricter reading: a 429 uses a place in the window like any other request, and a client that
keeps sending over the limit is refused until it stops. (`count_refused=False` gives the
lenient reading.)

Two shapes of service, each a `SlidingWindowLimit`:

- Spotify-like (`spotify_like`): a rolling 30 s window, as Spotify documents. Spotify does
  not publish the number; the demo's default, 90 per 30 s (3 requests/s on average), is in
  the range developers report for apps in development mode ("about 180 a minute").
- YouTube Music-like (`ytmusic_like`): YouTube Music publishes nothing. The model uses a
  shorter window (`YTMUSIC_WINDOW_S`) and a limit the client is not told.

`OneWayDelays` splits a request's latency the way a network does: the request reaches the
server after half the latency, give or take `jitter` of that half (uniformly, independently
per request), and the answer comes back after the other half. Two requests sent Δ apart may
thus arrive up to 2·jitter·latency/2 closer together than Δ, which is what a client's margin
must cover.
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass

SPOTIFY_WINDOW_S = 30.0
YTMUSIC_WINDOW_S = 5.0
DEFAULT_JITTER = 0.10


class SlidingWindowLimit:
    """At most `limit` requests in any `window_s` seconds, counted at arrival.

    Not thread-safe: the server calls `admit` under its own lock, in order of arrival.
    """

    def __init__(
        self, limit: int, window_s: float, *, count_refused: bool = True, name: str = ""
    ) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("a window needs a limit of at least 1 and a positive length")
        self.limit = limit
        self.window_s = window_s
        self.count_refused = count_refused
        self.name = name or f"{limit} per any {window_s:g} s"
        self._arrivals: list[float] = []  # counted arrivals still in the window, in order
        self._last = -math.inf

    def describe(self) -> str:
        refused = "refused requests count" if self.count_refused else "refused do not count"
        return f"{self.name} ({self.limit} per any {self.window_s:g} s, {refused})"

    def admit(self, at: float) -> int | None:
        """Count a request arriving at `at`: None when accepted, else its Retry-After (s).

        The window holding `at` is (at - window_s, at]: a request exactly `window_s` after
        another no longer shares its window.
        """
        at = max(at, self._last)  # arrivals are handled in order; a clock never runs back
        self._last = at
        self._forget(at)
        if len(self._arrivals) < self.limit:
            self._arrivals.append(at)
            return None
        if self.count_refused:
            self._arrivals.append(at)
        return self._retry_after(at)

    def in_window(self, at: float) -> int:
        """Requests counted in the window ending at `at` (for tests and figures)."""
        self._forget(max(at, self._last))
        return len(self._arrivals)

    def _forget(self, at: float) -> None:
        gone = bisect.bisect_right(self._arrivals, at - self.window_s)
        if gone:
            del self._arrivals[:gone]

    def _retry_after(self, at: float) -> int:
        # A retry at `at + r` is accepted once at most limit - 1 counted arrivals remain in
        # its window, i.e. once the (len - limit + 1)-th oldest has left: at its time + window.
        must_leave = self._arrivals[len(self._arrivals) - self.limit]
        return max(1, math.ceil(must_leave + self.window_s - at - 1e-9))


def spotify_like(requests_per_s: float = 3.0, *, count_refused: bool = True) -> SlidingWindowLimit:
    """A rolling 30 s window holding `requests_per_s` × 30 requests."""
    limit = max(1, round(requests_per_s * SPOTIFY_WINDOW_S))
    return SlidingWindowLimit(
        limit, SPOTIFY_WINDOW_S, count_refused=count_refused, name="Spotify-like"
    )


def ytmusic_like(requests_per_s: float = 10.0, *, count_refused: bool = True) -> SlidingWindowLimit:
    """A shorter window (`YTMUSIC_WINDOW_S`) holding `requests_per_s` × its length."""
    limit = max(1, round(requests_per_s * YTMUSIC_WINDOW_S))
    return SlidingWindowLimit(
        limit, YTMUSIC_WINDOW_S, count_refused=count_refused, name="YouTube Music-like"
    )


@dataclass
class OneWayDelays:
    """The two halves of a request's latency: to the server (jittered), and back."""

    latency_s: float
    jitter: float = DEFAULT_JITTER
    rng: random.Random | None = None

    def __post_init__(self) -> None:
        if self.rng is None:
            self.rng = random.Random()

    def legs(self) -> tuple[float, float]:
        """(seconds until the request arrives, seconds the answer takes to come back)."""
        assert self.rng is not None
        half = self.latency_s / 2
        return half * (1.0 + self.rng.uniform(-self.jitter, self.jitter)), half

    @property
    def max_arrival_spread_s(self) -> float:
        """How much closer than they were sent two requests may arrive: 2·jitter·latency/2."""
        return self.jitter * self.latency_s
