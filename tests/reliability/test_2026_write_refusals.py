"""YouTube Music's 2025–2026 write refusals, met by whole syncs through the real ytmusicapi.

On the fault server (real sockets, the product's throttles and adapters): a new playlist that
answers "Precondition check failed." to its first adds, an add answered STATUS_FAILED after it
landed, "You are creating too many playlists", a write answered with a dialog instead, and a
sign-in that ends in the middle of the write. Each is met once a run, said in one sentence,
and what landed is what the report says. The writer's waits run on a fake clock.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from songbird_gui.core.apply import HeldBack, creation_stop_words
from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import AuthExpired, WritesGated
from songbird_gui.core.settings import CreationSettings
from songbird_gui.core.types import ServiceId
from songbird_gui.engine.session import SyncSession
from songbird_gui.services.refusal_words import TOO_MANY
from tests.reliability.fake_apis import YTMUSIC_HOST, FakeSpotify, FakeYouTubeMusic, twin_catalogue
from tests.reliability.fault_server import Fault, FaultKind, FaultServer
from tests.reliability.harness import SETTINGS, Rig, search_and_apply, settle, store_in

pytestmark = pytest.mark.slow
CREATE = r"POST /youtubei/v1/playlist/create"
EDIT = r"POST /youtubei/v1/browse/edit_playlist"
NO_SPACING = dataclasses.replace(SETTINGS, creation=CreationSettings(per_run=10, spacing_s=0.0))


class FakeTime:
    """The writer's clock and sleeper: a wait is recorded and the clock moved, never slept."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, cancel: CancelToken, seconds: float) -> bool:
        self.waits.append(seconds)
        self.now += seconds
        return cancel.cancelled


def spotify_playlists(*names: str, size: int = 8) -> tuple[FakeSpotify, FakeYouTubeMusic]:
    sp_songs, yt_songs = twin_catalogue(size * len(names))
    spotify, ytmusic = FakeSpotify(sp_songs), FakeYouTubeMusic(yt_songs)
    for n, name in enumerate(names):
        spotify.add_playlist(name, [s.id for s in sp_songs[n * size : (n + 1) * size]])
    return spotify, ytmusic


def run(qtbot, sessions, rig: Rig, tmp_path, names: list[str], fake: FakeTime) -> SyncSession:
    """A Spotify → YouTube Music sync of `names`, searched and written."""
    context = rig.context(rig.services("token-1", "session-1"), store_in(tmp_path))
    context = dataclasses.replace(context, sleep=fake.sleep, clock=fake.clock)
    session = SyncSession(context, ServiceId.SPOTIFY, ServiceId.YTMUSIC)
    sessions.append(session)
    listed = context.services[ServiceId.SPOTIFY].list_playlists()
    chosen = [p for p in listed if p.name in names]
    with qtbot.waitSignal(session.planned, timeout=30_000):
        session.plan(chosen)
    search_and_apply(qtbot, session)
    settle(qtbot, session)
    return session


def test_a_new_playlist_not_ready_and_a_failed_add_that_landed(
    qtbot, tmp_path, monkeypatch, sessions
):
    spotify, ytmusic = spotify_playlists("Road Trip", size=10)
    faults = [
        Fault(FaultKind.NOT_READY, EDIT, times=2),  # the new playlist's first two adds
        Fault(FaultKind.STATUS_FAILED, EDIT, lands=True),  # then one that landed all the same
    ]
    fake = FakeTime()
    with FaultServer(spotify, ytmusic, faults) as server:
        rig = Rig(server, monkeypatch, NO_SPACING)
        session = run(qtbot, sessions, rig, tmp_path, ["Road Trip"], fake)
        edits = server.requests_to(YTMUSIC_HOST, EDIT)

    (report,) = session.reports
    assert fake.waits == [2.0, 4.0]  # waited out, not failed
    (created,) = ytmusic.playlists.values()
    assert Counter(created.entries) == Counter(s.id for s in twin_catalogue(10)[1])  # each once
    assert report.added == 10 and report.failed == {}
    # Two refusals, the add that landed with STATUS_FAILED, and nothing sent again after it.
    assert [r.status for r in edits] == [400, 400, 200]
    assert [f.fired for f in faults] == [2, 1]


def test_creations_stop_at_too_many_playlists_and_are_not_asked_again(
    qtbot, tmp_path, monkeypatch, sessions
):
    spotify, ytmusic = spotify_playlists("A", "B", "C", size=3)
    faults = [Fault(FaultKind.TOO_MANY_PLAYLISTS, CREATE, after=1, times=10)]
    fake = FakeTime()
    with FaultServer(spotify, ytmusic, faults) as server:
        rig = Rig(server, monkeypatch)  # creations 5 s apart, as by default
        session = run(qtbot, sessions, rig, tmp_path, ["A", "B", "C"], fake)
        creations = server.requests_to(YTMUSIC_HOST, CREATE)

    assert [r.status for r in creations] == [200, 400]  # C was never asked for
    assert fake.waits == [5.0]  # B waited its turn after A
    reports = session.reports
    assert [r.created for r in reports] == [True, False, False]
    assert [r.held_back for r in reports] == [None, *[HeldBack.CREATIONS_REFUSED] * 2]
    assert creation_stop_words(reports) == (
        f"{TOO_MANY.rstrip('.')} (1 playlist created this run; left to create: “B”, “C”)."
    )


def test_a_gated_write_holds_the_rest_back_without_a_request(
    qtbot, tmp_path, monkeypatch, sessions
):
    spotify, ytmusic = spotify_playlists("A", "B", size=3)
    for name in ("A", "B"):
        ytmusic.add_playlist(name)  # the targets exist: the adds are what is gated
    faults = [Fault(FaultKind.GATED, EDIT, times=10)]
    fake = FakeTime()
    with FaultServer(spotify, ytmusic, faults) as server:
        rig = Rig(server, monkeypatch, NO_SPACING)
        session = run(qtbot, sessions, rig, tmp_path, ["A", "B"], fake)
        edits = server.requests_to(YTMUSIC_HOST, EDIT)

    assert len(edits) == 1  # met once; B was held back without a request
    assert [r.held_back for r in session.reports] == [HeldBack.GATED, HeldBack.GATED]
    assert isinstance(session.refusal, WritesGated)
    assert "“PAfeature_enablement”" in str(session.refusal)
    assert all(not p.entries for p in ytmusic.playlists.values())


def test_a_sign_in_that_ends_mid_write_is_said_once_for_the_run(
    qtbot, tmp_path, monkeypatch, sessions
):
    spotify, ytmusic = spotify_playlists("A", "B", size=3)
    for name in ("A", "B"):
        ytmusic.add_playlist(name)
    faults = [Fault(FaultKind.EXPIRE, EDIT)]  # the browser session ends at the first add
    fake = FakeTime()
    with FaultServer(spotify, ytmusic, faults) as server:
        rig = Rig(server, monkeypatch, NO_SPACING)
        session = run(qtbot, sessions, rig, tmp_path, ["A", "B"], fake)
        after_expiry = [r for r in server.requests_to(YTMUSIC_HOST) if r.status == 401]

    assert len(after_expiry) == 1  # one refusal: no per-track or per-playlist failures
    assert [r.held_back for r in session.reports] == [HeldBack.LOGIN, HeldBack.LOGIN]
    assert session.needs_login and isinstance(session.refusal, AuthExpired)
    assert "connect YouTube Music again" in str(session.refusal)
    assert session.refusal.service is ServiceId.YTMUSIC  # the tab the window opens
