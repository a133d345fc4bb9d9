"""The main window: playlists on the left, the live track table and the review pane on the right.

The window shows one run (`SyncSession`) at a time and observes it: the run's state decides
which actions are enabled and what the status bar says, so the window keeps no flags of its
own about the run. It forwards the person's review decisions to the run, hands new settings
to the composition root and the run (which never ends a run), and asks before a change of
direction would drop results not yet written. It never waits for a worker: closing stops the
run and returns at once; the last requests end after the event loop has (`drain`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import cast

from PySide6.QtCore import (
    QByteArray,
    QPoint,
    QSettings,
    QSortFilterProxyModel,
    Qt,
    QUrl,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from songbird_gui import __version__
from songbird_gui.app import Songbird
from songbird_gui.core.pair_writer import restore_removed
from songbird_gui.core.pairs import PairStore, SyncPair
from songbird_gui.core.service import MusicService
from songbird_gui.core.settings import Settings
from songbird_gui.core.types import Candidate, Playlist, ServiceId, SyncMode, TrackStatus
from songbird_gui.engine.library import PlaylistLoader
from songbird_gui.engine.session import RunState, SyncSession
from songbird_gui.engine.summary import plural
from songbird_gui.engine.tasks import BackgroundTasks
from songbird_gui.ui.apply_dialog import ApplyDialog
from songbird_gui.ui.diagnostics import diagnostics_text
from songbird_gui.ui.match_actions import MatchActions
from songbird_gui.ui.playlist_model import NAME, OWNER, PlaylistModel
from songbird_gui.ui.review_pane import ReviewPane
from songbird_gui.ui.run_status import RunStatus
from songbird_gui.ui.settings_dialog import SettingsDialog
from songbird_gui.ui.track_model import (
    ROW_ROLE,
    TrackFilterProxy,
    TrackTableModel,
    fit_track_columns,
)
from songbird_gui.ui.track_view import TrackTableView

DIRECTIONS = (
    (ServiceId.SPOTIFY, ServiceId.YTMUSIC),
    (ServiceId.YTMUSIC, ServiceId.SPOTIFY),
)

STATUS_FILTERS: tuple[tuple[str, frozenset[TrackStatus] | None], ...] = (
    ("All tracks", None),
    ("Needs review", frozenset({TrackStatus.REVIEW})),
    ("Matched or added", frozenset({TrackStatus.MATCHED, TrackStatus.ADDED})),
    ("Not found", frozenset({TrackStatus.NOT_FOUND})),
    ("Failed", frozenset({TrackStatus.FAILED})),
    ("In progress", frozenset({TrackStatus.QUEUED, TrackStatus.SEARCHING, TrackStatus.WAITING})),
    ("Not searched (stopped)", frozenset({TrackStatus.NOT_SEARCHED})),
    ("Skipped by you", frozenset({TrackStatus.SKIPPED})),
    ("Not syncable or listed twice", frozenset({TrackStatus.UNSYNCABLE, TrackStatus.DUPLICATE})),
)
REVIEW_FILTER = 1

DEMO_BANNER = "Demo library — connect your accounts to sync your own playlists."
MESSAGE_MS = 6000  # how long a passing remark stays in the status bar
OPEN_SERVICES = "open-services"  # the background task that reads the accounts at start
DEFAULT_SIZE = (1280, 800)


class MainWindow(QMainWindow):
    def __init__(self, songbird: Songbird, qsettings: QSettings | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Songbird")
        self.songbird = songbird
        self.paths = songbird.paths
        self.qsettings = qsettings or QSettings()
        # Chosen after the first paint (`_open_services`): reading the keyring and loading the
        # demo library take longer than showing the window should.
        self.services: dict[ServiceId, MusicService] = {}
        self.demo = False
        self.session: SyncSession | None = None
        self._closed = False  # set by closeEvent: answers still queued are dropped
        self.playlists: dict[ServiceId, list[Playlist]] = {}
        self._remembered_checks: list[str] = []
        self._direction_index = 0
        self._modes: dict[str, SyncMode] = {}  # chosen for playlists with no pair yet
        # Asked at each close: True, the window only hides and Songbird keeps running for its
        # schedules (ui/background.py sets it); Quit always quits.
        self.keep_running: Callable[[], bool] | None = None
        self._quitting = False

        self._build_actions()
        self._build_widgets()
        self._restore_state()

        self.loader = PlaylistLoader(self.services, self)
        self.loader.loaded.connect(self._on_playlists_loaded)
        self.loader.failed.connect(self._on_load_failed)
        self.tasks = BackgroundTasks(self)
        self.tasks.done.connect(self._on_task_done)
        self.tasks.failed.connect(self._on_task_failed)
        self.demo_menu.menuAction().setVisible(False)
        self._update_actions()
        self.run_status.set_idle("Opening your accounts…")
        self.tasks.run(OPEN_SERVICES, songbird.choose_services)

    @property
    def settings(self) -> Settings:
        return self.songbird.settings

    # -- building ---------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | str,
        tip: str,
        slot: Callable[[], object],
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(
            f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
        )
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.sync_action = self._action(
            "&Sync", "Ctrl+R", "Search the target for the ticked playlists", self.start_sync
        )
        self.stop_action = self._action("S&top", "Esc", "Stop searching or writing", self.stop)
        self.review_action = self._action(
            "&Review", "Ctrl+E", "Show the tracks that need review", self.show_review
        )
        self.apply_action = self._action(
            "&Apply…", "Ctrl+Return", "Write the matches to the target", self.open_apply
        )
        self.reload_action = self._action(
            "Re&load playlists", "F5", "Read the playlists again", self.reload_playlists
        )
        self.settings_action = self._action(
            "Se&ttings…", "Ctrl+,", "Workers, rates and thresholds", self.open_settings
        )
        self.accounts_action = self._action(
            "A&ccounts…", "Ctrl+Shift+A", "Connect Spotify and YouTube Music", self.open_accounts
        )
        self.about_action = self._action("Abo&ut", "F1", "About Songbird", self.open_about)
        self.log_folder_action = self._action(
            "Open &log folder", "Ctrl+Shift+L", "Show the log files", self.open_log_folder
        )
        self.diagnostics_action = self._action(
            "Copy &diagnostics",
            "Ctrl+Shift+D",
            "Copy version, settings and recent log lines (no secrets) for a bug report",
            self.copy_diagnostics,
        )
        self.quit_action = self._action(
            "&Quit", QKeySequence.StandardKey.Quit, "Close Songbird", self.quit_songbird
        )

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        for action in (self.sync_action, self.stop_action, self.review_action, self.apply_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        for action in (self.settings_action, self.accounts_action, self.about_action):
            toolbar.addAction(action)

        menu = self.menuBar()
        self.file_menu = menu.addMenu("&File")
        self.file_menu.addAction(self.reload_action)
        self.match_actions = MatchActions(self)  # Matches…, export, import, wrong match…
        self.file_menu.addActions([self.match_actions.export, self.match_actions.import_])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        sync_menu = menu.addMenu("S&ync")
        for action in (self.sync_action, self.stop_action, self.review_action, self.apply_action):
            sync_menu.addAction(action)
        sync_menu.addSeparator()
        self.pair_menu = sync_menu.addMenu("&Pair of the selected playlist")
        self._build_pair_actions(self.pair_menu)
        self.demo_menu = menu.addMenu("De&mo")
        self.demo_change_action = self._action(
            "&Change a demo playlist…",
            "Ctrl+Shift+M",
            "Edit a demo playlist as you would in the service's app, to watch mirror follow",
            self.open_demo_change,
        )
        self.demo_menu.addAction(self.demo_change_action)
        tools = menu.addMenu("&Tools")
        tools.addAction(self.settings_action)
        tools.addAction(self.accounts_action)
        tools.addAction(self.match_actions.matches)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.log_folder_action)
        help_menu.addAction(self.diagnostics_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _build_pair_actions(self, menu: QMenu) -> None:
        """Mode, unlink, put back: on the selected playlist's pair (also its context menu)."""
        self.mode_group = QActionGroup(self)
        self.mode_actions: dict[SyncMode, QAction] = {}
        tips = {
            SyncMode.ADD: "Add what the target lacks; never remove or reorder",
            SyncMode.MIRROR: "Also remove what left the source and follow its order; "
            "what you added by hand on the target stays",
            SyncMode.EXACT: "Make the target the same as the source: anything else is removed",
        }
        for mode in SyncMode:
            action = QAction(mode.words.capitalize() + ("…" if mode is SyncMode.EXACT else ""))
            action.setParent(self)
            action.setCheckable(True)
            action.setStatusTip(tips[mode])
            action.setToolTip(tips[mode])
            action.triggered.connect(partial(self.set_pair_mode, mode))
            self.mode_group.addAction(action)
            self.mode_actions[mode] = action
            menu.addAction(action)
        menu.addSeparator()
        self.restore_action = QAction("Put &back what the last sync removed", self)
        self.restore_action.triggered.connect(self.restore_removals)
        self.unlink_action = QAction("&Unlink the pair", self)
        self.unlink_action.setStatusTip(
            "Forget where it goes and what it held (nothing is deleted)"
        )
        self.unlink_action.triggered.connect(self.unlink_pair)
        menu.addAction(self.restore_action)
        menu.addAction(self.unlink_action)

    def _build_widgets(self) -> None:
        # Left: direction, filter, playlists.
        self.direction = QComboBox()
        for source, target in DIRECTIONS:
            self.direction.addItem(f"{source.display_name} → {target.display_name}")
        self.direction.setAccessibleName("Direction")
        self.direction.currentIndexChanged.connect(self._on_direction_changed)
        direction_label = QLabel("&Direction")
        direction_label.setBuddy(self.direction)
        self.playlist_filter = QLineEdit()
        self.playlist_filter.setPlaceholderText("Filter playlists…")
        self.playlist_filter.setClearButtonEnabled(True)
        self.playlist_model = PlaylistModel(self)
        self.playlist_model.checkedChanged.connect(self._update_actions)
        self.playlist_proxy = QSortFilterProxyModel(self)
        self.playlist_proxy.setSourceModel(self.playlist_model)
        self.playlist_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.playlist_filter.textChanged.connect(self.playlist_proxy.setFilterFixedString)
        self.playlist_view = QTableView()
        self.playlist_view.setModel(self.playlist_proxy)
        self.playlist_view.setAccessibleName("Playlists")
        self.playlist_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.playlist_view.verticalHeader().hide()
        self.playlist_view.setWordWrap(False)
        self.playlist_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.playlist_view.customContextMenuRequested.connect(self._playlist_context_menu)
        self.playlist_view.selectionModel().currentRowChanged.connect(
            lambda *_: self._update_pair_actions()
        )
        header = self.playlist_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The name gives way (elided, whole in its tooltip), so that Sync and Tracks stay in
        # sight at a laptop's width.
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        # The owner is in each name's tooltip: a column of it would push "Sync" off a laptop.
        self.playlist_view.setColumnHidden(OWNER, True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(direction_label)
        left_layout.addWidget(self.direction)
        left_layout.addWidget(self.playlist_filter)
        left_layout.addWidget(self.playlist_view)

        # Right: track table with its filters, review pane below.
        self.status_filter = QComboBox()
        for label, _statuses in STATUS_FILTERS:
            self.status_filter.addItem(label)
        self.status_filter.setAccessibleName("Show")
        self.track_search = QLineEdit()
        self.track_search.setPlaceholderText("Search tracks…")
        self.track_search.setClearButtonEnabled(True)
        self.track_model = TrackTableModel(self)
        self.track_proxy = TrackFilterProxy(self)
        self.track_proxy.setSourceModel(self.track_model)
        self.status_filter.currentIndexChanged.connect(
            lambda i: self.track_proxy.set_statuses(STATUS_FILTERS[i][1])
        )
        self.track_search.textChanged.connect(self.track_proxy.set_text)
        self.track_view = TrackTableView()
        self.track_view.setModel(self.track_proxy)
        self.track_view.setAccessibleName("Tracks")
        self.track_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.track_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.track_view.setSortingEnabled(True)
        self.track_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.track_view.verticalHeader().hide()
        self.track_view.verticalHeader().setDefaultSectionSize(22)
        self.track_view.setWordWrap(False)
        self.track_view.horizontalHeader().setStretchLastSection(True)
        fit_track_columns(self.track_view)
        self.track_view.selectionModel().currentRowChanged.connect(self._on_track_selected)
        self.match_actions.attach_to_tracks(self.track_view)  # "Wrong match…" on a row
        filters = QHBoxLayout()
        show_label = QLabel("Sho&w")
        show_label.setBuddy(self.status_filter)
        filters.addWidget(show_label)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.track_search, 1)

        # A bulk decision on the tracks in review, beside the filter that lists them.
        self.accept_all_threshold = QDoubleSpinBox()
        self.accept_all_threshold.setRange(0.0, 1.0)
        self.accept_all_threshold.setSingleStep(0.05)
        self.accept_all_threshold.setDecimals(2)
        self.accept_all_threshold.setValue(0.75)
        self.accept_all_threshold.setAccessibleName("Accept all in review scoring at least")
        self.accept_all_button = QPushButton("Accept all in review ≥")
        self.accept_all_button.setToolTip(
            "Your decision, in bulk: accept the best candidate of every track that needs "
            "review and scores at least this"
        )
        self.accept_all_button.clicked.connect(
            lambda: self._on_accept_all_above(self.accept_all_threshold.value())
        )
        self._show_thresholds()
        filters.addWidget(self.accept_all_button)
        filters.addWidget(self.accept_all_threshold)

        self.review_pane = ReviewPane(can_open_links=not self.demo)
        self.review_pane.accepted.connect(self._on_accept)
        self.review_pane.skipped.connect(self._on_skip)
        self.review_pane.rejected.connect(self._on_reject)
        self.review_pane.searchRequested.connect(self._on_search_by_hand)

        tracks = QWidget()
        tracks_layout = QVBoxLayout(tracks)
        tracks_layout.setContentsMargins(0, 0, 0, 0)
        tracks_layout.addLayout(filters)
        tracks_layout.addWidget(self.track_view)
        self.right_splitter = QSplitter(Qt.Orientation.Vertical)
        self.right_splitter.setObjectName("right-splitter")
        self.right_splitter.addWidget(tracks)
        self.right_splitter.addWidget(self.review_pane)
        self.right_splitter.setStretchFactor(0, 3)
        self.right_splitter.setStretchFactor(1, 2)
        self.right_splitter.setChildrenCollapsible(False)

        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.setObjectName("main-splitter")
        self.main_splitter.addWidget(left)
        self.main_splitter.addWidget(self.right_splitter)
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
        self.banner.setVisible(self.demo)
        layout.addWidget(self.banner)
        # Something the person must know once (a damaged store kept aside): until they close it.
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.setStyleSheet(
            "QLabel#notice { background: #fde7e5; color: #410e0b; padding: 6px 10px;"
            " border: 1px solid #e8a29c; border-radius: 4px; }"
        )
        self._show_recovery()  # the person's store; the demo's once the library opens
        layout.addWidget(self.notice)
        layout.addWidget(self.main_splitter)
        self.setCentralWidget(central)

        self.run_status = RunStatus(self.statusBar())
        self.run_status.set_idle("Reading playlists…")

        # Tab order: direction → filter → playlists → status filter → search → tracks → review.
        QWidget.setTabOrder(self.direction, self.playlist_filter)
        QWidget.setTabOrder(self.playlist_filter, self.playlist_view)
        QWidget.setTabOrder(self.playlist_view, self.status_filter)
        QWidget.setTabOrder(self.status_filter, self.track_search)
        QWidget.setTabOrder(self.track_search, self.track_view)
        QWidget.setTabOrder(self.track_view, self.review_pane.table)

    def _show_thresholds(self) -> None:
        """The bulk threshold lies in the review band: below it no track is in review."""
        match = self.settings.match
        self.accept_all_threshold.setMinimum(match.review)
        self.accept_all_threshold.setToolTip(
            f"Tracks in review score from {match.review:.2f}; from {match.accept:.2f} a match "
            "is taken without asking (Settings)"
        )

    def say(self, text: str) -> None:
        """A passing remark in the status bar, gone after a few seconds."""
        self.statusBar().showMessage(text, MESSAGE_MS)

    # -- state that persists ----------------------------------------------------------------

    def _default_geometry(self) -> None:
        """A size that fits the screen it opens on (a laptop's 1366×768 included)."""
        width, height = DEFAULT_SIZE
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            width = min(width, available.width() - 16)
            height = min(height, available.height() - 48)
        self.resize(width, height)
        # The playlists' name, target, sync state and size side by side (400 px of a laptop's
        # 1280), the tracks the rest.
        self.main_splitter.setSizes([round(width * 0.31), round(width * 0.69)])
        self.right_splitter.setSizes([round(height * 0.5), round(height * 0.5)])

    def _restore_state(self) -> None:
        s = self.qsettings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self._default_geometry()
        for key, widget in (
            ("window/state", self),
            ("window/main-splitter", self.main_splitter),
            ("window/right-splitter", self.right_splitter),
        ):
            value = s.value(key)
            if isinstance(value, QByteArray) and not value.isEmpty():
                widget.restoreState(value)
        direction = int(str(s.value("sync/direction", 0) or 0))
        self._direction_index = direction if 0 <= direction < len(DIRECTIONS) else 0
        self.direction.blockSignals(True)
        self.direction.setCurrentIndex(self._direction_index)
        self.direction.blockSignals(False)
        checked = s.value("sync/checked")
        self._remembered_checks = [str(i) for i in checked] if isinstance(checked, list) else []

    def _save_state(self) -> None:
        s = self.qsettings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/main-splitter", self.main_splitter.saveState())
        s.setValue("window/right-splitter", self.right_splitter.saveState())
        s.setValue("sync/direction", self.direction.currentIndex())
        s.setValue("sync/checked", self.playlist_model.checked_ids())
        s.sync()

    # -- playlists --------------------------------------------------------------------------

    @property
    def source(self) -> ServiceId:
        return DIRECTIONS[self.direction.currentIndex()][0]

    @property
    def target(self) -> ServiceId:
        return DIRECTIONS[self.direction.currentIndex()][1]

    def reload_playlists(self) -> None:
        if not self.services:
            return  # still opening them: their playlists are read once they are open
        self.run_status.set_idle("Reading playlists…")
        self.loader.load()

    @Slot(object)
    def _on_playlists_loaded(self, playlists: dict[ServiceId, list[Playlist]]) -> None:
        if self._closed:
            return  # an answer queued before the window closed: the store is gone
        self.playlists = playlists
        self._fill_playlists()
        if QApplication.focusWidget() in (None, self.direction):
            self.playlist_view.setFocus()  # arrows and Space tick playlists straight away
        counts = ", ".join(
            f"{plural(len(p), 'playlist')} on {s.display_name}" for s, p in playlists.items()
        )
        self.run_status.set_idle(f"{counts}. Tick some and press Sync (Ctrl+R).")

    @Slot(str)
    def _on_load_failed(self, message: str) -> None:
        self.run_status.set_idle(f"Could not read the playlists: {message} Press F5 to try again.")

    def _pairs(self) -> PairStore:
        return self.songbird.context(self.services).pairs

    def pairs_store(self) -> PairStore:
        """The pairs of the library the window shows (for the scheduled syncs)."""
        return self._pairs()

    def _fill_playlists(self) -> None:
        checked = self.playlist_model.checked_ids() or self._remembered_checks
        pairs = [
            p for p in self._pairs().all() if (p.source, p.target) == (self.source, self.target)
        ]
        self.playlist_model.set_playlists(
            self.playlists.get(self.source, []),
            self.playlists.get(self.target, []),
            checked,
            pairs,
        )
        self._remembered_checks = []
        self._update_actions()

    # -- pairs --------------------------------------------------------------------------------

    def _selected_playlist_row(self) -> int | None:
        index = self.playlist_view.currentIndex()
        if not index.isValid():
            return None
        return self.playlist_proxy.mapToSource(index).row()

    def selected_pair(self) -> SyncPair | None:
        """The pair of the selected playlist, if it has one."""
        row = self._selected_playlist_row()
        return self.playlist_model.pair_at(row) if row is not None else None

    def _update_pair_actions(self) -> None:
        row = self._selected_playlist_row()
        pair = self.playlist_model.pair_at(row) if row is not None else None
        playlist = self.playlist_model.playlist_at(row) if row is not None else None
        mode = pair.mode if pair else self._modes.get(playlist.id) if playlist else None
        for each, action in self.mode_actions.items():
            action.setEnabled(playlist is not None)
            action.setChecked(each is (mode or SyncMode.ADD) and playlist is not None)
        removed = self._pairs().last_removals(pair.pair_id) if pair else []
        left = [r for r in removed if not r.restored]
        self.restore_action.setEnabled(bool(left))
        self.restore_action.setText(
            f"Put &back what the last sync removed ({len(left)})"
            if left
            else "Put &back what the last sync removed"
        )
        self.unlink_action.setEnabled(pair is not None)
        self.demo_change_action.setEnabled(self.demo)

    def _playlist_context_menu(self, point: QPoint) -> None:
        self._update_pair_actions()
        self.pair_menu.exec(self.playlist_view.viewport().mapToGlobal(point))

    def set_pair_mode(self, mode: SyncMode) -> None:
        """The selected playlist's mode (its pair's, or the one its first sync will make)."""
        row = self._selected_playlist_row()
        if row is None:
            return
        playlist, pair = self.playlist_model.playlist_at(row), self.playlist_model.pair_at(row)
        if mode is SyncMode.EXACT and not self._confirm_exact(playlist):
            self._update_pair_actions()
            return
        if pair is not None:
            self._pairs().set_mode(pair.pair_id, mode)
        self._modes[playlist.id] = mode
        self._fill_playlists()
        self.say(f"“{playlist.name}”: {mode.words} from the next sync.")

    def _confirm_exact(self, playlist: Playlist) -> bool:
        target = self.target.display_name
        answer = QMessageBox.warning(
            self,
            "Exact mirror",
            f"Exact mirror makes “{playlist.name}” on {target} the same as on "
            f"{self.source.display_name}: anything else in it is removed, also what you "
            f"added there by hand. (A sync that would remove many asks first.)\n\n"
            "Use exact mirror?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def unlink_pair(self) -> None:
        row = self._selected_playlist_row()
        pair = self.playlist_model.pair_at(row) if row is not None else None
        if pair is None:
            return
        self._pairs().unlink(pair.pair_id)
        self._fill_playlists()
        self.say(f"Unlinked {pair.describe()}; both playlists stay as they are.")

    def restore_removals(self) -> None:
        row = self._selected_playlist_row()
        pair = self.playlist_model.pair_at(row) if row is not None else None
        if pair is None:
            return
        pairs = self._pairs()
        removed = [r for r in pairs.last_removals(pair.pair_id) if not r.restored]
        target = Playlist(pair.target, pair.target_id, pair.target_name)
        service = self.services[pair.target]
        self.say(f"Putting back {plural(len(removed), 'track')} in “{pair.target_name}”…")
        self.tasks.run(
            ("restore", pair.pair_id), partial(restore_removed, service, target, removed)
        )

    @Slot(object, object)
    def _on_task_done(self, tag: object, result: object) -> None:
        if self._closed:
            return
        if tag == OPEN_SERVICES:
            services, demo = cast(tuple[dict[ServiceId, MusicService], bool], result)
            self._use_services(services, demo)
        elif isinstance(tag, tuple) and tag[0] == "restore":
            self._pairs().mark_restored(int(tag[1]))
            self.say(f"Put back {plural(int(str(result)), 'track')}.")
            self.reload_playlists()

    @Slot(object, str)
    def _on_task_failed(self, tag: object, message: str) -> None:
        if tag == OPEN_SERVICES:
            # Not even the demo library opened (its files unreadable, say): nothing to sync.
            self.run_status.set_idle(f"Could not open the music services: {message}")
            return
        self.say(f"Could not put them back: {message}")

    def open_demo_change(self) -> None:
        if not self.demo:
            return
        from songbird_gui.services.demo import DemoService
        from songbird_gui.services.demo_change import change_playlist
        from songbird_gui.ui.demo_change_dialog import DemoChangeDialog

        service = self.services[self.source]
        row = self._selected_playlist_row()
        chosen = self.playlist_model.playlist_at(row).id if row is not None else None
        dialog = DemoChangeDialog(
            self.playlists.get(self.source, []), chosen, self.source.display_name, self
        )
        if dialog.exec() and (playlist := dialog.chosen_playlist()) is not None:
            assert isinstance(service, DemoService)
            lines = change_playlist(
                service.server,
                playlist.id,
                remove=dialog.removals.value(),
                add=dialog.additions.value(),
                move=dialog.moves.value(),
            )
            self.say(f"“{playlist.name}”: {len(lines)} changes. Press Sync to follow them.")
            self.reload_playlists()
        dialog.deleteLater()

    @Slot(int)
    def _on_direction_changed(self, index: int) -> None:
        """The other direction: the run of this one ends, after asking if it has results."""
        session = self.session
        if session is not None and session.has_unapplied_results():
            source, target = DIRECTIONS[self._direction_index]
            answer = QMessageBox.question(
                self,
                "Change direction",
                f"The sync from {source.display_name} to {target.display_name} has matches "
                f"not yet written to {target.display_name}. Drop them and change direction?\n\n"
                "(Every decision stays remembered: a new sync finds them again at once.)",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                self.direction.blockSignals(True)
                self.direction.setCurrentIndex(self._direction_index)
                self.direction.blockSignals(False)
                return
        self._direction_index = index
        self._discard_session()
        self._fill_playlists()

    # -- the run ----------------------------------------------------------------------------

    def start_sync(self) -> None:
        session = self.session
        if session is not None and session.paused:
            self._resume()
            return
        chosen = self.playlist_model.checked()
        if not chosen or (session is not None and session.busy):
            return
        self._discard_session()
        session = SyncSession(self.songbird.context(self.services), self.source, self.target)
        session.setParent(self)
        session.stateChanged.connect(self._on_state_changed)
        session.planned.connect(self._on_planned)
        session.trackStarted.connect(self.track_model.row_changed)
        session.trackWaiting.connect(self._on_row_signal)
        session.trackMatched.connect(self._on_row_signal)
        session.trackFailed.connect(self._on_row_signal)
        session.rowsChanged.connect(self._on_rows_changed)
        session.searchFinished.connect(self._on_search_finished)
        session.handSearched.connect(self._on_hand_searched)
        session.applied.connect(self._on_applied)
        self.session = session
        self.run_status.watch(session)
        self.track_model.set_rows([])
        self.review_pane.show_row(None, None)
        targets = self.playlists.get(self.target)
        session.plan(
            chosen, targets, {p.id: self._modes[p.id] for p in chosen if p.id in self._modes}
        )

    def show_run_for_review(self, session: SyncSession) -> None:
        """Show a finished run made elsewhere (a scheduled sync) on its rows to review."""
        index = DIRECTIONS.index((session.source, session.target))
        if index != self.direction.currentIndex():
            self.direction.blockSignals(True)
            self.direction.setCurrentIndex(index)
            self.direction.blockSignals(False)
            self._direction_index = index
        self._discard_session()
        self.session = session
        session.stateChanged.connect(self._on_state_changed)
        session.rowsChanged.connect(self._on_rows_changed)
        session.handSearched.connect(self._on_hand_searched)
        session.applied.connect(self._on_applied)
        self.run_status.watch(session)
        self.track_model.set_rows(session.rows, [p.source.name for p in session.plans])
        fit_track_columns(self.track_view)
        self._fill_playlists()
        self.show_review()

    def _discard_session(self) -> None:
        """Let the current run go without waiting for its workers."""
        session, self.session = self.session, None
        self.run_status.watch(None)
        if session is not None:
            session.dispose()
            self.track_model.set_rows([])
            self.review_pane.show_row(None, None)
        self._update_actions()

    @Slot(object)
    def _on_state_changed(self, _state: RunState) -> None:
        self._update_actions()

    @Slot()
    def _on_planned(self) -> None:
        session = self.session
        assert session is not None
        self.track_model.set_rows(session.rows, [p.source.name for p in session.plans])
        fit_track_columns(self.track_view)
        session.search()

    def _on_row_signal(self, row: int, *_: object) -> None:
        self.track_model.row_changed(row)

    @Slot(object)
    def _on_rows_changed(self, rows: list[int]) -> None:
        for row in rows:
            self.track_model.row_changed(row)
        self.track_model.flush()
        self._refresh_review_pane()

    @Slot(bool)
    def _on_search_finished(self, _stopped: bool) -> None:
        self.track_model.rows_changed()
        fit_track_columns(self.track_view)

    def _resume(self) -> None:
        """After reconnecting (or once a quota renewed): the same run, only what is left."""
        session = self.session
        assert session is not None
        services = None
        if session.needs_login:
            services, self.demo = self.songbird.choose_services()
            self.services = services
            self.loader.services = services
        session.resume(services)

    def stop(self) -> None:
        if self.session is not None and self.session.busy:
            self.session.stop()

    def _update_actions(self) -> None:
        session = self.session
        busy = session is not None and session.busy
        paused = session is not None and session.paused
        has_rows = bool(session and session.rows)
        can_apply = session is not None and session.state in (RunState.READY, RunState.APPLIED)
        self.sync_action.setEnabled(not busy and (paused or bool(self.playlist_model.checked())))
        self.stop_action.setEnabled(busy or paused)
        self.review_action.setEnabled(has_rows)
        self.apply_action.setEnabled(has_rows and can_apply)
        self.direction.setEnabled(not busy)

    # -- review -----------------------------------------------------------------------------

    def show_review(self) -> None:
        self.status_filter.setCurrentIndex(REVIEW_FILTER)
        if self.track_proxy.rowCount():
            self.track_view.selectRow(0)
            self.review_pane.table.setFocus()
        else:
            self.track_view.setFocus()
            self.say("No track needs review.")

    @Slot()
    def _on_track_selected(self) -> None:
        self._refresh_review_pane()

    def _refresh_review_pane(self) -> None:
        row = self._selected_row()
        if row is None or self.session is None:
            self.review_pane.show_row(None, None)
            return
        self.review_pane.show_row(row, self.session.rows[row])

    def _selected_row(self) -> int | None:
        index = self.track_view.currentIndex()
        if not index.isValid():
            return None
        value = self.track_proxy.data(index, ROW_ROLE)
        return int(value) if value is not None else None

    def _after_decision(self, row: int) -> None:
        """Repaint the row and move on to the next track, as people review hundreds.

        The keyboard stays in the candidates, so Enter, S and Delete go on working.
        """
        self.track_model.row_changed(row)
        self.track_model.flush()
        current = self.track_view.currentIndex()
        next_row = current.row() + 1 if current.isValid() else 0
        # A filtered view ("needs review") drops the decided row itself: stay at its place.
        if self._selected_row() != row:
            next_row = current.row()
        if 0 <= next_row < self.track_proxy.rowCount():
            self.track_view.selectRow(next_row)
        else:
            self._refresh_review_pane()
        self.review_pane.table.setFocus()
        self.run_status.refresh()
        self._update_actions()

    @Slot(int, object)
    def _on_accept(self, row: int, candidate: Candidate) -> None:
        if self.session is not None:
            self.session.choose(row, candidate)
            self._after_decision(row)

    @Slot(int)
    def _on_skip(self, row: int) -> None:
        if self.session is not None:
            self.session.skip(row)
            self._after_decision(row)

    @Slot(int, object)
    def _on_reject(self, row: int, candidate: Candidate) -> None:
        if self.session is not None:
            self.session.reject(row, candidate)
            self.track_model.row_changed(row)
            self.review_pane.show_row(row, self.session.rows[row])
            self.review_pane.table.setFocus()
            self.run_status.refresh()

    @Slot(int, str)
    def _on_search_by_hand(self, row: int, words: str) -> None:
        if self.session is not None:
            self.review_pane.set_searching(f"Searching {self.target.display_name} for “{words}”…")
            self.session.search_by_hand(row, words)

    @Slot(int, object)
    def _on_hand_searched(self, row: int, answer: object) -> None:
        if isinstance(answer, str):
            self.review_pane.search_failed(row, answer)
        else:
            self.review_pane.show_candidates(row, answer)  # type: ignore[arg-type]

    def _on_accept_all_above(self, threshold: float) -> None:
        if self.session is None:
            return
        accepted = self.session.accept_all_above(threshold)
        self.say(
            f"Accepted {plural(accepted, 'match', 'matches')} scoring {threshold:.2f} or more."
        )
        self.run_status.refresh()
        self._update_actions()

    # -- apply, settings, accounts, about ---------------------------------------------------

    def open_apply(self) -> None:
        session = self.session
        if session is None or session.state not in (RunState.READY, RunState.APPLIED):
            return
        dialog = ApplyDialog(session, self)
        dialog.exec()
        dialog.deleteLater()  # not kept (nor connected) for the window's life
        self.track_model.rows_changed()
        self._update_actions()

    @Slot(object)
    def _on_applied(self, reports: object) -> None:
        # Playlists it created now exist: "Goes to" names them, no longer "new".
        self.track_model.rows_changed()
        self.loader.load()

    def open_settings(self) -> None:
        pairs = self._pairs().all() if self.services else []
        dialog = SettingsDialog(self.settings, self, pairs)
        if dialog.exec():
            settings = dialog.result_settings()
            self.songbird.save_settings(settings)
            for pair_id, hours in dialog.result_schedules().items():
                self._pairs().set_schedule(pair_id, hours)
            self._show_thresholds()
            if self.session is not None:
                self.session.update_settings(settings)
            self.say("Settings saved: they apply from the next request.")
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

    def _on_accounts_changed(self) -> None:
        """Both accounts connected: sync real playlists; otherwise stay on the demo."""
        session = self.session
        if session is not None and (session.busy or session.paused):
            return  # a paused sync picks the new login up when it resumes
        self._discard_session()
        self._use_services(*self.songbird.choose_services())

    def _show_recovery(self) -> None:
        self.notice.setText(" ".join(self.songbird.recovery_messages))
        self.notice.setVisible(bool(self.notice.text()))

    def _use_services(self, services: dict[ServiceId, MusicService], demo: bool) -> None:
        """Sync between `services` (the demo library's when `demo`) from now on."""
        self.services, self.demo = services, demo
        self.loader.services = services
        self.banner.setVisible(demo)
        self.demo_menu.menuAction().setVisible(demo)
        self.review_pane.set_can_open_links(not demo)
        self.songbird.store_for(services)  # opened now: a damaged one is said at once
        self._show_recovery()
        self._update_actions()
        self.reload_playlists()

    def open_about(self) -> None:
        QMessageBox.about(
            self,
            "About Songbird",
            f"<b>Songbird {__version__}</b><p>Keeps playlists in sync between Spotify and "
            "YouTube Music.</p><p>Searches run many at once, never faster than each service "
            "allows; uncertain matches wait for you; every decision is remembered.</p>",
        )

    def open_log_folder(self) -> None:
        folder = self.paths.log_dir
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def diagnostics(self) -> str:
        return diagnostics_text(self.settings, self.paths, self.demo)

    def copy_diagnostics(self) -> None:
        QGuiApplication.clipboard().setText(self.diagnostics())
        self.say("Diagnostics copied to the clipboard (no secrets in them).")

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
        self._closed = True
        self._save_state()
        self.loader.cancel_all()
        self.tasks.cancel_all()
        if self.session is not None:
            self.session.close()
        event.accept()

    def drain(self, timeout_ms: int) -> None:
        """Once the event loop has returned: let the last requests end (bounded)."""
        self.loader.drain(timeout_ms)
        self.tasks.drain(timeout_ms)
        if self.session is not None:
            self.session.drain(timeout_ms)
