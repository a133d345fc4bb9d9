"""A scheduled sync that meets a used-up quota waits for the time the service gave.

Spotify's quota refusals come with a Retry-After of hours (one app was given 48,925 s); a
scheduled run after one is not tried again every 15 minutes, which would only be refused
again: `AutoSync` declines every run until then (`resume_at`), on its own wall clock.
"""

from __future__ import annotations

import time

from songbird_gui.core.schedule import DuePair
from songbird_gui.core.types import ServiceId, SyncMode
from songbird_gui.engine.auto_sync import AutoRun, AutoSync
from songbird_gui.services import demo_quirks
from tests.engine.test_demo_quirks import Demo, with_playlists

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC


class WallClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_no_scheduled_run_starts_before_a_quota_renews(qtbot, tmp_path):
    demo = Demo(tmp_path, "quota", with_playlists(1, source="ytmusic"))
    spotify = demo.services[SP]
    for n in range(demo_quirks.QUOTA_AFTER_SEARCHES):  # earlier runs spent the quota
        spotify.server.search(f"song {n}", "")
    source = next(p for p in demo.services[YT].list_playlists() if p.name == "A")
    target = spotify.create_playlist("A", "")
    pairs = demo.context.pairs
    pair = pairs.ensure(source, target, SyncMode.ADD)
    pairs.set_schedule(pair.pair_id, 1)
    due = [DuePair(pair, pair.created_at, late=False)]
    clock = WallClock()
    auto = AutoSync(clock=clock)

    with qtbot.waitSignal(auto.finished, timeout=30_000) as finished:
        assert auto.run(demo.context, due)
    run: AutoRun = finished.args[0]
    (outcome,) = run.outcomes
    assert outcome.problem.startswith("Spotify's quota for your app is used up")
    assert run.resume_at is not None and auto.resume_at == run.resume_at
    wait = run.resume_at - clock.now
    assert demo_quirks.QUOTA_RETRY_AFTER_S - 60 < wait <= demo_quirks.QUOTA_RETRY_AFTER_S + 1

    # Every look of the scheduler before then (once a minute, say) starts nothing.
    for minutes in (1, 15, 60, 13 * 60):
        clock.now = run.resume_at - wait + minutes * 60
        with qtbot.assertNotEmitted(auto.started):
            assert not auto.run(demo.context, due)
    clock.now = run.resume_at + 1
    assert auto.resume_at is None
    with qtbot.waitSignal(auto.finished, timeout=30_000):
        assert auto.run(demo.context, due)  # tried again once the quota may be used
    auto.close()
    auto.drain(10_000)
    demo.store.close()
