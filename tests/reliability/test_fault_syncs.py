"""Whole syncs through the real spotipy and ytmusicapi against the fault server.

Each test starts a `FaultServer` on 127.0.0.1, points Songbird's own throttled sessions at it
(harness.py), and runs the session the window and the CLI run: plan, search on the thread
pool, apply. The server injects the faults people meet — 429 with and without Retry-After,
500/502/503, answers that never come before the client's timeout, reset connections, bodies
cut short or garbled, writes whose answer is lost after they landed, a batch refused for one
of its tracks, a login that ends mid-run, a playlist deleted between plan and apply — and the
tests check what the person would see: every track in a final status, the target holding each
found track once, Retry-After honoured, each backoff waited out, the configured rate never
exceeded. Each test's figures go to the summary printed at the end of the run (conftest.py).

Reads are retried per request at the transport; a write whose answer was lost is not re-sent
there: the writer looks, then asks again (`RetryPolicy.repeat`).
"""

from __future__ import annotations

import dataclasses
import itertools
import socket
from collections import Counter

import pytest

from songbird_gui.core.types import ServiceId, TrackStatus
from tests.reliability.fake_apis import (
    SPOTIFY_HOST,
    YTMUSIC_HOST,
    FakeSpotify,
    FakeYouTubeMusic,
    twin_catalogue,
)
from tests.reliability.fault_server import (
    Draw,
    Fault,
    FaultKind,
    FaultServer,
    Logged,
    Sent,
)
from tests.reliability.harness import (
    FINAL,
    SETTINGS,
    TIMEOUT_S,
    Rig,
    assert_every_request_paced,
    assert_rate_kept,
    backoff_breaches,
    figures,
    max_in_window,
    over_the_limit,
    retry_after_breaches,
    search_and_apply,
    searches_of,
    settle,
    start,
    store_in,
)

pytestmark = pytest.mark.slow

IN_FLIGHT = SETTINGS.workers - 1  # other workers' requests that may be under way at a 429


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


def test_spotify_to_youtube_music_under_every_fault(
    qtbot, tmp_path, monkeypatch, sessions, fault_figures
):
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
    with FaultServer(spotify, ytmusic, faults) as server:
        rig = Rig(server, monkeypatch)
        context = rig.context(rig.services("token-1", "session-1"), store_in(tmp_path))
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
    assert_rate_kept(server, rig.draws, IN_FLIGHT)
    assert_every_request_paced(rig, server)


