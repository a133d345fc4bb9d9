"""Reading and planning a run's playlists (on a worker thread), each within its sync pair.

A source playlist that has a pair goes to the pair's target, found by id (it may have been
renamed); one whose target is gone is set aside with the reason, and its pair paused: nothing
is re-created behind the person's back. A playlist without a pair goes to the target's
playlist of the same name, or to a new one; its pair is made when it is first written,
unless a pair syncs that very playlist back into it (the two would undo each other): then it
is set aside with the reason before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from songbird_gui.core.mirror import Snapshot
from songbird_gui.core.pairs import SyncPair
from songbird_gui.core.planner import find_target_playlist, plan_sync
from songbird_gui.core.throttle import gather
from songbird_gui.core.types import Entry, Playlist, ServiceId, SyncMode, SyncPlan
from songbird_gui.engine.context import SyncContext


@dataclass(frozen=True)
class PairSetup:
    """What a plan's pair brings: its mode and last snapshot, and the target as read."""

    pair: SyncPair | None  # None: no pair yet (made when the playlist is first written)
    mode: SyncMode
    snapshot: Snapshot | None
    target_entries: tuple[Entry, ...]
    # Why nothing is synced (the pair's playlist is gone, or a pair syncs the other way); "".
    paused: str = ""


def _pair_target(pair: SyncPair, listed: Sequence[Playlist]) -> Playlist | None:
    return next((p for p in listed if p.id == pair.target_id), None)


def make_plans(
    context: SyncContext,
    source_id: ServiceId,
    target_id: ServiceId,
    playlists: list[Playlist],
    target_playlists: list[Playlist] | None,
    modes: Mapping[str, SyncMode],
) -> list[tuple[SyncPlan, PairSetup]]:
    """Read and plan each playlist's sync; `modes` sets the mode of some (by source id).

    Reads what can be read at once together; one round trip waits for another only where it
    must (the target's list says which of its playlists to read).
    """
    source = context.services[source_id]
    target = context.services[target_id]
    pairs = context.pairs
    found = {p.id: pairs.find(source_id, p.id, target_id) for p in playlists}
    source_reads = [partial(source.playlist_tracks, p) for p in playlists]

    def targets_of(
        listed: Sequence[Playlist],
    ) -> tuple[list[Playlist | None], dict[str, Callable[[], list[Entry]]]]:
        existing = []
        for playlist in playlists:
            pair = found[playlist.id]
            existing.append(
                _pair_target(pair, listed) if pair else find_target_playlist(playlist, listed)
            )
        wanted: dict[str, Callable[[], list[Entry]]] = {
            e.id: partial(target.playlist_entries, e) for e in existing if e
        }
        return existing, wanted

    source_tracks: list[list[Any]]
    held_lists: list[list[Entry]]
    if target_playlists is None:
        reads: list[Callable[[], Any]] = [target.list_playlists, *source_reads]
        listed, *source_tracks = gather(reads)
        existing, wanted = targets_of(listed)
        held_lists = gather(list(wanted.values()))
    else:
        existing, wanted = targets_of(target_playlists)
        together: list[Callable[[], Any]] = [*source_reads, *wanted.values()]
        both = gather(together)
        source_tracks, held_lists = both[: len(playlists)], both[len(playlists) :]
    held = dict(zip(wanted, held_lists, strict=True))
    plans = []
    for playlist, tracks, existing_target in zip(playlists, source_tracks, existing, strict=True):
        pair = found[playlist.id]
        entries = held[existing_target.id] if existing_target else []
        mode = modes.get(playlist.id) or (pair.mode if pair else SyncMode.ADD)
        paused = ""
        if pair is not None and existing_target is not None and pair.paused:
            pairs.unpause(pair.pair_id)  # its playlist is back
        if pair is not None and existing_target is None:
            paused = (
                f"“{pair.target_name}” is no longer on {target_id.display_name}: the pair "
                "is paused (unlink it, or choose where it goes)."
            )
            pairs.pause(pair.pair_id, paused)
        if pair is None and existing_target is not None:
            paused = pairs.syncing_back(playlist, existing_target) or ""
        plan = plan_sync(
            playlist,
            tracks,
            target_id,
            existing_target,
            [e.track for e in entries],
            context.store,
            context.matcher,
        )
        snapshot = pairs.snapshot(pair.pair_id) if pair else None
        plans.append((plan, PairSetup(pair, mode, snapshot, tuple(entries), paused)))
    return plans
