"""Every file Songbird keeps opens one way: used as it is, or set aside and said.

A kept file (the match stores, settings.json, the demo's state and its lock, the writer lock,
the autostart entry, the window's state, the learnt rates) can be damaged by something
outside Songbird: a crash of the machine, a sync tool, a full disk, a hand edit.
Songbird neither stops on one nor writes over one. Before anything opens it for writing, the
damaged file is moved aside byte for byte, in its own folder, as `NAME.damaged-YYYYmmdd-HHMMSS`
(`set_aside`), and the person is told in one sentence what it was and where it went
(`SetAside.message`): each time, where they are (the terminal, the window), not only in the log.

A file the person names (a `--secrets-file`, an import, eval-matches' cases) is theirs, not
kept: one that cannot be used is refused in words and left as it is (`failure.FileRefused`).

Moving is a rename in the same folder: nothing is copied, deleted or overwritten, and a folder
or anything else found in a file's place moves the same way. A file Songbird cannot reach at
all (no permission, a read-only disk) is not damage, and moving it would not help: that error
goes to the caller, whose error boundary says it (`core/failure.py`).
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Generic, TypeVar

T = TypeVar("T")

_log = logging.getLogger(__name__)

# The kept copy's name: the file's whole name, this tag and the local time it was found.
DAMAGED_TAG = ".damaged-"
_STAMP = "%Y%m%d-%H%M%S"


class Damaged(Exception):
    """A kept file's content cannot be used; `str(error)` says why, in a few words."""


@dataclass(frozen=True, slots=True)
class SetAside:
    """A kept file that could not be used, now moved aside.

    Attributes:
        what: the file as a person knows it ("The settings file").
        kept: where it is now.
        reason: what was wrong with it ("not JSON", "a folder in its place").
        then: what Songbird does instead ("uses the defaults").
    """

    what: str
    kept: Path
    reason: str
    then: str

    @property
    def message(self) -> str:
        return (
            f"{self.what} could not be read ({self.reason}); Songbird kept it as {self.kept} "
            f"and {self.then}."
        )


@dataclass(frozen=True, slots=True)
class Opened(Generic[T]):
    """What opening a kept file gave: its value (None: no file, or it was set aside), and
    the notice for the person when it was set aside."""

    value: T | None
    set_aside: SetAside | None = None


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _reserve(paths: Sequence[tuple[Path, bool]]) -> bool:
    """Create each path empty (a folder where the second item is True), or none of them if
    one is taken already."""
    made: list[tuple[Path, bool]] = []
    try:
        for path, folder in paths:
            if folder:
                path.mkdir()
            else:
                path.touch(exist_ok=False)
            made.append((path, folder))
    except BaseException as error:
        for path, folder in made:
            if folder:
                path.rmdir()
            else:
                path.unlink()
        if isinstance(error, FileExistsError):
            return False
        raise
    return True


def kept_name(path: Path, when: float, attempt: int = 1) -> Path:
    """Where `path` goes when set aside at `when` (a counter from the second attempt on)."""
    stamp = datetime.fromtimestamp(when).strftime(_STAMP)
    tag = stamp if attempt == 1 else f"{stamp}-{attempt}"
    return path.with_name(f"{path.name}{DAMAGED_TAG}{tag}")


def set_aside(path: Path, when: float, siblings: Sequence[str] = ()) -> Path:
    """Move `path` (and the files named `path` + each of `siblings` that exist, such as
    SQLite's -wal) to a dated name no file has yet, in the same folder; return the new name.

    The new names are reserved first (created empty, all or none), so two processes setting
    the same file aside never take the same name, and nothing is ever overwritten.
    """
    present = [s for s in siblings if _sibling(path, s).exists()]
    folder = path.is_dir() and not path.is_symlink()
    for attempt in itertools.count(1):
        kept = kept_name(path, when, attempt)
        # the siblings first: a -wal left beside a new, empty store would be deleted by SQLite
        moves = [(_sibling(path, s), _sibling(kept, s), False) for s in present]
        moves.append((path, kept, folder))
        if _reserve([(target, is_folder) for _, target, is_folder in moves]):
            break
    done = 0
    try:
        for source, target, is_folder in moves:
            if is_folder:  # a folder cannot replace even an empty one everywhere
                target.rmdir()
                os.rename(source, target)
            else:
                os.replace(source, target)  # over our own empty reservation
            done += 1
    except BaseException:
        for _, target, is_folder in moves[done:]:
            if is_folder:
                target.rmdir()
            else:
                target.unlink(missing_ok=True)
        raise
    return kept


