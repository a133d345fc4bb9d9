"""Whole syncs through the real spotipy and ytmusicapi against the fault server.

Each test starts a `FaultServer` on 127.0.0.1, points real clients at it, and runs the
session the window and the CLI run: plan, search on the thread pool, apply. The server
injects the faults people meet — 429 with and without Retry-After, 500/502/503, answers past
the client's timeout, reset connections, bodies cut short or garbled, writes whose answer is
lost after they landed, a batch refused for one of its tracks, a login that ends mid-run, a
playlist deleted between plan and apply — and the tests check what the person would see:
every track in a final status, the target holding each found track once, Retry-After
honoured, the configured rate never exceeded. Each test's figures go to the summary printed
at the end of the run (conftest.py).
"""

from __future__ import annotations

import itertools
import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import spotipy
from ytmusicapi import YTMusic

from songbird_gui.app import build_context
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.ratelimit import DEFAULT_PAUSE_S
from songbird_gui.core.settings import RateSettings, RetrySettings, Settings
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import ServiceId, TrackStatus
from songbird_gui.engine.library import PlaylistLoader
from songbird_gui.engine.session import SyncContext, SyncSession
from songbird_gui.services.spotify import SpotifyService
from songbird_gui.services.ytmusic import YTMusicService
from tests.reliability.fake_apis import (
    SPOTIFY_HOST,
    YTMUSIC_HOST,
    FakeSpotify,
    FakeYouTubeMusic,
    twin_catalogue,
)
from tests.reliability.fault_server import (
    Fault,
    FaultKind,
    FaultServer,
    Logged,
    loopback_session,
)

pytestmark = pytest.mark.slow

TIMEOUT_S = 0.5  # the clients' timeout; a "slow" answer comes after SLOW_S
SLOW_S = 1.0
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


def browser_auth(session: str) -> dict[str, str]:
    return {
        "cookie": f"__Secure-3PAPISID={session}",
        "authorization": "SAPISIDHASH 0_x",
        "x-goog-authuser": "0",
    }


def real_services(server: FaultServer, token: str, session: str) -> dict:
    """The real adapters over the real libraries, their requests sent to `server`."""
    spotify = spotipy.Spotify(
        auth=token,
        requests_session=loopback_session(server, TIMEOUT_S),
        requests_timeout=TIMEOUT_S,
    )
    ytmusic = YTMusic(
        auth=browser_auth(session),
        language="en",
        requests_session=loopback_session(server, TIMEOUT_S),
    )
    return {ServiceId.SPOTIFY: SpotifyService(spotify), ServiceId.YTMUSIC: YTMusicService(ytmusic)}


def context_for(services: dict, tmp_path: Path) -> SyncContext:
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    return build_context(SETTINGS, paths, services, MatchStore(tmp_path / "store.sqlite3"))


@pytest.fixture
def sessions() -> Iterator[list[SyncSession]]:
    made: list[SyncSession] = []
    yield made
    for session in made:
        session.shutdown()


def start(qtbot, sessions, context: SyncContext, source: ServiceId, name: str) -> SyncSession:
    target = ServiceId.YTMUSIC if source is ServiceId.SPOTIFY else ServiceId.SPOTIFY
    session = SyncSession(context, source, target)
    sessions.append(session)
    failures: list[str] = []
    session.failed.connect(failures.append)
    loader = PlaylistLoader(context)  # as the window reads them: retried, throttled
    with qtbot.waitSignal(loader.loaded, timeout=30_000) as loaded:
        loader.load()
    loader.shutdown()
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


# -- what every test checks on the server's log ---------------------------------------------


def max_in_window(log: list[Logged], window_s: float = 1.0) -> int:
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


