"""Spotify refusing the run, through the real spotipy on the fault server: the 2026 account
rules (403 in words), a used-up quota (429 naming it), and a Retry-After of an hour.

None of them is retried: every further request would be refused alike, or would only burn the
next window. The search pauses with a message that says what happened and what to do (`blocked`
carries it); a playlist that cannot be read fails the plan with it. Whatever was found is kept,
and the next run searches only what is left.
"""

from __future__ import annotations

import dataclasses

import pytest

from songbird_gui.core.types import Playlist, ServiceId, TrackStatus
from songbird_gui.engine.session import RunState, SyncSession
from songbird_gui.services.spotify import PREMIUM_NEEDED, QUOTA_USED_UP, USER_NOT_REGISTERED
from tests.reliability.fake_apis import (
    SPOTIFY_HOST,
    FakeSpotify,
    FakeYouTubeMusic,
    twin_catalogue,
)
from tests.reliability.fault_server import Fault, FaultKind, FaultServer
from tests.reliability.harness import (
    FINAL,
    SETTINGS,
    Rig,
    api_requests,
    figures,
    searches_of,
    settle,
    start,
    store_in,
)

pytestmark = pytest.mark.slow

# Spotify's 403 answers to an app in development mode since February-March 2026, as Spotify
# words them; the third is another wording of the second.
REFUSALS = {
    "owner without Premium": (
        "Active premium subscription required for the owner of the app. When the subscription "
        "status changes, it can take a few hours before requests are allowed again.",
        PREMIUM_NEEDED,
    ),
    "user not registered": ("user may not be registered", USER_NOT_REGISTERED),
    "user not in the dashboard": (
        "User not registered in the Developer Dashboard",
        USER_NOT_REGISTERED,
    ),
}
ONE_WORKER = dataclasses.replace(SETTINGS, workers=1)  # one search at a time: one request
SEARCH = r"GET /v1/search"
ITEMS = r"GET /v1/playlists/\w+/items"
FOREVER = 10**6  # a fault that fires until it is lifted


def services_with_playlist(count: int, source: ServiceId) -> tuple[FakeSpotify, FakeYouTubeMusic]:
    sp_songs, yt_songs = twin_catalogue(count)
    spotify, ytmusic = FakeSpotify(sp_songs), FakeYouTubeMusic(yt_songs)
    if source is ServiceId.SPOTIFY:
        spotify.add_playlist("Road Trip", [s.id for s in sp_songs])
    else:
        ytmusic.add_playlist("Road Trip", [s.id for s in yt_songs])
    return spotify, ytmusic


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_2026_refusal_during_a_search_pauses_with_its_message(
    case, qtbot, tmp_path, monkeypatch, sessions
):
    words, message = REFUSALS[case]
    spotify, ytmusic = services_with_playlist(6, ServiceId.YTMUSIC)
    faults = [Fault(FaultKind.REFUSED, SEARCH, times=FOREVER, message=words)]
    with FaultServer(spotify, ytmusic, faults) as server:
        rig = Rig(server, monkeypatch, ONE_WORKER)
        context = rig.context(rig.services("token-1", "session-1"), store_in(tmp_path))
        session = start(qtbot, sessions, context, ServiceId.YTMUSIC, "Road Trip")
        with qtbot.waitSignal(session.blocked, timeout=30_000) as blocked:
            session.search()
        settle(qtbot, session)

    assert blocked.args == [message, False]  # in words, with what to do; not "reconnect"
    assert session.state is RunState.PAUSED
    assert session.message == message
    # Refused once, never asked again: exactly one request reached the search.
    assert len(searches_of(server, SPOTIFY_HOST)) == 1
    assert all(row.status is TrackStatus.QUEUED for row in session.rows)  # kept for later
    assert session.figures.search_stats.retries == 0


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_2026_refusal_during_a_playlist_read_fails_the_plan_with_its_message(
    case, qtbot, tmp_path, monkeypatch, sessions
):
    words, message = REFUSALS[case]
    spotify, ytmusic = services_with_playlist(6, ServiceId.SPOTIFY)
    faults = [Fault(FaultKind.REFUSED, ITEMS, times=FOREVER, message=words)]
    with FaultServer(spotify, ytmusic, faults) as server:
        rig = Rig(server, monkeypatch)
        services = rig.services("token-1", "session-1")
        session = SyncSession(
            rig.context(services, store_in(tmp_path)), ServiceId.SPOTIFY, ServiceId.YTMUSIC
        )
        sessions.append(session)
        playlist = next(iter(spotify.playlists.values()))
        source = Playlist(ServiceId.SPOTIFY, playlist.id, playlist.name)
        with qtbot.waitSignal(session.failed, timeout=30_000) as failed:
            session.plan([source])
        settle(qtbot, session)

    assert failed.args == [message]  # the window shows what `failed` says
    assert session.state is RunState.FAILED
    assert session.message == message
    assert len(server.requests_to(SPOTIFY_HOST, ITEMS)) == 1  # not retried
    assert session.figures.io_stats.retries == 0


