"""A scheduled sync on the demo services, with nobody watching (`AutoSync`).

It writes what the matcher accepted on its own and leaves uncertain tracks for the person;
a login that ends in the background is said once, and the run goes on after reconnecting;
a mirror that would remove too many writes nothing; unreachable services end the run at once.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

from songbird_gui.app import Songbird
from songbird_gui.core.apply import ApplyReport, HeldBack
from songbird_gui.core.errors import WritesGated
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.schedule import DuePair
from songbird_gui.core.settings import RateSettings, Settings
from songbird_gui.core.types import Playlist, ServiceId, SyncMode, TrackStatus
from songbird_gui.engine.auto_sync import AutoRun, AutoSync, leg_outcomes
from songbird_gui.services.demo import DemoConfig, DemoServerConfig
from songbird_gui.services.demo_server import DemoHTTPError
from tests.demo_catalogue import small_catalogue
from tests.engine.test_session import QUICK_RETRY

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC


def build(tmp_path: Path, catalogue: dict) -> Songbird:
    config = DemoServerConfig(latency_s=0.002, limit=500, burst=50, seed=1)
    settings = Settings(
        workers=2, spotify=RateSettings(200, 20), ytmusic=RateSettings(200, 20), retry=QUICK_RETRY
    )
    demo = DemoConfig(spotify=config, ytmusic=config, state_dir=tmp_path / "demo",
                      catalogue=catalogue)  # fmt: skip
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    return Songbird(paths, demo=demo, settings=settings)


def scheduled_pair(songbird: Songbird, name: str, mode: SyncMode = SyncMode.ADD) -> DuePair:
    """A pair of the source playlist `name` and a new target, every 6 hours, due now."""
    services = songbird.demo_services()
    source = next(p for p in services[SP].list_playlists() if p.name == name)
    target = services[YT].create_playlist(name, "")
    pairs = songbird.context(services).pairs
    made = pairs.ensure(source, target, mode)
    pairs.set_schedule(made.pair_id, 6)
    made = pairs.get(made.pair_id)
    assert made is not None
    return DuePair(made, made.created_at, late=False)


def run(qtbot, auto: AutoSync, songbird: Songbird, due: list[DuePair]) -> AutoRun:
    with qtbot.waitSignal(auto.finished, timeout=30_000) as finished:
        assert auto.run(songbird.context(songbird.demo_services()), due)
    result: AutoRun = finished.args[0]
    return result


def close(auto: AutoSync, songbird: Songbird) -> None:
    auto.close()
    auto.drain(10_000)
    songbird.close()


def titles(songbird: Songbird, playlist: Playlist) -> list[str]:
    return [t.id for t in songbird.demo_services()[YT].playlist_tracks(playlist)]


def test_a_scheduled_run_writes_the_sure_matches_and_leaves_the_rest_for_review(qtbot, tmp_path):
    songbird = build(tmp_path, small_catalogue())
    due = scheduled_pair(songbird, "Evening")
    auto = AutoSync()
    with qtbot.waitSignal(auto.started, timeout=1000):
        done = run(qtbot, auto, songbird, [due])
    (outcome,) = done.outcomes
    assert (outcome.added, outcome.removed, outcome.stopped, outcome.problem) == (3, 0, "", "")
    target = Playlist(YT, due.pair.target_id, "Evening")
    assert titles(songbird, target) == ["yt1", "yt2", "yt3"]  # only what scored as sure
    # The live version waits for the person, remembered in the run the window can show.
    review = done.session_to_review()
    assert review is not None
    assert [r.entry.source.id for r in review.rows if r.status is TrackStatus.REVIEW] == ["sp4"]
    assert outcome.review == 1
    assert outcome.words() == "Evening: 3 added, 1 needs review"  # the notification's text
    synced = songbird.context(songbird.demo_services()).pairs.get(due.pair.pair_id)
    assert synced is not None and synced.synced_at is not None  # next due in 6 hours

    again = run(qtbot, auto, songbird, [DuePair(synced, synced.synced_at, late=False)])
    assert again.outcomes[0].added == 0 and titles(songbird, target) == ["yt1", "yt2", "yt3"]
    close(auto, songbird)


def test_an_expired_login_is_said_once_and_the_run_goes_on_after_reconnecting(qtbot, tmp_path):
    songbird = build(tmp_path, small_catalogue(extra_spotify=20))
    due = scheduled_pair(songbird, "Evening")
    server = songbird.demo_services()[YT].server  # type: ignore[attr-defined]
    real_search = server.search
    expired = {"now": True}
    lock = threading.Lock()

    def search(text, kind):
        with lock:
            if expired["now"]:
                raise DemoHTTPError(401, "please reconnect")
        return real_search(text, kind)

    server.search = search
    auto = AutoSync()
    said: list[str] = []
    auto.loginNeeded.connect(said.append)
    with qtbot.waitSignal(auto.loginNeeded, timeout=30_000):
        assert auto.run(songbird.context(songbird.demo_services()), [due])
    assert auto.waiting_for_login and auto.busy
    with qtbot.assertNotEmitted(auto.finished, wait=200):  # no retry storm: it waits
        pass
    assert not auto.run(songbird.context(songbird.demo_services()), [due])  # one at a time
    with lock:
        expired["now"] = False  # the person reconnected
    with qtbot.waitSignal(auto.finished, timeout=30_000) as finished:
        auto.resume(songbird.demo_services())
    assert len(said) == 1 and "reconnect" in said[0]  # one notice, not one per track
    assert finished.args[0].outcomes[0].added == 23
    close(auto, songbird)


def test_a_mirror_past_the_guard_writes_nothing_and_says_so(qtbot, tmp_path):
    songbird = build(tmp_path, small_catalogue(extra_spotify=20))
    due = scheduled_pair(songbird, "Evening", SyncMode.MIRROR)
    auto = AutoSync()
    first = run(qtbot, auto, songbird, [due])
    assert first.outcomes[0].added == 23
    services = songbird.demo_services()
    source = next(p for p in services[SP].list_playlists() if p.name == "Evening")
    # The source read comes back empty (a glitch, or the person emptied it by mistake).
    services[SP].server.edit_as_a_person(source.id, lambda ids: [])  # type: ignore[attr-defined]
    target = Playlist(YT, due.pair.target_id, "Evening")
    before = titles(songbird, target)

    pair = songbird.context(services).pairs.get(due.pair.pair_id)
    assert pair is not None
    done = run(qtbot, auto, songbird, [DuePair(pair, 0.0, late=True)])
    (outcome,) = done.outcomes
    assert outcome.stopped and outcome.removed == 0
    assert outcome.words().startswith("Evening: nothing written, ")
    assert titles(songbird, target) == before
    close(auto, songbird)


def test_unreachable_services_end_the_run_at_once_with_the_pairs_still_due(qtbot, tmp_path):
    songbird = build(tmp_path, small_catalogue())
    due = scheduled_pair(songbird, "Evening")

    def down() -> list:
        raise DemoHTTPError(503, "the service is down")

    songbird.demo_services()[SP].server.get_playlists = down  # type: ignore[attr-defined]
    auto = AutoSync()
    done = run(qtbot, auto, songbird, [due])
    assert done.offline and not done.outcomes
    pair = songbird.context(songbird.demo_services()).pairs.get(due.pair.pair_id)
    assert pair is not None and pair.synced_at is None
    close(auto, songbird)


def test_a_pair_whose_write_was_held_back_says_so_not_failed_nor_up_to_date(tmp_path):
    # The write was gated behind a dialog in the service's app: nothing was sent, nothing
    # was wrong with the tracks. The notification says they were held back.
    songbird = build(tmp_path, small_catalogue())
    due = scheduled_pair(songbird, "Evening")
    source = Playlist(SP, due.pair.source_id, "Evening")
    plan = SimpleNamespace(source=source)
    session = SimpleNamespace(plans=[plan], rows=[], setups=[SimpleNamespace(paused="")])
    gate = WritesGated("YouTube Music wants a question answered")
    held = ApplyReport(name="Evening", planned=["y1", "y2", "y3"], held=["y1", "y2", "y3"],
                       held_back=HeldBack.GATED, refusal=gate, warning=str(gate))  # fmt: skip
    (outcome,) = leg_outcomes(session, [(due, source)], [held])  # type: ignore[arg-type]
    assert (outcome.failed, outcome.held_back) == (0, 3) and outcome.news
    assert outcome.words() == "Evening: 3 held back"
    songbird.close()