def over_the_limit(log: list[Logged], rate: float = RATE, burst: int = BURST) -> int:
    """Requests that a service enforcing the configured limit would have refused.

    The service is modelled as the token bucket Songbird is configured with (`rate` per
    second, bursts of `burst`), fed by the arrivals the server saw.
    """
    tokens, last, refused = float(burst), None, 0
    for at in sorted(r.at for r in log):
        if last is not None:
            tokens = min(float(burst), tokens + (at - last) * rate)
        last = at
        if tokens >= 1.0 - 1e-9:  # arrivals exactly 1/rate apart are within the limit
            tokens -= 1.0
        else:
            refused += 1
    return refused


def retry_after_breaches(log: list[Logged], in_flight: int = SETTINGS.workers - 1) -> list[str]:
    """Requests to the same service that arrived while a 429's pause was running.

    Until the client has read the 429, each of its other workers may already have taken a
    permit and sent one request; those `in_flight` are allowed. Any more is a breach.
    """
    # Every 429 here asks for 1 s; one without Retry-After gets the bucket's default pause.
    pauses = {FaultKind.RATE_LIMITED: 1.0, FaultKind.RATE_LIMITED_BARE: DEFAULT_PAUSE_S}
    breaches = []
    for limited in (r for r in log if r.fault in pauses):
        end = limited.at + pauses[limited.fault] - 0.02
        during = [o for o in log if o.host == limited.host and limited.at < o.at < end]
        breaches += [
            f"{other.label} {other.at - limited.at:.3f} s after a 429"
            for other in during[in_flight:]
        ]
    return breaches


def figures(server: FaultServer, session: SyncSession) -> dict:
    statuses = Counter(row.status.value for row in session.rows)
    stats = [session.figures.search_stats, session.figures.io_stats]
    return {
        "requests": len(server.log),
        "client_requests": sum(s.requests for s in stats),
        "retries": sum(s.retries for s in stats),
        "429s": sum(1 for r in server.log if r.status == 429),
        "faults": server.fired(),
        "statuses": dict(sorted(statuses.items())),
        "max_req_per_s": {h: max_in_window(api_requests(server, h)) for h in HOSTS},
        "over_limit": sum(over_the_limit(api_requests(server, h)) for h in HOSTS),
    }


BACKED_OFF = {
    FaultKind.ERROR_500: 0.0,
    FaultKind.ERROR_502: 0.0,
    FaultKind.ERROR_503: 0.0,
    FaultKind.RESET: 0.0,
    FaultKind.TRUNCATED: 0.0,
    FaultKind.MALFORMED: 0.0,
    FaultKind.SLOW: TIMEOUT_S,  # the client gives up first
}


def retries_too_soon(log: list[Logged]) -> list[str]:
    """Searches sent again sooner than the backoff allows after a transient failure.

    The first retry waits at least half of `base_delay_s` (full jitter on [d/2, d]).
    """
    least = SETTINGS.retry.base_delay_s / 2
    arrivals = sorted(log, key=lambda r: r.at)  # logged when answered: a slow one comes late
    early = []
    for index, failed in enumerate(arrivals):
        if failed.fault not in BACKED_OFF or not failed.text:
            continue
        again = next((r for r in arrivals[index + 1 :] if r.text == failed.text), None)
        # 5 ms of slack: arrival times are taken by the server's threads, which share the CPU.
        if again is not None and again.at - failed.at < BACKED_OFF[failed.fault] + least - 0.005:
            early.append(f"{failed.fault.value}: again after {again.at - failed.at:.3f} s")
    return early


def assert_rate_kept(server: FaultServer) -> None:
    for host in HOSTS:
        api = api_requests(server, host)
        assert over_the_limit(api) == 0, host
        assert max_in_window(api) <= RATE + BURST, host
    assert retry_after_breaches(server.log) == []
    assert retries_too_soon(server.log) == []


def searches_of(server: FaultServer, host: str) -> list[Logged]:
    label = "GET /v1/search" if host == SPOTIFY_HOST else "POST /youtubei/v1/search"
    return server.requests_to(host, label)


# -- the tests ------------------------------------------------------------------------------


