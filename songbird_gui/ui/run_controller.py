"""The run on screen: `RunController` starts, stops, resumes and applies it, and follows it.

The window shows one run (`SyncSession`) at a time and observes it: the run's state decides
which actions are enabled (Sync, Stop, Review, Apply, the direction) and what the status bar
says, so nothing keeps flags of its own about the run. Its rows fill the track table as they
are planned and searched; a finished run made elsewhere (a scheduled sync) can be shown too.
Before a change of direction would drop results not yet written, it asks.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from songbird_gui.engine.session import RunState, SyncSession
from songbird_gui.ui.apply_dialog import ApplyDialog
from songbird_gui.ui.playlists_pane import DIRECTIONS, PlaylistsPane
from songbird_gui.ui.reconnect_prompt import ReconnectPrompt
from songbird_gui.ui.review_controller import ReviewController
from songbird_gui.ui.run_status import RunStatus
from songbird_gui.ui.track_model import fit_track_columns
from songbird_gui.ui.tracks_pane import TracksPane
from songbird_gui.ui.window_action import window_action
from songbird_gui.ui.window_library import WindowLibrary


class RunController(QObject):
    """Attributes: session (the run on screen, or None); sync_action, stop_action,
    review_action, apply_action; reconnect (the prompt when a run's sign-in ended).

    Signals: stateChanged(object RunState): the run on screen moved on (searched, written,
    stopped, failed…).
    """

    stateChanged = Signal(object)

    def __init__(
        self,
        window: QWidget,
        library: WindowLibrary,
        playlists: PlaylistsPane,
        tracks: TracksPane,
        review: ReviewController,
        status: RunStatus,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.library = library
        self.playlists = playlists
        self.tracks = tracks
        self.review = review
        self.run_status = status
        self.session: SyncSession | None = None
        self.sync_action = window_action(
            window, "&Sync", "Ctrl+R", "Search the target for the ticked playlists", self.start_sync
        )
        self.stop_action = window_action(
            window, "S&top", "Esc", "Stop searching or writing", self.stop
        )
        self.review_action = window_action(
            window, "&Review", "Ctrl+E", "Show the tracks that need review", review.show_review
        )
        self.apply_action = window_action(
            window, "&Apply…", "Ctrl+Return", "Write the matches to the target", self.open_apply
        )
        # A run refused for its sign-in asks once to connect again, then goes on.
        self.reconnect = ReconnectPrompt(window, library, self.start_sync)
        playlists.checkedChanged.connect(self.update_actions)
        playlists.directionChanged.connect(self.discard_session)
        playlists.may_change_direction = self.may_change_direction

    def start_sync(self) -> None:
        session = self.session
        if session is not None and session.paused:
            self._resume()
            return
        chosen = self.playlists.playlist_model.checked()
        if not chosen or (session is not None and session.busy):
            return
        self.discard_session()
        session = SyncSession(self.library.context(), self.playlists.source, self.playlists.target)
        session.setParent(self.window)
        session.stateChanged.connect(self._on_state_changed)
        session.planned.connect(self._on_planned)
        session.trackStarted.connect(self.tracks.track_model.row_changed)
        session.trackWaiting.connect(self._on_row_signal)
        session.trackMatched.connect(self._on_row_signal)
        session.trackFailed.connect(self._on_row_signal)
        session.rowsChanged.connect(self._on_rows_changed)
        session.searchFinished.connect(self._on_search_finished)
        session.handSearched.connect(self.review.on_hand_searched)
        session.applied.connect(self._on_applied)
        self._watch(session)
        self.tracks.track_model.set_rows([])
        self.tracks.review_pane.show_row(None, None)
        targets = self.playlists.playlists.get(self.playlists.target)
        modes = self.playlists.modes
        session.plan(chosen, targets, {p.id: modes[p.id] for p in chosen if p.id in modes})

    def show_run_for_review(self, session: SyncSession) -> None:
        """Show a finished run made elsewhere (a scheduled sync) on its rows to review."""
        self.playlists.set_direction(DIRECTIONS.index((session.source, session.target)))
        self.discard_session()
        session.stateChanged.connect(self._on_state_changed)
        session.rowsChanged.connect(self._on_rows_changed)
        session.handSearched.connect(self.review.on_hand_searched)
        session.applied.connect(self._on_applied)
        self._watch(session)
        self.tracks.track_model.set_rows(session.rows, [p.source.name for p in session.plans])
        fit_track_columns(self.tracks.track_view)
        self.playlists.fill_playlists()
        self.review.show_review()

    def _watch(self, session: SyncSession | None) -> None:
        self.session = session
        self.review.watch(session)
        self.run_status.watch(session)
        self.reconnect.watch(session)

    def discard_session(self) -> None:
        """Let the current run go without waiting for its workers."""
        session = self.session
        self._watch(None)
        if session is not None:
            session.dispose()
            self.tracks.track_model.set_rows([])
            self.tracks.review_pane.show_row(None, None)
        self.update_actions()

    def may_change_direction(self) -> bool:
        """Asked before the other direction is shown: its run ends, after asking if it has
        results not yet written."""
        session = self.session
        if session is None or not session.has_unapplied_results():
            return True
        source, target = session.source, session.target
        answer = QMessageBox.question(
            self.window,
            "Change direction",
            f"The sync from {source.display_name} to {target.display_name} has matches "
            f"not yet written to {target.display_name}. Drop them and change direction?\n\n"
            "(Every decision stays remembered: a new sync finds them again at once.)",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    @Slot(object)
    def _on_state_changed(self, state: RunState) -> None:
        self.update_actions()
        self.stateChanged.emit(state)

    @Slot()
    def _on_planned(self) -> None:
        session = self.session
        assert session is not None
        self.tracks.track_model.set_rows(session.rows, [p.source.name for p in session.plans])
        # The playlists as just read: the list counted their tracks when it was filled.
        self.playlists.playlist_model.note_track_counts(
            {plan.source.id: len(plan.entries) for plan in session.plans}
        )
        fit_track_columns(self.tracks.track_view)
        session.search()

    def _on_row_signal(self, row: int, *_: object) -> None:
        self.tracks.track_model.row_changed(row)

    @Slot(object)
    def _on_rows_changed(self, rows: list[int]) -> None:
        for row in rows:
            self.tracks.track_model.row_changed(row)
        self.tracks.track_model.flush()
        self.review.refresh_review_pane()

    @Slot(bool)
    def _on_search_finished(self, _stopped: bool) -> None:
        self.tracks.track_model.rows_changed()
        fit_track_columns(self.tracks.track_view)

    def _resume(self) -> None:
        """After reconnecting (or once a quota renewed): the same run, only what is left."""
        session = self.session
        assert session is not None
        session.resume(self.library.reopen() if session.needs_login else None)

    def stop(self) -> None:
        if self.session is not None and self.session.busy:
            self.session.stop()

    def update_actions(self) -> None:
        session = self.session
        busy = session is not None and session.busy
        paused = session is not None and session.paused
        has_rows = bool(session and session.rows)
        can_apply = session is not None and session.state in (RunState.READY, RunState.APPLIED)
        checked = self.playlists.playlist_model.checked
        self.sync_action.setEnabled(not busy and (paused or bool(checked())))
        self.stop_action.setEnabled(busy or paused)
        self.review_action.setEnabled(has_rows)
        self.apply_action.setEnabled(has_rows and can_apply)
        self.playlists.direction.setEnabled(not busy)

    def open_apply(self) -> None:
        session = self.session
        if session is None or session.state not in (RunState.READY, RunState.APPLIED):
            return
        dialog = ApplyDialog(session, self.window, self.reconnect.reconnected)
        dialog.exec()
        dialog.deleteLater()  # not kept (nor connected) for the window's life
        self.tracks.track_model.rows_changed()
        self.update_actions()

    @Slot(object)
    def _on_applied(self, reports: object) -> None:
        # Playlists it created now exist: "Goes to" names them, no longer "new".
        self.tracks.track_model.rows_changed()
        self.library.loader.load()

    def close(self) -> None:
        """The window closes: the run stops; its workers end on their own."""
        if self.session is not None:
            self.session.close()

    def drain(self, timeout_ms: int) -> None:
        """Once the event loop has returned: let the run's last requests end (bounded)."""
        if self.session is not None:
            self.session.drain(timeout_ms)
