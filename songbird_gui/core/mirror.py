"""Mirror planning: what one sync of a pair removes, adds and moves on the target, before any write.

A pair in *add only* mode adds what the target lacks. In *mirror* mode it also removes what left
the source since the last sync, but only entries Songbird put there or found there (the
snapshot of the last sync says which): what the person added by hand on the target stays. In
*exact mirror* the target becomes the source and everything else goes. In both mirror modes the
target then follows the source's order with the fewest single-item moves.

How many copies of a target track `t` the target should hold, d(t): in exact mirror, as many as
source entries map to `t` (the source's own duplicates are kept); otherwise one if any does.
Each mode adds what is missing, max(0, d(t) − held(t)) copies, and never more.

What goes. Add only removes nothing. Mirror removes Songbird's copies beyond d(t), and only
those: min(held(t), owned(t)) − d(t), where owned(t) counts the snapshot's entries naming `t`;
the occurrences the snapshot names by handle where it has handles, else the last ones. Exact
mirror removes every copy beyond d(t), Songbird's or not, and every entry without an id. The
first sync of a pair (no snapshot) removes nothing, but in exact mirror. (Where a service
removes every occurrence of a track at once, the writer puts back the copies that stay.)

The order. After the removals, with the additions appended, every entry either *stands for* a
source entry or is the person's ("hand-added"). The entries that stand for source entries go
in source order; the person's stay right after the entry they followed (those at the very
start stay there), so a run of them travels with the entry before it. The moves keep a longest
increasing subsequence of the current order (by desired position) and move every other entry
once, so their number is the fewest possible: entries minus that subsequence's length.

Ties. In exact mirror, two copies of one track are interchangeable: which copy takes which of
the track's places (and which surplus copies are removed) is chosen by a longest common
subsequence of the current and the desired order (Hunt–Szymanski: a longest increasing
subsequence over each entry's candidate places), which minimises the moves. In mirror mode,
where a track the source lists is held twice without a handle to tell Songbird's copy from the
person's, the copy kept in a longest increasing run of the entries that stand for the source
is taken as Songbird's: when some choice needs no move at all, this finds one, so a second
sync never moves anything.

The module decides and never sends anything: the writer turns the plan into requests.
Everything is O(n log n) in the size of the playlists (ties aside: a track listed more than
about 64 times falls back to pairing its copies in order, still correct, perhaps not minimal).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from songbird_gui.core.types import ONLINE_SERVICES, Entry, ServiceId, SyncMode, Track

# The guard against mass removal (see `check_removals`).
GUARD_SHARE_PERCENT = 20  # more than this share of the target stops the sync
GUARD_COUNT = 50  # more than this many entries stops the sync
GUARD_SMALL_PLAYLIST = 5  # playlists this small are judged by the count alone

# Above this many (copies × places) for one track, its copies are paired with its places in
# order instead of searching every pairing (which would grow with the square of the copies).
_TIE_SEARCH_LIMIT = 4096

LEFT_THE_SOURCE = "left the source"
FEWER_IN_THE_SOURCE = "a copy the source no longer lists"
NOT_IN_THE_SOURCE = "not in the source (exact mirror)"
MORE_THAN_THE_SOURCE = "listed more times than in the source (exact mirror)"
UNAVAILABLE = "removed or unavailable on the service (exact mirror)"


@dataclass(frozen=True, slots=True)
class SnapshotEntry:
    """One source entry at the last sync and the target entry Songbird wrote or found for it."""

    source_key: str  # Track.key of the source entry
    target_id: str | None  # the target track that stands for it (None: none)
    target_handle: str | None = None  # that occurrence's handle where the service has one


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The source's entries in order at the last sync; what mirror mode counts as Songbird's.

    A target copy is Songbird's when a snapshot entry names it: by its handle where the entry
    has one, else by count (a track named twice owns two copies). A source entry with no copy
    of its own (the second of two entries that share one target copy) names none.
    """

    entries: tuple[SnapshotEntry, ...]


@dataclass(frozen=True, slots=True)
class Removal:
    index: int  # in the target as read, before any step
    entry: Entry
    reason: str  # in words, for the report


@dataclass(frozen=True, slots=True)
class Move:
    index: int  # of the entry to move, in the list as it is just before this move
    before: int | None  # it goes just before the entry now at this index (None: to the end)
    entry: Entry


