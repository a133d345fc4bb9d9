"""The left of the window: the direction, the playlists to tick, and the selected playlist's
pair (its mode, unlink, put back what the last sync removed), also in its context menu.

It reads the playlists of the library the window shows (window_library.py) and remembers a
mode chosen for a playlist that has no pair yet, for its first sync. It knows nothing of the
run: before the direction changes it asks `may_change_direction` (the run controller's
question), and says what changed with its signals.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QPoint, QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from songbird_gui.core.pair_writer import put_back_last_removals
from songbird_gui.core.pairs import SyncPair
from songbird_gui.core.types import Playlist, ServiceId, SyncMode
from songbird_gui.engine.summary import plural
from songbird_gui.engine.tasks import BackgroundTasks
from songbird_gui.ui.playlist_model import NAME, OWNER, PlaylistModel, listed_words
from songbird_gui.ui.playlist_view import PlaylistTableView
from songbird_gui.ui.run_status import RunStatus
from songbird_gui.ui.window_action import menu_on_shift_f10, window_action
from songbird_gui.ui.window_library import WindowLibrary

# Appended, never reordered: the window keeps the chosen one's index between starts.
DIRECTIONS = (
    (ServiceId.SPOTIFY, ServiceId.YTMUSIC),
    (ServiceId.YTMUSIC, ServiceId.SPOTIFY),
    (ServiceId.FILE, ServiceId.YTMUSIC),  # a playlist file opened (File ▸ Open, or dropped)
    (ServiceId.FILE, ServiceId.SPOTIFY),
)
RESTORE = "restore"  # the background task that puts back a pair's removals


class PlaylistsPane(QWidget):
    """Signals:
    checkedChanged(): what Sync would take may have changed (ticks, or the list itself).
    directionChanged(): the other direction is shown (its run, if any, must end).

    Attributes: direction, playlist_filter, playlist_model, playlist_proxy, playlist_view;
    playlists (each service's, as last read); modes (chosen for playlists with no pair yet);
    pair_menu with mode_actions, restore_action, unlink_action; reload_action,
    demo_change_action.
    """

    checkedChanged = Signal()
    directionChanged = Signal()

    def __init__(
        self, window: QWidget, library: WindowLibrary, tasks: BackgroundTasks, status: RunStatus
    ) -> None:
        super().__init__(window)
        self.library = library
        self.tasks = tasks
        self.run_status = status
        self.playlists: dict[ServiceId, list[Playlist]] = {}
        self._remembered_checks: list[str] = []
        self._direction_index = 0
        self.modes: dict[str, SyncMode] = {}  # chosen for playlists with no pair yet
        self._putting_back: dict[int, SyncPair] = {}  # by pair id, until it is done
        # Asked before the direction changes: False keeps it (set by the run controller).
        self.may_change_direction: Callable[[], bool] = lambda: True
        self.reload_action = window_action(
            window, "Re&load playlists", "F5", "Read the playlists again", self.reload_playlists
        )
        self.demo_change_action = window_action(
            window,
            "&Change a demo playlist…",
            "Ctrl+Shift+M",
            "Edit a demo playlist as you would in the service's app, to watch mirror follow",
            self.open_demo_change,
        )
        self.pair_menu = QMenu("&Pair of the selected playlist", window)
        self._build_pair_actions(window, self.pair_menu)
        self._build_widgets()
        library.loader.loaded.connect(self._on_playlists_loaded)
        library.loader.failed.connect(self._on_load_failed)
        tasks.done.connect(self._on_task_done)
        tasks.failed.connect(self._on_task_failed)

    def _build_pair_actions(self, window: QWidget, menu: QMenu) -> None:
        """Mode, unlink, put back: on the selected playlist's pair (also its context menu)."""
        self.mode_group = QActionGroup(window)
        self.mode_actions: dict[SyncMode, QAction] = {}
        tips = {
            SyncMode.ADD: "Add what the target lacks; never remove or reorder",
            SyncMode.MIRROR: "Also remove what left the source and follow its order; "
            "what you added by hand on the target stays",
            SyncMode.EXACT: "Make the target the same as the source: anything else is removed",
        }
        for mode in SyncMode:
            action = QAction(mode.words.capitalize() + ("…" if mode is SyncMode.EXACT else ""))
            action.setParent(window)
            action.setCheckable(True)
            action.setStatusTip(tips[mode])
            action.setToolTip(tips[mode])
            action.triggered.connect(partial(self.set_pair_mode, mode))
            self.mode_group.addAction(action)
            self.mode_actions[mode] = action
            menu.addAction(action)
        menu.addSeparator()
        self.restore_action = QAction("Put &back what the last sync removed", window)
        self.restore_action.triggered.connect(self.restore_removals)
        self.unlink_action = QAction("&Unlink the pair", window)
        self.unlink_action.setStatusTip(
            "Forget where it goes and what it held (nothing is deleted)"
        )
        self.unlink_action.triggered.connect(self.unlink_pair)
        menu.addAction(self.restore_action)
        menu.addAction(self.unlink_action)

    def _build_widgets(self) -> None:
        self.direction = QComboBox()
        for source, target in DIRECTIONS:
            words = f"{source.display_name} → {target.display_name}"
            self.direction.addItem(words[:1].upper() + words[1:])  # "Playlist file → …"
        self.direction.setAccessibleName("Direction")
        self.direction.currentIndexChanged.connect(self._on_direction_changed)
        direction_label = QLabel("&Direction")
        direction_label.setBuddy(self.direction)
        self.playlist_filter = QLineEdit()
        self.playlist_filter.setPlaceholderText("Filter playlists…")
        self.playlist_filter.setClearButtonEnabled(True)
        self.playlist_model = PlaylistModel(self)
        self.playlist_model.checkedChanged.connect(self.checkedChanged)
        self.playlist_model.checkedChanged.connect(self.say_what_sync_takes)
        self.playlist_proxy = QSortFilterProxyModel(self)
        self.playlist_proxy.setSourceModel(self.playlist_model)
        self.playlist_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.playlist_filter.textChanged.connect(self.playlist_proxy.setFilterFixedString)
        self.playlist_view = PlaylistTableView(NAME)  # the names stay readable
        self.playlist_view.setModel(self.playlist_proxy)
        self.playlist_view.setAccessibleName("Playlists")
        self.playlist_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.playlist_view.verticalHeader().hide()
        self.playlist_view.setWordWrap(False)
        self.playlist_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.playlist_view.customContextMenuRequested.connect(self._playlist_context_menu)
        menu_on_shift_f10(self.playlist_view)
        self.playlist_view.selectionModel().currentRowChanged.connect(
            lambda *_: self.update_pair_actions()
        )
        # The owner is in each name's tooltip: a column of it would push "Sync" off a laptop.
        self.playlist_view.setColumnHidden(OWNER, True)
        left_layout = QVBoxLayout(self)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(direction_label)
        left_layout.addWidget(self.direction)
        left_layout.addWidget(self.playlist_filter)
        left_layout.addWidget(self.playlist_view)

    # -- the direction --------------------------------------------------------------------------

    @property
    def source(self) -> ServiceId:
        return DIRECTIONS[self.direction.currentIndex()][0]

    @property
    def target(self) -> ServiceId:
        return DIRECTIONS[self.direction.currentIndex()][1]

    def set_direction(self, index: int) -> None:
        """Show this direction (an index of DIRECTIONS) without asking: a saved one, or a
        run's."""
        self._direction_index = index
        self.direction.blockSignals(True)
        self.direction.setCurrentIndex(index)
        self.direction.blockSignals(False)

    @Slot(int)
    def _on_direction_changed(self, index: int) -> None:
        """The other direction: the run of this one ends, after asking if it has results."""
        if not self.may_change_direction():
            self.set_direction(self._direction_index)
            return
        self._direction_index = index
        self.directionChanged.emit()
        self.fill_playlists()

    # -- playlists --------------------------------------------------------------------------

    def remember_checks(self, playlist_ids: list[str]) -> None:
        """Tick these playlists once they are read (the ticks of the last session)."""
        self._remembered_checks = playlist_ids

    def reload_playlists(self) -> None:
        if not self.library.services:
            return  # still opening them: their playlists are read once they are open
        self.run_status.set_idle("Reading playlists…")
        self.library.loader.load()

    @Slot(object)
    def _on_playlists_loaded(self, playlists: dict[ServiceId, list[Playlist]]) -> None:
        if self.library.closed:
            return  # an answer queued before the window closed: the store is gone
        self.playlists = playlists
        self._offer_directions()
        self.fill_playlists()
        if QApplication.focusWidget() in (None, self.direction):
            self.playlist_view.setFocus()  # arrows and Space tick playlists straight away

    @Slot()
    def say_what_sync_takes(self) -> None:
        """The status bar between runs: what the ticked playlists hold, or what there is to
        tick in this direction."""
        if not self.playlists:
            return  # not read yet: the status says they are being read
        ticked = self.playlist_model.checked()
        counts = [p.track_count for p in ticked]
        if ticked:
            tracks = "" if None in counts else f", {plural(sum(c or 0 for c in counts), 'track')}"
            self.run_status.set_idle(
                f"{plural(len(ticked), 'playlist')} ticked{tracks}: press Sync (Ctrl+R) to find "
                f"them on {self.target.display_name}."
            )
            return
        self.run_status.set_idle(listed_words(self.playlists, self.source))

    def _offer_directions(self) -> None:
        """Only directions between the library's services can be chosen (with only YouTube
        Music connected: playlist files into it); the first such when the shown one is not."""
        items = self.direction.model()
        assert isinstance(items, QStandardItemModel)  # a combo box's own model
        for index, (source, target) in enumerate(DIRECTIONS):
            items.item(index).setEnabled(self.library.can_sync(source, target))
        if not self.library.can_sync(self.source, self.target):
            self.set_direction(self._first_open())

    def _first_open(self, source: ServiceId | None = None) -> int:
        """The first direction between open services (from `source`, when given)."""
        directions = enumerate(DIRECTIONS)
        return next(
            (i for i, (s, t) in directions if source in (None, s) and self.library.can_sync(s, t)),
            0,
        )

    def show_file_playlists(self, offered: list[Playlist]) -> None:
        """A playlist file was opened: the file source's playlists (`offered`) become the
        source, into YouTube Music where it is open (the direction changes as the person's
        would, so a run with results not yet written asks first)."""
        self.playlists[ServiceId.FILE] = offered
        index = self._first_open(ServiceId.FILE)
        if self.source is ServiceId.FILE or index == self.direction.currentIndex():
            self.fill_playlists()
        else:
            self.direction.setCurrentIndex(index)  # fills the list, or asks first

    @Slot(str)
    def _on_load_failed(self, message: str) -> None:
        self.run_status.set_idle(f"Could not read the playlists: {message} Press F5 to try again.")

    def fill_playlists(self) -> None:
        """List this direction's playlists (again), their ticks and the selected one kept:
        the keyboard's row stays where the person left it."""
        checked = self.playlist_model.checked_ids() or self._remembered_checks
        row = self._selected_playlist_row()
        selected = self.playlist_model.playlist_at(row).id if row is not None else None
        pairs = [
            p
            for p in self.library.pairs().all()
            if (p.source, p.target) == (self.source, self.target)
        ]
        self.playlist_model.set_playlists(
            self.playlists.get(self.source, []),
            self.playlists.get(self.target, []),
            checked,
            pairs,
            self.modes,
        )
        self._remembered_checks = []
        self._select(selected)  # the model's checkedChanged has said what the ticks hold

    def _select(self, playlist_id: str | None) -> None:
        for row in range(self.playlist_model.rowCount()):
            if self.playlist_model.playlist_at(row).id == playlist_id:
                index = self.playlist_proxy.mapFromSource(self.playlist_model.index(row, NAME))
                self.playlist_view.setCurrentIndex(index)
                return

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

    def update_pair_actions(self) -> None:
        row = self._selected_playlist_row()
        pair = self.playlist_model.pair_at(row) if row is not None else None
        playlist = self.playlist_model.playlist_at(row) if row is not None else None
        mode = pair.mode if pair else self.modes.get(playlist.id) if playlist else None
        for each, action in self.mode_actions.items():
            action.setEnabled(playlist is not None)
            action.setChecked(each is (mode or SyncMode.ADD) and playlist is not None)
        removed = self.library.pairs().last_removals(pair.pair_id) if pair else []
        left = [r for r in removed if not r.restored]
        self.restore_action.setEnabled(
            bool(left) and pair is not None and pair.pair_id not in self._putting_back
        )
        self.restore_action.setText(
            f"Put &back what the last sync removed ({len(left)})"
            if left
            else "Put &back what the last sync removed"
        )
        self.unlink_action.setEnabled(pair is not None)
        self.demo_change_action.setEnabled(self.library.demo)

    def _playlist_context_menu(self, point: QPoint) -> None:
        self.update_pair_actions()
        self.pair_menu.exec(self.playlist_view.viewport().mapToGlobal(point))

    def set_pair_mode(self, mode: SyncMode) -> None:
        """The selected playlist's mode (its pair's, or the one its first sync will make)."""
        row = self._selected_playlist_row()
        if row is None:
            return
        playlist, pair = self.playlist_model.playlist_at(row), self.playlist_model.pair_at(row)
        if mode is SyncMode.EXACT and not self._confirm_exact(playlist):
            self.update_pair_actions()
            return
        if pair is not None:
            self.library.pairs().set_mode(pair.pair_id, mode)
        self.modes[playlist.id] = mode
        self.fill_playlists()
        self.run_status.say(f"“{playlist.name}”: {mode.words} from the next sync.")

    def _confirm_exact(self, playlist: Playlist) -> bool:
        target = self.target.display_name
        answer = QMessageBox.warning(
            self.window(),
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
        self.library.pairs().unlink(pair.pair_id)
        self.fill_playlists()
        self.run_status.say(f"Unlinked {pair.describe()}; both playlists stay as they are.")

    def restore_removals(self) -> None:
        """Put back what the selected pair's last sync removed, saying so until it is done
        (and not a second time meanwhile)."""
        row = self._selected_playlist_row()
        pair = self.playlist_model.pair_at(row) if row is not None else None
        if pair is None or pair.pair_id in self._putting_back:
            return
        pairs = self.library.pairs()
        removed = [r for r in pairs.last_removals(pair.pair_id) if not r.restored]
        service = self.library.services[pair.target]
        self._putting_back[pair.pair_id] = pair
        self.update_pair_actions()
        self.run_status.doing(
            f"Putting back {plural(len(removed), 'track')} in {_target_words(pair)}…"
        )
        # Each entry marked back as soon as it is, its add journaled: a window closed or a
        # process killed halfway puts back only the rest next time, never one twice.
        restore = partial(
            put_back_last_removals, pairs, pair, service, self.library.context().store
        )
        self.tasks.run((RESTORE, pair.pair_id), restore)

    @Slot(object, object)
    def _on_task_done(self, tag: object, result: object) -> None:
        if self.library.closed or not (isinstance(tag, tuple) and tag[0] == RESTORE):
            return
        pair = self._putting_back.pop(int(tag[1]))
        self.run_status.done(
            f"Put back {plural(int(str(result)), 'track')} in {_target_words(pair)}."
        )
        self.reload_playlists()

    @Slot(object, str)
    def _on_task_failed(self, tag: object, message: str) -> None:
        if isinstance(tag, tuple) and tag[0] == RESTORE:
            pair = self._putting_back.pop(int(tag[1]))
            self.update_pair_actions()
            self.run_status.done(f"Could not put them back in {_target_words(pair)}: {message}")

    # -- the demo library -----------------------------------------------------------------------

    def open_demo_change(self) -> None:
        if not self.library.demo:
            return
        from songbird_gui.services.demo import DemoService
        from songbird_gui.services.demo_change import change_playlist
        from songbird_gui.ui.demo_change_dialog import DemoChangeDialog

        service = self.library.services[self.source]
        if not isinstance(service, DemoService):  # playlist files change in their own files
            self.run_status.say(
                "Demo ▸ Change changes a demo service's playlist: choose a direction from "
                "Spotify or YouTube Music first."
            )
            return
        row = self._selected_playlist_row()
        chosen = self.playlist_model.playlist_at(row).id if row is not None else None
        dialog = DemoChangeDialog(
            self.playlists.get(self.source, []), chosen, self.source.display_name, self.window()
        )
        if dialog.exec() and (playlist := dialog.chosen_playlist()) is not None:
            lines = change_playlist(
                service.server,
                playlist.id,
                remove=dialog.removals.value(),
                add=dialog.additions.value(),
                move=dialog.moves.value(),
            )
            self.run_status.say(
                f"“{playlist.name}”: {len(lines)} changes. Press Sync to follow them."
            )
            self.reload_playlists()
        dialog.deleteLater()


def _target_words(pair: SyncPair) -> str:
    """ "“Road Trip” on YouTube Music": where a pair writes."""
    return f"“{pair.target_name}” on {pair.target.display_name}"
