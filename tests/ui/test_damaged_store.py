"""A damaged match store stops nothing: the window and the command line start, the damaged
file is kept beside a new one, and the person is told where, in one sentence."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings

from songbird_gui.app import Songbird
from songbird_gui.core.paths import AppPaths
from songbird_gui.ui.launch import create_window

GARBAGE = b"\x00\x13garbage, not a database\xff" * 3


def damaged_store(data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    store = data_dir / "matches.sqlite3"
    store.write_bytes(GARBAGE)
    (data_dir / "matches.sqlite3-wal").write_bytes(b"half a wal")
    return store


def kept_copies(data_dir: Path) -> list[Path]:
    return sorted(p for p in data_dir.iterdir() if p.name.startswith("matches.sqlite3.damaged-"))


def test_the_window_starts_on_a_damaged_store_and_names_the_kept_file(qtbot, tmp_path):
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    damaged_store(paths.data_dir)
    window = create_window(
        Songbird(paths), QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    window.show()
    kept = kept_copies(paths.data_dir)
    main = next(p for p in kept if not p.name.endswith(("-wal", "-shm")))
    assert main.read_bytes() == GARBAGE  # never deleted, never overwritten
    assert window.notice.isVisible()
    assert str(main) in window.notice.text()
    assert window.songbird.store.count() == 0  # a new, working store
    qtbot.waitUntil(lambda: window.playlists.playlist_model.rowCount() > 0, timeout=10_000)
    window.close()


def test_the_command_line_starts_on_a_damaged_store_and_names_the_kept_file(tmp_path):
    home = tmp_path / "home"
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    data_dir = home / "data" / "songbird"
    damaged_store(data_dir)
    done = subprocess.run(
        [sys.executable, "-m", "songbird_gui.cli", "playlists", "--demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Road Trip" in done.stdout  # it did its work
    main = next(p for p in kept_copies(data_dir) if not p.name.endswith(("-wal", "-shm")))
    assert main.read_bytes() == GARBAGE
    assert str(main) in done.stderr and "Traceback" not in done.stderr
    assert (data_dir / "matches.sqlite3").exists()  # the new store beside it
