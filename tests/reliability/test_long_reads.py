"""Long reads through the real spotipy and ytmusicapi: every page paced, a failed page retried
alone.

Spotify serves a 1,500-entry playlist in 30 pages of 50, the most Songbird asks for since
Spotify's February 2026 changes (spotipy's `playlist_items`, then `next`); YouTube Music
serves an 800-entry playlist as a first page and 7 continuations, which ytmusicapi fetches by
itself inside one `get_playlist(limit=None)` call. Each read meets a 503
and a 429 in its middle. The throttle sits in the `requests` transport under the libraries, so
each page takes its own permit and a failed page is sent again by itself: the server sees
exactly one extra request per failed page, the next page after it, and never page 1 again.
The whole playlist arrives, in order, as the session's rows. The limit (5 requests a second)
is below the pace the fake serves pages at, so every page waits for its permit, and every
request that reached a service was granted one by that service's throttle.

Each scenario's figures go to the summary as one JSON object (conftest.py): the requests and
pages the server saw, the retries the client counted, the requests a service enforcing the
configured limit would have refused (`over_limit`), and the most requests in any second.
"""

from __future__ import annotations

import dataclasses

import pytest

from songbird_gui.core.settings import RateSettings
from songbird_gui.core.types import Playlist, ServiceId
from songbird_gui.engine.session import SyncSession
from songbird_gui.services.page_size import PAGE_SIZES
from tests.reliability.fake_apis import (
    SPOTIFY_HOST,
    YTMUSIC_HOST,
    FakeSpotify,
    FakeYouTubeMusic,
    continuation_token,
    long_catalogue,
)
from tests.reliability.fault_server import Fault, FaultKind, FaultServer, Logged
from tests.reliability.harness import (
    SETTINGS,
    Rig,
    api_requests,
    assert_every_request_paced,
    assert_rate_kept,
    max_in_window,
    over_the_limit,
    store_in,
)

pytestmark = pytest.mark.slow

SPOTIFY_PAGES = 30
SPOTIFY_PAGE = PAGE_SIZES[0]  # entries a page: what the adapter asks for
YTMUSIC_PAGES = 8  # the first page and 7 continuations
# Slower than the fake serves its pages, so that the limit holds the reads back: each page
# waits for its permit.
LIMIT = RateSettings(rate=5.0, burst=4)
PACED = dataclasses.replace(SETTINGS, spotify=LIMIT, ytmusic=LIMIT)
SPOTIFY_ITEMS = r"GET /v1/playlists/\w+/items"
YTMUSIC_BROWSE = r"POST /youtubei/v1/browse$"


def read(qtbot, sessions, rig: Rig, tmp_path, source: Playlist) -> SyncSession:
    """Plan a sync of `source` (reading it whole) and return the session, rows planned."""
    services = rig.services("token-1", "session-1")
    target = ServiceId.YTMUSIC if source.service is ServiceId.SPOTIFY else ServiceId.SPOTIFY
    session = SyncSession(rig.context(services, store_in(tmp_path)), source.service, target)
    sessions.append(session)
    failures: list[str] = []
    session.failed.connect(failures.append)
    with qtbot.waitSignal(session.planned, timeout=60_000):
        session.plan([source])
    assert failures == []
    return session


def page_sequence(pages: list[Logged]) -> list[str]:
    return [r.page for r in sorted(pages, key=lambda r: r.at)]


def long_read_figures(server: FaultServer, host: str, pages: list[Logged], session) -> dict:
    api = api_requests(server, host)
    return {
        "requests": len(pages),
        "pages": len({r.page for r in pages}),
        "retries": session.figures.io_stats.retries,
        "over_limit": over_the_limit(api, LIMIT.rate, LIMIT.burst),
        "max_req_per_s": max_in_window(api),
        "failed_pages": [r.page for r in pages if r.status != 200],
    }


