"""Correcting a wrong match where Songbird already wrote it: the old target track is replaced
by the new one in every target playlist whose pair's last sync put it (or found it) there for
that source track, at the same position, once.

Where the wrong track stands is read from each pair's snapshot (which target track stands for
which source entry, by the entry's handle where the service has them). Per playlist:

1. read the playlist; the copy to replace is the snapshot's (by handle), else the one nearest
   to where it was first seen;
2. put the new track right before it: added at that position where the service takes one
   (Spotify), else appended and moved there (YouTube Music); a copy the playlist holds already
   (the person may have added the right track by hand) is moved there instead of adding
   another, so it is there once; in Liked Songs, whose order the service keeps, it is only
   added;
3. remove the old copy. Where removing removes every copy of a track (Spotify), the other
   copies are put back at their places, the putting back journaled first (as the pair writer
   does, with the same journal step, so a sync finishes it if this is cut short);
4. update the pair's snapshot: its entry now names the new track (and its handle), so the next
   mirror sync neither takes the new track for one the person added by hand nor the old one
   for one that left the source.

Every write goes through the write journal: a "replace" step ([old id, new id, position, old
copies before, source key, pair id]) is planned before the first request and confirmed after
the last. The steps are idempotent, decided on what a fresh read shows: an answer lost on the
way (or a run killed half way, found by `finish_interrupted`) is finished from what is there,
never sent again blindly: the new track is not added twice, no second old copy is removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from songbird_gui.core.errors import Cancelled, ServiceError
from songbird_gui.core.mirror import Snapshot, SnapshotEntry
from songbird_gui.core.pair_writer import REINSERT
from songbird_gui.core.pairs import PairStore, snapshot_from_json, snapshot_to_json
from songbird_gui.core.retry import RetryPolicy
from songbird_gui.core.service import MusicService
from songbird_gui.core.store import MatchStore
from songbird_gui.core.throttle import current_scope
from songbird_gui.core.types import Entry, Playlist, PlaylistKind, ServiceId

REPLACE = "replace"


@dataclass(frozen=True, slots=True)
class Holding:
    """A target playlist whose pair's last sync wrote or found the old track for the source
    track; `handle` names that very copy where the service has handles."""

    pair_id: int
    playlist: Playlist
    handle: str | None = None

    @property
    def liked(self) -> bool:
        return self.playlist.is_liked


@dataclass(frozen=True, slots=True)
class Replacement:
    """What to replace: `old_id` by `new_id`, for the source track `source_key`, in each of
    `holdings` (all on one target service)."""

    source_key: str
    old_id: str
    new_id: str
    holdings: tuple[Holding, ...]


@dataclass(frozen=True, slots=True)
class ReplaceOutcome:
    """What became of one playlist, in words (`note`); `position` (0-based) is where the new
    track stands now, None when nothing was written."""

    playlist: str
    done: bool
    position: int | None = None
    note: str = ""

    def sentence(self) -> str:
        return f"“{self.playlist}”: {self.note}"


def holdings(
    store: MatchStore, source_key: str, target_service: ServiceId, old_id: str
) -> list[Holding]:
    """The target playlists where Songbird put `old_id` for this source track (pairs whose
    playlist is paused, gone, are left out)."""
    pairs = PairStore(store)
    found = []
    for pair in pairs.all():
        if pair.target is not target_service or pair.paused:
            continue
        snapshot = pairs.snapshot(pair.pair_id)
        if snapshot is None:
            continue
        for entry in snapshot.entries:
            if entry.source_key == source_key and entry.target_id == old_id:
                kind = PlaylistKind.LIKED if pair.liked else PlaylistKind.NORMAL
                playlist = Playlist(pair.target, pair.target_id, pair.target_name, kind=kind)
                found.append(Holding(pair.pair_id, playlist, entry.target_handle))
                break
    return found


def replace_everywhere(
    service: MusicService, store: MatchStore, policy: RetryPolicy, replacement: Replacement
) -> list[ReplaceOutcome]:
    """Replace in every playlist of `replacement`; call inside a request scope. A playlist
    that fails is reported in words and the others still go; Stop raises Cancelled."""
    outcomes = []
    for holding in replacement.holdings:
        try:
            outcomes.append(_Replacer(service, store, policy, replacement, holding).run())
        except Cancelled:
            raise
        except ServiceError as error:
            name = holding.playlist.name
            outcomes.append(ReplaceOutcome(name, False, None, f"not replaced: {error}"))
    return outcomes


def finish_interrupted(
    service: MusicService, store: MatchStore, policy: RetryPolicy
) -> list[ReplaceOutcome]:
    """Finish the replacements a run killed half way left in the journal (call inside a
    request scope, with `service` the target service of those steps)."""
    pairs = PairStore(store)
    outcomes = []
    for batch, playlist_id, ids in store.journal_unconfirmed_batches(
        service.service_id, None, REPLACE
    ):
        old_id, new_id, position, old_before, source_key, pair_id = ids
        pair = pairs.get(int(pair_id))
        if pair is None or pair.target_id != playlist_id:
            store.journal_confirmed(batch)  # its pair is gone: nothing to finish
            continue
        handle = next(
            (
                e.target_handle
                for e in (pairs.snapshot(pair.pair_id) or Snapshot(())).entries
                if e.source_key == source_key and e.target_id == old_id
            ),
            None,
        )
        kind = PlaylistKind.LIKED if pair.liked else PlaylistKind.NORMAL
        holding = Holding(
            pair.pair_id, Playlist(pair.target, pair.target_id, pair.target_name, kind=kind), handle
        )
        replacer = _Replacer(
            service, store, policy, Replacement(source_key, old_id, new_id, (holding,)), holding
        )
        # The copies its removal took with it, if it was cut short before putting them back.
        for step, _, (track_id, _removed, *positions) in store.journal_unconfirmed_batches(
            service.service_id, playlist_id, REINSERT
        ):
            if track_id == old_id:
                replacer.pending_reinsert = (step, track_id, [int(p) for p in positions])
        try:
            outcomes.append(replacer.resume(batch, int(position), int(old_before)))
        except ServiceError as error:
            outcomes.append(ReplaceOutcome(pair.target_name, False, None, f"not finished: {error}"))
    return outcomes


@dataclass
class _Replacer:
    """One playlist's replacement (see the module's docstring for the steps)."""

    service: MusicService
    store: MatchStore
    policy: RetryPolicy
    replacement: Replacement
    holding: Holding
    # The putting back of copies this replacement removed with the one it meant to remove
    # (Spotify), planned and not yet confirmed: (journal step, track id, positions).
    pending_reinsert: tuple[int, str, list[int]] | None = None

    @property
    def playlist(self) -> Playlist:
        return self.holding.playlist

    def _read(self) -> list[Entry]:
        if current_scope().cancel.cancelled:
            raise Cancelled()
        return self.service.playlist_entries(self.playlist)

    def run(self) -> ReplaceOutcome:
        old_id, new_id = self.replacement.old_id, self.replacement.new_id
        entries = self._read()
        index = _locate(entries, old_id, self.holding.handle, None)
        if index is None:
            if any(e.track.id == new_id for e in entries):
                self._update_snapshot(entries)
                return ReplaceOutcome(self.playlist.name, True, None, "holds the new track already")
            return ReplaceOutcome(
                self.playlist.name,
                False,
                None,
                "the old track is no longer there (removed since the last sync): nothing changed",
            )
        old_before = sum(1 for e in entries if e.track.id == old_id)
        step = self.store.journal_planned(
            self.service.service_id,
            self.playlist.id,
            [
                old_id,
                new_id,
                str(index),
                str(old_before),
                self.replacement.source_key,
                str(self.holding.pair_id),
            ],
            kind=REPLACE,
        )
        return self.resume(step, index, old_before)

    def resume(self, step: int, index: int, old_before: int) -> ReplaceOutcome:
        """Bring the playlist to the replaced state from whatever it holds now, confirm the
        journal step, and update the snapshot."""
        scope = current_scope()
        entries = self.policy.repeat(
            lambda: self._converge(index, old_before), scope.cancel, scope.stats
        )
        self.store.journal_confirmed(step)
        position = self._update_snapshot(entries)
        where = f" at #{position + 1}" if position is not None and not self.holding.liked else ""
        return ReplaceOutcome(self.playlist.name, True, position, f"replaced{where}")

    def _converge(self, index: int, old_before: int) -> list[Entry]:
        """One attempt: each step decided on a fresh read, so that a step whose answer was
        lost is not sent twice. Returns the playlist as it is at the end."""
        old_id, new_id = self.replacement.old_id, self.replacement.new_id
        entries = self._read()
        entries = self._finish_reinsert(entries)
        if sum(1 for e in entries if e.track.id == old_id) < old_before:
            return entries  # the old copy is gone: done (the new one went in before it)
        target = self._copy_to_replace(entries, index)
        if target is None:
            new_at = next((i for i, e in enumerate(entries) if e.track.id == new_id), None)
            if new_at is None:
                self._insert(entries, _locate(entries, old_id, self.holding.handle, index))
            elif not self.holding.liked:
                old_at = _locate(entries, old_id, self.holding.handle, index)
                assert old_at is not None
                self.service.move_entry(self.playlist, entries, new_at, old_at)
            entries = self._read()
            target = self._copy_to_replace(entries, index)
            if target is None:
                # Liked Songs, or a service that placed it elsewhere: the old copy by itself.
                target = _locate(entries, old_id, self.holding.handle, index)
                if target is None:
                    return entries
        self._remove(entries, target)
        return self._read()

    def _copy_to_replace(self, entries: Sequence[Entry], index: int) -> int | None:
        """The old copy with the new track right before it (nearest to `index`), if any."""
        old_id, new_id = self.replacement.old_id, self.replacement.new_id
        handle = self.holding.handle
        if handle is not None and not any(e.handle == handle for e in entries):
            handle = None  # the service named the copy anew: by place, then
        pairs = [
            i
            for i in range(1, len(entries))
            if entries[i].track.id == old_id
            and entries[i - 1].track.id == new_id
            and (handle is None or entries[i].handle == handle)
        ]
        return min(pairs, key=lambda i: abs(i - index), default=None)

    def _insert(self, entries: Sequence[Entry], before: int | None) -> None:
        new_id = self.replacement.new_id
        if self.holding.liked or before is None:
            self.service.add_tracks(self.playlist, [new_id])
            return
        if self.service.limits.removes_every_occurrence:  # it takes a position (Spotify)
            self.service.add_tracks(self.playlist, [new_id], position=before)
            return
        self.service.add_tracks(self.playlist, [new_id])
        now = self._read()
        self.service.move_entry(self.playlist, now, len(now) - 1, before)

    def _remove(self, entries: list[Entry], index: int) -> None:
        old_id = self.replacement.old_id
        every = [i for i, e in enumerate(entries) if e.track.id == old_id]
        if not self.service.limits.removes_every_occurrence or len(every) == 1:
            self.service.remove_entries(self.playlist, entries, [index])
            return
        # Every copy goes: the others are put back where they are, journaled first.
        remaining = [e for i, e in enumerate(entries) if i != index]
        kept = [i for i, e in enumerate(remaining) if e.track.id == old_id]
        step = self.store.journal_planned(
            self.service.service_id,
            self.playlist.id,
            [old_id, "1", *map(str, kept)],
            kind=REINSERT,
        )
        self.pending_reinsert = (step, old_id, kept)
        self.service.remove_entries(self.playlist, entries, every)
        self._finish_reinsert(None)

    def _finish_reinsert(self, entries: list[Entry] | None) -> list[Entry]:
        """Put back the copies the last removal took with it, those not back yet."""
        if self.pending_reinsert is None:
            return entries if entries is not None else self._read()
        step, track_id, positions = self.pending_reinsert
        current = entries if entries is not None else self._read()
        held = sum(1 for e in current if e.track.id == track_id)
        # The one copy meant to go is gone: the others come back at their places.
        for position in positions[held:]:
            self.service.add_tracks(self.playlist, [track_id], position=position)
        self.store.journal_confirmed(step)
        self.pending_reinsert = None
        return self._read()

    def _update_snapshot(self, entries: Sequence[Entry]) -> int | None:
        """The pair's snapshot names the new track (and its handle) for the source track;
        returns where the new track stands."""
        new_id = self.replacement.new_id
        position = next((i for i, e in enumerate(entries) if e.track.id == new_id), None)
        handle = entries[position].handle if position is not None else None
        update_snapshot(
            self.store,
            self.holding.pair_id,
            self.replacement.source_key,
            self.replacement.old_id,
            new_id,
            handle,
        )
        return position


def update_snapshot(
    store: MatchStore,
    pair_id: int,
    source_key: str,
    old_id: str,
    new_id: str,
    new_handle: str | None,
) -> None:
    """In one transaction: the pair's snapshot entries of `source_key` that named `old_id`
    name `new_id` (with its handle) instead."""
    with store.transaction() as db:
        row = db.execute("SELECT snapshot FROM pairs WHERE pair_id=?", (pair_id,)).fetchone()
        snapshot = snapshot_from_json(str(row[0])) if row and row[0] is not None else None
        if snapshot is None:
            return
        entries = tuple(
            SnapshotEntry(e.source_key, new_id, new_handle)
            if e.source_key == source_key and e.target_id == old_id
            else e
            for e in snapshot.entries
        )
        db.execute(
            "UPDATE pairs SET snapshot=? WHERE pair_id=?",
            (snapshot_to_json(Snapshot(entries)), pair_id),
        )


def _locate(
    entries: Sequence[Entry], track_id: str, handle: str | None, near: int | None
) -> int | None:
    """Where the copy of `track_id` to replace stands: the one with `handle` when the service
    names copies, else the one nearest to `near` (the first when `near` is None)."""
    if handle is not None:
        for i, entry in enumerate(entries):
            if entry.track.id == track_id and entry.handle == handle:
                return i
    at = [i for i, e in enumerate(entries) if e.track.id == track_id]
    if not at:
        return None
    return at[0] if near is None else min(at, key=lambda i: abs(i - near))
