"""The error boundary's mapping: each trouble a person can meet becomes one sentence that says
what is wrong and where, and the exit code the README documents; a bug still gets a sentence
and a stable code, and its trace goes to the log. The errors are real ones where they can be
made: SQLite's from SQLite, the network's from a closed port."""

from __future__ import annotations

import errno
import logging
import socket
import sqlite3
from pathlib import Path

import pytest
import requests

from songbird_gui.core.errors import AuthExpired, Cancelled, TransientError
from songbird_gui.core.exit_codes import (
    EXIT_DISK_FULL,
    EXIT_FILES,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SERVICE,
    EXIT_STORE,
    EXIT_TERMINATED,
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    exit_code_for_signal,
)
from songbird_gui.core.failure import NETWORK_SENTENCE, Failure, failure_of
from songbird_gui.core.store import SCHEMA_VERSION, MatchStore, StoreTooNew


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    made = tmp_path / "data" / "songbird"
    made.mkdir(parents=True)
    return made


def raised(action) -> BaseException:
    try:
        action()
    except BaseException as error:
        return error
    raise AssertionError("it did not fail")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- the disk and the folders ----------------------------------------------------------------


def test_a_full_disk_names_the_folder(data_dir: Path) -> None:
    full = OSError(errno.ENOSPC, "No space left on device", str(data_dir / "settings.json"))
    assert failure_of(full) == Failure(
        f"The disk holding {data_dir} is full, so Songbird could not write its files there; "
        "free some space and run again.",
        EXIT_DISK_FULL,
    )


def test_a_store_that_ran_out_of_room_is_a_full_disk_in_its_folder(data_dir: Path) -> None:
    """SQLite's "database or disk is full", raised by SQLite itself (a page limit)."""
    db = sqlite3.connect(data_dir / "matches.sqlite3")
    db.execute("CREATE TABLE t (x TEXT)")
    db.execute("PRAGMA max_page_count=3")
    error = raised(lambda: db.executemany("INSERT INTO t VALUES (?)", [("x" * 4000,)] * 10))
    db.close()
    assert "full" in str(error)
    failure = failure_of(error, data_dir)
    assert failure.exit_code == EXIT_DISK_FULL
    assert str(data_dir) in failure.sentence


def test_a_read_only_disk_names_the_folder(data_dir: Path) -> None:
    read_only = OSError(errno.EROFS, "Read-only file system", str(data_dir / "matches.sqlite3"))
    assert failure_of(read_only) == Failure(
        f"{data_dir} is on a read-only disk, so Songbird cannot keep its files there; make it "
        "writable and run again.",
        EXIT_FILES,
    )


def test_no_permission_names_the_folder(data_dir: Path) -> None:
    refused = PermissionError(errno.EACCES, "Permission denied", str(data_dir / "sync.lock"))
    failure = failure_of(refused)
    assert failure.exit_code == EXIT_FILES
    assert failure.sentence.startswith("Songbird has no permission to write in ")
    assert str(data_dir) in failure.sentence


def test_another_file_error_names_the_file(data_dir: Path) -> None:
    error = raised(lambda: (data_dir / "settings.json" / "x").write_text("x"))
    failure = failure_of(error)
    assert failure.exit_code == EXIT_FILES
    assert str(data_dir / "settings.json" / "x") in failure.sentence


def test_a_store_that_cannot_be_opened_names_its_folder(data_dir: Path) -> None:
    error = raised(lambda: sqlite3.connect(data_dir / "gone" / "matches.sqlite3"))
    failure = failure_of(error, data_dir)
    assert failure == Failure(
        f"The match store in {data_dir} could not be used (unable to open database file); "
        "check the disk and run again.",
        EXIT_FILES,
    )


def test_a_read_only_store_file_is_a_sentence(data_dir: Path) -> None:
    path = data_dir / "matches.sqlite3"
    MatchStore(path).close()
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    error = raised(lambda: db.execute("CREATE TABLE t (x)"))
    db.close()
    failure = failure_of(error, data_dir)
    assert failure.exit_code == EXIT_FILES and "readonly database" in failure.sentence


