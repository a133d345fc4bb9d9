"""Client-side throttling: one limiter per service, shaped like the way services count.

Services count requests over a rolling window, at the moment each request reaches them
(Spotify: "the number of calls that your app makes to Spotify in a rolling 30 second
window"). A token bucket of rate R and burst B is the wrong shape for that: in any W seconds
it hands out B + R·W permits (a full bucket, then W seconds of refill), so a server that
counts R·W per window refuses B of them each time the bucket starts full — at the start of a
run and after every pause.

`WindowLimiter` fits the window instead. It keeps the times of its grants and never grants
more than M in any W + margin seconds, for each window (M, W) it knows: told by the settings
(`RateSettings`: `rate` × `window_s` per `window_s`), or learnt (the adaptive mode).

The margin. The server counts at arrival, and the way there varies: two requests sent Δ apart
arrive anywhere from Δ − 2J to Δ + 2J apart, where J is how much one request's way to the
server varies either side of the usual. Grants of M + 1 requests spread over W + 2J arrive
spread over at least W, so no window of W holds more than M of them: zero 429s, whatever the
delays. Less cannot guarantee it: a client that cannot see a request's delay before sending
it gains nothing the server cannot take back with the worst delays, for any margin below 2J.
The cost is throughput: M per W + 2J instead of M per W (20 % on "3 per any second" with 2 s
round trips of ±0.1 s; 0.7 % on Spotify's 30 s window). The limiter estimates 2J from the
round trips it times (each permit to its answer, on the thread that took it): the way there
varies by no more than the whole round trip does when the two halves vary independently, so
the margin is the spread of the last 100 round trips, widened for a small sample (`RoundTrips`:
× 17 from 3 round trips, × 1.54 from 16, × 1.07 from 100, a 1 % risk of falling short). From
the first three answers it may lower the settings' `margin_s` (the prior), so a service whose
round trips agree costs almost no margin after its first answers; only from 16 may it raise it.

The adaptive mode, for a service that publishes no limit (YouTube Music), learns the window,
and its first concern is to draw few 429s while it does: a refused request takes a place in
the server's window too, so a client that goes on sending at the pace the window lets requests
out has every one refused until the first 429 comes back (at 10 per second and a quarter-second
round trip, three or four in a row; the whole round in flight, for TCP's slow start).

- What is taken for granted (`Frontier`): the settings' `burst` at once and `rate` per second,
  in every window of 1 to 5 s. For each of those lengths the limiter counts the most requests
  the service served within one such window (granted less than the length minus the margin
  apart, so they surely arrived within it); requests go freely within what was served.
- Probes: a request that puts one more in some window than the service was seen to take.
  Only one probe is unanswered at a time at first; once one was served, one per fifth of a
  second of round trip (ten at 2 s) or one per hundred requests granted, whichever is more.
  When a window is full, the service refuses the probes in flight and nothing else. A served
  probe raises the count of each window it was in: the limit is approached one request per
  round trip. Longer windows (to 120 s) are not probed, or the climb would take minutes:
  one that holds less than the shorter ones let through is found by its 429s.
- A 429 says the server's window was full when the refused request arrived. For each window
  length it considers (every second to 10 s, then up to 120 s), the limiter counts its own
  grants that surely reached the server before the refused one (it first waits for the
  answers of the requests sent about together with it: they say which arrived first), and
  the most that surely came before any earlier request that was served. A length that
  cannot explain both (an earlier request was served with more in such a window), or that
  does not fit the Retry-After (the oldest of those grants leaving the window), is ruled
  out. Each remaining length becomes a learnt window holding no more than the server took
  (`LimitLearner.infer` says how). The shortest is taken at its word; a longer one is kept
  only if it holds at least twice as many (a few more are stragglers, not a window), and as
  tentative: "everything sent lately" explains a 429 for several lengths at once, and while
  the rate grew, or after a pause, the longer ones look tighter than they are. A tentative
  window longer than 5 s is tried 1 % wider (a request at least) every second, and confirmed
  when it is the shortest explanation of a later 429; a length up to 5 s that no 429 has
  confirmed goes on being probed instead.
- A 429 to a request granted before the last lesson says nothing new, nor does one with
  nothing of the limiter's own before it (someone else may share the limit): both only pause.
- Every five minutes without a 429, each confirmed window grows by one request, in case the
  limit was learnt low or has grown (each such probe may cost a 429, so it is rare).
- What was learnt (`LearntLimits`: the windows, and what was served) is kept between runs by
  the composition root, so only a first run climbs from the settings.

In both modes a 429 pauses every taker until its Retry-After has passed. A told limit is not
changed by a 429 (the person's settings say what the service allows; Spotify counts every
app's requests together, and another's can fill the window). The clock is injectable (any
`() -> float` in seconds, monotonic) so tests need not sleep.
"""

