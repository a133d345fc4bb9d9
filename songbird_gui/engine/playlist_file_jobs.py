"""Opening playlist files and exporting playlists to files, off the GUI thread.

A Spotify data export can be tens of megabytes and an export reads every chosen playlist
from its service: neither may freeze the window. `PlaylistFileJobs` runs each on its own
pool (one at a time: a second waits for the first) and reports through its signals, on the
thread that made it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import RunBlocked
from songbird_gui.core.playlist_files import FileFormat
from songbird_gui.core.playlist_files.library_export import export_playlists
from songbird_gui.core.service import MusicService
from songbird_gui.core.types import Playlist
from songbird_gui.engine.jobs import STOPPED, TaskJob, TaskSignals
from songbird_gui.services.file_source import FileSource


class PlaylistFileJobs(QObject):
    """Signals:
    opened(object list[Playlist], object list[str]): the playlists a file offers now, and the
    sentences of the files set aside in its folder or zip.
    exported(object list[Path]): the files written, one per playlist.
    failed(str): one sentence saying what could not be done (a bad file, a service that
    could not be read, a folder that cannot be written); nothing was written.
    """

    opened = Signal(object, object)
    exported = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cancel = CancelToken()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._opened = TaskSignals(self)
        self._opened.done.connect(self._on_opened)
        self._exported = TaskSignals(self)
        self._exported.done.connect(self.exported)
        for signals in (self._opened, self._exported):
            signals.failed.connect(self._on_failed)
            signals.blocked.connect(self._on_blocked)

    def _new_cancel(self) -> CancelToken:
        if self.cancel.cancelled:
            self.cancel = CancelToken()
        return self.cancel

    def open(self, files: FileSource, path: Path) -> None:
        """Read `path` into `files` (the library's file source); `opened` or `failed`."""

        def read() -> tuple[list[Playlist], list[str]]:
            return files.open(path), list(files.skipped)

        self._pool.start(TaskJob(read, self._opened, self._new_cancel()))

    def export(
        self,
        service: MusicService,
        playlists: Sequence[Playlist],
        file_format: FileFormat,
        folder: Path,
    ) -> None:
        """Write each playlist to its own file in `folder`; `exported` or `failed`."""
        task = partial(export_playlists, service, list(playlists), file_format, folder)
        self._pool.start(TaskJob(task, self._exported, self._new_cancel()))

    @Slot(object)
    def _on_opened(self, answer: tuple[list[Playlist], list[str]]) -> None:
        self.opened.emit(*answer)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if message != STOPPED:
            self.failed.emit(message)

    @Slot(object)
    def _on_blocked(self, error: RunBlocked) -> None:
        self.failed.emit(str(error))

    def cancel_all(self) -> None:
        """Stop reading or exporting; never waits."""
        self.cancel.cancel()
        self._pool.clear()

    def drain(self, timeout_ms: int) -> bool:
        """After the event loop has returned: wait for the worker to leave."""
        return bool(self._pool.waitForDone(timeout_ms))
