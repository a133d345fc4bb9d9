"""The error boundary's one mapping: whatever ended a piece of work, as one sentence a person can
act on and the exit code the README documents (`core/exit_codes.py`).

Every entry point catches what reaches it and asks `failure_of`: the command line's main, the
window's launch, a background run, each worker's task. A known trouble gets its own sentence:
the disk is full, a folder is read-only or not Songbird's to write, the match store cannot be
opened, the network or a service failed, a store from a newer Songbird. Anything else is a bug:
it still gets a sentence and a stable code, and its trace goes to the log (never to the
person's terminal). The sentence names the folder where a file is at fault; SQLite's errors
name none, so the caller says which folder its store lives in.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import socket
import sqlite3
import ssl
from dataclasses import dataclass
from pathlib import Path

from songbird_gui.core.errors import Cancelled, ServiceError
from songbird_gui.core.exit_codes import (
    EXIT_DISK_FULL,
    EXIT_FILES,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SERVICE,
    EXIT_STORE,
    EXIT_UNEXPECTED,
    EXIT_USAGE,
)
from songbird_gui.core.store import StoreTooNew

_log = logging.getLogger(__name__)

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_NO_PERMISSION = {errno.EACCES, errno.EPERM}
_NETWORK = {
    errno.ENETDOWN,
    errno.ENETUNREACH,
    errno.EHOSTUNREACH,
    errno.ECONNREFUSED,
    errno.ECONNRESET,
    errno.ECONNABORTED,
    errno.ETIMEDOUT,
}
NETWORK_SENTENCE = "The network could not be reached; run again once it is back."
STOPPED_SENTENCE = "Stopped; what was done so far is kept."


class FileRefused(Exception):
    """A file the person named (a secrets file, eval-matches' cases, an import) cannot be
    used; `str(error)` says why and what to do. It is theirs: refused, never moved (exit 2)."""


@dataclass(frozen=True, slots=True)
class Failure:
    """What to tell the person, and how the run ends.

    Attributes:
        sentence: one sentence; "" when there is nothing to say (the reader of the output
            went away).
        exit_code: the README's code for it.
        unexpected: a bug: its trace was written to the log.
    """

    sentence: str
    exit_code: int
    unexpected: bool = False


def failure_of(error: BaseException, folder: Path | None = None) -> Failure:
    """The sentence and exit code for `error`; `folder` is where the files in use live (the
    data folder), named when the error itself names no file (SQLite's)."""
    if isinstance(error, KeyboardInterrupt | Cancelled):
        return Failure(STOPPED_SENTENCE, EXIT_INTERRUPTED)
    if isinstance(error, StoreTooNew):
        return Failure(str(error), EXIT_STORE)
    if isinstance(error, FileRefused):
        return Failure(_sentence(str(error)), EXIT_USAGE)
    if isinstance(error, ServiceError):
        return Failure(_sentence(str(error)), EXIT_SERVICE)
    if isinstance(error, BrokenPipeError):
        return Failure("", EXIT_OK)  # the reader went away (`songbird matches | head`)
    if _is_network(error):
        return Failure(NETWORK_SENTENCE, EXIT_SERVICE)
    if isinstance(error, sqlite3.Error):
        known = _store_failure(error, folder)
        if known is not None:
            return known
    elif isinstance(error, OSError):
        return _file_failure(error, folder)
    return _unexpected(error)


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _is_network(error: BaseException) -> bool:
    if isinstance(error, ConnectionError | TimeoutError | socket.gaierror | ssl.SSLError):
        return True
    if isinstance(error, OSError) and error.errno in _NETWORK:
        return True
    # An HTTP library's own error that no adapter translated (requests': an OSError with
    # the request and the response it was about, and no file).
    return isinstance(error, OSError) and hasattr(error, "request") and hasattr(error, "response")


def _folder_of(path: Path) -> Path:
    return path if path.is_dir() else path.parent


def _unwritable(folder: Path) -> Failure | None:
    """Why Songbird cannot write in `folder` (a read-only disk, no permission), or None."""
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return _read_only(folder)
    except (AttributeError, OSError):  # no statvfs (Windows), or no such folder
        pass
    if folder.exists() and not os.access(folder, os.W_OK):
        return _no_permission(folder)
    return None


def _disk_full(folder: Path | None) -> Failure:
    holding = f"The disk holding {folder}" if folder else "The disk"
    return Failure(
        f"{holding} is full, so Songbird could not write its files there; free some space "
        "and run again.",
        EXIT_DISK_FULL,
    )


def _read_only(folder: Path) -> Failure:
    return Failure(
        f"{folder} is on a read-only disk, so Songbird cannot keep its files there; make it "
        "writable and run again.",
        EXIT_FILES,
    )


def _no_permission(folder: Path) -> Failure:
    return Failure(
        f"Songbird has no permission to write in {folder}; give your user access to it and "
        "run again.",
        EXIT_FILES,
    )


def _file_failure(error: OSError, folder: Path | None) -> Failure:
    named = error.filename or error.filename2
    path = Path(os.fsdecode(named)) if named is not None else folder
    where = _folder_of(path) if path is not None else None
    if error.errno in _FULL:
        return _disk_full(where)
    if where is None:
        return _unexpected(error)
    if error.errno == errno.EROFS:
        return _read_only(where)
    if error.errno in _NO_PERMISSION:
        return _unwritable(where) or _no_permission(where)
    reason = error.strerror or str(error)
    return Failure(f"Songbird could not use {path} ({reason}).", EXIT_FILES)


def _store_failure(error: sqlite3.Error, folder: Path | None) -> Failure | None:
    """What an error of the match store's SQLite means, or None (unknown: a bug)."""
    code = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
    store = f"The match store in {folder}" if folder else "The match store"
    if code == sqlite3.SQLITE_FULL:
        return _disk_full(folder)
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR):
        blocked = _unwritable(folder) if folder else None
        if blocked is not None:
            return blocked
        if folder is not None and _no_space_left(folder):
            return _disk_full(folder)
        return Failure(
            f"{store} could not be used ({error}); check the disk and run again.", EXIT_FILES
        )
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return Failure(
            f"{store} was damaged while in use ({error}); run again: Songbird keeps the "
            "damaged file aside and starts a new one.",
            EXIT_FILES,
        )
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return Failure(
            f"{store} is held by another program; run again once it has finished.", EXIT_FILES
        )
    return None


def _no_space_left(folder: Path) -> bool:
    """SQLite says "disk I/O error" of a write the disk had no room for."""
    try:
        return shutil.disk_usage(folder).free == 0
    except OSError:
        return False


def _unexpected(error: BaseException) -> Failure:
    _log.error("unexpected error", exc_info=error)
    if isinstance(error, MemoryError):
        return Failure(
            "Songbird ran out of memory; the log has the details.", EXIT_UNEXPECTED, True
        )
    described = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return Failure(
        f"Songbird failed unexpectedly ({described}); the log has the details for a bug report.",
        EXIT_UNEXPECTED,
        True,
    )