from __future__ import annotations

import bisect
import functools
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.settings import RateSettings

Clock = Callable[[], float]

# Used when a 429 carries no Retry-After: long enough for a per-second limit to refill.
DEFAULT_PAUSE_S = 1.0


class RateLimiter(Protocol):
    """What a service's `Throttle` asks of its limiter."""

    granted: int  # permits handed out, for figures and tests

    @property
    def rate(self) -> float:
        """Requests per second the limiter allows now (for the status bar)."""
        ...

    @property
    def paused_until(self) -> float:
        """Clock time until which a 429 holds every taker back (0 when not paused)."""
        ...

    def acquire(
        self,
        cancel: CancelToken | None = None,
        on_pause: Callable[[float], None] | None = None,
    ) -> bool:
        """Block until a permit is taken (True) or `cancel` fires (False, at once)."""
        ...

    def on_success(self) -> None:
        """The request of this thread's permit went through."""
        ...

    def on_rate_limited(self, retry_after: float | None) -> float:
        """The request of this thread's permit drew a 429: pause; returns the pause's end."""
        ...

    def reconfigure(self, settings: RateSettings) -> None:
        """New settings for the next requests; what the limiter has seen is kept."""
        ...

    @property
    def learnt_limits(self) -> LearntLimits:
        """What the limiter found out about its service, to keep for the next run."""
        ...


@dataclass(frozen=True, slots=True)
class Window:
    """At most `limit` requests in any `seconds` seconds.

    `tentative`: a learnt window that may be wider than it looks (see `LimitLearner.infer`).
    """

    limit: int
    seconds: float
    tentative: bool = False


@dataclass(frozen=True, slots=True)
class LearntLimits:
    """What a limiter found out about its service, worth keeping between runs.

    `windows`: learnt from 429s, each holding no more than the service took (the adaptive mode
    keeps to them); `served`: before any 429, the most requests the service was seen to take
    in each window length probed (the next run starts from there instead of the settings).
    """

    windows: tuple[Window, ...] = ()
    served: tuple[Window, ...] = ()


def told_windows(settings: RateSettings) -> tuple[Window, ...]:
    """The windows a limit given in the settings means.

    `rate` × `window_s` requests in any `window_s` seconds (with no `window_s`: `burst` in
    any burst / rate seconds); and when `burst` is smaller than that, also at most `burst`
    in any burst / rate seconds, which spreads a long window's requests out.
    """
    at_once = settings.burst / settings.rate
    length = settings.window_s if settings.window_s > 0 else at_once
    windows = [Window(max(1, math.floor(settings.rate * length + 1e-9)), length)]
    if settings.burst < windows[0].limit and at_once < length:
        windows.append(Window(settings.burst, at_once))
    return tuple(windows)


def seconds_for(requests: int, settings: RateSettings) -> float:
    """About how long `requests` take to go under `settings` (a dry run's estimate).

    A told limit: the first window's requests go at once, each further window's after the
    window and its margin. An adaptive one: its first `burst` at once, then at its starting
    rate and the probes' (`Frontier.PROBE_RATE` a second).
    """
    if requests <= 0:
        return 0.0
    if settings.adaptive:
        return max(requests - settings.burst, 0) / (settings.rate + Frontier.PROBE_RATE)
    return max(
        (math.ceil(requests / w.limit) - 1) * (w.seconds + settings.margin_s)
        for w in told_windows(settings)
    )


