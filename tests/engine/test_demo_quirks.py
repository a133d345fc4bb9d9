"""Each 2026 refusal switched on in the demo services (`--demo-quirks`), met by a whole run.

What a person watching the demo sees: the followed playlists marked and never read, a refused
page size stepped down, a used-up quota ending the search with the time it may resume, a new
playlist waited for, creations stopped at "too many", a gated write, an expired sign-in said
once and resumed after signing in again, a half-landed add read back. The demo's servers and
the writer run on a fake clock that the writer's sleeper moves: nobody sleeps.
"""

from __future__ import annotations

import copy
import dataclasses
import time
from pathlib import Path

import pytest

from songbird_gui.app import build_context, build_throttles
from songbird_gui.core.apply import HeldBack, creation_stop_words
from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import AuthExpired, PermanentError, QuotaExceeded, WritesGated
from songbird_gui.core.settings import CreationSettings, RateSettings, Settings
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import ONLINE_SERVICES, PlaylistKind, ServiceId, TrackStatus
from songbird_gui.engine.session import RunState, SyncSession
from songbird_gui.services import demo_quirks
from songbird_gui.services.demo import DEMO_SIGNED_OUT, DemoConfig, DemoService, with_quirks
from songbird_gui.services.demo_quirks import Quirk, parse_quirks
from songbird_gui.services.demo_server import DemoHTTPError, DemoServer, DemoServerConfig
from songbird_gui.services.refusal_words import NOT_OWNED, TOO_MANY
from tests.demo_catalogue import small_catalogue
from tests.engine.test_session import QUICK_RETRY

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC
SETTINGS = Settings(
    workers=4,
    spotify=RateSettings(rate=500, burst=50),
    ytmusic=RateSettings(rate=500, burst=50),
    retry=QUICK_RETRY,
    creation=CreationSettings(per_run=10, spacing_s=5.0),
)
EVERY_QUIRK = (
    "followed,invalid-limit,quota,precondition,too-many-playlists,gated,expired-session,"
    "status-failed"
)


class TickingClock:
    """A monotonic clock for the demo servers and the writer: a millisecond passes at each
    look (so the servers' windows see requests spread out), and `advance` moves it on."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        self.now += 0.001
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Sleeper:
    """The writer's waits: recorded, and the clock moved on instead of sleeping."""

    def __init__(self, clock: TickingClock) -> None:
        self.clock = clock
        self.waits: list[float] = []

    def __call__(self, cancel: CancelToken, seconds: float) -> bool:
        self.waits.append(round(seconds, 1))
        self.clock.advance(seconds)
        return cancel.cancelled


class Demo:
    """Both demo services with `quirks` switched on, on a fake clock, and a run's context."""

    def __init__(self, tmp_path: Path, quirks: str, catalogue: dict | None = None) -> None:
        self.clock = TickingClock()
        self.sleeper = Sleeper(self.clock)
        config = with_quirks(
            DemoConfig(
                spotify=DemoServerConfig(latency_s=0.0, limit=500, burst=50, seed=1),
                ytmusic=DemoServerConfig(latency_s=0.0, limit=500, burst=50, seed=2),
            ),
            quirks,
        )
        catalogue = catalogue or small_catalogue(extra_spotify=4)
        throttles = build_throttles(SETTINGS)
        self.services = {
            sid: DemoService(
                DemoServer(
                    sid,
                    config.spotify if sid is SP else config.ytmusic,
                    None,
                    catalogue,
                    clock=self.clock,
                ),
                throttles[sid],
            )
            for sid in ONLINE_SERVICES
        }
        self.store = MatchStore(tmp_path / "store.sqlite3")
        context = build_context(SETTINGS, dict(self.services), self.store)
        self.context = dataclasses.replace(context, sleep=self.sleeper, clock=self.clock)

    def server(self, service: ServiceId) -> DemoServer:
        return self.services[service].server

    def session(self, source: ServiceId = SP) -> SyncSession:
        target = YT if source is SP else SP
        return SyncSession(self.context, source, target)


@pytest.fixture
def ended(qtbot):
    """Sessions to close and drain at the end of the test, as the front ends do."""
    sessions: list[SyncSession] = []
    yield sessions
    for session in sessions:
        session.close()
        assert session.drain(10_000)
        session.context.store.close()


def planned(qtbot, session: SyncSession, names: list[str]) -> SyncSession:
    source = session.context.services[session.source]
    chosen = [p for p in source.list_playlists() if p.name in names]
    assert len(chosen) == len(names)
    with qtbot.waitSignal(session.planned, timeout=10_000):
        session.plan(chosen)
    return session


