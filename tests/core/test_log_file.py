"""The log on a disk that cannot take it: one sentence, once, and Songbird goes on; never a
"--- Logging error ---" traceback per record."""

from __future__ import annotations

import logging
import os
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


def put_in_the_logs_place(path: Path, in_its_place: str) -> str:
    """Put `in_its_place` where the log file goes; the reason the sentence gives."""
    path.parent.mkdir(parents=True)
    if in_its_place == "a folder":
        path.mkdir()
        return "Is a directory"
    if in_its_place == "a pipe":  # opening it for writing would wait for a reader forever
        os.mkfifo(path)
        return "a pipe in its place"
    path.write_text("an older log\n", encoding="utf-8")
    path.chmod(0o444)
    return "Permission denied"


@pytest.mark.parametrize(
    "in_its_place",
    [
        "a folder",
        pytest.param(
            "a pipe", marks=pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no pipes")
        ),
        pytest.param(
            "a file that cannot be written",
            marks=pytest.mark.skipif(
                os.name != "posix" or os.geteuid() == 0, reason="root writes any file"
            ),
        ),
    ],
)
def test_a_log_file_that_cannot_be_opened_is_said_once_at_start(
    tmp_path: Path, songbird_log: None, capsys: pytest.CaptureFixture[str], in_its_place: str
) -> None:
    """Said as the run starts, before any record (before, a run that logged nothing, such as
    `songbird pairs`, said nothing and wrote no log); then never again."""
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    path = log_file(paths)
    reason = put_in_the_logs_place(path, in_its_place)
    setup_logging(paths)
    assert capsys.readouterr().err == (
        f"songbird: the log {path} cannot be written ({reason}); Songbird goes on without it.\n"
    )
    log_many()
    assert capsys.readouterr().err == ""


def test_a_run_that_logs_nothing_says_the_log_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`songbird pairs --demo` with a folder where the log file goes: said once, and the
    command does its work."""
    from songbird_gui.cli import main

    for variable, folder in [("CONFIG", "c"), ("DATA", "d"), ("STATE", "s")]:
        monkeypatch.setenv(f"XDG_{variable}_HOME", str(tmp_path / folder))
    path = log_file(AppPaths.default())
    path.mkdir(parents=True)
    code = main(["pairs", "--demo"])
    out, err = capsys.readouterr()
    assert (code, out) == (0, "No pairs yet: sync a playlist once and it becomes one.\n")
    assert err == (
        f"songbird: the log {path} cannot be written (Is a directory); Songbird goes on "
        "without it.\n"
    )