def limiter_for(
    settings: RateSettings, clock: Clock = time.monotonic, learnt: LearntLimits | None = None
) -> WindowLimiter:
    """The limiter for one service, as the settings describe it (the composition root's),
    starting from what an earlier run learnt of the service."""
    return WindowLimiter(settings, clock=clock, learnt=learnt)


class Permit:
    """One request's permission to go: when it was granted, and what came of it."""

    __slots__ = ("answered_at", "at", "refused")

    def __init__(self, at: float) -> None:
        self.at = at
        self.answered_at: float | None = None
        self.refused = False


class RoundTrips:
    """The recent round trips (permit to answer), and the margin their spread implies.

    The margin is the spread of the last `SAMPLES` round trips, widened for a small sample by
    `widening`: were round trips spread evenly over some interval, the spread of n of them,
    so widened, would fall short of the whole interval once in a hundred samples (× 17 from
    3 round trips, × 1.54 from 16, × 1.07 from 100). A few round trips can thus lower the
    settings' margin (the prior) at once when they agree closely — a jitter-free service
    costs no safety margin after its first answers — but only many can raise it above it:
    until `SURE_SAMPLES` round trips, one slow start (a cold connection) must not stall a run.
    """

    SAMPLES = 100
    FIRST_SAMPLES = 3  # from this many round trips, a close spread may lower the prior
    SURE_SAMPLES = 16  # from this many, the spread replaces the prior, above it too
    RISK = 0.01  # the chance, for evenly spread round trips, that the margin falls short
    FLOOR_S = 0.005

    def __init__(self, prior_s: float) -> None:
        self.prior_s = prior_s
        self._seconds: deque[float] = deque(maxlen=self.SAMPLES)
        self._measured = math.inf  # the widened spread, once there are enough samples

    def add(self, seconds: float) -> None:
        self._seconds.append(seconds)
        count = len(self._seconds)
        if count >= self.FIRST_SAMPLES:
            spread = max(self._seconds) - min(self._seconds)
            self._measured = max(self.FLOOR_S, widening(count, self.RISK) * spread)

    @property
    def margin_s(self) -> float:
        if len(self._seconds) >= self.SURE_SAMPLES:
            return self._measured
        return min(self.prior_s, self._measured)

    @property
    def longest_s(self) -> float:
        return max(self._seconds, default=0.0)

    @property
    def shortest_s(self) -> float:
        return min(self._seconds, default=0.0)


@functools.cache
def widening(samples: int, risk: float) -> float:
    """The factor k by which the spread R of `samples` values drawn evenly from an interval
    of length S must be widened so that k·R < S happens with probability `risk`.

    For n such values, P(R < x·S) = n·x^(n−1) − (n−1)·x^n, which grows with x: solved for
    x by bisection, k = 1 / x.
    """
    if samples < 2:
        raise ValueError("a spread needs two values at least")
    low, high = 0.0, 1.0
    for _ in range(60):
        x = (low + high) / 2
        if samples * x ** (samples - 1) - (samples - 1) * x**samples < risk:
            low = x
        else:
            high = x
    return 1 / high