def searched_and_applied(qtbot, session: SyncSession) -> list:
    with qtbot.waitSignal(session.searchFinished, timeout=30_000):
        session.search()
    with qtbot.waitSignal(session.applied, timeout=30_000) as applied:
        session.apply()
    return applied.args[0]


def with_playlists(count: int, source: str = "spotify") -> dict:
    """The small catalogue with `count` playlists on `source`, named A, B, C…"""
    catalogue = copy.deepcopy(small_catalogue(extra_spotify=4))
    side = catalogue["services"][source]
    ids = [t["id"] for t in side["tracks"] if t.get("kind") != "episode"]
    side["playlists"] = [
        {"id": f"pl{n}", "name": chr(ord("A") + n), "owner": side["user"], "tracks": ids[:3]}
        for n in range(count)
    ]
    return catalogue


# -- the switch -------------------------------------------------------------------------------


def test_the_demo_quirks_option_names_each_refusal_and_puts_it_on_its_side():
    assert parse_quirks(EVERY_QUIRK) == frozenset(Quirk) == parse_quirks("all")
    assert parse_quirks("") == frozenset()
    config = with_quirks(DemoConfig(), "quota, gated")
    assert config.spotify.quirks == {Quirk.QUOTA} and config.ytmusic.quirks == {Quirk.GATED}
    with pytest.raises(ValueError) as unknown:
        parse_quirks("followed,teapot")
    assert str(unknown.value) == (
        "no demo quirk named teapot; there are: followed, invalid-limit, quota, precondition, "
        "too-many-playlists, gated, expired-session, status-failed (or all)"
    )
    assert DemoConfig().quirks == frozenset()  # off by default


# -- 1. followed playlists --------------------------------------------------------------------


def test_followed_playlists_are_listed_marked_and_never_read(tmp_path):
    demo = Demo(tmp_path, "followed")
    spotify = demo.services[SP]
    listed = spotify.list_playlists()
    followed = [p for p in listed if p.kind is PlaylistKind.FOLLOWED]
    assert [p.name for p in followed] == list(demo_quirks.FOLLOWED_NAMES)
    assert {p.owner for p in followed} == {demo_quirks.FOLLOWED_OWNER}
    asked = demo.server(SP).counters.requests
    with pytest.raises(PermanentError) as refused:
        spotify.playlist_entries(followed[0])
    assert str(refused.value) == NOT_OWNED
    assert demo.server(SP).counters.requests == asked  # refused without asking
    with pytest.raises(DemoHTTPError) as forbidden:  # the server refuses it all the same
        demo.server(SP).get_playlist_page(followed[0].id, 0, 20)
    assert forbidden.value.status == 403
    assert spotify.playlist_entries(next(p for p in listed if p.name == "Evening"))
    demo.store.close()


# -- 2. a refused page size -------------------------------------------------------------------


def test_a_refused_page_size_steps_down_once_and_every_entry_is_read(tmp_path):
    demo = Demo(tmp_path, "invalid-limit", small_catalogue(extra_spotify=40))
    spotify = demo.services[SP]
    evening = next(p for p in spotify.list_playlists() if p.name == "Evening")
    entries = spotify.playlist_entries(evening)
    assert len(entries) == 46  # every entry, in pages of 20
    assert spotify.page_size.current == 20
    reads = demo.server(SP).counters.by_endpoint["playlist_items"]
    assert reads == 1 + 3  # 50 refused once; then 20 + 20 + 6
    spotify.playlist_entries(evening)
    assert demo.server(SP).counters.by_endpoint["playlist_items"] == reads + 3  # remembered
    demo.store.close()


# -- 3. a used-up quota -----------------------------------------------------------------------


def quota_catalogue() -> dict:
    """A YouTube Music playlist "A" of more tracks than Spotify's quota allows searches for."""
    catalogue = with_playlists(1, source="ytmusic")
    yt_side = catalogue["services"]["ytmusic"]
    for n in range(60):
        yt_side["tracks"].append(
            {"id": f"yq{n}", "title": f"Quota Song {n}", "artists": ["Band"], "album": None,
             "duration_ms": 200_000, "isrc": None, "explicit": False, "kind": "song"}
        )  # fmt: skip
    yt_side["playlists"][0]["tracks"] = [f"yq{n}" for n in range(60)]
    return catalogue


def test_a_used_up_quota_pauses_the_search_with_the_time_it_may_resume(qtbot, tmp_path, ended):
    demo = Demo(tmp_path, "quota", quota_catalogue())
    session = planned(qtbot, demo.session(source=YT), ["A"])
    ended.append(session)
    before = time.time()
    with qtbot.waitSignal(session.blocked, timeout=30_000) as blocked:
        session.search()
    message, reconnect = blocked.args
    assert not reconnect
    assert message.startswith("Spotify's quota for your app is used up; it may be used again ")
    assert isinstance(session.refusal, QuotaExceeded)
    assert session.resume_at is not None
    assert before + demo_quirks.QUOTA_RETRY_AFTER_S - 1 <= session.resume_at
    # Retry-After is whole seconds, rounded up from what is left: up to a second later.
    assert session.resume_at <= time.time() + demo_quirks.QUOTA_RETRY_AFTER_S + 1
    assert session.state is RunState.PAUSED
    found = [r for r in session.rows if r.status.is_final]
    assert found, "what was found before the quota ran out is kept"