@dataclass(frozen=True, slots=True)
class MirrorPlan:
    """What one sync does to the target: removals, then additions appended, then moves.

    Attributes:
        removals: in the order of their index in the target as read.
        additions: target ids to append, in source order.
        moves: single-item moves, each on the list as the moves before it left it.
        final: the target's track ids once all is done, in order (None: an entry without an
            id, which only an exact mirror removes).
        hand_added: indices (in the target as read) of entries kept as the person's: they
            stand for no source entry.
        stands_for: for each entry of `final`, the index of the source entry it stands for,
            or None for the person's; `snapshot_after` builds the next snapshot from it.
    """

    mode: SyncMode
    removals: tuple[Removal, ...]
    additions: tuple[str, ...]
    moves: tuple[Move, ...]
    final: tuple[str | None, ...]
    hand_added: tuple[int, ...]
    stands_for: tuple[int | None, ...] = ()

    @property
    def changes(self) -> bool:
        return bool(self.removals or self.additions or self.moves)


@dataclass(frozen=True, slots=True)
class GuardVerdict:
    stop: bool
    reason: str  # in words, for the window and the command line


# -- planning --------------------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class _Token:
    """One entry of the target while planning: as read (`index`), or one to add (`index` None)."""

    index: int | None
    entry: Entry
    stands_for: int | None = None  # the source entry it stands for (None: the person's)
    slot: int = -1  # its place in the desired order
    kept: bool = False  # in the longest increasing subsequence: it does not move

    @property
    def track_id(self) -> str | None:
        return self.entry.track.id or None


def plan_mirror(
    mode: SyncMode,
    source: Sequence[Track],
    matches: Mapping[str, str],
    target: Sequence[Entry],
    snapshot: Snapshot | None,
    *,
    follow_order: bool = True,
) -> MirrorPlan:
    """Plan one sync of a pair (see the module's docstring for the rules).

    `source` is the source's entries now, in order, unsyncable ones included; a source entry
    counts when `matches` maps its `Track.key` to a target id (a match of this run, a
    remembered one, or a track found already in the target). `target` is the target now, in
    order. `snapshot` is the pair's last sync (None: its first, which removes nothing except
    in exact mirror). `follow_order` False (Liked Songs): removals and additions only; the
    service orders the entries.
    """
    wanted = _wanted(mode, source, matches)
    places: dict[str, list[int]] = defaultdict(list)  # target id -> its places in `wanted`
    for place, (_, track_id) in enumerate(wanted):
        places[track_id].append(place)
    copies: dict[str, list[int]] = defaultdict(list)  # target id -> its indices in the target
    for index, entry in enumerate(target):
        if entry.track.id:
            copies[entry.track.id].append(index)

    # What is missing: a track's last places are the new copies' (the held ones come first).
    missing = _added_places(places, copies)
    service = _target_service(target, source)
    tokens = [_Token(index, entry) for index, entry in enumerate(target)]
    added = [
        _Token(
            None,
            Entry(_added_track(service, wanted[place][1], source[wanted[place][0]])),
            stands_for=wanted[place][0],
        )
        for place in missing
    ]

    if mode is SyncMode.EXACT:
        removed = _plan_exact(wanted, places, copies, tokens, added, follow_order)
    else:
        removed = {} if mode is SyncMode.ADD else _mirror_removals(target, places, copies, snapshot)
        _assign_roles(wanted, places, copies, tokens, added, removed, snapshot, mode, follow_order)

    current = [token for token in tokens if token.index not in removed] + added
    reorder = follow_order and mode is not SyncMode.ADD
    if reorder:
        if mode is SyncMode.MIRROR:
            _desired_order(current)
        moves = _moves(current)
        final = sorted(current, key=lambda token: token.slot)
    else:
        moves = []
        final = current

    return MirrorPlan(
        mode=mode,
        removals=tuple(
            Removal(index, target[index], reason) for index, reason in sorted(removed.items())
        ),
        additions=tuple(wanted[place][1] for place in missing),
        moves=tuple(moves),
        final=tuple(token.track_id for token in final),
        hand_added=tuple(
            token.index for token in current if token.index is not None and token.stands_for is None
        ),
        stands_for=tuple(token.stands_for for token in final),
    )