def test_a_1500_entry_spotify_playlist_is_read_page_by_page(
    qtbot, tmp_path, monkeypatch, sessions, fault_figures
):
    sp_songs, yt_songs = long_catalogue(SPOTIFY_PAGES * SPOTIFY_PAGE)
    spotify, ytmusic = FakeSpotify(sp_songs), FakeYouTubeMusic(yt_songs)
    playlist = spotify.add_playlist("Everything", [s.id for s in sp_songs])
    # Page 12 meets a 503, page 20 a 429 (the 429 rule does not count the request the 503
    # rule took, so it lets 19 by: pages 1-11, page 12 again, pages 13-19).
    faults = [
        Fault(FaultKind.ERROR_503, SPOTIFY_ITEMS, after=11),
        Fault(FaultKind.RATE_LIMITED, SPOTIFY_ITEMS, after=19),
    ]
    with FaultServer(spotify, ytmusic, faults) as server:
        rig = Rig(server, monkeypatch, PACED)
        source = Playlist(ServiceId.SPOTIFY, playlist.id, playlist.name)
        session = read(qtbot, sessions, rig, tmp_path, source)
        pages = server.requests_to(SPOTIFY_HOST, SPOTIFY_ITEMS)
        fault_figures["spotify long read: 1,500 entries, a 503 and a 429"] = long_read_figures(
            server, SPOTIFY_HOST, pages, session
        )

    # The whole playlist, in order.
    assert [row.entry.source.id for row in session.rows] == [s.id for s in sp_songs]
    assert [row.entry.source.title for row in session.rows] == [s.title for s in sp_songs]
    # Each page once, in order; the two that failed once more each, at once: not from page 1.
    offsets = [f"offset={SPOTIFY_PAGE * i}" for i in range(SPOTIFY_PAGES)]
    expected = offsets[:12] + offsets[11:20] + offsets[19:]
    assert page_sequence(pages) == expected
    failed = [(r.page, r.fault) for r in pages if r.status != 200]
    assert failed == [(offsets[11], FaultKind.ERROR_503), (offsets[19], FaultKind.RATE_LIMITED)]
    assert len(pages) == SPOTIFY_PAGES + len(failed)  # exactly one extra request per failure
    assert session.figures.io_stats.retries == len(failed)
    assert [f.fired for f in faults] == [1, 1]
    assert_rate_kept(server, rig.draws, 0, LIMIT.rate, LIMIT.burst)
    assert_every_request_paced(rig, server)


def test_a_youtube_music_playlist_with_7_continuations_is_read_page_by_page(
    qtbot, tmp_path, monkeypatch, sessions, fault_figures
):
    sp_songs, yt_songs = long_catalogue(800)
    spotify, ytmusic = FakeSpotify(sp_songs), FakeYouTubeMusic(yt_songs)
    playlist = ytmusic.add_playlist("Everything", [s.id for s in yt_songs])
    # The browse requests: the first page, then continuations 1, 2, ...; continuation 2 meets
    # a 503, continuation 4 a 429 (the 429 rule does not count the request the 503 rule took).
    faults = [
        Fault(FaultKind.ERROR_503, YTMUSIC_BROWSE, after=2),
        Fault(FaultKind.RATE_LIMITED, YTMUSIC_BROWSE, after=4),
    ]
    with FaultServer(spotify, ytmusic, faults) as server:
        rig = Rig(server, monkeypatch, PACED)
        source = Playlist(ServiceId.YTMUSIC, playlist.id, playlist.name)
        session = read(qtbot, sessions, rig, tmp_path, source)
        pages = server.requests_to(YTMUSIC_HOST, YTMUSIC_BROWSE)
        fault_figures["youtube music long read: 800 entries, 7 continuations, a 503 and a 429"] = (
            long_read_figures(server, YTMUSIC_HOST, pages, session)
        )

    assert [row.entry.source.id for row in session.rows] == [s.id for s in yt_songs]
    assert [row.entry.source.title for row in session.rows] == [s.title for s in yt_songs]
    tokens = [f"VL{playlist.id}"] + [
        continuation_token(playlist.id, 100 * i) for i in range(1, YTMUSIC_PAGES)
    ]
    expected = tokens[:3] + tokens[2:5] + tokens[4:]
    assert page_sequence(pages) == expected
    failed = [(r.page, r.fault) for r in pages if r.status != 200]
    assert failed == [(tokens[2], FaultKind.ERROR_503), (tokens[4], FaultKind.RATE_LIMITED)]
    assert len(pages) == YTMUSIC_PAGES + len(failed)
    assert session.figures.io_stats.retries == len(failed)
    assert [f.fired for f in faults] == [1, 1]
    assert_rate_kept(server, rig.draws, 0, LIMIT.rate, LIMIT.burst)
    assert_every_request_paced(rig, server)
