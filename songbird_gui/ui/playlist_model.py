"""The left pane's model: the source service's playlists, each with a checkbox, where it goes,
and its sync pair (mode, when it last synced, or why it is paused).

A playlist the person only follows is listed, marked so up front and not checkable: since
February 2026 Spotify lets apps read only the person's own playlists, and finding that out as
a 403 in the middle of a run would cost the run. Its "Goes to" says so in three words, short
enough to leave Sync and Tracks in sight on a laptop; its tooltip and the status bar say why
(`followed_words`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from songbird_gui.core.pairs import SyncPair, ago
from songbird_gui.core.planner import find_target_playlist
from songbird_gui.core.schedule import Schedule
from songbird_gui.core.types import Playlist, ServiceId, SyncMode
from songbird_gui.engine.summary import plural
from songbird_gui.ui.table_model import FlatTableModel

Index = QModelIndex | QPersistentModelIndex

# Where each goes comes right after its name: that is what a person checks before Sync.
COLUMNS = ("Playlist", "Goes to", "Sync", "Tracks", "Owner")
NAME, TARGET, SYNC, TRACKS, OWNER = range(len(COLUMNS))
NEW = "new playlist"


FOLLOWED_NOTE = "followed — not syncable"  # the "Goes to" of a followed playlist


def followed_words(playlists: Sequence[Playlist]) -> str:
    """Why the followed playlists among `playlists` cannot be ticked, in one sentence ("" when
    there are none): "2 playlists you follow are not syncable: Spotify lets apps read only
    your own playlists." """
    followed = [p for p in playlists if p.is_followed]
    if not followed:
        return ""
    service = followed[0].service.display_name
    which = (
        "1 playlist you follow is"
        if len(followed) == 1
        else f"{len(followed)} playlists you follow are"
    )
    return f"{which} not syncable: {service} lets apps read only your own playlists."


NO_FILE_OPEN = (
    "No playlist file is open: File ▸ Open playlist file… (Ctrl+Shift+O) opens your Spotify "
    "data export (my_spotify_data.zip) or a CSV, M3U8, XSPF or JSPF file; or drop it here."
)


def listed_words(playlists: Mapping[ServiceId, Sequence[Playlist]], source: ServiceId) -> str:
    """What the list holds, for the status bar: how many playlists each service has (and the
    opened files, once there are), then what to do, and why a followed one has no checkbox."""
    counts = [
        f"{plural(len(listed), 'playlist')} on {service.display_name}"
        for service, listed in playlists.items()
        if service.is_online
    ]
    files = playlists.get(ServiceId.FILE, [])
    if files:
        counts.append(f"{plural(len(files), 'playlist')} from playlist files")
    shown = playlists.get(source, [])
    if source is ServiceId.FILE and not shown:
        return f"{', '.join(counts)}. {NO_FILE_OPEN}"
    said = [f"{', '.join(counts)}.", "Tick some and press Sync (Ctrl+R).", followed_words(shown)]
    return " ".join(part for part in said if part)


