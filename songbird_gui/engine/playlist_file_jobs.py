"""Opening playlist files and exporting playlists to files, off the GUI thread.

A Spotify data export can be tens of megabytes and an export reads every chosen playlist
from its service: neither may freeze the window. `PlaylistFileJobs` runs each on its own
pool (one at a time: a second waits for the first) and reports through its signals, on the
thread that made it. Opening a file also counts, off the GUI thread, the entries that cannot
be synced (episodes, local files), so that the window can say so before any run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import RunBlocked
from songbird_gui.core.playlist_files import FileFormat
from songbird_gui.core.playlist_files.library_export import export_playlists
from songbird_gui.core.service import MusicService
from songbird_gui.core.types import Playlist, TrackKind
from songbird_gui.engine.jobs import STOPPED, TaskJob, TaskSignals
from songbird_gui.services.file_source import FileSource


@dataclass(frozen=True, slots=True)
class OpenedFile:
    """What opening a playlist file gave.

    Attributes: path (as opened); playlists (the file's own); offered (every playlist the file
    source offers now, this file's among them: what the window lists as the source); skipped
    (the sentences of the files set aside in its folder or zip); unsyncable (its entries that
    cannot be synced, counted by kind: episodes, audiobooks, local files, unavailable ones).
    """

    path: Path
    playlists: tuple[Playlist, ...]
    offered: tuple[Playlist, ...]
    skipped: tuple[str, ...]
    unsyncable: Mapping[TrackKind, int]


def open_file(files: FileSource, path: Path) -> OpenedFile:
    """Read `path` into `files` (on a worker: it may be a large zip) and count what it holds."""
    playlists = files.open(path)
    unsyncable: Counter[TrackKind] = Counter()
    for playlist in playlists:  # the read is kept: listing its tracks reads nothing again
        unsyncable.update(t.kind for t in files.playlist_tracks(playlist) if t.unsyncable_reason)
    return OpenedFile(
        path, tuple(playlists), tuple(files.list_playlists()), tuple(files.skipped), unsyncable
    )


class PlaylistFileJobs(QObject):
    """Signals:
    opened(object OpenedFile): a file was read; its playlists are offered from now on.
    exported(object list[Path]): the files written, one per playlist.
    failed(str): one sentence saying what could not be done (a bad file, a service that
    could not be read, a folder that cannot be written); nothing was written.
    """

    opened = Signal(object)
    exported = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cancel = CancelToken()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._opened = TaskSignals(self)
        self._opened.done.connect(self.opened)
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
        task = partial(open_file, files, path)
        self._pool.start(TaskJob(task, self._opened, self._new_cancel()))

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