# -- 5. a new playlist not ready for edits yet ------------------------------------------------


def test_adds_into_a_new_playlist_wait_until_it_accepts_them(qtbot, tmp_path, ended):
    demo = Demo(tmp_path, "precondition")
    session = planned(qtbot, demo.session(), ["Evening"])
    ended.append(session)
    (report,) = searched_and_applied(qtbot, session)
    assert report.created and report.failed == {}
    assert report.added == 7  # the three twins and the four fillers
    assert demo.sleeper.waits == [2.0, 4.0]  # refused at 0 s and 2 s; ready at 6 s
    assert all(r.status is not TrackStatus.FAILED for r in session.rows)


# -- 6. too many creations --------------------------------------------------------------------


def test_creations_stop_at_too_many_playlists_and_the_rest_is_said(qtbot, tmp_path, ended):
    demo = Demo(tmp_path, "too-many-playlists", with_playlists(4))
    session = planned(qtbot, demo.session(), ["A", "B", "C", "D"])
    ended.append(session)
    reports = searched_and_applied(qtbot, session)
    assert [r.created for r in reports] == [True, True, False, False]
    assert [r.held_back for r in reports][2:] == [HeldBack.CREATIONS_REFUSED] * 2
    assert demo.server(YT).quirk_state.creations == 2  # the refusal was not asked again
    assert demo.sleeper.waits == [5.0, 5.0]  # creations spaced 5 s apart (the third refused)
    assert creation_stop_words(reports) == (
        f"{TOO_MANY.rstrip('.')} (2 playlists created this run; left to create: “C”, “D”)."
    )


# -- 7. a gated write -------------------------------------------------------------------------


def test_a_gated_creation_is_said_once_with_what_to_do(qtbot, tmp_path, ended):
    demo = Demo(tmp_path, "gated", with_playlists(2))
    session = planned(qtbot, demo.session(), ["A", "B"])
    ended.append(session)
    reports = searched_and_applied(qtbot, session)
    assert [r.held_back for r in reports] == [HeldBack.GATED, HeldBack.GATED]
    assert isinstance(session.refusal, WritesGated)
    assert "answer the dialog it shows" in str(session.refusal)
    assert demo.server(YT).counters.by_endpoint["create_playlist"] == 1  # B was not tried


# -- 8. an expired sign-in --------------------------------------------------------------------


def test_an_expired_sign_in_pauses_once_and_the_run_goes_on_after_signing_in(
    qtbot, tmp_path, ended
):
    demo = Demo(tmp_path, "expired-session", small_catalogue(extra_spotify=30))
    session = planned(qtbot, demo.session(), ["Evening"])
    ended.append(session)
    said: list[tuple[str, bool]] = []
    session.blocked.connect(lambda message, reconnect: said.append((message, reconnect)))
    with qtbot.waitSignal(session.blocked, timeout=30_000):
        session.search()
    qtbot.waitUntil(lambda: session.active_workers() == 0, timeout=10_000)
    assert said == [(DEMO_SIGNED_OUT, True)]
    assert session.needs_login and isinstance(session.refusal, AuthExpired)
    assert session.refusal.service is YT
    demo.services[YT].sign_in_again()  # the demo's "connect again"
    with qtbot.waitSignal(session.searchFinished, timeout=30_000):
        session.resume()
    assert all(r.status.is_final for r in session.rows)
    assert not any(r.status is TrackStatus.FAILED for r in session.rows)
    assert session.refusal is None and len(said) == 1


# -- 9. an add that lands in part and says STATUS_FAILED --------------------------------------


def test_a_half_landed_add_is_read_back_and_nothing_lands_twice(qtbot, tmp_path, ended):
    demo = Demo(tmp_path, "status-failed")
    session = planned(qtbot, demo.session(), ["Evening"])
    ended.append(session)
    (report,) = searched_and_applied(qtbot, session)
    assert report.playlist is not None
    held = [t.id for t in demo.services[YT].playlist_tracks(report.playlist)]
    assert sorted(held) == sorted(set(held))  # no track twice
    assert report.added == len(held) == 7 and report.failed == {}
    assert {r.status for r in session.rows if r.result and r.result.best} <= {
        TrackStatus.ADDED,
        TrackStatus.REVIEW,
    }
