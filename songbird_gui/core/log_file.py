"""The log file: rotating, in the user log directory, with secrets redacted.

Called once by each front end (the CLI and the window). The file is what a person attaches
to a bug report, so every record passes through `RedactingFilter` first.

A log that cannot be written (a full disk, a read-only folder) must cost nothing but the log:
Python's handlers print "--- Logging error ---" and a traceback on stderr for each record
that fails, up to one per request in a run. Songbird's file handler says it once, in one
sentence, and drops the records until the file can be written again. It opens the file as the
run starts, so a folder, a pipe or a file it may not write in the log's place is said even by
a run that logs nothing.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO

from songbird_gui.core.paths import AppPaths
from songbird_gui.core.redact import RedactingFilter

LOG_NAME = "songbird.log"
MAX_BYTES = 1_000_000
BACKUPS = 4


def log_file(paths: AppPaths) -> Path:
    return paths.log_dir / LOG_NAME


class QuietFileHandler(RotatingFileHandler):
    """The rotating log file, failing quietly: a record it cannot write is dropped, and the
    first failure is said once, in one sentence, on `said_to` (stderr). `setup_logging` opens
    the file at once (`open_now`); after a failure it is opened again at each record, and a
    failure to open it is said the same way."""

    def __init__(self, path: Path, said_to: TextIO | None = None) -> None:
        super().__init__(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
        )
        self.said_to = said_to
        self.failed = False

    def tell(self, error: BaseException | str | None) -> None:
        """Say once that the log cannot be written, and why (an error, or in words)."""
        if self.failed:
            return
        self.failed = True
        reason = getattr(error, "strerror", None) or str(error)
        print(
            f"songbird: the log {self.baseFilename} cannot be written ({reason}); Songbird "
            "goes on without it.",
            file=self.said_to or sys.stderr,
        )

    def open_now(self) -> None:
        """Open the file at once, so that one that cannot be written is said as the run
        starts, not only at its first record (a run may log nothing)."""
        try:
            self.stream = self._open()
        except OSError as error:
            self.tell(error)

    def _open(self) -> TextIOWrapper:
        try:
            pipe = stat.S_ISFIFO(os.stat(self.baseFilename).st_mode)
        except OSError:
            pipe = False  # nothing there yet: opening makes it, or says why it cannot
        if pipe:  # opened, it would wait for a reader forever
            raise OSError("a pipe in its place")
        return super()._open()

    def handleError(self, record: logging.LogRecord) -> None:
        self.tell(sys.exc_info()[1])

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as error:
            self.tell(error)

    def close(self) -> None:
        try:
            super().close()  # writes what is buffered: at exit too
        except OSError as error:
            self.tell(error)


def setup_logging(paths: AppPaths, level: int = logging.INFO) -> Path:
    """Send Songbird's log records to a rotating file; returns its path."""
    path = log_file(paths)
    root = logging.getLogger("songbird_gui")
    if any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        return path
    handler = QuietFileHandler(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # an unwritable log folder must not stop the app
        handler.tell(error)
    else:
        handler.open_now()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level)
    return path


def recent_lines(paths: AppPaths, count: int = 200) -> list[str]:
    try:
        return log_file(paths).read_text(encoding="utf-8", errors="replace").splitlines()[-count:]
    except OSError:
        return []
