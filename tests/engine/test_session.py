"""The sync session end to end on the demo services: plan, search, apply, stop."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from songbird_gui.app import Songbird
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.settings import RateSettings, RetrySettings, Settings
from songbird_gui.core.types import ServiceId, TrackStatus
from songbird_gui.engine.session import RunState, SyncSession
from songbird_gui.services.demo import DemoConfig, DemoServerConfig
from songbird_gui.services.demo_server import DemoHTTPError
from tests.demo_catalogue import small_catalogue

FINAL = {s for s in TrackStatus if s.is_final}


# Quick retries: the tests inject faults and should not sit through real backoffs.
QUICK_RETRY = RetrySettings(max_attempts=8, base_delay_s=0.001, max_delay_s=0.01)


def make_session(
    tmp_path: Path, catalogue: dict, server: DemoServerConfig, settings: Settings | None = None
):
    settings = settings or Settings(
        workers=4,
        spotify=RateSettings(rate=200, burst=20),
        ytmusic=RateSettings(rate=200, burst=20),
        retry=QUICK_RETRY,
    )
    config = DemoConfig(
        spotify=server, ytmusic=server, state_dir=tmp_path / "demo", catalogue=catalogue
    )
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    songbird = Songbird(paths, demo=config, settings=settings)
    services = songbird.demo_services()
    session = SyncSession(songbird.context(services), ServiceId.SPOTIFY, ServiceId.YTMUSIC)
    return session, services


def end(session: SyncSession) -> None:
    """Close the run and, as the front ends do once their loop has returned, drain it."""
    session.close()
    assert session.drain(10_000)
    session.context.store.close()


def run_to_end(qtbot, session: SyncSession, playlist_names: list[str], apply: bool = True) -> None:
    source = session.context.services[session.source]
    chosen = [p for p in source.list_playlists() if p.name in playlist_names]
    with qtbot.waitSignal(session.planned, timeout=10_000):
        session.plan(chosen)
    with qtbot.waitSignal(session.searchFinished, timeout=30_000):
        session.search()
    if apply:
        with qtbot.waitSignal(session.applied, timeout=30_000):
            session.apply()


@pytest.fixture
def fast_server() -> DemoServerConfig:
    return DemoServerConfig(latency_s=0.005, limit=500, burst=50, seed=1)


def test_first_sync_adds_exactly_the_confident_matches(qtbot, tmp_path, fast_server):
    catalogue = small_catalogue()
    session, services = make_session(tmp_path, catalogue, fast_server)
    run_to_end(qtbot, session, ["Evening"])

    statuses = {row.entry.source.id: row.status for row in session.rows}
    assert set(statuses.values()) <= FINAL
    assert statuses["sp1"] is TrackStatus.ADDED
    assert statuses["sp2"] is TrackStatus.ADDED  # Cyrillic title matched in its own script
    assert statuses["sp3"] is TrackStatus.ADDED  # featured artist moved out of the title
    assert statuses["sp4"] is not TrackStatus.ADDED  # only a live version exists there
    assert statuses["sp5"] is TrackStatus.NOT_FOUND
    assert statuses["sp6"] is TrackStatus.UNSYNCABLE

    target = services[ServiceId.YTMUSIC]
    created = [p for p in target.list_playlists() if p.name == "Evening"]
    assert len(created) == 1
    assert [t.id for t in target.playlist_tracks(created[0])] == ["yt1", "yt2", "yt3"]
    end(session)


def test_second_sync_searches_nothing_and_adds_nothing(qtbot, tmp_path, fast_server):
    catalogue = small_catalogue()
    first, _ = make_session(tmp_path, catalogue, fast_server)
    run_to_end(qtbot, first, ["Evening"])
    end(first)

    second, services = make_session(tmp_path, catalogue, fast_server)
    run_to_end(qtbot, second, ["Evening"])
    assert second.figures.search_stats.requests == 0
    assert sum(report.added for report in second.reports) == 0
    target = services[ServiceId.YTMUSIC]
    evening = [p for p in target.list_playlists() if p.name == "Evening"]
    assert len(evening) == 1  # not created twice
    assert [t.id for t in target.playlist_tracks(evening[0])] == ["yt1", "yt2", "yt3"]
    statuses = {row.entry.source.id: row.status for row in second.rows}
    assert statuses["sp1"] is TrackStatus.PRESENT
    end(second)


def test_transient_faults_are_retried_and_every_track_ends(qtbot, tmp_path):
    flaky = DemoServerConfig(latency_s=0.002, limit=500, burst=50, fault_rate=0.3, seed=7)
    session, _ = make_session(tmp_path, small_catalogue(extra_spotify=30), flaky)
    run_to_end(qtbot, session, ["Evening"], apply=False)
    assert all(row.status in FINAL for row in session.rows)
    assert session.figures.search_stats.retries > 0
    matched = [r for r in session.rows if r.entry.source.id.startswith("spx")]
    assert all(r.status is TrackStatus.MATCHED for r in matched)
    end(session)


def test_a_dead_service_fails_each_track_with_a_reason(qtbot, tmp_path):
    dead = DemoServerConfig(latency_s=0.001, limit=500, burst=50, fault_rate=1.0, seed=3)
    catalogue = small_catalogue()
    session, _ = make_session(
        tmp_path, catalogue, fast := DemoServerConfig(latency_s=0.001, limit=500, burst=50)
    )
    # Planning works (source and target readable); then the target dies for the searches.
    source = session.context.services[ServiceId.SPOTIFY]
    with qtbot.waitSignal(session.planned, timeout=10_000):
        session.plan([p for p in source.list_playlists() if p.name == "Evening"])
    target = session.context.services[ServiceId.YTMUSIC]
    target.server.config = dead
    target.throttle.policy.settings = RetrySettings(max_attempts=2, base_delay_s=0.001)
    with qtbot.waitSignal(session.searchFinished, timeout=10_000):
        session.search()
    failed = [r for r in session.rows if r.status is TrackStatus.FAILED]
    assert len(failed) == 5
    assert all("503" in r.reason for r in failed)
    assert fast.fault_rate == 0.0
    end(session)


def test_a_429_pauses_and_the_run_still_completes(qtbot, tmp_path):
    # The client is told a rate far above what the server allows: the server answers 429 and
    # the client must pause and retry until every track has its answer.
    strict = DemoServerConfig(latency_s=0.001, limit=20, burst=2, seed=5)
    settings = Settings(
        workers=4, spotify=RateSettings(60, 6), ytmusic=RateSettings(60, 6), retry=QUICK_RETRY
    )
    session, services = make_session(tmp_path, small_catalogue(extra_spotify=6), strict, settings)
    run_to_end(qtbot, session, ["Evening"], apply=False)
    assert services[ServiceId.YTMUSIC].server.counters.rate_limited > 0
    assert session.figures.search_stats.rate_limited > 0
    assert all(row.status in FINAL for row in session.rows)
    assert not [r for r in session.rows if r.status is TrackStatus.FAILED]
    end(session)


def test_stop_ends_the_search_at_once_and_nothing_more_arrives(qtbot, tmp_path):
    slow = DemoServerConfig(latency_s=0.05, limit=4, burst=1, seed=2)
    settings = Settings(workers=4, spotify=RateSettings(4, 1), ytmusic=RateSettings(4, 1))
    session, services = make_session(tmp_path, small_catalogue(extra_spotify=40), slow, settings)
    source = session.context.services[ServiceId.SPOTIFY]
    with qtbot.waitSignal(session.planned, timeout=10_000):
        session.plan([p for p in source.list_playlists() if p.name == "Evening"])
    session.search()
    qtbot.waitUntil(
        lambda: any(r.status is TrackStatus.MATCHED for r in session.rows), timeout=10_000
    )

    late: list[int] = []
    session.trackMatched.connect(lambda row, _result: late.append(row))
    with qtbot.waitSignal(session.searchFinished, timeout=1) as finished:
        session.stop()  # emits searchFinished(True) before it returns
    assert finished.args == [True]
    assert session.state is RunState.READY
    session.close()
    assert session.drain(10_000)  # the searches in flight end on their own
    requests_after_drain = services[ServiceId.YTMUSIC].server.counters.searches
    QCoreApplication.processEvents()  # whatever they reported is delivered now
    assert late == []
    assert services[ServiceId.YTMUSIC].server.counters.searches == requests_after_drain
    assert requests_after_drain < 45  # most of the 45 queued searches were never made
    statuses = {row.status for row in session.rows}
    assert TrackStatus.SEARCHING not in statuses and TrackStatus.QUEUED not in statuses
    assert TrackStatus.NOT_SEARCHED in statuses  # said so, not "skipped"
    session.context.store.close()


def test_apply_after_a_stopped_search_writes_what_was_found(qtbot, tmp_path):
    slow = DemoServerConfig(latency_s=0.02, limit=20, burst=2, seed=2)
    settings = Settings(
        workers=2,
        spotify=RateSettings(20, 2),
        ytmusic=RateSettings(20, 2),
        retry=QUICK_RETRY,
    )
    session, services = make_session(tmp_path, small_catalogue(extra_spotify=40), slow, settings)
    source = session.context.services[ServiceId.SPOTIFY]
    with qtbot.waitSignal(session.planned, timeout=10_000):
        session.plan([p for p in source.list_playlists() if p.name == "Evening"])
    session.search()
    qtbot.waitUntil(
        lambda: sum(r.status is TrackStatus.MATCHED for r in session.rows) >= 3, timeout=10_000
    )
    session.stop()
    matched = {r.result.best.track.id for r in session.rows if r.status is TrackStatus.MATCHED}
    with qtbot.waitSignal(session.applied, timeout=10_000):
        session.apply()
    (report,) = session.reports
    assert report.created and not report.cancelled
    assert set(report.landed) == matched  # read back from the service after writing
    assert services[ServiceId.YTMUSIC].server.counters.by_endpoint["add_items"] >= 1
    end(session)


def test_a_refused_search_is_remembered_and_not_repeated_at_once(qtbot, tmp_path, fast_server):
    catalogue = small_catalogue()
    first, services = make_session(tmp_path, catalogue, fast_server)
    # The target refuses every search (a 400): each track fails with the service's words.
    services[ServiceId.YTMUSIC].search = _refuse
    run_to_end(qtbot, first, ["Evening"], apply=False)
    failed = [r for r in first.rows if r.status is TrackStatus.FAILED]
    assert len(failed) == 5 and all("refused" in r.reason for r in failed)
    end(first)

    second, _ = make_session(tmp_path, catalogue, fast_server)
    run_to_end(qtbot, second, ["Evening"], apply=False)
    assert second.figures.search_stats.requests == 0
    reasons = [r.reason for r in second.rows if r.status is TrackStatus.FAILED]
    assert len(reasons) == 5 and all("searched again after" in r for r in reasons)
    end(second)


def _refuse(query):
    from songbird_gui.core.errors import PermanentError

    raise PermanentError("the demo service refused the request: bad query")


def test_an_expired_session_pauses_and_resumes_without_searching_a_track_twice(qtbot, tmp_path):
    from collections import Counter

    server = DemoServerConfig(latency_s=0.005, limit=500, burst=50, seed=4)
    settings = Settings(
        workers=2, spotify=RateSettings(200, 20), ytmusic=RateSettings(200, 20), retry=QUICK_RETRY
    )
    session, services = make_session(tmp_path, small_catalogue(extra_spotify=30), server, settings)
    server_side = services[ServiceId.YTMUSIC].server
    real_search = server_side.search
    searched: Counter[tuple[str, str]] = Counter()  # what reached the service
    expired = {"now": False}
    lock = threading.Lock()  # the searches run on the pool's threads

    def search(text, kind):
        with lock:
            if expired["now"]:
                raise DemoHTTPError(401, "please reconnect")
            searched[(text, kind)] += 1
            if sum(searched.values()) == 12:
                expired["now"] = True  # the login ends in the middle of the run
        return real_search(text, kind)

    server_side.search = search
    source = session.context.services[ServiceId.SPOTIFY]
    with qtbot.waitSignal(session.planned, timeout=10_000):
        session.plan([p for p in source.list_playlists() if p.name == "Evening"])
    with qtbot.waitSignal(session.blocked, timeout=10_000) as paused:
        session.search()
    assert "reconnect" in paused.args[0] and paused.args[1] is True  # reconnect, then go on
    assert session.state is RunState.PAUSED
    statuses = Counter(row.status for row in session.rows)
    assert statuses[TrackStatus.QUEUED] > 0 and statuses[TrackStatus.FAILED] == 0

    with lock:
        expired["now"] = False  # the person reconnected
    with qtbot.waitSignal(session.searchFinished, timeout=10_000) as finished:
        session.resume()
    assert finished.args == [False]
    assert all(row.status.is_final for row in session.rows)
    assert not [r for r in session.rows if r.status is TrackStatus.FAILED]
    # Every search (a track's query of one kind) was answered once: none was made twice.
    assert max(searched.values()) == 1
    end(session)


def test_a_resume_at_once_is_not_paused_again_by_answers_from_before_it(qtbot, tmp_path):
    """The person reconnects while the other searches' refusals are still on their way."""
    from collections import Counter

    server = DemoServerConfig(latency_s=0.005, limit=500, burst=50, seed=4)
    settings = Settings(
        workers=4, spotify=RateSettings(200, 20), ytmusic=RateSettings(200, 20), retry=QUICK_RETRY
    )
    session, services = make_session(tmp_path, small_catalogue(extra_spotify=30), server, settings)
    server_side = services[ServiceId.YTMUSIC].server
    real_search = server_side.search
    searched: Counter[tuple[str, str]] = Counter()  # what reached the service
    state = {"expired": False}
    lock = threading.Lock()

    def search(text, kind):
        with lock:
            if state["expired"]:
                raise DemoHTTPError(401, "please reconnect")
            searched[(text, kind)] += 1
            if sum(searched.values()) == 8:
                state["expired"] = True
        return real_search(text, kind)

    server_side.search = search
    source = session.context.services[ServiceId.SPOTIFY]
    with qtbot.waitSignal(session.planned, timeout=10_000):
        session.plan([p for p in source.list_playlists() if p.name == "Evening"])

    def reconnect_at_once(_message: str, _reconnect: bool) -> None:
        # Every worker ends its job (refused, or stopped at its permit) while this slot holds
        # the event loop: their answers are queued, not yet delivered, when the run resumes.
        deadline = time.monotonic() + 10
        while session.active_workers() and time.monotonic() < deadline:
            time.sleep(0.002)
        with lock:
            state["expired"] = False
        session.resume()

    session.blocked.connect(reconnect_at_once)
    with qtbot.waitSignal(session.searchFinished, timeout=20_000) as finished:
        session.search()
    assert finished.args == [False]
    assert session.state is RunState.READY
    assert all(row.status.is_final for row in session.rows)
    assert max(searched.values()) == 1  # no search made twice
    end(session)


def test_a_track_likely_to_need_a_second_search_is_searched_first(qtbot, tmp_path, fast_server):
    # Last in the playlist, but its title names a version: its first search tends to find only
    # the plain song, so it starts first and its second search overlaps the others' first.
    catalogue = small_catalogue(extra_spotify=6)
    spotify = catalogue["services"]["spotify"]
    spotify["tracks"].append(
        {**spotify["tracks"][0], "id": "spv", "title": "Paper Lanterns (Acoustic)"}
    )
    spotify["playlists"][0]["tracks"].append("spv")
    settings = Settings(
        workers=1,
        spotify=RateSettings(rate=200, burst=20),
        ytmusic=RateSettings(rate=200, burst=20),
        retry=QUICK_RETRY,
    )
    session, _ = make_session(tmp_path, catalogue, fast_server, settings)
    started: list[str] = []
    session.trackStarted.connect(lambda row: started.append(session.rows[row].entry.source.id))
    run_to_end(qtbot, session, ["Evening"], apply=False)
    assert started[0] == "spv"
    assert sorted(started) == sorted(
        r.entry.source.id for r in session.rows if r.entry.source.id != "sp6"
    )
    end(session)
