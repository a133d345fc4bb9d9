"""Playlist files in the window: File ▸ Open playlist file…, a file dropped onto the window,
and File ▸ Export playlists…: `WindowFiles`.

A person without a Spotify developer app brings their playlists as a file (Spotify's data
export, an Exportify CSV, M3U8, XSPF, JSPF); opened, its playlists are a third source in the
playlists pane, searched, reviewed and applied like a service's. What the file holds that no
service can take (podcast episodes, local files) is said at once, in the status bar, rather
than discovered in the run; a file that cannot be read is said in one sentence. Files are read
and written off the GUI thread (`PlaylistFileJobs`): opening and exporting each have their
own, so that one's answer never reaches the other's reader. Closing cancels both; the last
read or write ends after the event loop has returned (`drain`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from songbird_gui.core.types import ONLINE_SERVICES, ServiceId, TrackKind
from songbird_gui.engine.playlist_file_jobs import OpenedFile, PlaylistFileJobs
from songbird_gui.engine.summary import plural
from songbird_gui.services.file_source import FileSource
from songbird_gui.ui.export_dialog import ExportPlaylistsDialog
from songbird_gui.ui.file_places import documents_folder
from songbird_gui.ui.playlist_file_open import PlaylistFileDrops, choose_playlist_file
from songbird_gui.ui.playlists_pane import PlaylistsPane
from songbird_gui.ui.run_status import RunStatus
from songbird_gui.ui.window_action import window_action
from songbird_gui.ui.window_library import WindowLibrary

NOT_OPEN_YET = "The music services are still opening: try again in a moment."

# What each kind of entry a file may hold that cannot be synced is called, counted.
UNSYNCABLE_NAMES = {
    TrackKind.EPISODE: "podcast episode",
    TrackKind.AUDIOBOOK: "audiobook chapter",
    TrackKind.LOCAL_FILE: "local file",
    TrackKind.UNAVAILABLE: "unavailable track",
}


def unsyncable_words(counts: Mapping[TrackKind, int]) -> str:
    """ "Left out, as no service can take them: 2 podcast episodes, 1 local file." ("" for
    none); an entry with no title or artist counts as an unnamed entry."""
    if not counts:
        return ""
    named = [
        plural(count, UNSYNCABLE_NAMES.get(kind, "unnamed entry"))
        for kind, count in sorted(counts.items(), key=lambda item: -item[1])
    ]
    return f"Left out, as no service can take them: {', '.join(named)}."


def opened_words(opened: OpenedFile) -> str:
    """What opening a file gave, in the status bar's words."""
    count = plural(len(opened.playlists), "playlist")
    said = [f"Opened “{opened.path.name}”: {count}.", unsyncable_words(opened.unsyncable)]
    said += list(opened.skipped)
    return " ".join(part for part in said if part)


class WindowFiles(QObject):
    """Attributes: open_action, export_action; opening and exporting (their file jobs);
    drops (takes files dropped onto the window)."""

    def __init__(
        self,
        window: QWidget,
        library: WindowLibrary,
        playlists: PlaylistsPane,
        status: RunStatus,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.library = library
        self.playlists = playlists
        self.run_status = status
        self.folder = documents_folder()  # where the next file dialog opens
        self.open_action = window_action(
            window,
            "&Open playlist file…",
            "Ctrl+Shift+O",
            "Sync the playlists of a file: Spotify's data export, a CSV, M3U8, XSPF or JSPF",
            self.open_file,
        )
        self.export_action = window_action(
            window,
            "E&xport playlists…",
            "Ctrl+Shift+E",
            "Write playlists of either service to files: CSV, JSPF, XSPF or M3U8",
            self.export_playlists,
        )
        self.opening = PlaylistFileJobs(self)
        self.opening.opened.connect(self._on_opened)
        self.opening.failed.connect(self._on_open_failed)
        self.exporting = PlaylistFileJobs(self)
        self.drops = PlaylistFileDrops(self)
        self.drops.watch(window)
        self.drops.dropped.connect(self.open_path)

    # -- in ---------------------------------------------------------------------------------

    def open_file(self) -> None:
        """Ask for a playlist file (or Spotify's export zip), then open it."""
        path = choose_playlist_file(self.window, self.folder)
        if path is not None:
            self.open_path(path)

    @Slot(object)
    def open_path(self, path: Path) -> None:
        """Read `path` (a file, folder or zip) off the GUI thread; its playlists then show."""
        files = self.library.services.get(ServiceId.FILE)
        if not isinstance(files, FileSource):
            self.run_status.say(NOT_OPEN_YET)
            return
        self.folder = path.parent
        # Said with the busy bar until the file is read, then replaced by what it held (a
        # passing remark stayed beside it: "Reading …" next to "Opened …").
        self.run_status.doing(f"Reading “{path.name}”…")
        self.opening.open(files, path)

    @Slot(object)
    def _on_opened(self, opened: OpenedFile) -> None:
        if self.library.closed:
            return  # an answer queued before the window closed
        self.playlists.show_file_playlists(list(opened.offered))
        self.run_status.done("")
        self.run_status.set_idle(f"{opened_words(opened)} Tick some and press Sync (Ctrl+R).")

    @Slot(str)
    def _on_open_failed(self, message: str) -> None:
        if not self.library.closed:
            self.run_status.done("")
            QMessageBox.warning(self.window, "Open playlist file", message)

    # -- out --------------------------------------------------------------------------------

    def export_playlists(self) -> None:
        """Some or all playlists of either service, to files in a folder the person picks.

        A followed playlist is not offered: Spotify lets apps read only the person's own.
        """
        services = {
            s: self.library.services[s] for s in ONLINE_SERVICES if s in self.library.services
        }
        if not services:
            self.run_status.say(NOT_OPEN_YET)
            return
        listed = {
            service: [p for p in self.playlists.playlists.get(service, []) if not p.is_followed]
            for service in services
        }
        dialog = ExportPlaylistsDialog(
            services, listed, self.exporting, documents_folder(), self.window
        )
        dialog.exec()
        dialog.deleteLater()

    # -- closing ----------------------------------------------------------------------------

    def close(self) -> None:
        """The window closes: no more reading or writing; never waits."""
        self.opening.cancel_all()
        self.exporting.cancel_all()

    def drain(self, timeout_ms: int) -> None:
        """Once the event loop has returned: let the last read or write end (bounded)."""
        self.opening.drain(timeout_ms)
        self.exporting.drain(timeout_ms)