def _wanted(
    mode: SyncMode, source: Sequence[Track], matches: Mapping[str, str]
) -> list[tuple[int, str]]:
    """The target's desired entries in source order: (source index, target id).

    Exact mirror keeps every source entry that maps to a target id; the other modes the first
    entry of each target id (never a duplicate the source does not have).
    """
    wanted: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, track in enumerate(source):
        target_id = matches.get(track.key) if track.id else None
        if not target_id:
            continue
        if mode is not SyncMode.EXACT:
            if target_id in seen:
                continue
            seen.add(target_id)
        wanted.append((index, target_id))
    return wanted


def _target_service(target: Sequence[Entry], source: Sequence[Track]) -> ServiceId:
    if target:
        return target[0].track.service
    # No target entry to read it from: then nothing added is ever moved, and only the report
    # shows these entries.
    others = [s for s in ONLINE_SERVICES if not source or s is not source[0].service]
    return others[0]


def _added_track(service: ServiceId, track_id: str, source: Track) -> Track:
    """A target track to add, described by its source track (for the report's words)."""
    return Track(service, track_id, source.title, source.artists, source.album, source.duration_ms)


def _mirror_removals(
    target: Sequence[Entry],
    places: Mapping[str, list[int]],
    copies: Mapping[str, list[int]],
    snapshot: Snapshot | None,
) -> dict[int, str]:
    """Mirror mode: Songbird's copies beyond what the source wants, index -> reason.

    Songbird's copies of a track are those whose handle a snapshot entry names, plus as many
    others as snapshot entries name the track without a handle. Those named by handle go
    first, then the last other copies.
    """
    if snapshot is None:
        return {}
    handles: dict[str, set[str]] = defaultdict(set)
    loose: Counter[str] = Counter()
    for item in snapshot.entries:
        if item.target_id is None:
            continue
        if item.target_handle is None:
            loose[item.target_id] += 1
        else:
            handles[item.target_id].add(item.target_handle)
    removed: dict[int, str] = {}
    for track_id, indices in copies.items():
        named = handles.get(track_id, set())
        mine = [i for i in indices if target[i].handle is not None and target[i].handle in named]
        taken = set(mine)
        others = [i for i in indices if i not in taken]
        desired = len(places.get(track_id, ()))
        owned = len(mine) + min(loose[track_id], len(others))
        surplus = owned - desired
        if surplus <= 0:
            continue
        reason = LEFT_THE_SOURCE if desired == 0 else FEWER_IN_THE_SOURCE
        for index in (mine[::-1] + others[::-1])[:surplus]:
            removed[index] = reason
    return removed


def _assign_roles(
    wanted: Sequence[tuple[int, str]],
    places: Mapping[str, list[int]],
    copies: Mapping[str, list[int]],
    tokens: Sequence[_Token],
    added: Sequence[_Token],
    removed: Mapping[int, str],
    snapshot: Snapshot | None,
    mode: SyncMode,
    follow_order: bool,
) -> None:
    """Add only and mirror: which copy of each wanted track stands for its source entry.

    One copy per wanted track stands; the rest are the person's. A copy Songbird named by
    handle stands; failing that the only copy, or (mirror, in order) the copy that keeps a
    longest increasing run of the standing entries, or else the first.
    """
    named: dict[str, set[str]] = defaultdict(set)  # target id -> handles Songbird named
    if snapshot is not None and mode is SyncMode.MIRROR:
        for item in snapshot.entries:
            if item.target_id is not None and item.target_handle is not None:
                named[item.target_id].add(item.target_handle)
    ties: dict[str, list[_Token]] = {}
    for track_id, its_places in places.items():
        remaining = [tokens[i] for i in copies.get(track_id, ()) if i not in removed]
        if not remaining:
            continue
        source_index = wanted[its_places[0]][0]
        mine = named.get(track_id, set())
        by_handle = [t for t in remaining if t.entry.handle is not None and t.entry.handle in mine]
        if by_handle:
            by_handle[0].stands_for = source_index
        elif len(remaining) == 1 or mode is SyncMode.ADD or not follow_order:
            remaining[0].stands_for = source_index
        else:
            ties[track_id] = remaining
    if not ties:
        return

    # Mirror, a track held more than once with no handle to tell: keep the copy that lies on a
    # longest increasing run of the entries that stand (or could stand) for source entries.
    tie_source = {
        id(t): wanted[places[track_id][0]][0] for track_id, ts in ties.items() for t in ts
    }
    current = [t for t in tokens if t.index not in removed] + list(added)
    candidates: list[list[int]] = []
    for token in current:
        if token.stands_for is not None:
            candidates.append([token.stands_for])
        elif id(token) in tie_source:
            candidates.append([tie_source[id(token)]])
        else:
            candidates.append([])
    chosen = _chain(candidates)
    for token, slot in zip(current, chosen, strict=True):
        if slot >= 0 and id(token) in tie_source:
            token.stands_for = slot
    for track_id, group in ties.items():
        if all(t.stands_for is None for t in group):
            group[0].stands_for = wanted[places[track_id][0]][0]


