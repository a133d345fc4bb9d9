"""The main window: playlists on the left, the live track table and the review pane on the right.

The window owns at most one `SyncSession` at a time and is its only receiver: it feeds the
track model from the session's signals, forwards the person's review decisions back to the
session, and shuts the session down (pool cleared and drained) before it closes.
"""

from __future__ import annotations

import json
import platform
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

import PySide6
from PySide6.QtCore import (
    QByteArray,
    QSettings,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    QUrl,
    Slot,
    qVersion,
)
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from songbird_gui import __version__
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.redact import redact
from songbird_gui.core.service import MusicService
from songbird_gui.core.settings import Settings, SettingsFile
from songbird_gui.core.types import Candidate, Playlist, ServiceId, TrackStatus
from songbird_gui.engine.library import PlaylistLoader
from songbird_gui.engine.session import SyncContext, SyncSession
from songbird_gui.logging_setup import log_file, recent_lines
from songbird_gui.services.accounts import Accounts
from songbird_gui.ui.apply_dialog import ApplyDialog
from songbird_gui.ui.playlist_model import PlaylistModel
from songbird_gui.ui.review_pane import ReviewPane
from songbird_gui.ui.settings_dialog import SettingsDialog
from songbird_gui.ui.track_model import (
    ALBUM,
    ARTISTS,
    DURATION,
    MATCH,
    PLAYLIST,
    POSITION,
    ROW_ROLE,
    SCORE,
    STATUS,
    TITLE,
    TrackFilterProxy,
    TrackTableModel,
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
    ("Skipped or not syncable", frozenset({TrackStatus.SKIPPED, TrackStatus.UNSYNCABLE})),
)

DEMO_BANNER = "Demo library — connect your accounts to sync your own playlists."


