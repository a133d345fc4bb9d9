"""A worker's task that fails on the disk or on a bug says so in one sentence (the error
boundary's), never "unexpected error: [Errno 28] ..." or a trace on the person's screen."""

from __future__ import annotations

import errno
import logging
from pathlib import Path

import pytest

from songbird_gui.core.cancel import CancelToken
from songbird_gui.engine.jobs import TaskJob, TaskSignals


def run_task(task) -> list[str]:
    signals = TaskSignals()
    said: list[str] = []
    signals.failed.connect(said.append)
    TaskJob(task, signals, CancelToken()).run()  # here, on this thread: the signal is direct
    return said


def test_a_write_on_a_full_disk_says_which_disk(qapp, tmp_path: Path) -> None:
    def write() -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "demo-x.json"))

    assert run_task(write) == [
        f"The disk holding {tmp_path} is full, so Songbird could not write its files there; "
        "free some space and run again."
    ]


def test_a_bug_in_a_task_is_one_sentence_and_its_trace_is_in_the_log(
    qapp, caplog: pytest.LogCaptureFixture
) -> None:
    def buggy() -> None:
        raise KeyError("kind")

    with caplog.at_level(logging.ERROR, logger="songbird_gui"):
        (said,) = run_task(buggy)
    assert said == (
        "Songbird failed unexpectedly (KeyError: 'kind'); the log has the details for a bug report."
    )
    assert "Traceback" in caplog.text and "buggy" in caplog.text
