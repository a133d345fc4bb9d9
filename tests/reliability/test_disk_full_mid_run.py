"""A disk that fills up in the middle of a sync: the run says so in one sentence naming the
folder and ends with its own code (10), not "a service or the network failed" (7); the log
that can no longer be written costs one sentence, never a "--- Logging error ---" traceback
per record; and nothing is lost: once there is room again, the next run is clean and all
that was remembered before is still there.

The disk is real: a small tmpfs holding the person's folders (data, config and log), filled
up once the run has begun searching (its log names the phase). Mounting needs root, as CI's
container has; elsewhere the test is skipped, and the fault matrix's full disk at the start
still runs where it can.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from songbird_gui.cli.sync.command import Phase
from songbird_gui.core.exit_codes import EXIT_DISK_FULL, EXIT_OK
from tests.cli.test_concurrent_sync import env_in, songbird
from tests.reliability.test_fault_matrix import run as system
from tests.reliability.test_signal_matrix import FAST, SLOW, Home, wait_for

pytestmark = pytest.mark.slow

ENDS_WITHIN_S = 120.0  # the rest of the run (seconds of searching); only a hang reaches it


@contextlib.contextmanager
def small_disk(folder: Path, size: str) -> Iterator[None]:
    """`folder` on a tmpfs of `size`, empty, for the test's life."""
    folder.mkdir(parents=True, exist_ok=True)
    if not system("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)):
        pytest.skip("a small file system cannot be mounted here")
    try:
        yield
    finally:
        system("umount", str(folder))


def fill(folder: Path) -> Path:
    """Fill the disk holding `folder` up to its last byte; the filler's path."""
    filler = folder / "filler"
    with contextlib.suppress(OSError), filler.open("wb") as out:
        while True:
            out.write(b"\0" * 65536)
            out.flush()
    return filler


def remembered(env: dict[str, str]) -> set[str]:
    listed = songbird(env, "matches", "--demo", "--json")
    assert listed.returncode == EXIT_OK, listed.stderr
    return {row["id"] for row in json.loads(listed.stdout)}


def test_a_disk_full_mid_run_is_exit_10_in_one_sentence_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    home = Home(tmp_path / "home")
    with small_disk(home.root, "16m"):
        env = env_in(home.root)
        first = songbird(env, "sync", *FAST, "--playlist", "Road Trip")
        assert first.returncode == EXIT_OK, first.stderr
        before = remembered(env)

        logged = home.log.stat().st_size
        process = subprocess.Popen(
            [sys.executable, "-m", "songbird_gui.cli", "sync", *SLOW, "--playlist", "Gym Mix"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            wait_for(home, process, [f"sync: {Phase.SEARCHING} "], since=logged)
            filler = fill(home.root)
            _, err = process.communicate(timeout=ENDS_WITHIN_S)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()

        assert process.returncode == EXIT_DISK_FULL, err
        assert "Logging error" not in err and "Traceback" not in err, err
        assert f"songbird: The disk holding {home.data}" in err, err
        assert all(line.startswith("songbird: ") for line in err.splitlines()), err

        filler.unlink()
        again = songbird(env, "sync", *FAST, "--playlist", "Gym Mix", "--json")
        assert again.returncode == EXIT_OK, again.stderr
        assert again.stderr == ""  # nothing was damaged: nothing to set aside
        assert before <= remembered(env)