SEARCH_FAULTS = [
    FaultKind.RATE_LIMITED,
    FaultKind.ERROR_500,
    FaultKind.RATE_LIMITED_BARE,
    FaultKind.ERROR_502,
    FaultKind.SLOW,
    FaultKind.ERROR_503,
    FaultKind.RESET,
    FaultKind.TRUNCATED,
    FaultKind.MALFORMED,
    FaultKind.RATE_LIMITED,
]


def search_faults(label: str, spread: int = 3) -> list[Fault]:
    """Every kind of fault, one every `spread` searches (`after`: matching requests let by)."""
    return [Fault(kind, label, after=spread * (i + 1)) for i, kind in enumerate(SEARCH_FAULTS)]


def test_spotify_to_youtube_music_under_every_fault(qtbot, tmp_path, sessions, fault_figures):
    sp_songs, yt_songs = twin_catalogue(40)
    yt_songs = yt_songs[:36]  # the last four are not on YouTube Music
    spotify, ytmusic = FakeSpotify(sp_songs), FakeYouTubeMusic(yt_songs)
    spotify.add_playlist("Road Trip", [s.id for s in sp_songs])
    ytmusic.refused.add(yt_songs[7].id)  # found, but its add is refused (one of a batch)
    faults = [
        *search_faults(r"POST /youtubei/v1/search"),
        Fault(FaultKind.ERROR_503, r"GET /v1/playlists/\w+/items"),  # the source read
        Fault(FaultKind.RESET, r"GET /v1/me/playlists"),
        Fault(FaultKind.SLOW, r"playlist/create", lands=True),  # created; the answer too late
        Fault(FaultKind.RESET, r"browse/edit_playlist", lands=True),  # added; answer lost
        Fault(FaultKind.TRUNCATED, r"browse/edit_playlist", after=1, lands=True),
    ]
    with FaultServer(spotify, ytmusic, faults, slow_s=SLOW_S) as server:
        context = context_for(real_services(server, "token-1", "session-1"), tmp_path)
        session = start(qtbot, sessions, context, ServiceId.SPOTIFY, "Road Trip")
        search_and_apply(qtbot, session)
        fault_figures["spotify → youtube music, every fault"] = figures(server, session)

    statuses = {row.entry.source.id: row.status for row in session.rows}
    assert set(statuses.values()) <= FINAL
    expected = {s.id: TrackStatus.ADDED for s in sp_songs[:36]}
    expected.update({s.id: TrackStatus.NOT_FOUND for s in sp_songs[36:]})
    expected[sp_songs[7].id] = TrackStatus.FAILED
    assert statuses == expected, [(r.status, r.reason) for r in session.rows]
    refused_row = next(r for r in session.rows if r.entry.source.id == sp_songs[7].id)
    assert "did not add" in refused_row.reason

    # Created once, although its answer came too late; each found track in it once, in order.
    created = [p for p in ytmusic.playlists.values() if p.name == "Road Trip"]
    assert len(created) == 1
    wanted = [s.id for i, s in enumerate(yt_songs) if i != 7]
    assert created[0].entries == wanted
    assert session.reports[0].outcome() == "created, 35 added, 1 failed"
    assert [f.fired for f in faults] == [f.times for f in faults], server.fired()
    assert_rate_kept(server)