class MainWindow(QMainWindow):
    def __init__(
        self,
        settings_file: SettingsFile,
        make_context: Callable[[Settings, dict[ServiceId, MusicService]], SyncContext],
        choose_services: Callable[[], tuple[dict[ServiceId, MusicService], bool]],
        qsettings: QSettings | None = None,
        paths: AppPaths | None = None,
        accounts: Accounts | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Songbird")
        self.settings_file = settings_file
        self.settings = settings_file.load()
        self.make_context = make_context
        self.choose_services = choose_services
        self.accounts = accounts
        self.services, self.demo = choose_services()
        self.context = make_context(self.settings, self.services)
        self.paths = paths or AppPaths.default()
        self.qsettings = qsettings or QSettings()
        self.session: SyncSession | None = None
        self.playlists: dict[ServiceId, list[Playlist]] = {}
        self._rate_sample: tuple[float, int] = (time.monotonic(), 0)
        self._rate = 0.0
        self._searching = False
        self._remembered_checks: list[str] = []
        self._progress_value = (0, 0)

        self._build_actions()
        self._build_widgets()
        self._restore_state()
        self._update_actions()

        self.loader = PlaylistLoader(self.context, self)
        self.loader.loaded.connect(self._on_playlists_loaded)
        self.loader.failed.connect(self._on_load_failed)
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(250)
        self.status_timer.timeout.connect(self._update_status)
        self.reload_playlists()

    # -- building ---------------------------------------------------------------------------

    def _action(
        self, text: str, shortcut: QKeySequence | str, tip: str, slot: Callable[[], None]
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
            "&Quit", QKeySequence.StandardKey.Quit, "Close Songbird", self.close
        )

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        for action in (self.sync_action, self.stop_action, self.review_action, self.apply_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        for action in (self.settings_action, self.accounts_action, self.about_action):
            toolbar.addAction(action)

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.reload_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        sync_menu = menu.addMenu("S&ync")
        for action in (self.sync_action, self.stop_action, self.review_action, self.apply_action):
            sync_menu.addAction(action)
        tools = menu.addMenu("&Tools")
        tools.addAction(self.settings_action)
        tools.addAction(self.accounts_action)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.log_folder_action)
        help_menu.addAction(self.diagnostics_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _build_widgets(self) -> None:
        # Left: direction, filter, playlists.
        self.direction = QComboBox()
        for source, target in DIRECTIONS:
            self.direction.addItem(f"{source.display_name} → {target.display_name}")
        self.direction.setAccessibleName("Direction")
        self.direction.currentIndexChanged.connect(self._fill_playlists)
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
        self.playlist_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.playlist_view.horizontalHeader().setStretchLastSection(True)
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
        self.track_view.sortByColumn(POSITION, Qt.SortOrder.AscendingOrder)
        self.track_view.verticalHeader().hide()
        self.track_view.verticalHeader().setDefaultSectionSize(22)
        header = self.track_view.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in (
            (POSITION, 44),
            (PLAYLIST, 120),
            (TITLE, 220),
            (ARTISTS, 150),
            (ALBUM, 150),
            (DURATION, 64),
            (STATUS, 120),
            (SCORE, 52),
            (MATCH, 300),
        ):
            header.resizeSection(column, width)
        self.track_view.selectionModel().currentRowChanged.connect(self._on_track_selected)
        filters = QHBoxLayout()
        show_label = QLabel("Sho&w")
        show_label.setBuddy(self.status_filter)
        filters.addWidget(show_label)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.track_search, 1)

        self.review_pane = ReviewPane(can_open_links=not self.demo)
        self.review_pane.accepted.connect(self._on_accept)
        self.review_pane.skipped.connect(self._on_skip)
        self.review_pane.rejected.connect(self._on_reject)
        self.review_pane.searchRequested.connect(self._on_search_by_hand)
        self.review_pane.acceptAllAbove.connect(self._on_accept_all_above)

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
        layout.addWidget(self.main_splitter)
        self.setCentralWidget(central)

        self.status_label = QLabel("Reading playlists…")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(240)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)

        # Tab order: direction → filter → playlists → status filter → search → tracks → review.
        QWidget.setTabOrder(self.direction, self.playlist_filter)
        QWidget.setTabOrder(self.playlist_filter, self.playlist_view)
        QWidget.setTabOrder(self.playlist_view, self.status_filter)
        QWidget.setTabOrder(self.status_filter, self.track_search)
        QWidget.setTabOrder(self.track_search, self.track_view)
        QWidget.setTabOrder(self.track_view, self.review_pane.table)

    # -- state that persists ----------------------------------------------------------------

    def _restore_state(self) -> None:
        s = self.qsettings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
            self.main_splitter.setSizes([360, 920])
            self.right_splitter.setSizes([500, 260])
        for key, widget in (
            ("window/state", self),
            ("window/main-splitter", self.main_splitter),
            ("window/right-splitter", self.right_splitter),
        ):
            value = s.value(key)
            if isinstance(value, QByteArray) and not value.isEmpty():
                widget.restoreState(value)
        direction = int(s.value("sync/direction", 0) or 0)
        self.direction.setCurrentIndex(direction if 0 <= direction < len(DIRECTIONS) else 0)
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

    # -- playlists ----------------------------------------------------------------------------

    @property
    def source(self) -> ServiceId:
        return DIRECTIONS[self.direction.currentIndex()][0]

    @property
    def target(self) -> ServiceId:
        return DIRECTIONS[self.direction.currentIndex()][1]

    def reload_playlists(self) -> None:
        self.status_label.setText("Reading playlists…")
        self.loader.load()

    @Slot(object)
    def _on_playlists_loaded(self, playlists: dict[ServiceId, list[Playlist]]) -> None:
        self.playlists = playlists
        self._fill_playlists()
        counts = ", ".join(f"{len(p)} on {s.display_name}" for s, p in playlists.items())
        self.status_label.setText(f"Playlists: {counts}. Tick some and press Sync (Ctrl+R).")

    @Slot(str)
    def _on_load_failed(self, message: str) -> None:
        self.status_label.setText(
            f"Could not read the playlists: {message}. Press F5 to try again."
        )

    def _fill_playlists(self) -> None:
        checked = self.playlist_model.checked_ids() or self._remembered_checks
        self.playlist_model.set_playlists(
            self.playlists.get(self.source, []), self.playlists.get(self.target, []), checked
        )
        self._remembered_checks = []
        self._update_actions()

    # -- sync -----------------------------------------------------------------------------

    def start_sync(self) -> None:
        if self.session is not None and self.session.paused and not self._busy():
            self._resume()
            return
        chosen = self.playlist_model.checked()
        if not chosen or self._busy():
            return
        self._end_session()
        session = SyncSession(self.context, self.source, self.target, self)
        session.planned.connect(self._on_planned)
        session.trackStarted.connect(self.track_model.row_changed)
        session.trackWaiting.connect(lambda row, _until: self.track_model.row_changed(row))
        session.trackMatched.connect(lambda row, _result: self.track_model.row_changed(row))
        session.trackFailed.connect(lambda row, _reason: self.track_model.row_changed(row))
        session.progress.connect(self._on_progress)
        session.searchFinished.connect(self._on_search_finished)
        session.handSearched.connect(self.review_pane.show_candidates)
        session.failed.connect(self._on_session_failed)
        session.sessionExpired.connect(self._on_session_expired)
        self.session = session
        self.track_model.set_rows([])
        self.review_pane.show_row(None, None)
        self.status_label.setText(f"Reading {len(chosen)} playlist(s)…")
        self.progress.setRange(0, 0)
        self.progress.show()
        self._searching = True
        self._update_actions()
        session.plan(chosen)

    @Slot()
    def _on_planned(self) -> None:
        assert self.session is not None
        if not self._searching:  # Stop was pressed while the playlists were read
            self.status_label.setText("Stopped before searching.")
            self.progress.hide()
            return
        self.track_model.set_rows(self.session.rows, [p.source.name for p in self.session.plans])
        self._rate_sample = (time.monotonic(), 0)
        self._progress_value = (0, 0)
        self.status_timer.start()
        self.session.search()

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        # Only noted here: the status timer paints it a few times a second. A progress bar
        # repaints on every setValue, which at hundreds of answers a second stalls the loop.
        self._progress_value = (done, total)

    @Slot(bool)
    def _on_search_finished(self, stopped: bool) -> None:
        self._searching = False
        self.status_timer.stop()
        self.track_model.rows_changed()
        self.progress.hide()
        self._update_actions()
        counts = self._counts()
        summary = (
            f"{counts[TrackStatus.MATCHED]} matched, {counts[TrackStatus.PRESENT]} already there, "
            f"{counts[TrackStatus.REVIEW]} need review, {counts[TrackStatus.NOT_FOUND]} not found, "
            f"{counts[TrackStatus.FAILED]} failed"
        )
        if stopped:
            self.status_label.setText(f"Stopped. {summary}.")
        else:
            hint = (
                " Review them (Ctrl+E), then Apply (Ctrl+Enter)."
                if counts[TrackStatus.REVIEW]
                else " Apply (Ctrl+Enter) to write."
            )
            self.status_label.setText(f"Search done: {summary}.{hint}")

    @Slot(str)
    def _on_session_failed(self, message: str) -> None:
        stopped = not self._searching
        self._searching = False
        self.status_timer.stop()
        self.progress.hide()
        self._update_actions()
        self.status_label.setText("Stopped." if stopped else f"Could not sync: {message}")

    @Slot(str)
    def _on_session_expired(self, message: str) -> None:
        self._searching = False
        self.status_timer.stop()
        self.progress.hide()
        self.track_model.rows_changed()
        self._update_actions()
        self.status_label.setText(
            f"Paused: {message}. Reconnect in Accounts (Ctrl+Shift+A), then press Sync "
            "(Ctrl+R) to go on where it stopped."
        )

    def _resume(self) -> None:
        """After reconnecting: the new services, the same session, only what is left."""
        assert self.session is not None
        self._rebuild_context(choose_services=True)
        self._searching = True
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status_timer.start()
        self._update_actions()
        self.session.resume(self.context)

    def stop(self) -> None:
        if self.session is not None and self._busy():
            self.session.stop()
            self._searching = False
            self._update_actions()

    def _update_status(self) -> None:
        session = self.session
        if session is None:
            return
        now = time.monotonic()
        requests = session.figures.search_stats.requests
        then, before = self._rate_sample
        if now - then >= 1.0:
            self._rate = (requests - before) / (now - then)
            self._rate_sample = (now, requests)
        done, total = self._progress_value
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done if total else 1)
        text = f"Searching {done}/{total} · {self._rate:.1f} req/s"
        paused = self.context.buckets[self.target].paused_until
        if paused:
            text += (
                f" · waiting {max(paused - now, 0):.0f} s: "
                f"{self.target.display_name} asked us to slow down"
            )
        self.status_label.setText(text)

    def _counts(self) -> Counter[TrackStatus]:
        return Counter(row.status for row in self.session.rows) if self.session else Counter()

    def _busy(self) -> bool:
        return self._searching

    def _update_actions(self) -> None:
        busy = self._busy()
        has_rows = bool(self.session and self.session.rows)
        paused = bool(self.session and self.session.paused)
        self.sync_action.setEnabled(not busy and (paused or bool(self.playlist_model.checked())))
        self.stop_action.setEnabled(busy)
        self.review_action.setEnabled(has_rows)
        self.apply_action.setEnabled(has_rows and not busy)
        self.settings_action.setEnabled(not busy)
        self.direction.setEnabled(not busy)

    # -- review -----------------------------------------------------------------------------

    def show_review(self) -> None:
        self.status_filter.setCurrentIndex(1)
        self.track_view.setFocus()
        if self.track_proxy.rowCount():
            self.track_view.selectRow(0)

    @Slot()
    def _on_track_selected(self) -> None:
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
        """Repaint the row and move on to the next track, as people review hundreds."""
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
            self._on_track_selected()
        self.track_view.setFocus()
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

    @Slot(int, str)
    def _on_search_by_hand(self, row: int, words: str) -> None:
        if self.session is not None:
            self.status_label.setText(f"Searching {self.target.display_name} for “{words}”…")
            self.session.search_by_hand(row, words)

    @Slot(float)
    def _on_accept_all_above(self, threshold: float) -> None:
        if self.session is None:
            return
        accepted = 0
        for number, row in enumerate(self.session.rows):
            best = row.result.best if row.result else None
            if row.status is TrackStatus.REVIEW and best is not None and best.score >= threshold:
                self.session.choose(number, best)
                accepted += 1
        self.track_model.rows_changed()
        self.status_label.setText(f"Accepted {accepted} match(es) scoring {threshold:.2f} or more.")
        self._update_actions()

    # -- apply, settings, accounts, about ---------------------------------------------------

    def open_apply(self) -> None:
        if self.session is None or self._busy():
            return
        dialog = ApplyDialog(self.session, self)
        dialog.exec()
        self.track_model.rows_changed()
        self._update_actions()

    def _rebuild_context(self, choose_services: bool) -> None:
        """A new engine context from the settings (and the services, after a login change)."""
        if choose_services:
            self.services, self.demo = self.choose_services()
        context = self.make_context(self.settings, self.services)
        if choose_services:
            # Only the rate settings make new buckets: a new login draws on the same limit,
            # and a fresh bucket's burst must not follow the last second's requests.
            context = replace(context, buckets=self.context.buckets)
        self.context = context
        self.loader.context = self.context

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            self.settings = dialog.result_settings()
            self.settings_file.save(self.settings)
            self._end_session()
            self._rebuild_context(choose_services=False)
            self.status_label.setText("Settings saved; they apply from the next sync.")

    def open_accounts(self) -> None:
        if self.accounts is None:
            QMessageBox.information(self, "Accounts", "This window runs on fixed services.")
            return
        from songbird_gui.ui.accounts_dialog import AccountsDialog  # brings the service libraries

        dialog = AccountsDialog(self.accounts, self)
        dialog.changed.connect(self._on_accounts_changed)
        dialog.exec()

    def _on_accounts_changed(self) -> None:
        """Both accounts connected: sync real playlists; otherwise stay on the demo."""
        if self._busy() or (self.session is not None and self.session.paused):
            return  # a paused sync picks the new login up when it resumes
        self._end_session()
        self._rebuild_context(choose_services=True)
        self.banner.setVisible(self.demo)
        self.review_pane.set_can_open_links(not self.demo)
        self.track_model.set_rows([])
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
        """What a bug report needs, with every secret redacted."""
        lines = [
            f"Songbird {__version__}",
            f"Python {platform.python_version()} · Qt {qVersion()} · PySide6 {PySide6.__version__}",
            f"{platform.platform()}",
            f"Library: {'demo' if self.demo else 'connected accounts'}",
            f"Settings: {json.dumps(self.settings.to_dict(), sort_keys=True)}",
            f"Log: {log_file(self.paths)}",
            "",
            "Recent log lines:",
            *recent_lines(self.paths),
        ]
        return redact("\n".join(lines))

    def copy_diagnostics(self) -> None:
        QGuiApplication.clipboard().setText(self.diagnostics())
        self.status_label.setText("Diagnostics copied to the clipboard (no secrets in them).")

    # -- closing ----------------------------------------------------------------------------

    def _end_session(self) -> None:
        if self.session is not None:
            self.session.shutdown()
            self.session.deleteLater()
            self.session = None

    def closeEvent(self, event: QCloseEvent) -> None:
        # Stop and drain every pool before the receivers (this window's models) die.
        self.status_timer.stop()
        self.loader.shutdown()
        self._save_state()
        self._searching = False
        self._end_session()
        event.accept()
