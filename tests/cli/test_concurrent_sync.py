"""One writer at a time, between processes: two `songbird sync --pairs --demo` started at once
on one data folder never write the same playlist together, and a sync that finds the lock
taken says who holds it and ends with exit code 5."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from songbird_gui.core.exit_codes import EXIT_LOCKED, EXIT_OK
from songbird_gui.engine.writer_lock import WriterLock

FAST = ["--demo", "--demo-latency-ms", "0", "--demo-limit", "2000", "--rate", "2000"]
# Slow enough that the second process starts while the first is still writing.
SLOW = ["--demo", "--demo-latency-ms", "40", "--demo-limit", "2000", "--rate", "2000"]
TIMEOUT_S = 240


def env_in(home: Path) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for variable, folder in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                             ("XDG_STATE_HOME", "state"), ("XDG_CACHE_HOME", "cache")):  # fmt: skip
        env[variable] = str(home / folder)
    return env


def songbird(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "songbird_gui.cli", *args],
        env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
    )  # fmt: skip


def start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "songbird_gui.cli", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def target_playlists(home: Path, names: set[str]) -> dict[str, list[str]]:
    state = home / "data" / "songbird" / "demo" / "demo-ytmusic.json"
    data = json.loads(state.read_text(encoding="utf-8"))
    return {p["name"]: list(p["tracks"]) for p in data["playlists"] if p["name"] in names}


def figures(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_two_syncs_at_once_write_each_track_once_and_a_third_writes_nothing(tmp_path):
    env = env_in(tmp_path)
    first = songbird(env, "sync", *FAST, "--all")  # every demo playlist becomes a pair
    assert first.returncode == EXIT_OK, first.stderr
    pairs = json.loads(songbird(env, "pairs", "--demo", "--json").stdout)
    names = {p["target_playlist"] for p in pairs}
    assert len(names) >= 5
    # The person adds songs to two sources on the service: both pairs have writing to do.
    for name in ("Road Trip", "Gym Mix"):
        changed = songbird(env, "demo-change", name, "--add", "6", "--seed", "3")
        assert changed.returncode == EXIT_OK, changed.stderr
    before = target_playlists(tmp_path, names)

    runs = [start(env, "sync", *SLOW, "--pairs", "--json") for _ in range(2)]
    done = [(run.wait(timeout=TIMEOUT_S), *run.communicate(timeout=TIMEOUT_S)) for run in runs]
    codes = sorted(code for code, _, _ in done)
    # One wrote; the other either found the lock taken (it started while the first ran) or,
    # on a machine slow to start it, came after and found nothing left to do.
    assert codes[0] == EXIT_OK and codes[1] in (EXIT_OK, EXIT_LOCKED), done
    for code, out, err in done:
        if code == EXIT_LOCKED:
            assert "a sync is already running (pid " in err and not out.strip()
    added = sum(figures(out)["added"] for code, out, _ in done if code == EXIT_OK)
    assert added > 0

    after = target_playlists(tmp_path, names)
    for name, tracks in after.items():
        assert Counter(tracks).most_common(1)[0][1] == 1, f"a track twice in {name}"
        assert set(before[name]) <= set(tracks)
    grown = sum(len(after[n]) - len(before[n]) for n in names)
    assert grown == added  # every addition landed once, whoever made it

    third = songbird(env, "sync", *FAST, "--pairs", "--json")
    assert third.returncode == EXIT_OK, third.stderr
    assert (figures(third.stdout)["added"], figures(third.stdout)["removed"]) == (0, 0)
    assert target_playlists(tmp_path, names) == after


def test_a_sync_that_finds_the_lock_taken_names_the_holder_and_exits_5(tmp_path):
    env = env_in(tmp_path)
    # This test process plays the sync that is running (the lock file names its pid).
    held = WriterLock(tmp_path / "data" / "songbird")
    assert held.try_hold()
    try:
        refused = songbird(env, "sync", *FAST, "--all")
    finally:
        held.release()
    assert refused.returncode == EXIT_LOCKED
    assert f"a sync is already running (pid {os.getpid()})" in refused.stderr
    assert not (tmp_path / "data" / "songbird" / "demo" / "demo-ytmusic.json").exists()
    # Once the lock is free, the same command runs.
    assert songbird(env, "sync", *FAST, "--all").returncode == EXIT_OK
