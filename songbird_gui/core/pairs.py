"""Sync pairs: a source playlist remembered with the target playlist it keeps in sync.

Syncing a playlist creates (or reuses) its pair: the source service and playlist id, the target
service and playlist id, its mode (add only, mirror, exact mirror), its schedule, and a
snapshot of the last sync (the source's entries in order, with the target track Songbird wrote
or found for each), which mirror mode needs to tell what left the source from what the person
added by hand. Pairs are keyed by ids, so they survive renames on either side (the names kept
here are only what to show). They live in the match store (`PairStore` over `MatchStore`), so
the demo library's pairs stay in the demo's own store, apart from the person's.

A pair whose playlist was deleted is paused with the reason, never re-created behind the
person's back; two pairs that would sync two playlists into each other are refused. The
removals of each pair's last sync are kept, so that they can be put back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from songbird_gui.core.mirror import Snapshot, SnapshotEntry
from songbird_gui.core.store import MatchStore, track_from_dict, track_to_dict
from songbird_gui.core.types import LIKED_PLAYLIST_ID, Playlist, ServiceId, SyncMode, Track


def ago(seconds: float) -> str:
    """How long ago, in words: "just now", "5 min ago", "2 h ago", "3 days ago"."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} days ago"


class PairConflict(ValueError):
    """A pair that cannot be made; `str(error)` says why, in words."""


@dataclass(frozen=True, slots=True)
class SyncPair:
    pair_id: int
    source: ServiceId
    source_id: str
    source_name: str
    target: ServiceId
    target_id: str
    target_name: str
    mode: SyncMode = SyncMode.ADD
    schedule_h: int = 0  # sync every this many hours; 0: only when asked
    created_at: float = 0.0
    synced_at: float | None = None
    paused: str = ""  # why the pair is paused (its playlist was deleted), "" when it is not

    @property
    def liked(self) -> bool:
        """Liked songs to liked songs. A service's liked list has the id LIKED_PLAYLIST_ID;
        a file's (YourLibrary.json) is known by its folder, like any file playlist, so the
        target's id says it."""
        return LIKED_PLAYLIST_ID in (self.source_id, self.target_id)

    def synced_words(self, now: float) -> str:
        """ "synced 2 h ago", "never synced"."""
        if self.synced_at is None:
            return "never synced"
        return f"synced {ago(now - self.synced_at)}"

    def describe(self) -> str:
        """ "Road Trip (Spotify) → Road Trip (YouTube Music), mirror"."""
        return (
            f"{self.source_name} ({self.source.display_name}) → {self.target_name} "
            f"({self.target.display_name}), {self.mode.words}"
        )


@dataclass(frozen=True, slots=True)
class RemovedEntry:
    """A target entry a mirror removed: enough to put it back where it was."""

    position: int
    track: Track
    removed_at: float
    restored: bool = False


_COLUMNS = (
    "pair_id, source_service, source_id, source_name, target_service, target_id, target_name,"
    " mode, schedule_h, created_at, synced_at, paused"
)


def _pair(row: Sequence[Any]) -> SyncPair:
    return SyncPair(
        int(row[0]),
        ServiceId(row[1]),
        str(row[2]),
        str(row[3]),
        ServiceId(row[4]),
        str(row[5]),
        str(row[6]),
        SyncMode(row[7]),
        int(row[8]),
        float(row[9]),
        None if row[10] is None else float(row[10]),
        str(row[11]),
    )


def snapshot_to_json(snapshot: Snapshot) -> str:
    return json.dumps(
        [[e.source_key, e.target_id, e.target_handle] for e in snapshot.entries],
        ensure_ascii=False,
    )


def snapshot_from_json(text: str) -> Snapshot | None:
    try:
        rows = json.loads(text)
        return Snapshot(
            tuple(
                SnapshotEntry(
                    str(key), None if t is None else str(t), None if h is None else str(h)
                )
                for key, t, h in rows
            )
        )
    except (ValueError, TypeError):
        return None  # unreadable: as if the pair had never synced (removes nothing)


