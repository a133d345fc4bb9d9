"""What the fault tests share: the real services on the fault server, built as Songbird builds
them, the run's wiring, and the checks read from the server's log.

The services are the product's: the composition root's throttles (`build_throttles`), each
service's requests through `http_session(throttle, classify, timeout)`, the real spotipy and
ytmusicapi above. Only the network edge moves (`route_to`), and each retry policy draws its
backoffs from a `RecordingRandom`, so a test knows exactly how long each retry had to wait.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
import spotipy
from PySide6.QtCore import QCoreApplication
from ytmusicapi import YTMusic

from songbird_gui.app import build_context, build_throttles
from songbird_gui.core.ratelimit import DEFAULT_PAUSE_S
from songbird_gui.core.retry import RetryPolicy
from songbird_gui.core.service import MusicService
from songbird_gui.core.settings import RateSettings, RetrySettings, Settings
from songbird_gui.core.store import MatchStore
from songbird_gui.core.throttle import Throttle
from songbird_gui.core.types import ServiceId, TrackStatus
from songbird_gui.engine.library import PlaylistLoader
from songbird_gui.engine.session import SyncContext, SyncSession
from songbird_gui.services import spotify, ytmusic
from songbird_gui.services.http_session import http_session
from tests.reliability.fake_apis import SPOTIFY_HOST, YTMUSIC_HOST
from tests.reliability.fault_server import (
    Draw,
    FaultKind,
    FaultServer,
    Logged,
    RecordingRandom,
    Sent,
    route_to,
)

# The clients' timeout. No answer is meant to take long (a SLOW fault waits for the client to
# give up, whatever this is), so it is far above what a loaded machine needs to answer.
TIMEOUT_S = 2.0
RATE = 30.0  # requests per second each service may take: the bound the server checks
BURST = 4
SETTINGS = Settings(
    workers=4,
    spotify=RateSettings(rate=RATE, burst=BURST),
    ytmusic=RateSettings(rate=RATE, burst=BURST),
    retry=RetrySettings(max_attempts=6, base_delay_s=0.05, max_delay_s=0.5),
)
FINAL = {s for s in TrackStatus if s.is_final}
HOSTS = (SPOTIFY_HOST, YTMUSIC_HOST)
# The failures a retry policy backs off from (a 429 waits for its pause instead).
BACKED_OFF = {
    FaultKind.ERROR_500,
    FaultKind.ERROR_502,
    FaultKind.ERROR_503,
    FaultKind.RESET,
    FaultKind.TRUNCATED,
    FaultKind.MALFORMED,
    FaultKind.SLOW,
}


def browser_auth(session: str) -> dict[str, str]:
    return {
        "cookie": f"__Secure-3PAPISID={session}",
        "authorization": "SAPISIDHASH 0_x",
        "x-goog-authuser": "0",
    }


class Rig:
    """One test's wiring: the server, the program's throttles, the recorded backoff draws."""

    def __init__(
        self,
        server: FaultServer,
        monkeypatch: pytest.MonkeyPatch,
        settings: Settings = SETTINGS,
    ) -> None:
        self.server = server
        self.settings = settings
        self.random = RecordingRandom(seed=12)
        self.throttles = build_throttles(settings)
        for throttle in self.throttles.values():
            throttle.policy = RetryPolicy(settings.retry, rng=self.random)
        route_to(server, monkeypatch)

    def services(self, token: str, session: str) -> dict[ServiceId, MusicService]:
        """The real adapters over the real libraries, as `Accounts.services` builds them."""
        return {
            ServiceId.SPOTIFY: spotify_service(self.throttles[ServiceId.SPOTIFY], token),
            ServiceId.YTMUSIC: ytmusic_service(self.throttles[ServiceId.YTMUSIC], session),
        }

    def context(self, services: dict[ServiceId, MusicService], store: MatchStore) -> SyncContext:
        context = build_context(self.settings, services, store)
        # The writer's own retries (a lost answer, looked after) draw from the recorder too.
        return dataclasses.replace(context, policy=RetryPolicy(self.settings.retry, self.random))

    @property
    def draws(self) -> list[Draw]:
        return list(self.random.draws)


def spotify_service(throttle: Throttle, token: str) -> spotify.SpotifyService:
    client = spotipy.Spotify(
        auth=token,
        requests_session=http_session(throttle, spotify.classify, TIMEOUT_S),
        requests_timeout=TIMEOUT_S,
    )
    return spotify.SpotifyService(client, throttle)


def ytmusic_service(throttle: Throttle, session: str) -> ytmusic.YTMusicService:
    client = YTMusic(
        auth=browser_auth(session),
        language="en",
        requests_session=http_session(throttle, ytmusic.classify, TIMEOUT_S),
    )
    return ytmusic.YTMusicService(client, throttle)


def store_in(tmp_path: Path) -> MatchStore:
    return MatchStore(tmp_path / "store.sqlite3")


def other(source: ServiceId) -> ServiceId:
    return ServiceId.YTMUSIC if source is ServiceId.SPOTIFY else ServiceId.SPOTIFY


def start(qtbot, sessions, context: SyncContext, source: ServiceId, name: str) -> SyncSession:
    """A session planned for the source playlist `name`, chosen as the window chooses it."""
    session = SyncSession(context, source, other(source))
    sessions.append(session)
    failures: list[str] = []
    session.failed.connect(failures.append)
    loader = PlaylistLoader(context.services)  # as the window reads them: paced, retried
    with qtbot.waitSignal(loader.loaded, timeout=30_000) as loaded:
        loader.load()
    assert loader.drain(30_000)
    chosen = [p for p in loaded.args[0][source] if p.name == name]
    with qtbot.waitSignal(session.planned, timeout=30_000):
        session.plan(chosen)
    assert not failures, failures
    return session


def search_and_apply(qtbot, session: SyncSession) -> None:
    with qtbot.waitSignal(session.searchFinished, timeout=60_000):
        session.search()
    with qtbot.waitSignal(session.applied, timeout=60_000):
        session.apply()


def settle(qtbot, session: SyncSession) -> None:
    """Wait until every job of `session` has ended and its last signals have arrived."""
    qtbot.waitUntil(lambda: session.active_workers() == 0, timeout=30_000)
    # Every job has returned, so everything it emitted is queued: deliver it now.
    QCoreApplication.sendPostedEvents()


# -- what the checks read from the logs -----------------------------------------------------


def max_in_window(log: Iterable[Logged], window_s: float = 1.0) -> int:
    """The most requests that arrived within any `window_s` seconds."""
    times = sorted(r.at for r in log)
    most, start_index = 0, 0
    for end_index, at in enumerate(times):
        while at - times[start_index] > window_s:
            start_index += 1
        most = max(most, end_index - start_index + 1)
    return most


def api_requests(server: FaultServer, host: str) -> list[Logged]:
    """The requests a rate limit counts: the APIs (/v1/, /youtubei/v1/), not the home page
    ytmusicapi reads once per client for a visitor id."""
    return server.requests_to(host, "/v1/")


def refused(log: Iterable[Logged], rate: float = RATE, burst: int = BURST) -> list[str]:
    """The requests that a service enforcing the configured limit would have refused.

    The service is modelled on its own, apart from Songbird's limiter: a token bucket of
    `rate` per second holding at most `burst`, fed by the arrivals the server saw.
    """
    tokens, last, refusals = float(burst), None, []
    arrivals = sorted(log, key=lambda r: r.at)
    for index, request in enumerate(arrivals):
        at = request.at
        if last is not None:
            tokens = min(float(burst), tokens + (at - last) * rate)
        last = at
        if tokens >= 1.0 - 1e-9:  # arrivals exactly 1/rate apart are within the limit
            tokens -= 1.0
        else:
            before = [f"{at - r.at:.4f}" for r in arrivals[max(0, index - burst) : index]]
            refusals.append(f"{request.label} at {at:.4f} ({tokens:.3f} tokens; after {before})")
    return refusals


def over_the_limit(log: Iterable[Logged], rate: float = RATE, burst: int = BURST) -> int:
    """How many requests a service enforcing the configured limit would have refused."""
    return len(refused(log, rate, burst))


def retry_after_breaches(
    log: Sequence[Logged], in_flight: int, sent: Sequence[Sent] = ()
) -> list[str]:
    """Requests to the same service that arrived while a 429's pause was running.

    The pause starts when the client has read the 429, which is after it arrived, so a
    request the paused limiter let go arrives at least the pause after the 429 did. Until
    then each of the `in_flight` other threads may have taken one permit and sent its request;
    any more is a breach. With the client's side of each request (`sent`), a request the
    client sent before it had read the 429 is not counted either: nothing could have held it
    back (on a loaded machine the thread that reads the 429 may wait its turn while the
    others go on).
    """
    read_at = {s.request_id: s.ended for s in sent}
    started_at = {s.request_id: s.started for s in sent}
    paused = (FaultKind.RATE_LIMITED, FaultKind.RATE_LIMITED_BARE)
    breaches = []
    for limited in (r for r in log if r.fault in paused):
        # One without Retry-After gets the limiter's default pause.
        pause = limited.retry_after if limited.retry_after is not None else DEFAULT_PAUSE_S
        end = limited.at + pause
        known = read_at.get(limited.request_id)
        during = [
            o
            for o in log
            if o.host == limited.host
            and limited.at < o.at < end
            and (known is None or started_at.get(o.request_id, end) > known)
        ]
        breaches += [
            f"{other.label} {other.at - limited.at:.3f} s after a 429"
            for other in during[in_flight:]
        ]
    return breaches


def backoff_breaches(
    log: Sequence[Logged],
    sent: Sequence[Sent],
    draws: Sequence[Draw],
    timeout_s: float = TIMEOUT_S,
) -> list[str]:
    """Requests sent again sooner than the backoff the policy drew, from exact times.

    After each failure that is backed off from (a 5xx, a reset, a body cut short or garbled,
    no answer in time), the thread that sent it draws a backoff before its next request (the
    transport's retry, or the writer's look before it asks again) and waits it out: that next
    request starts no sooner than the draw plus its seconds. A request that got no answer
    has waited the whole client timeout first. (`sent` is the client's side of each request,
    `log` the server's, linked by the request's number.)
    """
    by_id = {s.request_id: s for s in sent}
    by_thread: dict[int, list[Sent]] = {}
    for item in sorted(sent, key=lambda s: s.started):
        by_thread.setdefault(item.thread, []).append(item)
    drawn: dict[int, list[Draw]] = {}
    for draw in draws:
        drawn.setdefault(draw.thread, []).append(draw)
    breaches = []
    for failed in log:
        if failed.fault not in BACKED_OFF or failed.request_id not in by_id:
            continue
        attempt = by_id[failed.request_id]
        what = f"{failed.fault.value} on {failed.label}"
        if failed.fault is FaultKind.SLOW and attempt.ended - attempt.started < timeout_s:
            breaches.append(f"{what}: gave up after {attempt.ended - attempt.started:.4f} s")
        mine = by_thread[attempt.thread]
        following = mine[mine.index(attempt) + 1 :]
        if not following:
            continue  # nothing more was sent from that thread
        after = following[0]
        waits = [d for d in drawn.get(attempt.thread, []) if attempt.ended <= d.at <= after.started]
        if not waits:
            breaches.append(f"{what}: the thread sent again without a backoff")
        elif after.started < waits[-1].at + waits[-1].seconds:
            breaches.append(
                f"{what}: sent again {after.started - waits[-1].at:.4f} s into a "
                f"{waits[-1].seconds:.4f} s backoff"
            )
    return breaches


def assert_rate_kept(
    server: FaultServer,
    draws: Sequence[Draw],
    in_flight: int,
    rate: float = RATE,
    burst: int = BURST,
) -> None:
    """The limit, each 429's pause and each backoff held, as the server and client saw it."""
    log, sent = server.logs()
    problems: dict[str, Any] = {
        "refused by the limit": [
            r for h in HOSTS for r in refused(api_requests(server, h), rate, burst)
        ],
        "more than rate + burst in a second": [
            h for h in HOSTS if max_in_window(api_requests(server, h)) > rate + burst
        ],
        "sent during a 429's pause": retry_after_breaches(log, in_flight, sent),
        "sent again before the backoff": backoff_breaches(log, sent, draws),
    }
    if problems["refused by the limit"]:
        # Whether the limiter let them go too fast, or the way to the server bunched them.
        started = {s.request_id: s.started for s in sent}
        as_sent = [
            dataclasses.replace(r, at=started[r.request_id])
            for h in HOSTS
            for r in api_requests(server, h)
            if r.request_id in started
        ]
        problems["refused by the limit, at the times the client sent them"] = len(
            [r for h in HOSTS for r in refused([x for x in as_sent if x.host == h], rate, burst)]
        )
    assert {k: v for k, v in problems.items() if v != []} == {}


