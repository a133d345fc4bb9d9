"""The window's ways into what Songbird remembers: Tools → Matches…, File → Export matches… and
Import matches…, and "Wrong match…" on a matched or already-there row of the track table.

Each works on the match store of the library the window shows (`Songbird.store_for`): the
demo library's memory and the person's never meet, and an export says whose it is, so an
import refuses a file of the other library. A match changed here (in the Matches view or
from the track table) also changes the row of the run on screen, so the table and a later
Apply agree with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QTableView, QWidget

from songbird_gui.core.matches_file import (
    DEMO_LIBRARY,
    PERSON_LIBRARY,
    ExportSummary,
    MatchesFileError,
    read_export,
    write_export,
)
from songbird_gui.core.matches_merge import MergeReport, merge
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import TrackStatus
from songbird_gui.engine.context import SyncContext
from songbird_gui.engine.rows import STATUS_OF_DECISION
from songbird_gui.ui.file_places import documents_folder
from songbird_gui.ui.run_controller import RunController
from songbird_gui.ui.run_status import RunStatus
from songbird_gui.ui.tracks_pane import TracksPane
from songbird_gui.ui.window_action import menu_on_shift_f10
from songbird_gui.ui.window_library import WindowLibrary

if TYPE_CHECKING:
    # The dialogs are built when first asked for: the window paints sooner without them.
    from songbird_gui.ui.change_match_dialog import ChangeMatchDialog, MatchChange
    from songbird_gui.ui.matches_dialog import MatchesDialog

REPORTED_CASES = "reported-matches.json"
SHOWN_NOTES = 20  # an import's conflicts listed in its message; the rest are counted
# The rows whose match can be wrong: a match found (written or not) or one already there.
WRONG_MATCH_STATUSES = frozenset({TrackStatus.MATCHED, TrackStatus.ADDED, TrackStatus.PRESENT})


class MatchActions(QObject):
    """The actions, and what they open. Attributes: matches, export, import_, wrong (the
    QActions); dialog (the Matches view while open); change_dialog ("Wrong match…" while
    open); message (the last import's or export's message box)."""

    def __init__(
        self,
        window: QWidget,
        library: WindowLibrary,
        run: RunController,
        tracks: TracksPane,
        status: RunStatus,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.library = library
        self.run = run
        self.tracks = tracks
        self.run_status = status
        self.matches = QAction("&Matches…", window)
        self.matches.setShortcut(QKeySequence("Ctrl+Shift+H"))
        self.matches.setStatusTip("See, correct and forget what Songbird remembers")
        self.matches.setToolTip("See, correct and forget what Songbird remembers (Ctrl+Shift+H)")
        self.matches.triggered.connect(self.open_matches)
        window.addAction(self.matches)
        self.export = QAction("E&xport matches…", window)
        self.export.setStatusTip("Save every decision to a file, to take to another machine")
        self.export.triggered.connect(self.export_matches)
        self.import_ = QAction("&Import matches…", window)
        self.import_.setStatusTip("Merge the decisions of an exported file into this library's")
        self.import_.triggered.connect(self.import_matches)
        self.wrong = QAction("&Wrong match…", window)
        self.wrong.setStatusTip("Pick the right track for this one, and fix the playlists")
        self.wrong.setEnabled(False)
        self.wrong.triggered.connect(self.wrong_match)
        self.dialog: MatchesDialog | None = None
        self.change_dialog: ChangeMatchDialog | None = None
        self.message: QMessageBox | None = None

    def attach_to_tracks(self, view: QTableView) -> None:
        """ "Wrong match…" in the track table's context menu, enabled on the rows it fits."""
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._track_menu)
        menu_on_shift_f10(view)
        view.selectionModel().currentRowChanged.connect(self.update_wrong)

    # -- the library in use --------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """The window's services are open (its library is known)."""
        return bool(self.library.services)

    @property
    def library_name(self) -> str:
        """Whose memory it is, as an export says it."""
        return DEMO_LIBRARY if self.library.demo else PERSON_LIBRARY

    def store(self) -> MatchStore:
        return self.library.songbird.store_for(self.library.services)

    def context(self) -> SyncContext:
        return self.library.context()

    def report_file(self) -> Path:
        """Where reported wrong matches go: beside the library's own memory."""
        paths = self.library.songbird.paths
        folder = paths.demo_state_dir if self.library.demo else paths.data_dir
        return folder / REPORTED_CASES

    def can_write(self) -> bool:
        """No run is writing or searching (a replacement would race it)."""
        session = self.run.session
        return session is None or not session.busy

    def _not_ready(self) -> bool:
        if self.ready:
            return False
        self.run_status.say("The music services are still opening: try again in a moment.")
        return True

    # -- the Matches view ------------------------------------------------------------------------

    @Slot()
    def open_matches(self) -> MatchesDialog | None:
        if self._not_ready():
            return None
        if self.dialog is not None:  # one view of the memory: the open one comes forward
            self.dialog.activateWindow()
            return self.dialog
        from songbird_gui.ui.matches_dialog import MatchesDialog

        dialog = MatchesDialog(self.context(), self.report_file(), self.can_write(), self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.decided.connect(self._on_decided)
        dialog.destroyed.connect(self._on_matches_closed)
        self.dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _on_matches_closed(self) -> None:
        self.dialog = None

    # -- export and import -----------------------------------------------------------------------

    @Slot()
    def export_matches(self) -> None:
        if self._not_ready():
            return
        name = "songbird-demo-matches.json" if self.library.demo else "songbird-matches.json"
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            "Export matches",
            str(documents_folder() / name),
            "Songbird matches (*.json)",
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> ExportSummary | None:
        try:
            summary = write_export(self.store(), path, self.library_name)
        except OSError as error:
            self._tell("Export matches", f"Could not write {path}: {error.strerror}", [])
            return None
        self._tell("Export matches", summary.sentence(path), [])
        return summary

    @Slot()
    def import_matches(self) -> None:
        if self._not_ready():
            return
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Import matches", str(documents_folder()), "Songbird matches (*.json)"
        )
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> MergeReport | None:
        try:
            report = merge(self.store(), read_export(path), self.library_name)
        except OSError as error:
            self._tell("Import matches", f"Could not read {path}: {error.strerror}", [])
            return None
        except MatchesFileError as error:
            self._tell("Import matches", f"{path.name} was not imported: {error}.", [])
            return None
        notes = report.notes[:SHOWN_NOTES]
        if len(report.notes) > SHOWN_NOTES:
            notes.append(f"… and {len(report.notes) - SHOWN_NOTES} more")
        self._tell("Import matches", f"From {path.name}: {report.sentence()}", notes)
        if self.dialog is not None:
            self.dialog.reload()
        return report

    def _tell(self, title: str, text: str, details: list[str]) -> None:
        """A message the person reads at their pace (window-modal, never blocking a test)."""
        self.run_status.say(text)
        box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=self.window)
        if details:
            box.setDetailedText("\n".join(details))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(self._on_message_closed)
        self.message = box
        box.open()

    @Slot()
    def _on_message_closed(self) -> None:
        self.message = None

    # -- "Wrong match…" on the track table ------------------------------------------------------

    def _selected(self) -> tuple[int, TrackStatus] | None:
        session = self.run.session
        row = self.tracks.selected_row()
        if session is None or row is None or row >= len(session.rows):
            return None
        return row, session.rows[row].status

    @Slot()
    def update_wrong(self, *_: object) -> None:
        selected = self._selected()
        self.wrong.setEnabled(selected is not None and selected[1] in WRONG_MATCH_STATUSES)

    def _track_menu(self, point: QPoint) -> None:
        self.update_wrong()
        menu = QMenu(self.window)
        menu.addAction(self.wrong)
        menu.exec(self.tracks.track_view.viewport().mapToGlobal(point))
        menu.deleteLater()

    @Slot()
    def wrong_match(self) -> ChangeMatchDialog | None:
        """Open the review of the selected row's track, to pick the right match."""
        selected = self._selected()
        session = self.run.session
        if selected is None or session is None or selected[1] not in WRONG_MATCH_STATUSES:
            return None
        row = session.rows[selected[0]]
        result = row.result
        from songbird_gui.ui.change_match_dialog import ChangeMatchDialog

        dialog = ChangeMatchDialog(
            self.context(),
            row.entry.source,
            session.target,
            result.best if result else None,
            session.candidates(selected[0]),
            self.report_file(),
            self.can_write(),
            self.window,
            row.status,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.decided.connect(self._on_decided)
        dialog.destroyed.connect(self._on_change_closed)
        self.change_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _on_change_closed(self) -> None:
        self.change_dialog = None

    @Slot(object)
    def _on_decided(self, change: MatchChange) -> None:
        """The run on screen shows the new decision for its rows of that track."""
        session = self.run.session
        if session is None or session.target is not change.target_service:
            return
        result, replaced = change.result, change.replaced
        changed = False
        for number, row in enumerate(session.rows):
            if row.entry.source.key != result.source.key:
                continue
            row.result = result
            row.status = TrackStatus.PRESENT if replaced else STATUS_OF_DECISION[result.decision]
            row.reason = ""
            self.tracks.track_model.row_changed(number)
            changed = True
        if changed:
            self.tracks.track_model.flush()
            self.run_status.refresh()
            self.update_wrong()