class PlaylistModel(FlatTableModel):
    """Signals: checkedChanged(): the set of ticked playlists changed."""

    COLUMNS = COLUMNS

    checkedChanged = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._playlists: list[Playlist] = []
        self._targets: list[Playlist | None] = []
        self._pairs: list[SyncPair | None] = []
        self._checked: set[str] = set()
        self._modes: dict[str, SyncMode] = {}
        self._clock: Callable[[], float] = time.time

    def set_playlists(
        self,
        playlists: Sequence[Playlist],
        targets: Sequence[Playlist],
        checked: Iterable[str] = (),
        pairs: Sequence[SyncPair] = (),
        modes: Mapping[str, SyncMode] | None = None,
    ) -> None:
        """`pairs`: the library's pairs towards the targets' service; a paired playlist
        goes to its pair's target (by id, whatever its name), others to the same name.
        `modes`: the mode chosen for a playlist with no pair yet, for its first sync."""
        self.beginResetModel()
        self._modes = dict(modes or {})
        self._playlists = list(playlists)
        by_source = {p.source_id: p for p in pairs}
        self._pairs = [by_source.get(p.id) for p in self._playlists]
        self._targets = [
            next((t for t in targets if t.id == pair.target_id), None)
            if pair
            else find_target_playlist(p, targets)
            for p, pair in zip(self._playlists, self._pairs, strict=True)
        ]
        ids = {p.id for p in self._playlists if not p.is_followed}
        self._checked = {i for i in checked if i in ids}
        self.endResetModel()
        self.checkedChanged.emit()

    def note_track_counts(self, counts: Mapping[str, int]) -> None:
        """The tracks each playlist (by id) held as a sync just read it: the list's count,
        from when it was listed, may be older."""
        for row, playlist in enumerate(self._playlists):
            count = counts.get(playlist.id)
            if count is not None and count != playlist.track_count:
                self._playlists[row] = replace(playlist, track_count=count)
                index = self.index(row, TRACKS)
                self.dataChanged.emit(index, index)

    def playlist_at(self, row: int) -> Playlist:
        return self._playlists[row]

    def pair_at(self, row: int) -> SyncPair | None:
        return self._pairs[row] if 0 <= row < len(self._pairs) else None

    def checked(self) -> list[Playlist]:
        return [p for p in self._playlists if p.id in self._checked]

    def checked_ids(self) -> list[str]:
        return [p.id for p in self.checked()]

    def set_checked(self, playlist_id: str, checked: bool) -> None:
        for row, playlist in enumerate(self._playlists):
            if playlist.id == playlist_id:
                self.setData(
                    self.index(row, NAME),
                    Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked,
                    Qt.ItemDataRole.CheckStateRole,
                )

    def row_count(self) -> int:
        return len(self._playlists)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == NAME and not self._playlists[index.row()].is_followed:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        playlist = self._playlists[index.row()]
        column = index.column()
        if playlist.is_followed:
            return self._followed_data(playlist, column, role)
        if role == Qt.ItemDataRole.CheckStateRole and column == NAME:
            checked = playlist.id in self._checked
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NAME:
                return playlist.name
            if column == TRACKS:
                return "" if playlist.track_count is None else str(playlist.track_count)
            if column == OWNER:
                return playlist.owner
            if column == TARGET:
                target = self._targets[index.row()]
                pair = self._pairs[index.row()]
                if target is None and pair is not None:
                    return f"{pair.target_name} (gone)"
                return target.name if target else NEW
            if column == SYNC:
                pair = self._pairs[index.row()]
                if pair is None:  # the mode chosen for its first sync, if not the default
                    chosen = self._modes.get(playlist.id, SyncMode.ADD)
                    return "not yet" if chosen is SyncMode.ADD else f"{chosen.value} · not yet"
                if pair.paused:
                    return f"{pair.mode.value} · paused"
                # Short, so that Tracks stays in sight on a laptop: the tooltip says it all.
                # What the person chose comes first, the time last: in a narrow pane the
                # time is what is cut ("mirror · every 6 h · 2 min…").
                at = pair.synced_at
                synced = "not yet" if at is None else ago(self._clock() - at)
                every = Schedule.of(pair.schedule_h).short  # "" when it has none
                shown = (pair.mode.value, every, synced)  # "add", "mirror", "exact"
                return " · ".join(part for part in shown if part)
        if role == Qt.ItemDataRole.ToolTipRole and column == SYNC:
            pair = self._pairs[index.row()]
            if pair is None:
                return "Syncing it makes a pair: its next syncs remember where it goes"
            if pair.paused:
                return pair.paused
            schedule = Schedule.of(pair.schedule_h)
            when = pair.synced_words(self._clock())
            if schedule is not Schedule.OFF:
                when += f", {schedule.words}"
            return f"{pair.describe()}; {when} (right-click or Sync ▸ Pair to change)"
        if role == Qt.ItemDataRole.ToolTipRole and column in (NAME, TARGET):
            target = self._targets[index.row()]
            # A file playlist's "owner" is the file it was read from.
            by = "from" if playlist.service is ServiceId.FILE else "by"
            owner = f"“{playlist.name}” {by} {playlist.owner}. " if playlist.owner else ""
            if target is None:
                return f"{owner}A new playlist “{playlist.name}” will be created"
            return f"{owner}Only the missing tracks will be added to “{target.name}”"
        if role == Qt.ItemDataRole.FontRole:
            if column == NAME and playlist.is_liked:
                font = QFont()
                font.setBold(True)
                return font
            if column == TARGET and self._targets[index.row()] is None:
                font = QFont()
                font.setItalic(True)
                return font
        return None

    def _followed_data(self, playlist: Playlist, column: int, role: int) -> Any:
        """A followed playlist's row: its name, why it cannot sync, no checkbox, greyed."""
        if role == Qt.ItemDataRole.DisplayRole:
            shown = {NAME: playlist.name, TARGET: FOLLOWED_NOTE, OWNER: playlist.owner}
            if column == TRACKS and playlist.track_count is not None:
                return str(playlist.track_count)
            return shown.get(column, "")
        if role == Qt.ItemDataRole.ToolTipRole:
            by = f" by {playlist.owner}" if playlist.owner else ""
            return (
                f"“{playlist.name}”{by} is a playlist you follow: since February 2026 "
                f"{playlist.service.display_name} lets apps read only the playlists you own "
                "or collaborate on, so it cannot be synced from here."
            )
        if role == Qt.ItemDataRole.ForegroundRole:
            return QApplication.palette().brush(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != NAME:
            return False
        if self._playlists[index.row()].is_followed:
            return False  # it cannot be read: never a source
        playlist_id = self._playlists[index.row()].id
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self._checked.add(playlist_id)
        else:
            self._checked.discard(playlist_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checkedChanged.emit()
        return True