def assert_every_request_paced(rig: Rig, server: FaultServer) -> None:
    """Each request that reached a service took a permit of that service's throttle first."""
    hosts = {ServiceId.SPOTIFY: SPOTIFY_HOST, ServiceId.YTMUSIC: YTMUSIC_HOST}
    granted = {s: rig.throttles[s].limiter.granted for s in hosts}
    arrived = {s: len(server.requests_to(host)) for s, host in hosts.items()}
    assert granted == arrived


def searches_of(server: FaultServer, host: str) -> list[Logged]:
    label = "GET /v1/search" if host == SPOTIFY_HOST else "POST /youtubei/v1/search"
    return server.requests_to(host, label)


def page_reads(server: FaultServer, host: str | None = None) -> list[Logged]:
    """The requests that read a page of a list (a playlist's entries, the playlists)."""
    hosts = [host] if host else list(HOSTS)
    return [r for h in hosts for r in server.requests_to(h) if r.page]


def figures(server: FaultServer, session: SyncSession, **more: Any) -> dict[str, Any]:
    """A whole sync's figures for the summary (conftest.py)."""
    statuses = Counter(row.status.value for row in session.rows)
    stats = [session.figures.search_stats, session.figures.io_stats]
    per_host = {h: max_in_window(api_requests(server, h)) for h in HOSTS}
    return {
        "requests": len(server.log),
        "pages": sum(1 for r in page_reads(server) if r.status == 200),
        "retries": sum(s.retries for s in stats),
        "over_limit": sum(over_the_limit(api_requests(server, h)) for h in HOSTS),
        "max_req_per_s": max(per_host.values()),
        "client_requests": sum(s.requests for s in stats),
        "429s": sum(1 for r in server.log if r.status == 429),
        "faults": server.fired(),
        "statuses": dict(sorted(statuses.items())),
        "max_req_per_s_by_host": per_host,
        **more,
    }