def _added_places(places: Mapping[str, list[int]], copies: Mapping[str, list[int]]) -> list[int]:
    """The places (in `wanted`) of the copies to add: each track's last, in source order."""
    return sorted(
        place
        for track_id, its_places in places.items()
        for place in its_places[len(copies.get(track_id, ())) :]
    )


def _desired_order(current: Sequence[_Token]) -> None:
    """Mirror: each entry's slot in the desired order, and which entries keep their place.

    The standing entries sort by their source entry; the person's entries travel with the
    standing entry before them (those before any stay at the start), in their order.
    """
    anchor = -1
    keys: list[tuple[int, int, int]] = []
    for position, token in enumerate(current):
        if token.stands_for is not None:
            anchor = token.stands_for
            keys.append((anchor, 0, 0))
        else:
            keys.append((anchor, 1, position))
    order = sorted(range(len(current)), key=keys.__getitem__)
    for slot, position in enumerate(order):
        current[position].slot = slot
    for token, slot in zip(current, _chain([[t.slot] for t in current]), strict=True):
        token.kept = slot >= 0


def _plan_exact(
    wanted: Sequence[tuple[int, str]],
    places: Mapping[str, list[int]],
    copies: Mapping[str, list[int]],
    tokens: Sequence[_Token],
    added: Sequence[_Token],
    follow_order: bool,
) -> dict[int, str]:
    """Exact mirror: the removals, and each remaining entry's slot (its place in `wanted`).

    Every entry stands for a source entry. Which copy of a track takes which of its places,
    and which surplus copies go, is chosen by a longest common subsequence with the desired
    order, so that the fewest entries move.
    """
    removed: dict[int, str] = {}
    for token in tokens:
        assert token.index is not None
        if token.track_id is None:
            removed[token.index] = UNAVAILABLE
        elif token.track_id not in places:
            removed[token.index] = NOT_IN_THE_SOURCE

    groups: dict[str, list[_Token]] = {
        track_id: [tokens[i] for i in copies.get(track_id, ())] for track_id in places
    }
    for token in added:
        assert token.track_id is not None
        groups[token.track_id].append(token)

    if not follow_order:
        for track_id, group in groups.items():
            its_places = places[track_id]
            for token in group[len(its_places) :]:
                assert token.index is not None  # only held copies are ever surplus
                removed[token.index] = MORE_THAN_THE_SOURCE
            for token, place in zip(group, its_places, strict=False):
                token.slot = place
                token.stands_for = wanted[place][0]
        return removed

    # Each copy's candidate places, in decreasing order (Hunt–Szymanski).
    candidates: dict[int, list[int]] = {}
    for track_id, group in groups.items():
        its_places = places[track_id]
        if len(group) * len(its_places) <= _TIE_SEARCH_LIMIT:
            descending = its_places[::-1]
            for token in group:
                candidates[id(token)] = descending
        else:  # too many copies to search every pairing: pair them in order
            for token in group[len(its_places) :]:
                assert token.index is not None
                removed[token.index] = MORE_THAN_THE_SOURCE
            for token, place in zip(group, its_places, strict=False):
                candidates[id(token)] = [place]
    current = [t for t in tokens if t.index not in removed] + list(added)
    chosen = _chain([candidates.get(id(token), []) for token in current])
    for token, slot in zip(current, chosen, strict=True):
        if slot >= 0:
            token.slot, token.kept = slot, True

    # The copies off the common subsequence: the last surplus ones go, the rest take the
    # places left, in order (they move anyway).
    for track_id, group in groups.items():
        group = [t for t in group if t.index not in removed]
        its_places = places[track_id]
        free = sorted(set(its_places) - {t.slot for t in group if t.kept})
        loose = [t for t in group if not t.kept and t.slot < 0]
        surplus = len(group) - len(its_places)
        if surplus > 0:
            for token in loose[len(loose) - surplus :]:
                assert token.index is not None
                removed[token.index] = MORE_THAN_THE_SOURCE
            loose = loose[: len(loose) - surplus]
        for token, place in zip(loose, free, strict=False):
            token.slot = place
        for token in group:
            if token.slot >= 0:
                token.stands_for = wanted[token.slot][0]
    return removed