def keep_aside(
    path: Path,
    what: str,
    reason: str,
    then: str,
    clock: Callable[[], float] = time.time,
    siblings: Sequence[str] = (),
) -> SetAside:
    """Set `path` aside and say so: the notice for the person (also written to the log)."""
    notice = SetAside(what, set_aside(path, clock(), siblings), reason, then)
    _log.warning("%s", notice.message)
    return notice


def _kind_problem(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder in its place"
    return "not a regular file"


def not_a_file(path: Path) -> str | None:
    """Why `path` cannot be used as a file (a folder, a pipe, a device in its place), or None:
    a regular file (through a link), or nothing there. Looks without opening it: opening a
    pipe that no one writes to waits forever."""
    try:
        return _kind_problem(path.stat().st_mode)
    except FileNotFoundError:
        return None


def open_regular(path: Path) -> BinaryIO:
    """The regular file at `path`, open for reading (the caller closes it). Opened so that
    whatever stands there cannot make it wait (a pipe swapped in since a look); raises
    Damaged when it is no regular file, FileNotFoundError when nothing is there."""
    problem = not_a_file(path)  # a folder cannot even be opened on some systems
    if problem is not None:
        raise Damaged(problem)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    file = os.fdopen(fd, "rb")
    problem = _kind_problem(os.fstat(fd).st_mode)
    if problem is not None:
        file.close()
        raise Damaged(problem)
    return file


def read_bytes(path: Path) -> bytes:
    """The bytes of the regular file at `path` (see `open_regular`)."""
    with open_regular(path) as file:
        return file.read()


def parse_json(data: bytes) -> Any:
    """The JSON value in `data`; raises Damaged for bytes that are not one (empty, not UTF-8,
    not JSON, nested deeper than Python can read)."""
    if not data.strip():
        raise Damaged("empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Damaged("not text") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise Damaged("nested too deeply") from None
    except ValueError:
        raise Damaged("not JSON") from None


def open_json(
    path: Path,
    what: str,
    read: Callable[[Any], T],
    then: str,
    clock: Callable[[], float] = time.time,
) -> Opened[T]:
    """The kept JSON file at `path`, as `read` makes it from the parsed value.

    No file: `Opened(None)`. Damage (something else in the file's place, bytes that are not
    JSON, or `read` refusing its shape with Damaged, ValueError, TypeError or KeyError): the
    file is set aside (`keep_aside`, with `what` and `then` for the message) and the value is
    None. An OSError reading it (no permission) goes to the caller.
    """
    try:
        return Opened(read(parse_json(read_bytes(path))))
    except FileNotFoundError:
        return Opened(None)
    except (Damaged, ValueError, TypeError, KeyError) as error:
        problem = str(error) if isinstance(error, Damaged) else "not as Songbird writes it"
    return Opened(None, keep_aside(path, what, problem, then, clock))


class Notices:
    """What the person must be told about the kept files this run, for whoever shows it.

    Thread-safe: a demo service reading its state on a worker thread adds here too. The
    window shows `messages()`; the terminal prints `unshown()`, each message once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._said: list[str] = []
        self._shown = 0

    def add(self, notice: SetAside | None) -> None:
        """A kept file set aside (None: nothing was)."""
        if notice is not None:
            self.say(notice.message)

    def say(self, message: str) -> None:
        """Something else the person must know about a kept file (a value it could not use)."""
        with self._lock:
            self._said.append(message)

    def messages(self) -> list[str]:
        """Every notice of this run, in order."""
        with self._lock:
            return list(self._said)

    def unshown(self) -> list[str]:
        """The notices added since the last call."""
        with self._lock:
            fresh = self._said[self._shown :]
            self._shown = len(self._said)
            return fresh
