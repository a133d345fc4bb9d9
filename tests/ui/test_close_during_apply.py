"""Closing the window while a write is in flight: the window goes at once, the batch lands
(or is left to the journal) behind it, and the next start completes the plan, no duplicate.

This is `run_window`'s order of things, step by step: the window closes (the event loop would
return), `drain` lets the last request end, the store closes, a new process starts.
"""

from __future__ import annotations

import threading

from songbird_gui.core.types import ServiceId, TrackStatus
from songbird_gui.engine.session import RunState
from tests.ui.window_helpers import make_window, tick


def test_closing_during_an_apply_never_waits_and_the_next_start_completes(qtbot, tmp_path, fast):
    window, services = make_window(qtbot, tmp_path, fast)
    server = services[ServiceId.YTMUSIC].server
    real_add = server.add_items
    holding = threading.Event()  # the service has the batch and holds its answer
    release = threading.Event()

    def held_add(playlist_id, ids, position=None):
        holding.set()
        assert release.wait(30), "the test never released the answer"
        return real_add(playlist_id, ids, position)

    server.add_items = held_add
    tick(window, "Evening")
    window.run.sync_action.trigger()
    session = window.run.session
    with qtbot.waitSignal(session.searchFinished, timeout=20_000):
        pass
    session.apply()
    assert holding.wait(20)

    window.close()
    assert not window.isVisible() and session.state is RunState.CLOSED
    # The service was still holding when the window had gone: closing did not wait for it.
    assert not release.is_set()

    release.set()
    window.drain(20_000)  # after the loop: the batch is answered, the worker leaves
    assert session.active_workers() == 0
    window.songbird.close()

    # The next start: the same folders, a new window, the same playlist.
    again, services = make_window(qtbot, tmp_path, fast)
    tick(again, "Evening")
    again.run.sync_action.trigger()
    second = again.run.session
    with qtbot.waitSignal(second.searchFinished, timeout=20_000):
        pass
    assert second.figures.search_stats.requests == 0  # every decision remembered
    with qtbot.waitSignal(second.applied, timeout=20_000):
        second.apply()
    target = services[ServiceId.YTMUSIC]
    (evening,) = [p for p in target.list_playlists() if p.name == "Evening"]
    ids = [t.id for t in target.playlist_tracks(evening)]
    assert ids == ["yt1", "yt2", "yt3"]  # each once: the held batch landed, nothing twice
    assert all(r.status is not TrackStatus.FAILED for r in second.rows)
    again.close()
    again.drain(10_000)
