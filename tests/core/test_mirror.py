"""Mirror planning by example: each rule of a pair's sync on a small playlist a person can read.

Source tracks are lower-case letters on Spotify; each matches the upper-case letter on YouTube
Music ("a" → "A"). X, Y and Z are tracks the person added by hand on the target. `apply_plan`
carries a plan out as the writer would (removals by index, additions appended, then each move
on the list as it is), so every example checks the order a person would see, not just counts.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import pytest

from songbird_gui.core.mirror import (
    MirrorPlan,
    Move,
    Snapshot,
    SnapshotEntry,
    check_removals,
    plan_mirror,
    snapshot_after,
)
from songbird_gui.core.types import Entry, ServiceId, SyncMode, Track, TrackKind

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC
ADD, MIRROR, EXACT = SyncMode.ADD, SyncMode.MIRROR, SyncMode.EXACT


def source_of(letters: str) -> list[Track]:
    """One source entry per letter; "_" is an entry the service no longer has."""
    return [
        Track(SP, None, "(removed)", kind=TrackKind.UNAVAILABLE)
        if c == "_"
        else Track(SP, c, f"Song {c}")
        for c in letters
    ]


def target_of(letters: str, handles: Sequence[str | None] | None = None) -> list[Entry]:
    """One target entry per letter ("_": removed from the service), with optional handles."""
    handles = handles if handles is not None else [None] * len(letters)
    return [
        Entry(
            Track(YT, None, "(removed)", kind=TrackKind.UNAVAILABLE)
            if c == "_"
            else Track(YT, c, f"Song {c}"),
            handle,
        )
        for c, handle in zip(letters, handles, strict=True)
    ]


def matches_of(source: Sequence[Track]) -> dict[str, str]:
    return {t.key: t.id.upper() for t in source if t.id}


def apply_plan(
    plan: MirrorPlan,
    target: Sequence[Entry],
    handle: Callable[[str], str | None] = lambda track_id: None,
) -> list[Entry]:
    """Carry out `plan` on `target` as the writer would; `handle` names each added copy."""
    removed = {r.index for r in plan.removals}
    assert len(removed) == len(plan.removals)  # nothing removed twice
    for removal in plan.removals:
        assert target[removal.index] == removal.entry
    entries = [e for i, e in enumerate(target) if i not in removed]
    entries += [Entry(Track(YT, t, f"Song {t}"), handle(t)) for t in plan.additions]
    for move in plan.moves:
        apply_move(entries, move)
    return entries


def apply_move(entries: list[Entry], move: Move) -> None:
    """`move_entry`: entries[index] goes just before entries[before] (None: to the end)."""
    assert entries[move.index].track.id == move.entry.track.id
    assert move.before != move.index
    entry = entries.pop(move.index)
    if move.before is None:
        entries.append(entry)
    else:
        entries.insert(move.before if move.before < move.index else move.before - 1, entry)


def ids(entries: Sequence[Entry]) -> str:
    return "".join(e.track.id or "_" for e in entries)


def synced(letters: str, handles: bool = False) -> tuple[list[Entry], Snapshot]:
    """A target that a mirror sync of `letters` just wrote, and the snapshot that sync left."""
    source = source_of(letters)
    counter = itertools.count()
    plan = plan_mirror(MIRROR, source, matches_of(source), [], None)
    target = apply_plan(plan, [], (lambda t: f"h{next(counter)}") if handles else (lambda t: None))
    return target, snapshot_after(plan, source, target)


def plan(
    mode: SyncMode,
    source: str,
    target: Sequence[Entry] | str,
    snapshot: Snapshot | None = None,
    *,
    follow_order: bool = True,
) -> tuple[MirrorPlan, list[Entry]]:
    """Plan a sync and carry it out; returns the plan and the target after it."""
    tracks = source_of(source)
    entries = target_of(target) if isinstance(target, str) else list(target)
    result = plan_mirror(
        mode, tracks, matches_of(tracks), entries, snapshot, follow_order=follow_order
    )
    after = apply_plan(result, entries)
    assert tuple(e.track.id for e in after) == result.final
    return result, after


# -- mirror: what left the source leaves the target -------------------------------------------


def test_a_track_removed_from_the_source_leaves_the_target() -> None:
    target, snapshot = synced("abcd")
    result, after = plan(MIRROR, "abd", target, snapshot)
    assert [(r.index, r.entry.track.id, r.reason) for r in result.removals] == [
        (2, "C", "left the source")
    ]
    assert result.additions == () and result.moves == ()
    assert ids(after) == "ABD"


def test_a_hand_added_track_stays_and_keeps_its_neighbour() -> None:
    target, snapshot = synced("abc")
    target.insert(2, Entry(Track(YT, "X", "Song X")))  # the person adds X after B: A B X C
    result, after = plan(MIRROR, "cab", target, snapshot)  # and moves C first on the source
    assert result.removals == ()
    assert result.hand_added == (2,)
    assert ids(after) == "CABX"  # X still follows B
    assert len(result.moves) == 1  # C to the front: A, B and X keep their places
    assert result.stands_for == (0, 1, 2, None)  # source entries c, a, b; X is the person's


def test_a_hand_added_track_at_the_very_start_stays_there() -> None:
    target, snapshot = synced("ab")
    target.insert(0, Entry(Track(YT, "X", "Song X")))
    result, after = plan(MIRROR, "ba", target, snapshot)
    assert ids(after) == "XBA"
    assert result.hand_added == (0,)
    assert len(result.moves) == 1


def test_a_hand_added_track_whose_neighbour_left_follows_the_entry_before_it() -> None:
    target, snapshot = synced("abc")
    target.insert(2, Entry(Track(YT, "X", "Song X")))  # A B X C
    result, after = plan(MIRROR, "ca", target, snapshot)  # B leaves, C goes first
    assert [r.entry.track.id for r in result.removals] == ["B"]
    assert ids(after) == "CAX"  # X now follows A, which it followed once B was gone


def test_the_first_mirror_sync_removes_nothing_but_follows_the_order() -> None:
    result, after = plan(MIRROR, "ba", "AXB", None)
    assert result.removals == ()
    assert result.hand_added == (1,)
    assert ids(after) == "BAX"  # X travels with A, which it followed


def test_mirror_removes_only_copies_songbird_wrote_by_handle() -> None:
    target, snapshot = synced("ab", handles=True)  # A (h0), B (h1)
    target.insert(0, Entry(Track(YT, "A", "Song A"), "mine"))  # the person's own copy of A
    result, after = plan(MIRROR, "b", target, snapshot)
    assert [(r.index, r.entry.handle) for r in result.removals] == [(1, "h0")]
    assert [(e.track.id, e.handle) for e in after] == [("A", "mine"), ("B", "h1")]


def test_mirror_without_handles_removes_the_last_copies_it_owns() -> None:
    target, snapshot = synced("ab")
    target.insert(0, Entry(Track(YT, "A", "Song A")))  # A A B: one A is the person's
    result, after = plan(MIRROR, "b", target, snapshot)
    assert [r.index for r in result.removals] == [1]  # Songbird owns one copy: the last goes
    assert ids(after) == "AB"


def test_mirror_keeps_a_track_the_person_added_by_hand_when_it_leaves_the_source() -> None:
    target, snapshot = synced("abc")
    target.append(Entry(Track(YT, "X", "Song X")))
    # X was never Songbird's: even a source that never listed it leaves it alone.
    result, after = plan(MIRROR, "ac", target, snapshot)
    assert [r.entry.track.id for r in result.removals] == ["B"]
    assert ids(after) == "ACX"


def test_mirror_never_adds_a_second_copy() -> None:
    result, after = plan(MIRROR, "aba", "A")
    assert result.additions == ("B",)
    assert ids(after) == "AB"
    result, after = plan(MIRROR, "aba", "AB")
    assert not result.changes


def test_mirror_keeps_an_entry_the_service_no_longer_has() -> None:
    target, snapshot = synced("ab")
    target.insert(1, target_of("_")[0])
    result, after = plan(MIRROR, "ba", target, snapshot)
    assert result.removals == () and result.hand_added == (1,)
    assert ids(after) == "BA_"  # it travels with A, the entry before it


# -- exact mirror ----------------------------------------------------------------------------------


def test_exact_mirror_removes_everything_else_even_on_the_first_sync() -> None:
    result, after = plan(EXACT, "ab", "XA_B", None)
    assert [(r.index, r.reason) for r in result.removals] == [
        (0, "not in the source (exact mirror)"),
        (2, "removed or unavailable on the service (exact mirror)"),
    ]
    assert ids(after) == "AB" and result.hand_added == ()


def test_a_duplicate_in_the_source_under_exact_is_kept() -> None:
    result, after = plan(EXACT, "aba", "AB")
    assert result.additions == ("A",)
    assert ids(after) == "ABA" and result.moves == ()


def test_exact_removes_copies_the_source_lists_fewer_times() -> None:
    result, after = plan(EXACT, "ab", "ABA")
    assert [(r.index, r.reason) for r in result.removals] == [
        (2, "listed more times than in the source (exact mirror)")
    ]
    assert ids(after) == "AB"


def test_exact_pairs_the_copies_of_a_track_so_that_fewest_entries_move() -> None:
    # Taking the copies of T in order (first T → first place) would need two moves; pairing
    # the first T with the second place needs one: B goes between the two copies.
    result, after = plan(EXACT, "atbt", "TATB")
    assert ids(after) == "ATBT"
    assert len(result.moves) == 1
    # The surplus copy that goes is the one out of place.
    result, after = plan(EXACT, "at", "TAT")
    assert [r.index for r in result.removals] == [0]
    assert result.moves == () and ids(after) == "AT"


# -- order -----------------------------------------------------------------------------------------


def test_a_reordered_source_takes_the_fewest_moves() -> None:
    result, after = plan(MIRROR, "abcdef", "BCDEFA")
    assert ids(after) == "ABCDEF"
    assert len(result.moves) == 1  # A to the front; B..F keep their places
    assert result.moves[0].entry.track.id == "A"
    assert (result.moves[0].index, result.moves[0].before) == (5, 0)

    result, after = plan(MIRROR, "abcdef", "FEDCBA")
    assert ids(after) == "ABCDEF"
    assert len(result.moves) == 5  # reversed: only one entry can stay

    result, after = plan(EXACT, "abcdefgh", "ACBDFEGH")
    assert ids(after) == "ABCDEFGH"
    assert len(result.moves) == 2


def test_additions_are_appended_then_moved_into_place() -> None:
    result, after = plan(MIRROR, "xab", "AB")
    assert result.additions == ("X",)
    assert [(m.index, m.before, m.entry.track.id) for m in result.moves] == [(2, 0, "X")]
    assert ids(after) == "XAB"


def test_moves_are_given_on_the_list_as_it_is_before_each_one() -> None:
    result, after = plan(MIRROR, "abcde", "EDCBA")
    assert ids(after) == "ABCDE"
    assert len(result.moves) == 4
    entries = target_of("EDCBA")
    for move in result.moves:
        assert entries[move.index].track.id == move.entry.track.id
        apply_move(entries, move)
    assert ids(entries) == "ABCDE"


def test_liked_songs_follow_removals_only() -> None:
    target, snapshot = synced("abcd")
    result, after = plan(MIRROR, "dcae", target, snapshot, follow_order=False)
    assert [r.entry.track.id for r in result.removals] == ["B"]
    assert result.moves == ()
    assert result.additions == ("E",)
    assert ids(after) == "ACDE"


def test_add_only_adds_and_never_removes_or_moves() -> None:
    target, snapshot = synced("abcd")
    result, after = plan(ADD, "dcbe", target, snapshot)
    assert result.removals == () and result.moves == ()
    assert result.additions == ("E",)
    assert ids(after) == "ABCDE"
    assert result.hand_added == (0,)  # A stands for no source entry now


# -- the snapshot ----------------------------------------------------------------------------------


def test_the_snapshot_names_the_copy_written_for_each_source_entry() -> None:
    source = source_of("ab_a")
    target = target_of("B", ["h0"])
    result = plan_mirror(MIRROR, source, matches_of(source), target, None)
    after = apply_plan(result, target, lambda t: "new")
    assert snapshot_after(result, source, after) == Snapshot(
        (
            SnapshotEntry("spotify:a", "A", "new"),
            SnapshotEntry("spotify:b", "B", "h0"),
            SnapshotEntry("spotify:None", None),
            SnapshotEntry("spotify:a", None),  # listed twice: one copy, named once
        )
    )


def test_a_copy_that_did_not_land_is_not_in_the_snapshot() -> None:
    source = source_of("ab")
    result = plan_mirror(MIRROR, source, matches_of(source), target_of("B"), None)
    written = target_of("B")  # the addition of A failed
    snapshot = snapshot_after(result, source, written)
    assert snapshot.entries == (
        SnapshotEntry("spotify:a", None),
        SnapshotEntry("spotify:b", "B"),
    )


@pytest.mark.parametrize("handles", [True, False])
def test_a_copy_a_cut_short_write_did_not_remove_is_still_songbirds(handles: bool) -> None:
    target, snapshot = synced("abc", handles=handles)
    source = source_of("ac")  # b left; the write was cut short before it removed B
    cut_short = plan_mirror(MIRROR, source, matches_of(source), target, snapshot)
    assert [r.entry.track.id for r in cut_short.removals] == ["B"]
    left = snapshot_after(cut_short, source, target, snapshot)  # read back: B still there
    again = plan_mirror(MIRROR, source, matches_of(source), target, left)
    assert [r.entry.track.id for r in again.removals] == ["B"]  # not taken for the person's
    after = apply_plan(again, target)
    final = plan_mirror(
        MIRROR, source, matches_of(source), after, snapshot_after(again, source, after, left)
    )
    assert not final.changes  # once removed, nothing of it is left to remove


def test_a_second_sync_changes_nothing() -> None:
    target, snapshot = synced("abc", handles=True)
    target.insert(1, Entry(Track(YT, "X", "Song X"), "mine"))
    source = source_of("cba")
    first = plan_mirror(MIRROR, source, matches_of(source), target, snapshot)
    after = apply_plan(first, target)
    second = plan_mirror(
        MIRROR, source, matches_of(source), after, snapshot_after(first, source, after)
    )
    assert not second.changes and second.final == first.final


# -- the guard -------------------------------------------------------------------------------------


def removing(count: int, size: int) -> tuple[MirrorPlan, Snapshot]:
    """A mirror plan that removes `count` entries of a `size`-entry target."""
    letters = [f"t{i}" for i in range(size)]
    tracks = [Track(SP, t, t) for t in letters]
    matches = {t.key: t.id.upper() for t in tracks if t.id}
    target = [Entry(Track(YT, t.upper(), t)) for t in letters]
    snapshot = Snapshot(tuple(SnapshotEntry(t.key, matches[t.key]) for t in tracks))
    result = plan_mirror(MIRROR, tracks[count:], matches, target, snapshot)
    assert len(result.removals) == count
    return result, snapshot


def test_the_guard_stops_above_20_percent() -> None:
    result, snapshot = removing(21, 100)
    verdict = check_removals(result, 100, 79, snapshot)
    assert verdict.stop
    assert verdict.reason == "would remove 21 of 100 entries (21%): more than 20% of the playlist"
    result, snapshot = removing(20, 100)
    assert not check_removals(result, 100, 80, snapshot).stop


def test_the_guard_stops_above_50_entries() -> None:
    result, snapshot = removing(51, 1000)
    verdict = check_removals(result, 1000, 949, snapshot)
    assert verdict.stop
    assert verdict.reason == "would remove 51 of 1000 entries (5.1%): more than 50 entries"
    result, snapshot = removing(50, 1000)
    assert not check_removals(result, 1000, 950, snapshot).stop


def test_the_guard_judges_small_playlists_by_the_count_alone() -> None:
    result, snapshot = removing(4, 5)
    assert not check_removals(result, 5, 1, snapshot).stop  # 80%, but only 4 entries
    result, snapshot = removing(2, 6)
    assert check_removals(result, 6, 4, snapshot).stop  # 33% of 6


def test_the_guard_lets_through_what_was_allowed() -> None:
    result, snapshot = removing(60, 200)
    assert check_removals(result, 200, 140, snapshot, allowed=59).stop
    verdict = check_removals(result, 200, 140, snapshot, allowed=60)
    assert not verdict.stop
    assert verdict.reason.startswith("would remove 60 of 200 entries (30%)")
    assert "allowed (up to 60)" in verdict.reason


def test_the_guard_never_trusts_an_empty_source_read_silently() -> None:
    # 40 of 400 is only 10%, but the source read came back empty.
    target, snapshot = synced("abcdefghijklmnopqrstuvwxyz")
    target += [Entry(Track(YT, f"X{i}", "hand")) for i in range(374)]
    result = plan_mirror(MIRROR, [], {}, target, snapshot)
    assert len(result.removals) == 26
    verdict = check_removals(result, len(target), 0, snapshot)
    assert verdict.stop
    assert verdict.reason.startswith(
        "the source read came back empty though it had 26 entries at the last sync"
    )
    assert "may have come back short" in verdict.reason
    assert check_removals(result, len(target), 0, snapshot, allowed=25).stop
    assert not check_removals(result, len(target), 0, snapshot, allowed=26).stop


def test_removing_nothing_never_stops() -> None:
    result = plan_mirror(MIRROR, [], {}, target_of("AB"), None)
    verdict = check_removals(result, 2, 0, Snapshot((SnapshotEntry("spotify:a", "A"),)))
    assert not verdict.stop and verdict.reason == "removes nothing"
    add_only = plan_mirror(ADD, [], {}, target_of("AB"), None)
    assert not check_removals(add_only, 2, 0, None).stop