def test_a_used_up_quota_stops_the_search_and_the_next_run_searches_only_the_rest(
    qtbot, tmp_path, monkeypatch, sessions, fault_figures
):
    count = 30
    spotify, ytmusic = services_with_playlist(count, ServiceId.YTMUSIC)
    # The quota runs out after 12 searches, and stays out until it is lifted. The answer is
    # Spotify's error object ({"error": {"status", "message"}}) with the "reason" field that
    # 2026 reports show naming the quota ("QUOTA_EXCEEDED"): no such answer was recorded.
    quota = Fault(FaultKind.QUOTA, SEARCH, after=12, times=FOREVER, message="Quota exceeded")
    with FaultServer(spotify, ytmusic, [quota]) as server:
        rig = Rig(server, monkeypatch)
        store = store_in(tmp_path)
        context = rig.context(rig.services("token-1", "session-1"), store)
        first = start(qtbot, sessions, context, ServiceId.YTMUSIC, "Road Trip")
        with qtbot.waitSignal(first.blocked, timeout=30_000) as blocked:
            first.search()
        settle(qtbot, first)
        log_first, sent_first = server.logs()

        # A next run, once the quota has renewed: a new session on the same store.
        server.lift(FaultKind.QUOTA)
        context = rig.context(rig.services("token-1", "session-1"), store)
        second = start(qtbot, sessions, context, ServiceId.YTMUSIC, "Road Trip")
        with qtbot.waitSignal(second.searchFinished, timeout=60_000):
            second.search()
        fault_figures["spotify quota used up mid-search, then resumed"] = figures(
            server, second, first_run_requests=len(log_first)
        )

    assert blocked.args == [QUOTA_USED_UP, False]
    assert QUOTA_USED_UP.startswith("Spotify's quota for your app is used up")
    assert first.state is RunState.PAUSED

    # Everything found before the quota answer is kept, in the rows and in the store.
    found = [row for row in first.rows if row.status in FINAL]
    assert found, "nothing was found before the quota ran out"
    assert all(row.status in FINAL | {TrackStatus.QUEUED} for row in first.rows)
    for row in found:
        kept = store.recall(row.entry.source, ServiceId.SPOTIFY)
        assert kept is not None and kept.decision is row.result.decision, row.entry.source

    # Nothing was sent after the quota answer came back, but the requests already under way.
    quota_answers = [r for r in log_first if r.fault is FaultKind.QUOTA]
    first_answer = min(
        (s for s in sent_first if s.request_id in {r.request_id for r in quota_answers}),
        key=lambda s: s.ended,
    )
    spotify_ids = {r.request_id for r in log_first if r.host == SPOTIFY_HOST}
    sent_after = [
        s for s in sent_first if s.request_id in spotify_ids and s.started > first_answer.ended
    ]
    assert sent_after == []
    # None of them was retried: each track met the quota at most once.
    refused_texts = [r.text for r in quota_answers]
    assert len(refused_texts) == len(set(refused_texts))

    # The next run searched only the tracks without an answer: no track was searched twice.
    found_titles = {row.entry.source.title for row in found}
    second_searches = [r for r in searches_of(server, SPOTIFY_HOST) if r.at > log_first[-1].at]
    assert not {t for t in found_titles for r in second_searches if t.casefold() in r.text}
    answered = [r.text for r in searches_of(server, SPOTIFY_HOST) if r.status == 200]
    assert len(answered) == len(set(answered)) == count
    assert all(row.status in FINAL for row in second.rows)
    assert all(row.status is not TrackStatus.FAILED for row in second.rows)
    assert len(api_requests(server, SPOTIFY_HOST)) == len(server.requests_to(SPOTIFY_HOST))


def test_a_retry_after_of_an_hour_is_not_waited_out(qtbot, tmp_path, monkeypatch, sessions):
    spotify, ytmusic = services_with_playlist(12, ServiceId.YTMUSIC)
    hour = Fault(FaultKind.RATE_LIMITED, SEARCH, after=4, retry_after=3600)
    with FaultServer(spotify, ytmusic, [hour]) as server:
        rig = Rig(server, monkeypatch)
        context = rig.context(rig.services("token-1", "session-1"), store_in(tmp_path))
        session = start(qtbot, sessions, context, ServiceId.YTMUSIC, "Road Trip")
        with qtbot.waitSignal(session.blocked, timeout=30_000) as blocked:
            session.search()
        settle(qtbot, session)

    message, reconnect = blocked.args
    assert message.startswith("Spotify asked Songbird to wait 60 min; try again after ")
    assert not reconnect
    assert session.state is RunState.PAUSED
    # Not waited out: the limiter was never paused, and the refused search was not sent again.
    assert rig.throttles[ServiceId.SPOTIFY].limiter.paused_until == 0.0
    limited = next(r for r in server.log if r.fault is FaultKind.RATE_LIMITED)
    assert [r.text for r in searches_of(server, SPOTIFY_HOST)].count(limited.text) == 1
    assert all(row.status in FINAL | {TrackStatus.QUEUED} for row in session.rows)