# -- sequences -------------------------------------------------------------------------------------


def _chain(candidates: Sequence[Sequence[int]]) -> list[int]:
    """A longest chain of strictly increasing values, taking at most one value per item.

    `candidates[i]` are item i's possible values in decreasing order (one value each: a
    longest increasing subsequence; several: Hunt–Szymanski's longest common subsequence).
    Returns the value each item takes in the chain, or -1. O(R log n) for R candidates.
    """
    tails: list[int] = []  # tails[k]: the smallest last value of a chain of length k + 1
    tail_nodes: list[int] = []
    node_item: list[int] = []
    node_value: list[int] = []
    node_prev: list[int] = []
    for item, values in enumerate(candidates):
        for value in values:
            k = bisect_left(tails, value)
            node_item.append(item)
            node_value.append(value)
            node_prev.append(tail_nodes[k - 1] if k else -1)
            node = len(node_item) - 1
            if k == len(tails):
                tails.append(value)
                tail_nodes.append(node)
            else:
                tails[k] = value
                tail_nodes[k] = node
    chosen = [-1] * len(candidates)
    node = tail_nodes[-1] if tail_nodes else -1
    while node >= 0:
        chosen[node_item[node]] = node_value[node]
        node = node_prev[node]
    return chosen


class _Counts:
    """A Fenwick tree of 0/1 counts: how many entries lie before a position, in O(log n)."""

    def __init__(self, size: int) -> None:
        self._tree = [0] * (size + 1)

    def add(self, position: int, delta: int) -> None:
        position += 1
        while position < len(self._tree):
            self._tree[position] += delta
            position += position & -position

    def before(self, position: int) -> int:
        total = 0
        while position > 0:
            total += self._tree[position]
            position -= position & -position
        return total


def _moves(current: Sequence[_Token]) -> list[Move]:
    """The single-item moves that put `current` in slot order, moving only the unkept entries.

    The entries to move go in slot order, each just before the kept entry that follows it in
    the desired order (or to the end): entries placed earlier have smaller slots, so each
    lands right after them. The indices are read off a Fenwick tree over every position an
    entry occupies at some point (its first one, and the one it is moved to).
    """
    n = len(current)
    kept = sorted((t.slot, i) for i, t in enumerate(current) if t.kept)
    to_move = sorted((t.slot, i) for i, t in enumerate(current) if not t.kept)
    if not to_move:
        return []
    keys: list[tuple[int, int, int]] = [(i, 1, 0) for i in range(n)]
    landing: list[int | None] = []
    k = 0
    for sequence, (slot, _) in enumerate(to_move):
        while k < len(kept) and kept[k][0] < slot:
            k += 1
        before = kept[k][1] if k < len(kept) else None
        landing.append(before)
        keys.append((n if before is None else before, 0, sequence))
    rank = [0] * len(keys)
    for position, key in enumerate(sorted(range(len(keys)), key=keys.__getitem__)):
        rank[key] = position
    counts = _Counts(len(keys))
    for i in range(n):
        counts.add(rank[i], 1)
    moves: list[Move] = []
    for sequence, ((_, i), before) in enumerate(zip(to_move, landing, strict=True)):
        index = counts.before(rank[i])
        at = None if before is None else counts.before(rank[before])
        counts.add(rank[i], -1)
        counts.add(rank[n + sequence], 1)
        moves.append(Move(index, at, current[i].entry))
    return moves


# -- after the sync --------------------------------------------------------------------------------


