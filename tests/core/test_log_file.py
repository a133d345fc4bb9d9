"""The log on a disk that cannot take it: one sentence, once, and Songbird goes on; never a
"--- Logging error ---" traceback per record."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

from songbird_gui.core.log_file import log_file, setup_logging
from songbird_gui.core.paths import AppPaths


def log_many(count: int = 20) -> None:
    log = logging.getLogger("songbird_gui.some_module")
    for n in range(count):
        log.warning("request %d failed", n)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="/dev/full is the full disk here")
def test_a_full_disk_costs_the_log_only_said_once(
    tmp_path: Path, songbird_log: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """/dev/full answers every write with ENOSPC, as a full disk does."""
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    paths.log_dir.mkdir()
    log_file(paths).symlink_to("/dev/full")
    setup_logging(paths)
    log_many()
    err = capsys.readouterr().err
    assert err == (
        f"songbird: the log {log_file(paths)} cannot be written (No space left on device); "
        "Songbird goes on without it.\n"
    )


def test_a_log_folder_that_cannot_be_made_is_said_once(
    tmp_path: Path, songbird_log: None, capsys: pytest.CaptureFixture[str]
) -> None:
    in_the_way = tmp_path / "state"
    in_the_way.write_text("a file where the log folder goes", encoding="utf-8")
    paths = AppPaths(tmp_path / "config", tmp_path / "data", in_the_way / "log")
    setup_logging(paths)
    log_many()
    err = capsys.readouterr().err
    assert err.count("songbird: the log") == 1 and "Traceback" not in err
    assert "Logging error" not in err
    assert sys.exc_info() == (None, None, None)
