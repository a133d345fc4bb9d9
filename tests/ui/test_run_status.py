"""The status bar's run state, as the run goes: it counts what the phase has to do from the
first moment, and never says "0/0" or a rate it has not measured yet."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QStatusBar

from songbird_gui.core.types import ServiceId, SyncMode, TrackStatus
from songbird_gui.services.demo import DemoServerConfig
from songbird_gui.ui.run_status import RunStatus
from tests.demo_catalogue import small_catalogue
from tests.engine.test_session import end, make_session
from tests.engine.test_session_journeys import applied, planned, searched


class Watched:
    """The status bar on a run, and every text it showed as the run's signals came."""

    def __init__(self, qtbot, session) -> None:
        self.bar = QStatusBar()
        qtbot.addWidget(self.bar)
        self.status = RunStatus(self.bar)
        self.status.watch(session)
        self.seen: list[str] = []
        for signal in (session.stateChanged, session.progress, session.applyProgress):
            signal.connect(lambda *_: self.seen.append(self.status.text()))


def test_a_search_counts_from_its_first_moment_and_a_stop_then_sync_again_too(qtbot, tmp_path):
    server = DemoServerConfig(latency_s=0.02, limit=1000, burst=100, seed=3)
    catalogue = small_catalogue(extra_spotify=30)
    session, _ = make_session(tmp_path, catalogue, server)
    first = Watched(qtbot, session)
    planned(qtbot, session, "Evening")
    session.search()
    qtbot.waitUntil(
        lambda: sum(r.status is TrackStatus.MATCHED for r in session.rows) >= 3, timeout=10_000
    )
    session.stop()
    end(session)
    # Sync again after the Stop: what was found is remembered, the rest is searched.
    again, _ = make_session(tmp_path, catalogue, server)
    second = Watched(qtbot, again)
    searched(qtbot, again, "Evening")
    end(again)
    seen, seen_again = first.seen, second.seen

    for texts in (seen, seen_again):
        counted = [t for t in texts if t.startswith("Searching YouTube Music: ")]
        assert counted and re.match(r"Searching YouTube Music: 0/[1-9]", counted[0]), texts
        assert not [t for t in texts if "0/0" in t or "0.0 req/s" in t], texts


def test_writing_a_plan_of_moves_counts_them_from_the_start(qtbot, tmp_path):
    server = DemoServerConfig(latency_s=0.002, limit=1000, burst=100, seed=3)
    catalogue = small_catalogue(extra_spotify=6)
    first, services = make_session(tmp_path, catalogue, server)
    searched(qtbot, first, "Evening", SyncMode.MIRROR)
    applied(qtbot, first)
    end(first)
    services[ServiceId.SPOTIFY].server.edit_as_a_person("plA", lambda ids: ids[::-1])

    session, _ = make_session(tmp_path, catalogue, server)
    searched(qtbot, session, "Evening")
    watched = Watched(qtbot, session)
    status, seen = watched.status, watched.seen
    (preview, _), *_ = session.previews()
    moves = len(preview.moves)
    applied(qtbot, session)
    counted = [t for t in seen if t.startswith("Writing to YouTube Music: ")]
    assert counted[0] == f"Writing to YouTube Music: 0/{moves}…", seen
    assert not [t for t in seen if "0/0" in t], seen
    assert status.text().startswith("Written to YouTube Music")
    end(session)
