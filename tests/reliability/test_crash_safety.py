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
    assert f"{PLAYLIST}: nothing to add" in third.stdout or added_to_playlist(third.stdout) == 0
    assert target_tracks(state) == final