class LimitLearner:
    """What a limiter has learnt of the service's windows from its 429s (see the module)."""

    # Window lengths considered, in seconds: every second up to 10, then coarser.
    CANDIDATES_S: tuple[float, ...] = (
        *(float(s) for s in range(1, 11)),
        *(12.0, 15.0, 20.0, 25.0, 30.0, 40.0, 45.0, 60.0, 90.0, 120.0),
    )
    PROBE_AFTER_S = 300.0  # without a 429 this long, a learnt window grows by one request

    def __init__(self, now: float, *, probing: bool):
        self.probing = probing  # adaptive, and no 429 has taught anything yet
        self.windows: tuple[Window, ...] = ()
        self.lessons = 0
        self._last_429 = now
        self._grown_at: dict[float, float] = {}  # window length -> when it last grew
        self._evidence_after = -math.inf
        self.pending: Permit | None = None  # the refused request of a lesson to draw
        self.pending_retry_after: float | None = None

    @property
    def horizon_s(self) -> float:
        return self.CANDIDATES_S[-1]

    def remember(self, windows: Sequence[Window], now: float) -> None:
        """Start from windows an earlier run learnt: as if their lessons were drawn now."""
        if not windows:
            return
        self.windows = prune(windows)
        self.probing = False
        self.lessons += 1
        for window in self.windows:
            self._grown_at[window.seconds] = now

    def on_success(self, now: float) -> None:
        if self.probing:
            return
        grown = []
        for window in self.windows:
            # A tentative window (see `infer`) is tried 1 % wider (one request at least) every
            # second, a confirmed one a request wider per five minutes; both only while no 429
            # comes.
            if window.tentative:
                every, more = 1.0, max(1, window.limit // 100)
            else:
                every, more = self.PROBE_AFTER_S, 1
            since = max(self._grown_at.get(window.seconds, now), self._last_429)
            if now - since >= every:
                window = Window(window.limit + more, window.seconds, window.tentative)
                self._grown_at[window.seconds] = now
            grown.append(window)
        self.windows = tuple(grown)

    def on_rate_limited(self, now: float, permit: Permit | None) -> None:
        """A 429: the lesson waits until the answers it needs are in (`ready`, `learn`)."""
        self._last_429 = now
        if permit is None or permit.at < self._evidence_after:
            # A 429 to a thread without a permit: nothing to count from; or to a request
            # sent before the last lesson: nothing new.
            return
        self._evidence_after = now
        self.pending = permit

    def ready(self, open_permits: Iterable[Permit], margin_s: float, now: float) -> bool:
        """Whether the pending lesson can be drawn: every request sent about together with
        the refused one has its answer (which says whether it reached the server first)."""
        permit = self.pending
        if permit is None:
            return False
        if now - self._last_429 > 10.0:
            return True  # do not wait for ever for an answer that may never come
        return not any(abs(p.at - permit.at) <= margin_s for p in open_permits)

    def learn(
        self,
        retry_after: float | None,
        permits: Sequence[Permit],
        margin_s: float,
        now: float,
        probed: Collection[float] = (),
    ) -> None:
        """Draw the pending lesson from a 429 (see the module docstring). A tentative window
        of a length in `probed` is not kept: the frontier tries those wider sooner."""
        permit, self.pending = self.pending, None
        if permit is None:
            return
        lessons = tuple(
            lesson
            for lesson in self.infer(permit, retry_after, permits, margin_s)
            if not (lesson.tentative and lesson.seconds in probed)
        )
        if not lessons:
            # Nothing of ours reached the server before it: someone else may share the
            # limit. It paused, and that is all.
            return
        merged = {w.seconds: w for w in self.windows}
        for lesson in lessons:
            old = merged.get(lesson.seconds)
            if old is not None:
                # The shortest explanation is confirmed; another keeps what it was (a
                # long window explains every 429 of a steady rate: that confirms nothing).
                tentative = lesson.tentative and old.tentative
                lesson = Window(min(old.limit, lesson.limit), lesson.seconds, tentative)
            merged[lesson.seconds] = lesson
            self._grown_at[lesson.seconds] = now
        self.windows = prune(merged.values())
        self.probing = False
        self.lessons += 1

    @classmethod
    def infer(
        cls,
        permit: Permit,
        retry_after: float | None,
        permits: Sequence[Permit],
        margin_s: float,
    ) -> tuple[Window, ...]:
        """The windows that explain a 429 to `permit` (see the module docstring).

        For each window length W considered, with δ the margin (how much the order of
        arrival may differ from the order of granting):

        - n, the grants surely counted before the refused one: granted more than δ before
          it, or about together with it and served (one served after it would have found
          the window fuller still), or refused too but answered first (the way back takes
          about as long for each, so answers come back in the order of arrival); and s,
          the most grants surely counted before an earlier request that was served: if W
          is right, the server's limit is at least n and at least s + 1, so the learnt
          window holds the larger of the two;
        - W is ruled out when s is more than could have been in the refused one's window
          (the limit would then have refused that earlier request too), or when the
          server's Retry-After does not fit the oldest of the n leaving the window (or the
          second oldest: a refused request may take a place in the window too);
        - when several lengths explain the 429, the shortest is taken at its word, and a
          longer one is kept, tentative, only if it holds at least twice as many (a few
          requests more are stragglers from before, a read or the end of a pause, not a
          window of their own). While the rate grows, "everything sent in the last W"
          explains a 429 for several W at once, and the longer windows look tighter than
          they are; a tentative window is tried wider soon, and is confirmed when it is the
          shortest explanation of a later 429.
        """
        others = [q for q in permits if q is not permit]
        times = [q.at for q in others]  # grant order
        answered = permit.answered_at if permit.answered_at is not None else math.inf
        before = [
            q.at
            for q in others
            if q.at < permit.at - margin_s
            or (
                q.at <= permit.at + margin_s
                and q.answered_at is not None
                and (not q.refused or q.answered_at <= answered)
            )
        ]
        served = [
            q.at for q in others if q.at < permit.at and q.answered_at is not None and not q.refused
        ]
        lessons: list[Window] = []
        for seconds in cls.CANDIDATES_S:
            edge = permit.at - seconds + margin_s
            first = bisect.bisect_right(before, edge)
            count = len(before) - first
            if count == 0:
                continue
            at_most = bisect.bisect_right(times, permit.at + margin_s) - bisect.bisect_right(
                times, permit.at - seconds - margin_s
            )
            seen = max(
                (
                    bisect.bisect_left(times, at - margin_s)
                    - bisect.bisect_right(times, at - seconds + margin_s)
                    for at in served
                ),
                default=0,
            )
            if seen + 1 > at_most:
                continue
            if retry_after is not None:
                # The window has room again once its oldest leaves — or its second oldest,
                # when the refused request takes a place too (Retry-After is rounded up).
                leaving = before[first : first + 2]
                if not any(
                    retry_after - 1 - 2 * margin_s
                    < at + seconds - permit.at
                    <= retry_after + 2 * margin_s
                    for at in leaving
                ):
                    continue
            limit = max(count, seen + 1)
            if lessons and limit < 2 * lessons[0].limit:
                continue  # a few requests more than the shortest: stragglers, not a window
            lessons.append(Window(limit, seconds, tentative=bool(lessons)))
        return tuple(lessons)


class Frontier:
    """The windows of 1 to 5 s that no 429 has confirmed: how many requests the service was
    seen to take in each, and the probes sent beyond that (see the module docstring).

    `taken[W]` starts at what the settings take for granted (`burst` at once, `rate` per
    second) and grows with every window the service served; `probes` are the requests sent
    beyond it whose answers are not in yet.
    """

    LONGEST_S = 5.0  # the longest window probed
    PROBE_RATE = 5.0  # probes per second of round trip (one per answer at a fifth of a second)
    PROBE_SHARE = 0.01  # and at most one per hundred requests granted

    def __init__(self, settings: RateSettings, lengths: Iterable[float]) -> None:
        self._start = {
            w: max(settings.burst, math.floor(settings.rate * w))
            for w in lengths
            if w <= self.LONGEST_S
        }
        self.taken = dict(self._start)
        self.probes: set[Permit] = set()  # granted beyond `taken`, not answered yet
        self.probes_served = 0
        self._served: list[float] = []  # grant times of the requests served, in order

    def probes_allowed(self, round_trip_s: float, granted: int) -> int:
        """How many probes may be unanswered at once: one until a probe was served."""
        if not self.probes_served:
            return 1
        by_share = math.floor(self.PROBE_SHARE * granted)
        return max(1, by_share, math.floor(self.PROBE_RATE * round_trip_s))

    def admit(
        self,
        times: Sequence[float],
        now: float,
        margin_s: float,
        round_trip_s: float,
        granted: int,
        confirmed: Collection[float],
    ) -> tuple[float, bool]:
        """Whether a request may go now: (0.0, False) within what was taken, (0.0, True) as a
        probe, else (the seconds until one may go within what was taken, False), though an
        answer may let a probe go sooner. Windows `confirmed` by a 429 are not probed."""
        known = 0.0
        teaches = False  # it would put more in some window than the service was seen to take
        for seconds, taken in self.taken.items():
            if seconds in confirmed:
                continue
            known = max(known, room_in(times, taken, seconds + margin_s, now))
            surely_within = len(times) - bisect.bisect_right(times, now - seconds + margin_s)
            teaches = teaches or surely_within + 1 > taken
        if known == 0.0:
            return 0.0, False
        if teaches and len(self.probes) < self.probes_allowed(round_trip_s, granted):
            return 0.0, True
        return known, False

    def answered(self, permit: Permit, margin_s: float) -> None:
        """`permit` was answered: if served, the windows it ends held at least so many."""
        if permit in self.probes:
            self.probes.discard(permit)
            self.probes_served += not permit.refused
        if permit.refused:
            return
        bisect.insort(self._served, permit.at)
        end = bisect.bisect_right(self._served, permit.at)
        for seconds, taken in self.taken.items():
            # Only requests granted less than W − margin apart surely reached it within W.
            start = bisect.bisect_right(self._served, permit.at - seconds + margin_s)
            self.taken[seconds] = max(taken, end - start)

    def forget(self, before: float) -> None:
        del self._served[: bisect.bisect_left(self._served, before)]

    def remember(self, served: Sequence[Window]) -> None:
        """Start from what an earlier run saw served."""
        for window in served:
            if window.seconds in self.taken:
                self.taken[window.seconds] = max(self.taken[window.seconds], window.limit)

    def served_windows(self) -> tuple[Window, ...]:
        """What was seen served beyond the settings' start, for the next run."""
        return tuple(
            Window(taken, seconds)
            for seconds, taken in self.taken.items()
            if taken > self._start[seconds]
        )


def room_in(times: Sequence[float], limit: int, span_s: float, now: float) -> float:
    """Seconds until the grants at `times` (oldest first) leave room for one more within any
    `span_s`, at most `limit` in it."""
    if len(times) < limit:
        return 0.0
    leaves_at = times[-limit] + span_s
    # (at least a microsecond: now + a tinier wait could round back to now)
    return max(leaves_at - now, 1e-6) if leaves_at > now else 0.0


def prune(windows: Iterable[Window]) -> tuple[Window, ...]:
    """The windows without those another implies (a longer window holding no more)."""
    shortest_first = sorted(windows, key=lambda w: (w.seconds, w.limit))
    kept: list[Window] = []
    for window in shortest_first:
        implied = any(
            o.seconds >= window.seconds and o.limit <= window.limit
            for o in shortest_first
            if o is not window
        )
        duplicate = any(k.seconds == window.seconds for k in kept)
        if not implied and not duplicate:
            kept.append(window)
    return tuple(kept)


class WindowLimiter:
    """Hands out request permits so that no window of the service holds more than its limit.

    Thread-safe. `acquire` / `on_success` / `on_rate_limited` pair up per thread (the
    throttle takes a permit, sends, and reports on the same thread); `take` / `answered`
    do the same with the permit in hand (for simulations).
    """

    def __init__(
        self,
        settings: RateSettings,
        *,
        clock: Clock = time.monotonic,
        learnt: LearntLimits | None = None,
    ) -> None:
        if settings.rate <= 0 or settings.burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self._clock = clock
        self._cond = threading.Condition()
        self._local = threading.local()
        self._times: list[float] = []  # grant times, oldest first
        self._permits: list[Permit] = []  # the same grants
        self._open: set[Permit] = set()  # granted, not answered, not given up
        self._paused_until = 0.0
        self.granted = 0
        self.rate_limited = 0
        self._configure(settings, clock())
        if learnt is not None:
            self._learner.remember(learnt.windows, clock())
            self._frontier.remember(learnt.served)

    # -- settings ----------------------------------------------------------------------------

    def _configure(self, settings: RateSettings, now: float) -> None:
        previous: RateSettings | None = getattr(self, "settings", None)
        self.settings = settings
        self._told = () if settings.adaptive else told_windows(settings)
        if previous is None:
            self._trips = RoundTrips(settings.margin_s)
        else:
            self._trips.prior_s = settings.margin_s
        learner: LimitLearner | None = getattr(self, "_learner", None)
        newly_adaptive = settings.adaptive and (previous is None or not previous.adaptive)
        if learner is None or (newly_adaptive and not learner.lessons):
            self._learner = LimitLearner(now, probing=settings.adaptive)
            self._frontier = Frontier(settings, LimitLearner.CANDIDATES_S)
        elif not settings.adaptive:
            learner.probing = False  # told now: the lessons wait, in case it is adaptive again

    def reconfigure(self, settings: RateSettings) -> None:
        """New settings for the next requests; the grants, the pause and the lessons stay."""
        with self._cond:
            self._configure(settings, self._clock())
            self._cond.notify_all()

    # -- figures -----------------------------------------------------------------------------

    @property
    def adaptive(self) -> bool:
        return self.settings.adaptive

    @property
    def learnt(self) -> tuple[Window, ...]:
        """The windows the adaptive mode has learnt from 429s so far."""
        with self._cond:
            return self._learnt_locked()

    @property
    def learnt_limits(self) -> LearntLimits:
        """What this limiter found out about its service so far, to keep for the next run."""
        with self._cond:
            return LearntLimits(self._learner.windows, self._frontier.served_windows())

    @property
    def windows(self) -> tuple[Window, ...]:
        """Every window the next grant must fit: told and learnt."""
        with self._cond:
            return self._windows_locked()

    @property
    def margin_s(self) -> float:
        with self._cond:
            return self._trips.margin_s

    @property
    def rate(self) -> float:
        with self._cond:
            margin = self._trips.margin_s
            rates = [w.limit / (w.seconds + margin) for w in self._windows_locked()]
            if self.settings.adaptive:
                confirmed = self._confirmed_locked()
                rates.extend(
                    n / (w + margin) for w, n in self._frontier.taken.items() if w not in confirmed
                )
            return min(rates, default=self.settings.rate)

    @property
    def paused_until(self) -> float:
        with self._cond:
            return self._paused_until if self._paused_until > self._clock() else 0.0

    # -- taking permits ----------------------------------------------------------------------

    def take(self) -> Permit | float:
        """Take a permit if one is free now: the permit, else the seconds to wait for one."""
        with self._cond:
            return self._take_locked(self._clock())

    def try_acquire(self) -> float:
        """Take a permit for this thread if one is free: 0.0 when taken, else the wait."""
        self._give_up_previous()
        taken = self.take()
        if isinstance(taken, Permit):
            self._local.permit = taken
            return 0.0
        return taken

    def acquire(
        self,
        cancel: CancelToken | None = None,
        on_pause: Callable[[float], None] | None = None,
    ) -> bool:
        """Block until a permit is taken (True) or `cancel` fires (False, at once).

        `on_pause(until)` is called when the wait is a server-ordered pause (a 429), with the
        clock time it ends, so the UI can say "waiting 4 s: the service asked us to slow down".
        """
        self._give_up_previous()
        unregister = cancel.on_cancel(self._wake_all) if cancel else None
        reported_pause = 0.0
        try:
            while True:
                with self._cond:
                    if cancel is not None and cancel.cancelled:
                        return False
                    now = self._clock()
                    taken = self._take_locked(now)
                    if isinstance(taken, Permit):
                        self._local.permit = taken
                        return True
                    pause = self._paused_until
                    if not on_pause or pause <= now or pause == reported_pause:
                        self._cond.wait(taken)
                        continue
                    reported_pause = pause
                # Told outside the lock: the listener may log, emit a signal or ask the limiter
                # something, and every other taker would wait for it meanwhile.
                on_pause(pause)
        finally:
            if unregister:
                unregister()

    # -- answers -----------------------------------------------------------------------------

    def on_success(self) -> None:
        """The request of this thread's permit went through."""
        self.answered(self._pop_permit())

    def on_rate_limited(self, retry_after: float | None) -> float:
        """A 429 for this thread's permit: pause every taker until Retry-After has passed,
        and learn from it; returns the pause's end."""
        return self.answered(self._pop_permit(), refused=True, retry_after=retry_after)

    def answered(
        self, permit: Permit | None, *, refused: bool = False, retry_after: float | None = None
    ) -> float:
        """`permit`'s request was answered (`refused`: with a 429); returns the pause's end."""
        with self._cond:
            now = self._clock()
            if permit is not None and permit.answered_at is None:
                permit.answered_at = now
                permit.refused = refused
                self._open.discard(permit)
                self._trips.add(now - permit.at)
                if self.settings.adaptive:
                    self._frontier.answered(permit, self._trips.margin_s)
            if refused:
                self.rate_limited += 1
                pause = retry_after if retry_after is not None else DEFAULT_PAUSE_S
                self._paused_until = max(self._paused_until, now + pause)
                if self.settings.adaptive:
                    pending = self._learner.pending
                    self._learner.on_rate_limited(now, permit)
                    if self._learner.pending is not pending:
                        self._learner.pending_retry_after = retry_after
            else:
                self._learner.on_success(now)
            self._learn_locked(now)
            self._cond.notify_all()
            return self._paused_until

    def _learn_locked(self, now: float) -> None:
        learner = self._learner
        margin = self._trips.margin_s
        if learner.ready(self._open, margin, now) or (
            learner.pending is not None and now >= self._paused_until
        ):
            learner.learn(
                learner.pending_retry_after, self._permits, margin, now, self._frontier.taken
            )

    # -- inside ------------------------------------------------------------------------------

    def _learnt_locked(self) -> tuple[Window, ...]:
        return self._learner.windows if self.settings.adaptive else ()

    def _confirmed_locked(self) -> set[float]:
        return {w.seconds for w in self._learnt_locked() if not w.tentative}

    def _windows_locked(self) -> tuple[Window, ...]:
        return prune((*self._told, *self._learnt_locked()))

    def _take_locked(self, now: float) -> Permit | float:
        if now < self._paused_until:
            return self._paused_until - now
        self._learn_locked(now)
        self._forget(now)
        margin = self._trips.margin_s
        wait = 0.0
        for window in (*self._told, *self._learnt_locked()):
            wait = max(wait, room_in(self._times, window.limit, window.seconds + margin, now))
        probe = False
        if self.settings.adaptive:
            frontier_wait, probe = self._frontier.admit(
                self._times,
                now,
                margin,
                self._trips.shortest_s,
                self.granted,
                self._confirmed_locked(),
            )
            wait = max(wait, frontier_wait)
        if wait > 0.0:
            return wait
        permit = Permit(now)
        self._times.append(now)
        self._permits.append(permit)
        self._open.add(permit)
        if probe:
            self._frontier.probes.add(permit)
        self.granted += 1
        return permit

    def _stale_after_s(self) -> float:
        """A permit unanswered this long is taken for lost (its thread gave up on it)."""
        return max(10.0, 4 * self._trips.longest_s)

    def _forget(self, now: float) -> None:
        longest = max((w.seconds for w in self._told), default=0.0)
        horizon = max(longest, self._learner.horizon_s) + self._trips.margin_s + 1.0
        gone = bisect.bisect_left(self._times, now - horizon)
        if gone > 64 or (gone and len(self._times) > 4096):
            del self._times[:gone]
            del self._permits[:gone]
        self._frontier.forget(now - horizon)
        if self._open:
            stale = now - self._stale_after_s()
            self._open = {p for p in self._open if p.at > stale}
            self._frontier.probes &= self._open

    def _give_up_previous(self) -> None:
        """A thread taking a new permit is done with its last one, answered or not (a
        timeout, a reset: the throttle reports those to nobody)."""
        previous = self._pop_permit()
        if previous is not None:
            with self._cond:
                self._open.discard(previous)
                self._frontier.probes.discard(previous)

    def _pop_permit(self) -> Permit | None:
        permit: Permit | None = getattr(self._local, "permit", None)
        self._local.permit = None
        return permit

    def _wake_all(self) -> None:
        with self._cond:
            self._cond.notify_all()
