"""Pacing each single request to a service: `Throttle`, and the caller's `RequestScope`.

Every request Songbird sends — a search, each page of a long read, a continuation, a like, a
token refresh — passes its service's `Throttle`: a permit from the service's limiter first,
then the retry policy for what may be retried. The throttle sits below the service
libraries (in the `requests` transport given to spotipy and ytmusicapi, around each server
call of the demo services), so it sees the requests a library sends on its own too, and a
failed page of a long read is retried alone.

Which run a request belongs to — its Stop, its counters, whom to tell about a 429 pause — is
something no library passes down, so it travels with the thread: the engine opens a
`request_scope` around each job, and `writing()` marks the requests whose lost answer must
not be sent again blindly.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar, copy_context
from dataclasses import dataclass, replace
from typing import TypeVar

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import Cancelled, RunBlocked
from songbird_gui.core.ratelimit import RateLimiter
from songbird_gui.core.retry import RequestStats, RetryPolicy
from songbird_gui.core.settings import RateSettings, RetrySettings
from songbird_gui.core.types import ServiceId

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RequestScope:
    """What the requests sent on this thread belong to."""

    cancel: CancelToken
    stats: RequestStats
    on_pause: Callable[[float], None] | None = None  # told the clock time a 429 pause ends
    # False while writing: a write whose answer was lost (a reset, a timeout, a 5xx) may have
    # landed, so it is not re-sent here; the writer looks first, then asks again.
    resend_lost: bool = True


# A context variable is per thread (each thread starts with its own, empty context).
_SCOPE: ContextVar[RequestScope | None] = ContextVar("songbird_request_scope", default=None)


def current_scope() -> RequestScope:
    """The scope of this thread; outside any, one that never stops and counts for nobody."""
    return _SCOPE.get() or RequestScope(CancelToken(), RequestStats())


@contextlib.contextmanager
def request_scope(
    cancel: CancelToken,
    stats: RequestStats | None = None,
    on_pause: Callable[[float], None] | None = None,
) -> Iterator[RequestScope]:
    """Requests sent inside belong to `cancel`'s run and are counted in `stats`."""
    scope = RequestScope(cancel, stats or RequestStats(), on_pause)
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Requests sent inside are writes: an answer lost on the way is not re-sent blindly."""
    token = _SCOPE.set(replace(current_scope(), resend_lost=False))
    try:
        yield
    finally:
        _SCOPE.reset(token)


def gather(calls: Sequence[Callable[[], T]], at_once: int = 8) -> list[T]:
    """Run `calls` at the same time, each in the caller's request scope; results in order.

    For reads that need not wait for each other (both services' playlist lists; the source
    and target playlists of a plan): their requests are still paced by their throttles, so
    this only saves the round trips spent waiting. The first failure is raised once every
    call has ended (a Stop ends them all at their next request).
    """
    if len(calls) <= 1:
        return [call() for call in calls]

    def run(call: Callable[[], T]) -> T:
        try:
            return call()
        except RunBlocked:
            current_scope().cancel.cancel()  # the others would be refused alike: stop them
            raise

    with ThreadPoolExecutor(max_workers=min(at_once, len(calls))) as pool:
        futures = [pool.submit(copy_context().run, run, call) for call in calls]
        errors = [f.exception() for f in futures]
    # The cause, not its consequence: a refusal stops the other calls, which then end with
    # Cancelled; raising that instead would read as the person's Stop.
    failures = [e for e in errors if e is not None]
    caused = [e for e in failures if not isinstance(e, Cancelled)]
    if failures:
        raise (caused or failures)[0]
    return [f.result() for f in futures]


class Throttle:
    """One service's pacing: its limiter and retry policy, applied to each request.

    Built once per service by the composition root and shared by everything that talks to
    that service (every run, the playlist loader, the command line), so the service's limit
    holds for the whole program. New settings apply to the next requests (`reconfigure`).
    """

    def __init__(self, service: ServiceId, limiter: RateLimiter, policy: RetryPolicy) -> None:
        self.service = service
        self.limiter = limiter
        self.policy = policy

    def send(self, attempt: Callable[[], T]) -> T:
        """Send one request (`attempt` sends it once and raises core errors on failure)."""
        scope = current_scope()
        return self.policy.call(
            attempt,
            self.limiter,
            scope.cancel,
            scope.stats,
            scope.on_pause,
            resend=scope.resend_lost,
            service_name=self.service.display_name,
        )

    def reconfigure(self, rate: RateSettings, retry: RetrySettings) -> None:
        """New settings for the next requests; the limiter keeps what it has learnt."""
        self.limiter.reconfigure(rate)
        self.policy.settings = retry