def test_youtube_music_to_spotify_keeps_what_the_target_holds(
    qtbot, tmp_path, sessions, fault_figures
):
    sp_songs, yt_songs = twin_catalogue(30)
    spotify, ytmusic = FakeSpotify(sp_songs), FakeYouTubeMusic(yt_songs)
    ytmusic.add_playlist("Night Drive", [s.id for s in yt_songs])
    # Spotify holds five of them already (two listed twice, as people's playlists do).
    held = [s.id for s in sp_songs[:5]] + [sp_songs[0].id, sp_songs[3].id]
    target = spotify.add_playlist("Night Drive", held)
    spotify.refused.add(sp_songs[20].id)
    faults = [
        *search_faults(r"GET /v1/search", spread=2),
        Fault(FaultKind.MALFORMED, r"GET /v1/playlists/\w+/items"),  # the target read
        Fault(FaultKind.ERROR_502, r"POST /youtubei/v1/browse"),  # the source read
        Fault(FaultKind.RESET, r"POST /v1/playlists/\w+/items", lands=True),
        Fault(FaultKind.SLOW, r"POST /v1/playlists/\w+/items", after=1, lands=True),
    ]
    with FaultServer(spotify, ytmusic, faults, slow_s=SLOW_S) as server:
        context = context_for(real_services(server, "token-1", "session-1"), tmp_path)
        session = start(qtbot, sessions, context, ServiceId.YTMUSIC, "Night Drive")
        search_and_apply(qtbot, session)
        fault_figures["youtube music → spotify, every fault"] = figures(server, session)

    statuses = Counter(row.status for row in session.rows)
    assert set(statuses) <= FINAL
    assert statuses == {TrackStatus.PRESENT: 5, TrackStatus.ADDED: 24, TrackStatus.FAILED: 1}
    # Nothing searched for what the target holds, and nothing added twice.
    assert len({r.text for r in searches_of(server, SPOTIFY_HOST) if r.status == 200}) == 25
    new = [s.id for i, s in enumerate(sp_songs) if i >= 5 and i != 20]
    assert target.entries == held + new
    assert [f.fired for f in faults] == [f.times for f in faults], server.fired()
    assert_rate_kept(server)


def test_an_expired_login_pauses_and_resumes_without_searching_twice(
    qtbot, tmp_path, sessions, fault_figures
):
    sp_songs, yt_songs = twin_catalogue(40)
    spotify, ytmusic = FakeSpotify(sp_songs), FakeYouTubeMusic(yt_songs)
    spotify.add_playlist("Road Trip", [s.id for s in sp_songs])
    faults = [Fault(FaultKind.EXPIRE, r"POST /youtubei/v1/search", after=15)]
    with FaultServer(spotify, ytmusic, faults) as server:
        context = context_for(real_services(server, "token-1", "session-1"), tmp_path)
        session = start(qtbot, sessions, context, ServiceId.SPOTIFY, "Road Trip")
        with qtbot.waitSignal(session.sessionExpired, timeout=30_000) as expired:
            session.search()
        assert "Connect YouTube Music again" in expired.args[0]
        session._pool.waitForDone()  # searches in flight end (and fail: the login is gone)
        qtbot.wait(50)  # their queued answers reach the session
        done_before = {
            row.entry.source.title for row in session.rows if row.status is TrackStatus.MATCHED
        }
        assert 10 <= len(done_before) < 40
        assert all(row.status in FINAL | {TrackStatus.QUEUED} for row in session.rows)

        # The person reconnects: the service accepts the new login from now on.
        ytmusic.session = "session-2"
        reconnected_at = len(server.log)
        new_context = context_for(real_services(server, "token-1", "session-2"), tmp_path)
        with qtbot.waitSignal(session.searchFinished, timeout=60_000):
            session.resume(new_context)
        with qtbot.waitSignal(session.applied, timeout=60_000):
            session.apply()
        fault_figures["an expired login, resumed"] = figures(server, session)

    assert [row.status for row in session.rows] == [TrackStatus.ADDED] * 40
    assert_rate_kept(server)  # across the reconnect too
    after = [r for r in server.log[reconnected_at:] if r.label == "POST /youtubei/v1/search"]
    searched_again = {t for t in done_before for r in after if t in r.text}
    assert searched_again == set()
    # Each track was searched to an answer once: 40 titles, no title answered twice.
    answered = [r.text for r in searches_of(server, YTMUSIC_HOST) if r.status == 200]
    assert len(answered) == len(set(answered)) == 40
    assert [p.entries for p in ytmusic.playlists.values()] == [[s.id for s in yt_songs]]


