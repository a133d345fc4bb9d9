"""A discrete-event simulation of clients searching against a sliding-window server model.

No threads and no sleeps: simulated time, so thousands of runs take seconds. It serves the
benchmarks' analysis (`bench_sync.py` prints it):

- the *ideal* client that guarantees zero 429s: it sends M requests, then the next M once
  W + margin has passed since the first of the previous M (the fastest schedule under which
  no window of W can hold M + 1 arrivals for any delays within ±J when margin = 2J); run
  with smaller margins, it shows how often a faster schedule draws a 429;
- the seed's contestants and Songbird's `WindowLimiter` under the same model, to check the
  real-thread benchmark's figures against.

The server is `services/demo_limits.SlidingWindowLimit` with `OneWayDelays`: arrival after
half the latency ± jitter, answer after the other half. Each search is one request.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from songbird_gui.core.ratelimit import LearntLimits, Permit, WindowLimiter
from songbird_gui.core.settings import RateSettings
from songbird_gui.services.demo_limits import OneWayDelays, SlidingWindowLimit


@dataclass
class Outcome:
    elapsed_s: float
    requests: int
    refused: int
    sends: list[float] = field(default_factory=list)
    learnt: LearntLimits | None = None  # Songbird's: what its limiter learnt, for a next run


class Loop:
    """Simulated time: callbacks run in order of their time."""

    def __init__(self) -> None:
        self.now = 0.0
        self._queue: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()

    def at(self, when: float, callback: Callable[[], None]) -> None:
        heapq.heappush(self._queue, (max(when, self.now), next(self._order), callback))

    def run(self) -> None:
        while self._queue:
            self.now, _, callback = heapq.heappop(self._queue)
            callback()


class Server:
    def __init__(self, loop: Loop, window: SlidingWindowLimit, delays: OneWayDelays) -> None:
        self.loop = loop
        self.window = window
        self.delays = delays
        self.requests = 0
        self.refused = 0
        self.sends: list[float] = []
        self.last_answer = 0.0

    def send(self, answer: Callable[[int | None], None]) -> None:
        """Send one request now; `answer(retry_after or None)` runs when the answer is back."""
        there, back = self.delays.legs()
        self.sends.append(self.loop.now)

        def arrive() -> None:
            self.requests += 1
            retry_after = self.window.admit(self.loop.now)
            if retry_after is not None:
                self.refused += 1
            self.loop.at(self.loop.now + back, lambda: self._answer(answer, retry_after))

        self.loop.at(self.loop.now + there, arrive)

    def _answer(self, answer: Callable[[int | None], None], retry_after: int | None) -> None:
        self.last_answer = self.loop.now
        answer(retry_after)


def _server(limit: int, window_s: float, latency_s: float, jitter: float, seed: int):
    loop = Loop()
    delays = OneWayDelays(latency_s, jitter, random.Random(seed))
    return loop, Server(loop, SlidingWindowLimit(limit, window_s), delays)


def _outcome(loop: Loop, server: Server) -> Outcome:
    return Outcome(server.last_answer, server.requests, server.refused, server.sends)


def ideal(
    tracks: int,
    limit: int,
    window_s: float,
    latency_s: float,
    *,
    margin_s: float,
    workers: int = 10,
    jitter: float = 0.1,
    seed: int = 0,
) -> Outcome:
    """Request i goes at max(⌊i / M⌋ · (W + margin), when a worker is free); a 429 is retried
    after its Retry-After (it never happens with margin ≥ 2J)."""
    loop, server = _server(limit, window_s, latency_s, jitter, seed)
    free = [0.0] * workers
    for i in range(tracks):
        slot = (i // limit) * (window_s + margin_s)
        worker = min(range(workers), key=lambda w: free[w])
        start = max(slot, free[worker])
        free[worker] = start + latency_s * (1 + jitter / 2)  # busy until its answer is back

        def go(i: int = i) -> None:
            def answered(retry_after: int | None) -> None:
                if retry_after is not None:
                    loop.at(loop.now + retry_after, lambda: server.send(answered))

            server.send(answered)

        loop.at(start, go)
    loop.run()
    return _outcome(loop, server)


def sequential(
    tracks: int,
    limit: int,
    window_s: float,
    latency_s: float,
    *,
    jitter: float = 0.1,
    seed: int = 0,
) -> Outcome:
    loop, server = _server(limit, window_s, latency_s, jitter, seed)
    left = [tracks]

    def next_one() -> None:
        if left[0] == 0:
            return
        left[0] -= 1

        def answered(retry_after: int | None) -> None:
            if retry_after is not None:
                left[0] += 1
                loop.at(loop.now + retry_after, next_one)
            else:
                next_one()

        server.send(answered)

    loop.at(0.0, next_one)
    loop.run()
    return _outcome(loop, server)


def pool_then_sequential(
    tracks: int,
    limit: int,
    window_s: float,
    latency_s: float,
    *,
    workers: int,
    spacing_s: float = 0.0,
    jitter: float = 0.1,
    seed: int = 0,
) -> Outcome:
    """The seed's proposals: `workers` threads (with `spacing_s`, a shared lock keeps sends at
    least that far apart); a 429 puts the track aside; once the pool is done, the failed
    tracks one after another (each waiting out its Retry-After if refused again)."""
    loop, server = _server(limit, window_s, latency_s, jitter, seed)
    queue = list(range(tracks))
    failed: list[int] = []
    running = [workers]
    last_send = [-1e9]

    def worker() -> None:
        if not queue:
            running[0] -= 1
            if running[0] == 0:
                retry_failed()
            return
        queue.pop(0)
        start = max(loop.now, last_send[0] + spacing_s)
        if spacing_s:
            last_send[0] = start

        def answered(retry_after: int | None) -> None:
            if retry_after is not None:
                failed.append(1)
            worker()

        loop.at(start, lambda: server.send(answered))

    def retry_failed() -> None:
        if not failed:
            return

        def answered(retry_after: int | None) -> None:
            if retry_after is not None:
                loop.at(loop.now + retry_after, retry_failed)
            else:
                failed.pop()
                retry_failed()

        server.send(answered)

    for _ in range(workers):
        loop.at(0.0, worker)
    loop.run()
    return _outcome(loop, server)


def songbird(
    tracks: int,
    limit: int,
    window_s: float,
    latency_s: float,
    settings: RateSettings,
    *,
    workers: int = 10,
    jitter: float = 0.1,
    seed: int = 0,
    requests_per_track: Callable[[int], int] = lambda _track: 1,
    learnt: LearntLimits | None = None,
) -> Outcome:
    """`WindowLimiter` on simulated time: `workers` workers, each retrying its 429s; the
    limiter starts from what an earlier run `learnt`."""
    loop, server = _server(limit, window_s, latency_s, jitter, seed)
    limiter = WindowLimiter(settings, clock=lambda: loop.now, learnt=learnt)
    queue = list(range(tracks))
    # Workers waiting for a permit, each with a ticket: an answer wakes them all at once
    # (as the limiter's condition does), and a wake-up whose ticket is stale is dropped.
    waiting: dict[int, Callable[[], None]] = {}
    tickets = itertools.count()

    def wake(ticket: int | None = None) -> None:
        if ticket is not None:
            retry = waiting.pop(ticket, None)
            if retry is not None:
                retry()
            return
        ready = list(waiting.values())
        waiting.clear()
        for retry in ready:
            retry()

    def worker(requests_left: int = 0) -> None:
        if requests_left == 0:
            if not queue:
                return
            requests_left = requests_per_track(queue.pop(0))
        taken = limiter.take()
        if not isinstance(taken, Permit):
            ticket = next(tickets)
            waiting[ticket] = lambda: worker(requests_left)
            loop.at(loop.now + taken, lambda: wake(ticket))
            return
        permit = taken

        def answered(retry_after: int | None) -> None:
            if retry_after is not None:
                limiter.answered(permit, refused=True, retry_after=retry_after)
                wake()
                worker(requests_left)
            else:
                limiter.answered(permit)
                wake()
                worker(requests_left - 1)

        server.send(answered)

    for _ in range(workers):
        loop.at(0.0, worker)
    loop.run()
    outcome = _outcome(loop, server)
    outcome.learnt = limiter.learnt_limits
    return outcome