def test_youtube_music_to_spotify_keeps_what_the_target_holds(
    qtbot, tmp_path, monkeypatch, sessions, fault_figures
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
    with FaultServer(spotify, ytmusic, faults) as server:
        rig = Rig(server, monkeypatch)
        context = rig.context(rig.services("token-1", "session-1"), store_in(tmp_path))
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
    assert_rate_kept(server, rig.draws, IN_FLIGHT)
    assert_every_request_paced(rig, server)


def test_an_expired_login_pauses_and_resumes_without_searching_twice(
    qtbot, tmp_path, monkeypatch, sessions, fault_figures
):
    sp_songs, yt_songs = twin_catalogue(40)
    spotify, ytmusic = FakeSpotify(sp_songs), FakeYouTubeMusic(yt_songs)
    spotify.add_playlist("Road Trip", [s.id for s in sp_songs])
    faults = [Fault(FaultKind.EXPIRE, r"POST /youtubei/v1/search", after=15)]
    with FaultServer(spotify, ytmusic, faults) as server:
        rig = Rig(server, monkeypatch)
        context = rig.context(rig.services("token-1", "session-1"), store_in(tmp_path))
        session = start(qtbot, sessions, context, ServiceId.SPOTIFY, "Road Trip")
        with qtbot.waitSignal(session.blocked, timeout=30_000) as blocked:
            session.search()
        message, reconnect = blocked.args
        assert "connect YouTube Music again" in message
        assert reconnect  # the person is asked to connect again, then to resume
        settle(qtbot, session)  # searches in flight end (failing: the login is gone)
        done_before = {
            row.entry.source.title for row in session.rows if row.status is TrackStatus.MATCHED
        }
        assert 10 <= len(done_before) < 40
        assert all(row.status in FINAL | {TrackStatus.QUEUED} for row in session.rows)

        # The person reconnects: the service accepts the new login from now on. The program's
        # throttles stay (Accounts.services builds the new adapters on them).
        ytmusic.session = "session-2"
        reconnected_at = len(server.log)
        with qtbot.waitSignal(session.searchFinished, timeout=60_000):
            session.resume(rig.services("token-1", "session-2"))
        with qtbot.waitSignal(session.applied, timeout=60_000):
            session.apply()
        fault_figures["an expired login, resumed"] = figures(server, session)

    assert [row.status for row in session.rows] == [TrackStatus.ADDED] * 40
    assert_rate_kept(server, rig.draws, IN_FLIGHT)  # across the reconnect too
    assert_every_request_paced(rig, server)
    after = [r for r in server.log[reconnected_at:] if r.label == "POST /youtubei/v1/search"]
    searched_again = {t for t in done_before for r in after if t in r.text}
    assert searched_again == set()
    # Each track was searched to an answer once: 40 titles, no title answered twice.
    answered = [r.text for r in searches_of(server, YTMUSIC_HOST) if r.status == 200]
    assert len(answered) == len(set(answered)) == 40
    assert [p.entries for p in ytmusic.playlists.values()] == [[s.id for s in yt_songs]]


def test_a_playlist_deleted_between_plan_and_apply_is_reported_in_words(
    qtbot, tmp_path, monkeypatch, sessions, fault_figures
):
    sp_songs, yt_songs = twin_catalogue(12)
    spotify, ytmusic = FakeSpotify(sp_songs), FakeYouTubeMusic(yt_songs)
    spotify.add_playlist("Road Trip", [s.id for s in sp_songs])
    target = ytmusic.add_playlist("Road Trip", [yt_songs[0].id])
    with FaultServer(spotify, ytmusic) as server:
        rig = Rig(server, monkeypatch)
        context = rig.context(rig.services("token-1", "session-1"), store_in(tmp_path))
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
        10.0, YTMUSIC_HOST, "POST /youtubei/v1/search", 429, FaultKind.RATE_LIMITED, "",
        retry_after=1.0,
    )  # fmt: skip
    early = Logged(10.5, YTMUSIC_HOST, "POST /youtubei/v1/search", 200, None, "")
    in_flight = Logged(10.01, YTMUSIC_HOST, "POST /youtubei/v1/search", 200, None, "")
    on_time = Logged(11.0, YTMUSIC_HOST, "POST /youtubei/v1/search", 200, None, "")
    assert retry_after_breaches([limited, in_flight], in_flight=1) == []
    assert len(retry_after_breaches([limited, in_flight, early], in_flight=1)) == 1
    assert len(retry_after_breaches([limited, early], in_flight=0)) == 1
    assert retry_after_breaches([limited, on_time], in_flight=0) == []  # exactly the pause
    long = Logged(20.0, SPOTIFY_HOST, "GET /v1/search", 429, FaultKind.RATE_LIMITED, "",
                  retry_after=5.0)  # fmt: skip
    later = Logged(22.0, SPOTIFY_HOST, "GET /v1/search", 200, None, "")
    assert len(retry_after_breaches([long, later], in_flight=0)) == 1  # its own Retry-After
    # With the client's side: a request sent before the client had read the 429 (its thread
    # waited its turn on a loaded machine) could not be held back; one sent after it could.
    read_late = dataclasses.replace(limited, request_id=10)
    answered_at = Sent(10, 1, 9.9, 10.6, None)
    sent_before = [Sent(11, 2, 10.45, 10.5, None)]
    sent_after = [Sent(11, 2, 10.65, 10.75, None)]
    before = dataclasses.replace(early, request_id=11)  # arrived at 10.5
    after = dataclasses.replace(early, at=10.7, request_id=11)
    assert retry_after_breaches([read_late, before], 0, [answered_at, *sent_before]) == []
    assert len(retry_after_breaches([read_late, after], 0, [answered_at, *sent_after])) == 1
    assert max_in_window([early, *itertools.repeat(in_flight, 3)]) == 4
    paced = [Logged(i / 10, YTMUSIC_HOST, "GET /", 200, None, "") for i in range(30)]
    assert over_the_limit(paced, rate=10, burst=1) == 0
    assert over_the_limit([*paced, paced[5]], rate=10, burst=1) == 1  # two at once

    # A failed request (number 1, on thread 7) ended at 30.1; its thread drew 0.2 s at 30.1.
    failed = Logged(30.0, YTMUSIC_HOST, "POST /youtubei/v1/search", 503, FaultKind.ERROR_503,
                    "q", request_id=1)  # fmt: skip
    first = Sent(1, 7, 30.0, 30.1, None)
    drawn = [Draw(7, 30.1, 0.2)]
    patient = Sent(2, 7, 30.3, 30.4, None)
    impatient = Sent(2, 7, 30.25, 30.4, None)
    elsewhere = Sent(3, 8, 30.15, 30.2, None)  # another thread: not its retry
    assert backoff_breaches([failed], [first, patient, elsewhere], drawn) == []
    assert len(backoff_breaches([failed], [first, impatient], drawn)) == 1
    assert len(backoff_breaches([failed], [first, patient], [])) == 1  # no backoff drawn
    slow = Logged(40.0, YTMUSIC_HOST, "POST /youtubei/v1/search", 200, FaultKind.SLOW, "q",
                  request_id=4)  # fmt: skip
    gave_up_early = Sent(4, 9, 40.0, 40.0 + TIMEOUT_S / 2, "ReadTimeout")
    waited = Sent(4, 9, 40.0, 40.0 + TIMEOUT_S, "ReadTimeout")
    assert len(backoff_breaches([slow], [gave_up_early], [])) == 1
    assert backoff_breaches([slow], [waited], []) == []
