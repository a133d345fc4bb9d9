"""`songbird pairs --json` gives each pair's schedule, last sync and next sync."""

from __future__ import annotations

import json

import pytest

from songbird_gui.cli import main
from songbird_gui.core.exit_codes import EXIT_OK
from songbird_gui.core.pairs import PairStore
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.store import MatchStore

pytestmark = pytest.mark.usefixtures("qapp")

FAST = ["--demo", "--demo-latency-ms", "0", "--demo-limit", "2000", "--rate", "2000"]


def test_pairs_json_gives_schedule_last_and_next_sync(capsys):
    assert main(["sync", *FAST, "--playlist", "Road Trip"]) == EXIT_OK
    store = MatchStore(AppPaths.default().demo_state_dir / "matches.sqlite3")
    pairs = PairStore(store)
    (pair,) = pairs.all()
    pairs.set_schedule(pair.pair_id, 6)
    store.close()
    capsys.readouterr()

    assert main(["pairs", "--demo", "--json"]) == EXIT_OK
    (shown,) = json.loads(capsys.readouterr().out)
    assert (shown["schedule_hours"], shown["schedule"]) == (6, "every 6 hours")
    assert shown["next_sync"] == pytest.approx(shown["last_sync"] + 6 * 3600)
    assert main(["pairs", "--demo"]) == EXIT_OK
    assert "every 6 hours, next sync in 6 h" in capsys.readouterr().out