def snapshot_after(
    plan: MirrorPlan,
    source: Sequence[Track],
    written: Sequence[Entry],
    previous: Snapshot | None = None,
) -> Snapshot:
    """The snapshot this sync leaves: each source entry with the target copy that stands for it,
    then the copies of `previous` that are Songbird's still.

    `written` is the target read back after the write (for the handles of the copies just
    added). Where it is exactly `plan.final`, copies are found by position; otherwise the k-th
    copy of a track in the plan is the k-th in `written`, and a copy that did not land is
    recorded as none (so the next sync adds it again).

    A copy Songbird wrote or found stays its own until a sync removes it: one whose source
    entry left (or was left out) while the pair only added, or while a write was cut short
    before its removal, is kept in the snapshot under its old source entry, so that a mirror
    removes it later rather than taking it for the person's.
    """
    handles: list[str | None] = []
    present: list[bool] = []
    if [e.track.id or None for e in written] == list(plan.final):
        handles = [e.handle for e in written]
        present = [True] * len(written)
    else:
        seen_in_written: dict[str, list[str | None]] = defaultdict(list)
        for entry in written:
            if entry.track.id:
                seen_in_written[entry.track.id].append(entry.handle)
        seen: Counter[str] = Counter()
        for track_id in plan.final:
            if track_id is None:
                handles.append(None)
                present.append(False)
                continue
            copies = seen_in_written.get(track_id, [])
            k = seen[track_id]
            seen[track_id] += 1
            handles.append(copies[k] if k < len(copies) else None)
            present.append(k < len(copies))
    by_source: dict[int, tuple[str | None, str | None]] = {}
    for position, source_index in enumerate(plan.stands_for):
        if source_index is not None and present[position]:
            by_source[source_index] = (plan.final[position], handles[position])
    standing = [
        SnapshotEntry(track.key, *by_source.get(index, (None, None)))
        for index, track in enumerate(source)
    ]
    return Snapshot((*standing, *_still_held(previous, standing, written)))


def _still_held(
    previous: Snapshot | None, standing: Sequence[SnapshotEntry], written: Sequence[Entry]
) -> list[SnapshotEntry]:
    """The copies `previous` named that are still in the target and that no source entry
    stands for now: by handle where the entry has one, else by count."""
    if previous is None:
        return []
    same = Counter((e.source_key, e.target_id) for e in standing if e.target_id)
    held_handles = {e.handle for e in written if e.handle}
    held = Counter(e.track.id for e in written if e.track.id)
    taken = Counter(e.target_id for e in standing if e.target_id)
    taken_handles = {e.target_handle for e in standing if e.target_handle}
    kept = []
    for entry in previous.entries:
        track_id = entry.target_id
        if track_id is None:
            continue
        if same[(entry.source_key, track_id)]:  # the same entry stands for the same track
            same[(entry.source_key, track_id)] -= 1
            continue
        handle = entry.target_handle
        if handle is not None:
            if handle not in held_handles or handle in taken_handles:
                continue
            taken_handles.add(handle)
        elif taken[track_id] >= held[track_id]:
            continue
        taken[track_id] += 1
        kept.append(entry)
    return kept


# -- the guard -------------------------------------------------------------------------------------


def check_removals(
    plan: MirrorPlan,
    target_size: int,
    source_size: int,
    snapshot: Snapshot | None,
    allowed: int | None = None,
) -> GuardVerdict:
    """Whether a plan removes too much to be written without asking (a short or empty read).

    It stops when the plan removes more than 20% of the target or more than 50 entries
    (targets of 5 entries or fewer: by the count alone), unless `allowed` covers the removals.
    An empty source read where the last snapshot had entries always stops unless `allowed`
    covers the removals. Removing nothing never stops.
    """
    count = len(plan.removals)
    if count == 0:
        return GuardVerdict(False, "removes nothing")
    what = f"would remove {count} of {target_size} entries ({_percent(count, target_size)})"
    permitted = allowed is not None and count <= allowed
    allowance = f"; allowed (up to {allowed})"
    had = len(snapshot.entries) if snapshot is not None else 0
    if source_size == 0 and had:
        reason = (
            f"the source read came back empty though it had {had} entries at the last sync "
            f"(the read may have come back short): {what}"
        )
        return GuardVerdict(False, reason + allowance) if permitted else GuardVerdict(True, reason)
    limits = []
    if target_size > GUARD_SMALL_PLAYLIST and count * 100 > GUARD_SHARE_PERCENT * target_size:
        limits.append(f"more than {GUARD_SHARE_PERCENT}% of the playlist")
    if count > GUARD_COUNT:
        limits.append(f"more than {GUARD_COUNT} entries")
    if not limits:
        return GuardVerdict(False, what)
    reason = f"{what}: {' and '.join(limits)}"
    return GuardVerdict(False, reason + allowance) if permitted else GuardVerdict(True, reason)


def _percent(count: int, total: int) -> str:
    if total <= 0:
        return "all"
    return f"{100 * count / total:.1f}".removesuffix(".0") + "%"
