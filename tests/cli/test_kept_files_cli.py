"""What the command line says of the demo's kept files, as it is today: a damaged demo store
or demo state is kept aside and said on the terminal before any output, each time; a demo
store from a newer Songbird is refused with exit 1, as the person's is."""

from __future__ import annotations

import os
import sqlite3

import pytest

from songbird_gui.cli import main
from songbird_gui.core.exit_codes import EXIT_OK, EXIT_STORE
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.store import MatchStore

pytestmark = pytest.mark.usefixtures("qapp")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_damaged_demo_store_and_state_are_said_on_the_terminal(capsys) -> None:
    """Before, all pairs vanished ("No pairs yet", exit 0) and only the log knew why."""
    paths = AppPaths.default()
    paths.demo_state_dir.mkdir(parents=True)
    MatchStore(paths.demo_match_store).close()
    db = sqlite3.connect(paths.demo_match_store, isolation_level=None)
    db.execute("DROP TABLE pairs")  # every command failed with a traceback on this
    db.close()
    (paths.demo_state_dir / "demo-ytmusic.json").write_text("null", encoding="utf-8")

    code, out, err = run(capsys, "pairs", "--demo")
    assert code == EXIT_OK
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 2, err
    store_line = next(line for line in lines if "match store" in line)
    state_line = next(line for line in lines if "state" in line)
    assert "(the table pairs is missing)" in store_line
    assert str(paths.demo_state_dir / "matches.sqlite3.damaged-") in store_line
    assert str(paths.demo_state_dir / "demo-ytmusic.json.damaged-") in state_line
    assert "No pairs yet" in out


def test_a_demo_store_from_a_newer_songbird_is_exit_1_in_one_sentence(capsys) -> None:
    paths = AppPaths.default()
    MatchStore(paths.demo_match_store).close()
    db = sqlite3.connect(paths.demo_match_store, isolation_level=None)
    db.execute("PRAGMA user_version=999")
    db.close()
    code, _, err = run(capsys, "pairs", "--demo")
    assert code == EXIT_STORE
    assert "written by a newer version of Songbird" in err and "Traceback" not in err


def test_a_sync_lock_that_names_no_holder_no_longer_stops_every_sync(capsys) -> None:
    """Before, an empty or garbage sync.lock made every run exit 5 "already running (pid
    unknown)", forever; then it was taken over, but said only in the log."""
    paths = AppPaths.default()
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    lock = paths.data_dir / "sync.lock"
    lock.write_bytes(b"")
    os.utime(lock, (1_000_000.0, 1_000_000.0))  # left long ago
    fast = ["--demo", "--demo-latency-ms", "0", "--demo-limit", "2000", "--rate", "2000"]
    code, _, err = run(capsys, "sync", *fast, "--playlist", "Road Trip")
    assert code == EXIT_OK, err
    (kept,) = paths.data_dir.glob("sync.lock.damaged-*")
    assert kept.read_bytes() == b""
    assert err == (
        f"songbird: The writer lock could not be read (empty); Songbird kept it as {kept} and "
        "took the lock over.\n"
    )