def test_a_store_damaged_while_in_use_says_it_is_kept_aside_at_the_next_run(
    data_dir: Path,
) -> None:
    path = data_dir / "matches.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (x TEXT)")
    db.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,)] * 200)
    db.commit()
    db.close()
    with path.open("r+b") as file:
        file.seek(8192)
        file.write(b"\xa5" * 8192)
    db = sqlite3.connect(path)
    error = raised(lambda: db.execute("SELECT count(*), max(x) FROM t").fetchall())
    db.close()
    failure = failure_of(error, data_dir)
    assert failure.exit_code == EXIT_FILES
    assert "damaged while in use" in failure.sentence and str(data_dir) in failure.sentence


def test_a_disk_error_of_the_store_is_a_sentence(data_dir: Path) -> None:
    error = sqlite3.OperationalError("disk I/O error")  # what SQLite raises of a failed write
    error.sqlite_errorcode = sqlite3.SQLITE_IOERR  # type: ignore[attr-defined]
    failure = failure_of(error, data_dir)
    assert failure.exit_code == EXIT_FILES and "(disk I/O error)" in failure.sentence


def test_a_store_from_a_newer_songbird_keeps_its_code(data_dir: Path) -> None:
    error = StoreTooNew(data_dir / "matches.sqlite3", SCHEMA_VERSION + 1)
    assert failure_of(error) == Failure(str(error), EXIT_STORE)


# -- the network and the services ------------------------------------------------------------


def test_a_service_error_is_its_own_sentence() -> None:
    down = TransientError("YouTube Music could not be reached")
    assert failure_of(down) == Failure("YouTube Music could not be reached.", EXIT_SERVICE)
    assert failure_of(AuthExpired("connect again")).exit_code == EXIT_SERVICE


def test_the_network_down_is_a_sentence_whoever_raised_it() -> None:
    port = closed_port()
    refused = raised(lambda: socket.create_connection(("127.0.0.1", port)))
    through_requests = raised(lambda: requests.get(f"http://127.0.0.1:{port}/", timeout=5))
    for error in (refused, through_requests):
        assert failure_of(error) == Failure(NETWORK_SENTENCE, EXIT_SERVICE), repr(error)


# -- stops, and what nobody expected ---------------------------------------------------------


def test_a_stop_is_130_and_a_terminate_143() -> None:
    assert failure_of(KeyboardInterrupt()).exit_code == EXIT_INTERRUPTED == 130
    assert failure_of(Cancelled()).exit_code == EXIT_INTERRUPTED
    assert EXIT_TERMINATED == exit_code_for_signal(15) == 143


def test_a_reader_that_went_away_ends_quietly() -> None:
    assert failure_of(BrokenPipeError(errno.EPIPE, "Broken pipe")) == Failure("", EXIT_OK)


def test_a_bug_gets_a_sentence_a_stable_code_and_its_trace_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def buggy() -> None:
        raise ValueError("'maybe' is not a valid Decision")

    with caplog.at_level(logging.ERROR, logger="songbird_gui"):
        failure = failure_of(raised(buggy))
    assert failure == Failure(
        "Songbird failed unexpectedly (ValueError: 'maybe' is not a valid Decision); the log "
        "has the details for a bug report.",
        EXIT_UNEXPECTED,
        unexpected=True,
    )
    (record,) = caplog.records
    assert record.exc_info is not None and "buggy" in caplog.text


def test_a_file_the_person_named_that_cannot_be_used_is_exit_2(tmp_path: Path) -> None:
    from songbird_gui.cli.match_eval import CasesFileError
    from songbird_gui.services.secrets import SecretsFileError

    for refused in (
        SecretsFileError(f"{tmp_path} is not a file to keep secrets in (a folder in its place)"),
        CasesFileError(f"{tmp_path / 'cases.json'} holds no list of cases"),
    ):
        failure = failure_of(refused)
        assert failure.exit_code == EXIT_USAGE == 2
        assert failure.sentence == str(refused) + "."