def test_a_playlist_deleted_between_plan_and_apply_is_reported_in_words(
    qtbot, tmp_path, sessions, fault_figures
):
    sp_songs, yt_songs = twin_catalogue(12)
    spotify, ytmusic = FakeSpotify(sp_songs), FakeYouTubeMusic(yt_songs)
    spotify.add_playlist("Road Trip", [s.id for s in sp_songs])
    target = ytmusic.add_playlist("Road Trip", [yt_songs[0].id])
    with FaultServer(spotify, ytmusic) as server:
        context = context_for(real_services(server, "token-1", "session-1"), tmp_path)
        session = start(qtbot, sessions, context, ServiceId.SPOTIFY, "Road Trip")
        with qtbot.waitSignal(session.searchFinished, timeout=30_000):
            session.search()
        del ytmusic.playlists[target.id]  # deleted in another window meanwhile
        failures: list[str] = []
        session.failed.connect(failures.append)
        with qtbot.waitSignal(session.applied, timeout=30_000):
            session.apply()
        fault_figures["target deleted before apply"] = figures(server, session)

    report = session.reports[0]
    assert failures == []  # no phase failed: the report says what happened
    assert "“Road Trip” is no longer on YouTube Music" in report.warning
    assert "sync again to create it" in report.warning
    assert report.outcome().startswith("nothing written, 11 failed (“Road Trip” is no longer")
    # Every row says so, the one that was there before included: it went with the playlist.
    assert [r.status for r in session.rows] == [TrackStatus.FAILED] * 12
    assert all("no longer on YouTube Music" in r.reason for r in session.rows)
    assert ytmusic.playlists == {}  # nothing re-created behind the person's back
    writes = [r for r in server.log if "edit_playlist" in r.label or "create" in r.label]
    assert writes == []


def outward_address() -> str | None:
    """This machine's address on its network, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 9))  # any routable address: it only picks a route
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if address.startswith("127.") else address


def test_the_server_answers_on_loopback_only_and_stops():
    spotify, ytmusic = FakeSpotify([]), FakeYouTubeMusic([])
    with FaultServer(spotify, ytmusic) as server:
        host, port = server.address
        assert host == "127.0.0.1"  # bound to loopback, not to every address
        with socket.create_connection((host, port), timeout=1):
            pass
        outside = outward_address()
        if outside is not None:  # a machine with a network: not reachable from there
            with pytest.raises(OSError), socket.create_connection((outside, port), timeout=1):
                pass
    with pytest.raises(OSError), socket.create_connection((host, port), timeout=1):
        pass


def test_the_log_checks_catch_what_they_are_for():
    """The checks themselves: a request 0.5 s into a 1 s Retry-After, a retry too soon."""
    limited = Logged(
        10.0, YTMUSIC_HOST, "POST /youtubei/v1/search", 429, FaultKind.RATE_LIMITED, ""
    )
    early = Logged(10.5, YTMUSIC_HOST, "POST /youtubei/v1/search", 200, None, "")
    in_flight = Logged(10.01, YTMUSIC_HOST, "POST /youtubei/v1/search", 200, None, "")
    assert retry_after_breaches([limited, in_flight], in_flight=1) == []
    assert len(retry_after_breaches([limited, in_flight, early], in_flight=1)) == 1
    assert len(retry_after_breaches([limited, early], in_flight=0)) == 1
    assert max_in_window([early, *itertools.repeat(in_flight, 3)]) == 4
    paced = [Logged(i / 10, YTMUSIC_HOST, "GET /", 200, None, "") for i in range(30)]
    assert over_the_limit(paced, rate=10, burst=1) == 0
    assert over_the_limit([*paced, paced[5]], rate=10, burst=1) == 1  # two at once
    slow = Logged(20.0, YTMUSIC_HOST, "POST /youtubei/v1/search", 200, FaultKind.SLOW, "q")
    impatient = Logged(20.1, YTMUSIC_HOST, "POST /youtubei/v1/search", 200, None, "q")
    patient = Logged(20.6, YTMUSIC_HOST, "POST /youtubei/v1/search", 200, None, "q")
    assert len(retries_too_soon([impatient, slow])) == 1  # found though logged first
    assert retries_too_soon([patient, slow]) == []
