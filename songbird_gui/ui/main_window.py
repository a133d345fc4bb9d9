"""The main window: playlists on the left, the live track table and the review pane on the right.

The window composes its parts and holds none of their logic: the playlists pane with its pair
actions (playlists_pane.py), the tracks and the review pane (tracks_pane.py), the review
controller that forwards the person's decisions to the run (review_controller.py), the run
controller that starts, follows and applies the run (run_controller.py), the ways into what
Songbird remembers (match_actions.py), playlist files in and out (window_files.py) and the
Help menu (help_actions.py), all on the library the window shows (window_library.py). What
is left here is wiring: the parts laid out and put in menus, the library opened after the
first paint, new settings and accounts handed to the composition root and the parts, the
window's size and ticks kept for the next start. It never waits for a worker: closing stops
the run and returns at once; the last requests end after the event loop has (`drain`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from songbird_gui.app import Songbird
from songbird_gui.core.service import MusicService
from songbird_gui.core.settings import Settings
from songbird_gui.core.types import ServiceId
from songbird_gui.engine.tasks import BackgroundTasks
from songbird_gui.ui.help_actions import HelpActions
from songbird_gui.ui.match_actions import MatchActions
from songbird_gui.ui.playlists_pane import DIRECTIONS, PlaylistsPane
from songbird_gui.ui.review_controller import ReviewController
from songbird_gui.ui.run_controller import RunController
from songbird_gui.ui.run_status import RunStatus
from songbird_gui.ui.settings_dialog import SettingsDialog
from songbird_gui.ui.tracks_pane import TracksPane
from songbird_gui.ui.window_action import window_action
from songbird_gui.ui.window_files import WindowFiles
from songbird_gui.ui.window_library import WindowLibrary

DEMO_BANNER = "Demo library — connect your accounts to sync your own playlists."
OPEN_SERVICES = "open-services"  # the background task that reads the accounts at start
LAST_DEMO_KEY = "library/demo"  # the last start opened the demo library
DEFAULT_SIZE = (1366, 800)  # as wide as a laptop's screen allows
# The playlists' share of the width at first (their name, target, sync state and size side
# by side: 420 px of a laptop's 1366), the tracks the rest.
PLAYLISTS_SHARE = 0.31


class MainWindow(QMainWindow):
    """Attributes: its parts — library, playlists, tracks, review, run, match_actions, help,
    run_status (the status bar); tasks (work off the window's thread); settings_action,
    accounts_action, quit_action; file_menu, demo_menu; banner and notice (above the panes).
    keep_running: asked at each close (see below)."""

    def __init__(self, songbird: Songbird, qsettings: QSettings | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Songbird")
        self.songbird = songbird
        self.paths = songbird.paths
        self.qsettings = qsettings or QSettings()
        # Asked at each close: True, the window only hides and Songbird keeps running for its
        # schedules (ui/background.py sets it); Quit always quits.
        self.keep_running: Callable[[], bool] | None = None
        self._quitting = False

        # Its services are chosen after the first paint (`OPEN_SERVICES`): reading the
        # keyring and loading the demo library take longer than showing the window should.
        self.library = WindowLibrary(songbird, self)
        self.tasks = BackgroundTasks(self)
        self.run_status = RunStatus(self.statusBar())
        self.tracks = TracksPane()
        self.tracks.show_thresholds(self.settings.match)
        self.playlists = PlaylistsPane(self, self.library, self.tasks, self.run_status)
        self.review = ReviewController(self.tracks, self.run_status, self)
        self.run = RunController(
            self, self.library, self.playlists, self.tracks, self.review, self.run_status
        )
        self.match_actions = MatchActions(
            self, self.library, self.run, self.tracks, self.run_status
        )  # Matches…, export, import, wrong match…
        self.match_actions.attach_to_tracks(self.tracks.track_view)  # "Wrong match…" on a row
        self.help = HelpActions(self, self.library, self.run_status)
        self.files = WindowFiles(self, self.library, self.playlists, self.run_status)
        self.settings_action = window_action(
            self, "Se&ttings…", "Ctrl+,", "Workers, rates and thresholds", self.open_settings
        )
        self.accounts_action = window_action(
            self,
            "A&ccounts…",
            "Ctrl+Shift+A",
            "Connect Spotify and YouTube Music",
            self.open_accounts,
        )
        self.quit_action = window_action(
            self, "&Quit", QKeySequence.StandardKey.Quit, "Close Songbird", self.quit_songbird
        )
        self._build_menus()
        self._build_layout()
        self._restore_state()

        self.tasks.done.connect(self._on_task_done)
        self.tasks.failed.connect(self._on_task_failed)
        self.run.stateChanged.connect(self.show_notices)
        # Whether the library is the demo's is known once the accounts are read, after the
        # first paint; until then the last start's answer (at the first start, the demo)
        # keeps the banner's room, so that nothing moves as the library opens.
        self._show_library_kind(bool(self.qsettings.value(LAST_DEMO_KEY, True, type=bool)))
        self.run.update_actions()
        self.run_status.set_idle("Opening your accounts…")
        self.tasks.run(OPEN_SERVICES, self.library.choose_services)

    @property
    def settings(self) -> Settings:
        return self.songbird.settings

    # -- building ---------------------------------------------------------------------------

    def _build_menus(self) -> None:
        run, playlists, help_ = self.run, self.playlists, self.help
        run_actions = (run.sync_action, run.stop_action, run.review_action, run.apply_action)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        for action in run_actions:
            toolbar.addAction(action)
        toolbar.addSeparator()
        for action in (self.settings_action, self.accounts_action, help_.about_action):
            toolbar.addAction(action)

        menu = self.menuBar()
        self.file_menu = menu.addMenu("&File")
        self.file_menu.addActions([self.files.open_action, self.files.export_action])
        self.file_menu.addSeparator()
        self.file_menu.addAction(playlists.reload_action)
        self.file_menu.addActions([self.match_actions.export, self.match_actions.import_])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        sync_menu = menu.addMenu("S&ync")
        for action in run_actions:
            sync_menu.addAction(action)
        sync_menu.addSeparator()
        sync_menu.addMenu(playlists.pair_menu)
        self.demo_menu = menu.addMenu("De&mo")
        self.demo_menu.addAction(playlists.demo_change_action)
        tools = menu.addMenu("&Tools")
        tools.addAction(self.settings_action)
        tools.addAction(self.accounts_action)
        tools.addAction(self.match_actions.matches)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(help_.log_folder_action)
        help_menu.addAction(help_.diagnostics_action)
        help_menu.addSeparator()
        help_menu.addAction(help_.about_action)

    def _build_layout(self) -> None:
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.setObjectName("main-splitter")
        self.main_splitter.addWidget(self.playlists)
        self.main_splitter.addWidget(self.tracks)
        self.main_splitter.setStretchFactor(0, 1)
        self.main_splitter.setStretchFactor(1, 3)

        central = QWidget()
        layout = QVBoxLayout(central)
        self.banner = QLabel(DEMO_BANNER)
        self.banner.setObjectName("demo-banner")
        self.banner.setStyleSheet(
            "QLabel#demo-banner { background: #fff3c4; color: #3e2f00; padding: 6px 10px;"
            " border: 1px solid #e6c85a; border-radius: 4px; }"
        )
        self.banner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.banner.setVisible(False)
        layout.addWidget(self.banner)
        # What the person must know of the kept files (a damaged one set aside, a value that
        # could not be used), found at start or during any run since.
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.setStyleSheet(
            "QLabel#notice { background: #fde7e5; color: #410e0b; padding: 6px 10px;"
            " border: 1px solid #e8a29c; border-radius: 4px; }"
        )
        self.show_notices()  # the person's store, the layout; the demo's once it opens
        layout.addWidget(self.notice)
        layout.addWidget(self.main_splitter)
        self.setCentralWidget(central)
        self.run_status.set_idle("Reading playlists…")

        # Tab order: direction → filter → playlists → status filter → search → tracks → review.
        playlists, tracks = self.playlists, self.tracks
        QWidget.setTabOrder(playlists.direction, playlists.playlist_filter)
        QWidget.setTabOrder(playlists.playlist_filter, playlists.playlist_view)
        QWidget.setTabOrder(playlists.playlist_view, tracks.status_filter)
        QWidget.setTabOrder(tracks.status_filter, tracks.track_search)
        QWidget.setTabOrder(tracks.track_search, tracks.track_view)
        QWidget.setTabOrder(tracks.track_view, tracks.review_pane.table)

    # -- the library ------------------------------------------------------------------------

    @Slot(object, object)
    def _on_task_done(self, tag: object, result: object) -> None:
        if self.library.closed or tag != OPEN_SERVICES:
            return
        services, demo = cast(tuple[dict[ServiceId, MusicService], bool], result)
        self._use_services(services, demo)

    @Slot(object, str)
    def _on_task_failed(self, tag: object, message: str) -> None:
        if tag == OPEN_SERVICES:
            # Not even the demo library opened (its files unreadable, say): nothing to sync.
            self.run_status.set_idle(f"Could not open the music services: {message}")

    def _use_services(self, services: dict[ServiceId, MusicService], demo: bool) -> None:
        """Sync between `services` (the demo library's when `demo`) from now on."""
        self.library.use(services, demo)
        self._show_library_kind(demo)
        self.qsettings.setValue(LAST_DEMO_KEY, demo)
        self.tracks.review_pane.set_can_open_links(not demo)
        self.songbird.store_for(services)  # opened now: a damaged one is said at once
        self.show_notices()
        self.run.update_actions()
        self.playlists.reload_playlists()

    def _show_library_kind(self, demo: bool) -> None:
        """The demo's banner and menu, or neither."""
        self.banner.setVisible(demo)
        self.demo_menu.menuAction().setVisible(demo)

    @Slot()
    def show_notices(self) -> None:
        """Say what was found of the kept files so far: at start, and after each run (the
        window's, or a scheduled one), which may have found more (a damaged lock, say)."""
        self.notice.setText(" ".join(self.songbird.recovery_messages))
        self.notice.setVisible(bool(self.notice.text()))

    # -- settings and accounts ----------------------------------------------------------------

    def open_settings(self) -> None:
        pairs = self.library.pairs().all() if self.library.services else []
        dialog = SettingsDialog(self.settings, self, pairs)
        if dialog.exec():
            settings = dialog.result_settings()
            self.songbird.save_settings(settings)
            for pair_id, hours in dialog.result_schedules().items():
                self.library.pairs().set_schedule(pair_id, hours)
            if self.library.services:  # the rows and the pair menu say the new schedules
                self.playlists.fill_playlists()
            self.tracks.show_thresholds(settings.match)
            if self.run.session is not None:
                self.run.session.update_settings(settings)
            self.run_status.say("Settings saved: they apply from the next request.")
        dialog.deleteLater()

    def open_accounts(self) -> None:
        if self.songbird.accounts is None:
            QMessageBox.information(self, "Accounts", "This window runs on fixed services.")
            return
        from songbird_gui.ui.accounts_dialog import AccountsDialog  # brings the service libraries

        dialog = AccountsDialog(self.songbird.accounts, self)
        dialog.changed.connect(self._on_accounts_changed)
        dialog.exec()
        dialog.dispose()
        if dialog.wants_export:  # "Open the data export…" in its Spotify part
            self.files.open_file()

    def _on_accounts_changed(self) -> None:
        """Both accounts connected: sync real playlists; otherwise stay on the demo."""
        session = self.run.session
        if session is not None and (session.busy or session.paused):
            return  # a paused sync picks the new login up when it resumes
        self.run.discard_session()
        self._use_services(*self.library.choose_services())

    # -- state that persists ----------------------------------------------------------------

    def use_default_size(self, available: QSize | None = None) -> None:
        """The first start's size: as much of `available` (the room on the screen it opens
        on, when None) as DEFAULT_SIZE asks, a laptop's 1366×768 included, with the panes
        in their default shares."""
        width, height = DEFAULT_SIZE
        if available is None:
            screen = self.screen() or QGuiApplication.primaryScreen()
            available = screen.availableGeometry().size() if screen is not None else None
        if available is not None:
            width = min(width, available.width() - 16)
            height = min(height, available.height() - 48)
        self.resize(width, height)
        playlists = round(width * PLAYLISTS_SHARE)
        self.main_splitter.setSizes([playlists, width - playlists])
        self.tracks.setSizes([round(height * 0.5), round(height * 0.5)])

    def _restore_state(self) -> None:
        s = self.qsettings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.use_default_size()
        for key, widget in (
            ("window/state", self),
            ("window/main-splitter", self.main_splitter),
            ("window/right-splitter", self.tracks),
        ):
            value = s.value(key)
            if isinstance(value, QByteArray) and not value.isEmpty():
                widget.restoreState(value)
        direction = int(str(s.value("sync/direction", 0) or 0))
        self.playlists.set_direction(direction if 0 <= direction < len(DIRECTIONS) else 0)
        # An ini file keeps a list of one as a bare word: read as a list, it is one again.
        checked = s.value("sync/checked", [], type=list)
        self.playlists.remember_checks(
            [str(i) for i in checked] if isinstance(checked, list) else []
        )

    def _save_state(self) -> None:
        s = self.qsettings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/main-splitter", self.main_splitter.saveState())
        s.setValue("window/right-splitter", self.tracks.saveState())
        s.setValue("sync/direction", self.playlists.direction.currentIndex())
        s.setValue("sync/checked", self.playlists.playlist_model.checked_ids())
        s.sync()

    # -- closing ----------------------------------------------------------------------------

    def quit_songbird(self) -> None:
        """Close the window and quit, schedules or not."""
        self._quitting = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._quitting and self.keep_running is not None and self.keep_running():
            self._save_state()
            self.hide()  # the schedules go on; the tray (or a new start) opens it again
            event.ignore()
            return
        # Stop everything and close at once: the workers finish their last request on their
        # own (a batch being written lands, or is left to the write journal).
        self.library.close()
        self._save_state()
        self.tasks.cancel_all()
        self.files.close()
        self.run.close()
        event.accept()

    def drain(self, timeout_ms: int) -> None:
        """Once the event loop has returned: let the last requests end (bounded)."""
        self.library.loader.drain(timeout_ms)
        self.tasks.drain(timeout_ms)
        self.files.drain(timeout_ms)
        self.run.drain(timeout_ms)