class PairStore:
    """The pairs kept in one match store (the person's, or the demo library's)."""

    def __init__(self, store: MatchStore, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock

    def all(self) -> list[SyncPair]:
        rows = self._store.rows(f"SELECT {_COLUMNS} FROM pairs ORDER BY pair_id")
        return [_pair(row) for row in rows]

    def source_ids(self, source: ServiceId) -> list[str]:
        """The ids of the source playlists that pairs sync from `source` (the file source
        looks for its remembered playlists by them)."""
        rows = self._store.rows(
            "SELECT DISTINCT source_id FROM pairs WHERE source_service=?", (str(source),)
        )
        return [str(row[0]) for row in rows]

    def get(self, pair_id: int) -> SyncPair | None:
        rows = self._store.rows(f"SELECT {_COLUMNS} FROM pairs WHERE pair_id=?", (pair_id,))
        return _pair(rows[0]) if rows else None

    def find(self, source: ServiceId, source_id: str, target: ServiceId) -> SyncPair | None:
        """The pair that syncs this source playlist to `target`, if there is one."""
        rows = self._store.rows(
            f"SELECT {_COLUMNS} FROM pairs WHERE source_service=? AND source_id=? "
            "AND target_service=?",
            (str(source), source_id, str(target)),
        )
        return _pair(rows[0]) if rows else None

    def ensure(self, source: Playlist, target: Playlist, mode: SyncMode | None = None) -> SyncPair:
        """The pair of `source` and `target`, made if it is new (add only, unless `mode`).

        An existing pair keeps its mode unless `mode` is given, and learns the playlists'
        names as they are now. Raises PairConflict for a pair that would sync `target` back
        into `source`, or that would give `source` another target of the same service.
        """
        now = self._clock()
        refusal = self.refusal(source, target)
        if refusal:
            raise PairConflict(refusal)
        existing = self.find(source.service, source.id, target.service)
        if existing is not None:
            with self._store.transaction() as db:
                db.execute(
                    "UPDATE pairs SET source_name=?, target_name=?, mode=? WHERE pair_id=?",
                    (source.name, target.name, str(mode or existing.mode), existing.pair_id),
                )
            updated = self.get(existing.pair_id)
            assert updated is not None
            return updated
        with self._store.transaction() as db:
            cursor = db.execute(
                "INSERT INTO pairs (source_service, source_id, source_name, target_service,"
                " target_id, target_name, mode, created_at) VALUES (?,?,?,?,?,?,?,?)",
                (
                    str(source.service),
                    source.id,
                    source.name,
                    str(target.service),
                    target.id,
                    target.name,
                    str(mode or SyncMode.ADD),
                    now,
                ),
            )
            pair_id = int(cursor.lastrowid or 0)
        made = self.get(pair_id)
        assert made is not None
        return made

    def refusal(self, source: Playlist, target: Playlist) -> str:
        """Why syncing `source` into `target` cannot be a pair ("" when it can): `source`
        syncs to another playlist already, or `target` syncs into `source` (two pairs
        syncing two playlists into each other would undo each other's changes)."""
        existing = self.find(source.service, source.id, target.service)
        if existing is not None and existing.target_id != target.id:
            return (
                f"“{source.name}” already syncs to “{existing.target_name}” on "
                f"{target.service.display_name}; unlink that pair first."
            )
        back = self.find(target.service, target.id, source.service)
        if existing is None and back is not None and back.target_id == source.id:
            return (
                f"“{target.name}” on {target.service.display_name} already syncs into "
                f"“{source.name}”: two pairs syncing two playlists into each other would "
                "undo each other's changes. Unlink that pair first."
            )
        return ""

    def _update(self, pair_id: int, column: str, value: Any) -> None:
        with self._store.transaction() as db:
            db.execute(f"UPDATE pairs SET {column}=? WHERE pair_id=?", (value, pair_id))

    def set_mode(self, pair_id: int, mode: SyncMode) -> None:
        self._update(pair_id, "mode", str(mode))

    def set_schedule(self, pair_id: int, hours: int) -> None:
        self._update(pair_id, "schedule_h", max(0, int(hours)))

    def pause(self, pair_id: int, reason: str) -> None:
        """The pair syncs no more until the person looks (its playlist was deleted)."""
        self._update(pair_id, "paused", reason)

    def unpause(self, pair_id: int) -> None:
        self._update(pair_id, "paused", "")

    def unlink(self, pair_id: int) -> None:
        """Forget the pair (the playlists and the matches stay)."""
        with self._store.transaction() as db:
            db.execute("DELETE FROM pair_removals WHERE pair_id=?", (pair_id,))
            db.execute("DELETE FROM pairs WHERE pair_id=?", (pair_id,))

    def snapshot(self, pair_id: int) -> Snapshot | None:
        rows = self._store.rows("SELECT snapshot FROM pairs WHERE pair_id=?", (pair_id,))
        if not rows or rows[0][0] is None:
            return None
        return snapshot_from_json(str(rows[0][0]))

    def record_sync(
        self,
        pair_id: int,
        snapshot: Snapshot,
        removed: Sequence[tuple[int, Track]] = (),
        names: tuple[str, str] | None = None,
    ) -> None:
        """After a sync: the new snapshot, when, the playlists' names now, and what it
        removed (replacing the removals of the sync before), in one transaction."""
        now = self._clock()
        with self._store.transaction() as db:
            db.execute(
                "UPDATE pairs SET snapshot=?, synced_at=? WHERE pair_id=?",
                (snapshot_to_json(snapshot), now, pair_id),
            )
            if names is not None:
                db.execute(
                    "UPDATE pairs SET source_name=?, target_name=? WHERE pair_id=?",
                    (*names, pair_id),
                )
            if removed:
                db.execute("DELETE FROM pair_removals WHERE pair_id=?", (pair_id,))
                db.executemany(
                    "INSERT INTO pair_removals (pair_id, removed_at, position, track) "
                    "VALUES (?,?,?,?)",
                    [
                        (pair_id, now, position, json.dumps(track_to_dict(track)))
                        for position, track in removed
                    ],
                )

    def last_removals(self, pair_id: int) -> list[RemovedEntry]:
        """What the pair's last sync removed, in the order of their old positions."""
        rows = self._store.rows(
            "SELECT position, track, removed_at, restored_at FROM pair_removals "
            "WHERE pair_id=? ORDER BY position",
            (pair_id,),
        )
        return [
            RemovedEntry(int(p), track_from_dict(json.loads(t)), float(at), restored is not None)
            for p, t, at, restored in rows
        ]

    def mark_restored(self, pair_id: int, position: int | None = None) -> None:
        """The pair's last removals put back: all of them, or the one at `position`."""
        where = "" if position is None else " AND position=?"
        at = () if position is None else (position,)
        with self._store.transaction() as db:
            db.execute(
                "UPDATE pair_removals SET restored_at=? WHERE pair_id=? AND restored_at IS NULL"
                + where,
                (self._clock(), pair_id, *at),
            )
