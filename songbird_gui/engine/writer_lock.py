"""One writer at a time on a data folder: `WriterLock`, a `QLockFile` beside the match store.

The window, the scheduled syncs and `songbird sync` from cron may run at the same time, and
each plans its writes on the target playlist as it reads it just before writing. Two writers
at once could both find a track missing and both add it, so every write to a playlist holds
this lock:

- `songbird sync` takes it for its whole run (`try_hold`) and, when another process has it,
  says "a sync is already running (pid N)" and ends at once: cron's next run comes soon;
- the window and the scheduled syncs take it around each write only (`writing`), on the
  write's worker thread, and wait there while another holds it: searching and reviewing go
  on meanwhile, and a Stop ends the wait.

The lock file names its holder (pid, program, host). A holder that died without letting go
(killed, a power cut) leaves a stale file, which `QLockFile` recognises by its dead pid and
takes over. No age limit: a long sync is not stale. A lock file that names no holder at all
(empty, garbage, a folder in its place) `QLockFile` would never take over, and every run would
end "already running" forever: it is a damaged kept file, set aside and said
(`core/kept_file.py`), once no live writer can be making it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TypeVar

from PySide6.QtCore import QLockFile

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import Cancelled
from songbird_gui.core.kept_file import Notices, keep_aside, not_a_file

T = TypeVar("T")

LOCK_FILE_NAME = "sync.lock"
POLL_S = 0.25  # how often a waiting writer looks again
# A writer names itself in the lock file the moment it makes it: one that still names no
# holder this long after it was written is no live writer's.
UNNAMED_FOR_S = 10.0


class WriterLock:
    """The data folder's writer lock, shared by everything in one process that writes.

    Within the process a plain lock orders the writers; between processes the lock file does.
    """

    def __init__(
        self,
        data_dir: Path,
        notices: Notices | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`notices` hears of a damaged lock file set aside (the composition root's)."""
        self.path = data_dir / LOCK_FILE_NAME
        self.notices = notices or Notices()
        self._clock = clock
        self._local = threading.Lock()
        self._file: QLockFile | None = None  # held by this process while set
        self._whole_run = False  # held by `try_hold` for the whole run: writes need not ask

    def holder(self) -> int | None:
        """The pid of the process that holds the lock now (this one included), or None."""
        probe = QLockFile(str(self.path))
        probe.setStaleLockTime(0)
        if probe.tryLock(0):
            probe.unlock()
            return None
        pid, _host, _program = probe.getLockInfo()  # (0, "", "") when it is gone meanwhile
        return int(pid) if pid > 0 else None

    def _set_aside_if_damaged(self) -> None:
        """Set the lock file aside if it names no holder and never will: something else in
        its place, or a file that still names no writer long after it was written and that
        no live `QLockFile` holds. The look and the move hold the file's own lock, so two
        processes never both move it, nor one move the lock another has just made."""
        problem = not_a_file(self.path)
        try:
            if problem is not None:
                self._say(problem)
                return
            with self.path.open("rb") as file, _locked(file.fileno()) as mine:
                problem = self._unnamed(file) if mine else None
                if problem is not None:
                    self._say(problem)
        except FileNotFoundError:
            pass  # gone meanwhile: another process set it aside, or its holder let go

    def _unnamed(self, file: BinaryIO) -> str | None:
        """Why the lock file open as `file` is no live writer's, or None."""
        if os.fstat(file.fileno()).st_ino != self.path.stat().st_ino:
            return None  # set aside and made again since it was opened
        pid, _host, _program = QLockFile(str(self.path)).getLockInfo()
        if pid > 0:
            return None  # a holder QLockFile can judge: alive, or stale and taken over
        if self._clock() - os.fstat(file.fileno()).st_mtime < UNNAMED_FOR_S:
            return None  # a writer may be naming itself in it right now
        return "empty" if not file.read(1) else "it names no writer"

    def _say(self, problem: str) -> None:
        self.notices.add(keep_aside(self.path, "The writer lock", problem, "took the lock over"))

    def _take_file(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._set_aside_if_damaged()
        lock_file = QLockFile(str(self.path))
        lock_file.setStaleLockTime(0)  # stale only when its holder is gone, never by age
        if not lock_file.tryLock(0):
            return False
        self._file = lock_file
        return True

    def _drop_file(self) -> None:
        if self._file is not None:
            self._file.unlock()
            self._file = None

    def try_hold(self) -> bool:
        """Take the lock for the rest of this run, if free; False when another holds it."""
        if not self._local.acquire(blocking=False):
            return False
        if not self._take_file():
            self._local.release()
            return False
        self._whole_run = True
        return True

    def release(self) -> None:
        """Let go of a lock taken by `try_hold`."""
        if self._whole_run:
            self._whole_run = False
            self._drop_file()
            self._local.release()

    @contextmanager
    def writing(
        self, cancel: CancelToken, on_wait: Callable[[int | None], None] | None = None
    ) -> Iterator[None]:
        """Hold the lock around one write (on a worker thread), waiting while another has it.

        `on_wait(pid)` is called once if the write has to wait. A cancel ends the wait with
        `Cancelled`. Within a run that holds the lock already (`try_hold`), this is free.
        """
        if self._whole_run:
            yield
            return
        told = False
        while not self._local.acquire(timeout=POLL_S):
            if cancel.cancelled:
                raise Cancelled()
            if not told and on_wait is not None:
                on_wait(None)
                told = True
        try:
            while not self._take_file():
                if not told and on_wait is not None:
                    on_wait(self.holder())
                    told = True
                if cancel.wait(POLL_S):
                    raise Cancelled()
            try:
                yield
            finally:
                self._drop_file()
        finally:
            self._local.release()


@contextmanager
def _locked(fd: int) -> Iterator[bool]:
    """Hold the file lock of the file open at `fd`, if free: True, else False (a live
    `QLockFile` holds one on its lock file for as long as it holds the lock, on this machine).
    Windows has no such lock: there the age alone tells."""
    try:
        import fcntl
    except ImportError:
        yield True
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        yield False
        return
    try:
        yield True
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def holding(
    lock: WriterLock | None,
    task: Callable[[], T],
    cancel: CancelToken,
    on_wait: Callable[[int | None], None] | None = None,
) -> Callable[[], T]:
    """`task`, run while holding `lock` (as is when there is no lock)."""
    if lock is None:
        return task

    def held() -> T:
        with lock.writing(cancel, on_wait):
            return task()

    return held
