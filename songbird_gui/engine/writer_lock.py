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
takes over. No age limit: a long sync is not stale.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QLockFile

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import Cancelled

T = TypeVar("T")

LOCK_FILE_NAME = "sync.lock"
POLL_S = 0.25  # how often a waiting writer looks again


class WriterLock:
    """The data folder's writer lock, shared by everything in one process that writes.

    Within the process a plain lock orders the writers; between processes the lock file does.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE_NAME
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

    def _take_file(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
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
