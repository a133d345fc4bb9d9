"""A fresh data folder, default settings: the first syncs of two demo playlists, one after the
other, as real `songbird` processes on the demo's default latency. YouTube Music's limit is
unpublished (the demo's: 50 in any 5 s, untold), so Songbird climbs to it from a gentle start;
together the two syncs draw at most one 429 per hundred searches, and what the first learnt
is kept in the demo's folder for the second to start from."""

from __future__ import annotations

import json
from pathlib import Path

from songbird_gui.core.exit_codes import EXIT_OK
from tests.cli.test_concurrent_sync import env_in, songbird


def learnt_served(home: Path) -> dict[float, int]:
    """What the demo's learnt-rates file says YouTube Music served (nothing: no file)."""
    path = home / "data" / "songbird" / "demo" / "learnt-rates-ytmusic.json"
    if not path.exists():
        return {}
    document = json.loads(path.read_text(encoding="utf-8"))
    return {w["seconds"]: w["limit"] for w in document["served"]}


def test_two_first_syncs_draw_at_most_one_429_in_a_hundred_searches(tmp_path: Path) -> None:
    env = env_in(tmp_path)
    figures, kept = [], []
    for playlist in ("World Sounds", "Focus Flow"):
        done = songbird(env, "sync", "--demo", "--playlist", playlist, "--json")
        assert done.returncode == EXIT_OK, done.stderr
        figures.append(json.loads(done.stdout.splitlines()[-1]))
        kept.append(learnt_served(tmp_path))

    searches = sum(f["search_requests"] for f in figures)
    refused = sum(f["rate_limited"] for f in figures)
    assert searches > 100  # both playlists were searched
    assert refused <= 0.01 * searches, figures
    # The first climbed above what the settings take for granted (3 per second) and kept
    # it; the second started from there, so nothing it keeps is below what the first did.
    assert kept[0].get(1.0, 0) > 3
    assert all(kept[1][seconds] >= served for seconds, served in kept[0].items())
