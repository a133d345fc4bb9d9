"""File ▸ Export playlists…: some or all playlists of either service written to files (CSV,
JSPF, XSPF or M3U8), one per playlist, named after it, in a folder the person picks.

A backup a person can keep, and what another tool can read. The dialog only chooses; the
reading and writing run off the GUI thread (`PlaylistFileJobs.export`), and the dialog says
what was written, or in one sentence why nothing was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from songbird_gui.core.playlist_files import WRITABLE_FORMATS, FileFormat
from songbird_gui.core.service import MusicService
from songbird_gui.core.types import Playlist, ServiceId
from songbird_gui.engine.playlist_file_jobs import PlaylistFileJobs

FORMAT_NAMES = {
    FileFormat.CSV: "CSV (Exportify's columns: spreadsheets and most tools)",
    FileFormat.JSPF: "JSPF (ListenBrainz, MusicBrainz)",
    FileFormat.XSPF: "XSPF (VLC and other players)",
    FileFormat.M3U8: "M3U8 (players; links to the tracks)",
}


class ExportPlaylistsDialog(QDialog):
    """Attributes:
    written: the files the last export wrote (empty until one has).
    """

    def __init__(
        self,
        services: Mapping[ServiceId, MusicService],
        playlists: Mapping[ServiceId, Sequence[Playlist]],
        jobs: PlaylistFileJobs,
        folder: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export playlists")
        self._services = services
        self._playlists = {s: list(p) for s, p in playlists.items() if s in services}
        self._jobs = jobs
        self.written: list[Path] = []

        self.service = QComboBox()
        for service_id in self._playlists:
            self.service.addItem(service_id.display_name, service_id)
        self.service.currentIndexChanged.connect(self._show_playlists)
        self.playlist_list = QListWidget()
        self.every = QPushButton("Tick &all")
        self.every.clicked.connect(self._tick_all)
        self.file_format = QComboBox()
        for file_format in WRITABLE_FORMATS:
            self.file_format.addItem(FORMAT_NAMES[file_format], file_format)
        self.folder = QLineEdit(str(folder))
        choose = QPushButton("&Choose…")
        choose.clicked.connect(self._choose_folder)
        where = QHBoxLayout()
        where.addWidget(self.folder, 1)
        where.addWidget(choose)
        self.status = QLabel("One file per playlist, named after it.")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow("&From", self.service)
        form.addRow("&Format", self.file_format)
        into = QLabel("&Into the folder")
        into.setBuddy(self.folder)  # a row of two widgets has no buddy of its own
        form.addRow(into, where)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.addButton(
            "&Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.playlist_list, 1)
        layout.addWidget(self.every, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        jobs.exported.connect(self._on_exported)
        jobs.failed.connect(self._on_failed)
        self._show_playlists()

    # -- choosing ---------------------------------------------------------------------------

    def chosen_service(self) -> ServiceId:
        return ServiceId(self.service.currentData())

    def chosen_playlists(self) -> list[Playlist]:
        listed = self._playlists.get(self.chosen_service(), [])
        return [
            listed[row]
            for row in range(self.playlist_list.count())
            if self.playlist_list.item(row).checkState() is Qt.CheckState.Checked
        ]

    @Slot()
    def _show_playlists(self) -> None:
        self.playlist_list.clear()
        for playlist in self._playlists.get(self.chosen_service(), []):
            count = "" if playlist.track_count is None else f"  ({playlist.track_count})"
            item = QListWidgetItem(playlist.name + count)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.playlist_list.addItem(item)

    @Slot()
    def _tick_all(self) -> None:
        for row in range(self.playlist_list.count()):
            self.playlist_list.item(row).setCheckState(Qt.CheckState.Checked)

    @Slot()
    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Export into", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    # -- exporting --------------------------------------------------------------------------

    @Slot()
    def export(self) -> None:
        """Export the ticked playlists (the dialog stays open to say how it went)."""
        chosen = self.chosen_playlists()
        if not chosen:
            self.status.setText("Tick the playlists to export first.")
            return
        folder = Path(self.folder.text().strip()).expanduser()
        self.export_button.setEnabled(False)
        self.status.setText(f"Exporting {len(chosen)} playlist(s)…")
        file_format = FileFormat(self.file_format.currentData())
        service = self._services[self.chosen_service()]
        self._jobs.export(service, chosen, file_format, folder)

    @Slot(object)
    def _on_exported(self, written: list[Path]) -> None:
        self.written = list(written)
        self.export_button.setEnabled(True)
        names = ", ".join(p.name for p in written[:5]) + (", …" if len(written) > 5 else "")
        folder = written[0].parent if written else Path(self.folder.text())
        self.status.setText(f"Wrote {len(written)} file(s) to {folder}: {names}")

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.export_button.setEnabled(True)
        self.status.setText(f"Nothing was exported: {message}")
