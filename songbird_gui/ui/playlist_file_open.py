"""Opening a playlist file from the window: File ▸ Open playlist file…, and a file, folder or
zip dropped onto the window.

Both give a path; the window hands it to `PlaylistFileJobs.open` with its library's file
source, and shows the playlists that come back as a third source beside Spotify and YouTube
Music. Nothing here reads the file: that happens off the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QWidget

OPEN_FILTER = (
    "Playlist files (*.zip *.json *.csv *.m3u *.m3u8 *.xspf *.jspf);;"
    "Spotify data export (*.zip Playlist*.json YourLibrary.json);;All files (*)"
)


def choose_playlist_file(parent: QWidget | None, folder: Path | None = None) -> Path | None:
    """Ask for a playlist file, a Spotify export zip, or one of its JSON files; None when the
    person cancels. (An unpacked export folder can be dropped onto the window instead.)"""
    chosen, _ = QFileDialog.getOpenFileName(
        parent, "Open playlist file", str(folder or Path.home()), OPEN_FILTER
    )
    return Path(chosen) if chosen else None


def dropped_paths(mime: QMimeData) -> list[Path]:
    """The local files and folders a drag carries (links to web pages are not files)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class PlaylistFileDrops(QObject):
    """An event filter that takes files dropped onto the widget it is installed on.

    Signals:
        dropped(object Path): one dropped file, folder or zip, in the order dropped.
    """

    dropped = Signal(object)

    def watch(self, widget: QWidget) -> None:
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QDragEnterEvent | QDropEvent) and dropped_paths(event.mimeData()):
            if isinstance(event, QDropEvent) and event.type() == QEvent.Type.Drop:
                for path in dropped_paths(event.mimeData()):
                    self.dropped.emit(path)
            event.acceptProposedAction()
            return True
        return super().eventFilter(watched, event)
