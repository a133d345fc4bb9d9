"""A sync killed (SIGKILL) in the middle of writing, then run again, completes its plan with
no duplicate: the journal of planned and confirmed writes and the re-read of the target."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

PLAYLIST = "Throwbacks"
ARGS = ["sync", "--demo", "--playlist", PLAYLIST, "--json", "--demo-latency-ms", "400",
        "--demo-limit", "1000", "--rate", "1000"]  # fmt: skip


def run(env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "songbird_gui.cli", *ARGS],
        env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def added_to_playlist(stdout: str) -> int:
    """The tracks the run's report says it added to the playlist ("Throwbacks: updated, 34
    added")."""
    found = re.search(rf"^{PLAYLIST} → .*?: (?:created|updated), (\d+) added", stdout, re.M)
    assert found, stdout
    return int(found.group(1))


def target_tracks(state: Path) -> list[str]:
    try:
        data = json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    lists = [p["tracks"] for p in data.get("playlists", []) if p.get("name") == PLAYLIST]
    return lists[0] if lists else []


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_mid_apply_then_rerun_adds_everything_once(tmp_path):
    env = {**os.environ}
    for variable, folder in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                             ("XDG_STATE_HOME", "state")):  # fmt: skip
        env[variable] = str(tmp_path / folder)
    state = tmp_path / "data" / "songbird" / "demo" / "demo-ytmusic.json"
    before = len(target_tracks(state))  # the YouTube Music side has no "Throwbacks" yet

    first = subprocess.Popen(
        [sys.executable, "-m", "songbird_gui.cli", *ARGS],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and first.poll() is None:
        if len(target_tracks(state)) > before:  # the first batch landed; the next is under way
            first.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL, "the sync ended before it could be killed"
    landed_before_kill = target_tracks(state)
    assert landed_before_kill

    second = run(env)
    assert second.returncode == 0, second.stderr
    figures = json.loads(second.stdout.strip().splitlines()[-1])
    final = target_tracks(state)
    assert Counter(final).most_common(1)[0][1] == 1  # no track twice
    assert set(landed_before_kill) <= set(final)  # nothing that landed was lost
    # What the rerun says it added to the playlist is what landed. (The JSON's "added" counts
    # rows: two source entries matched to one recording are two rows and one addition.)
    assert len(final) == len(landed_before_kill) + added_to_playlist(second.stdout)
    assert figures["added"] >= added_to_playlist(second.stdout)

    third = run(env)  # and a third run has nothing left to do
    assert third.returncode == 0, third.stderr
    assert json.loads(third.stdout.strip().splitlines()[-1])["added"] == 0
    assert f"{PLAYLIST} → {PLAYLIST} (YouTube Music): nothing to change" in third.stdout
    assert target_tracks(state) == final


def ytmusic_list(state: Path, name: str) -> list[str]:
    try:
        data = json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    lists = [p["tracks"] for p in data.get("playlists", []) if p.get("name") == name]
    return lists[0] if lists else []


def songbird(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "songbird_gui.cli", *args],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_mirror_killed_mid_way_then_rerun_follows_the_plan_and_keeps_the_hand_added(tmp_path):
    import shutil

    fast = ["--demo", "--demo-latency-ms", "0", "--demo-limit", "1000", "--rate", "1000"]

    def env_in(home: Path) -> dict[str, str]:
        env = {**os.environ}
        for variable, folder in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                                 ("XDG_STATE_HOME", "state")):  # fmt: skip
            env[variable] = str(home / folder)
        return env

    home = tmp_path / "home"
    env = env_in(home)
    state = home / "data" / "songbird" / "demo" / "demo-ytmusic.json"
    name = "Road Trip"
    first = songbird(env, "sync", *fast, "--playlist", name, "--mode", "mirror")
    assert first.returncode == 0, first.stderr
    # The person adds two songs on YouTube Music by hand; the source loses 8 and reorders.
    before_hand = Counter(ytmusic_list(state, name))
    changed = songbird(env, "demo-change", name, "--service", "ytmusic", "--add", "2",
                       "--seed", "3", "--demo")  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    hand_added = list((Counter(ytmusic_list(state, name)) - before_hand).elements())
    assert len(hand_added) == 2
    changed = songbird(env, "demo-change", name, "--remove", "8", "--move", "6", "--seed", "9",
                       "--demo")  # fmt: skip
    assert changed.returncode == 0, changed.stderr

    # What an uninterrupted run makes of it, on a copy of everything.
    reference_home = tmp_path / "reference"
    shutil.copytree(home, reference_home)
    reference = songbird(env_in(reference_home), "sync", *fast, "--pairs", "--json")
    assert reference.returncode == 0, reference.stderr
    expected = ytmusic_list(
        reference_home / "data" / "songbird" / "demo" / "demo-ytmusic.json", name
    )
    assert json.loads(reference.stdout.strip().splitlines()[-1])["removed"] > 0

    before = ytmusic_list(state, name)
    slow = ["--demo", "--demo-latency-ms", "300", "--demo-limit", "1000", "--rate", "1000"]
    killed = subprocess.Popen(
        [sys.executable, "-m", "songbird_gui.cli", "sync", *slow, "--pairs"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and killed.poll() is None:
        if ytmusic_list(state, name) != before:  # its first write landed; more are to come
            killed.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    killed.wait(timeout=30)
    assert killed.returncode == -signal.SIGKILL, "the sync ended before it could be killed"
    assert ytmusic_list(state, name) != expected  # it was cut short mid-way

    rerun = songbird(env, "sync", *fast, "--pairs", "--json")
    assert rerun.returncode == 0, rerun.stderr
    final = ytmusic_list(state, name)
    assert sorted(final) == sorted(expected)  # removed once, nothing lost, nothing twice
    assert all(final.count(i) == 1 for i in hand_added)  # the person's own stayed
    standing = [i for i in final if i not in hand_added]
    assert standing == [i for i in expected if i not in hand_added]  # the source's order

    third = songbird(env, "sync", *fast, "--pairs", "--json")
    figures = json.loads(third.stdout.strip().splitlines()[-1])
    assert (figures["added"], figures["removed"], figures["moved"]) == (0, 0, 0)
    assert ytmusic_list(state, name) == final
