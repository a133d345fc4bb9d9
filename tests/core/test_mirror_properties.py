"""Properties of mirror planning over arbitrary pairs: what a person would see after a sync.

Sources list few tracks in any order and any number of times, with entries the service no
longer has; several source tracks may match one target track. Targets mix the person's own
tracks, copies of matched tracks, removed entries and duplicates, with or without handles.
Snapshots are random, or left by a real earlier sync after which both sides were edited.

Every plan is carried out entry by entry (`simulate`), each entry keeping its identity, so the
properties speak of entries, not only of ids: where each one ends up, which ones moved, which
stayed next to which.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_mirror import apply_move

from songbird_gui.core.mirror import (
    MirrorPlan,
    Snapshot,
    SnapshotEntry,
    plan_mirror,
    snapshot_after,
)
from songbird_gui.core.planner import additions
from songbird_gui.core.types import (
    Candidate,
    Decision,
    Entry,
    EntryState,
    MatchResult,
    PlanEntry,
    Playlist,
    ServiceId,
    SyncMode,
    SyncPlan,
    Track,
    TrackKind,
)

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC
SOURCE_IDS = list("abcdef")
TARGET_IDS = list("ABCDEFGH")  # G and H: only ever the person's


# -- carrying a plan out -----------------------------------------------------------------------


def simulate(plan: MirrorPlan, target: Sequence[Entry], handles: bool) -> list[tuple[int, Entry]]:
    """The target after `plan`, each entry tagged: its index as read, or -1-k for addition k."""
    removed = {r.index for r in plan.removals}
    assert len(removed) == len(plan.removals)  # nothing removed twice
    for removal in plan.removals:
        assert target[removal.index] == removal.entry
    tagged = [(i, e) for i, e in enumerate(target) if i not in removed]
    tagged += [
        (-1 - k, Entry(Track(YT, t, t), f"new{k}" if handles else None))
        for k, t in enumerate(plan.additions)
    ]
    for move in plan.moves:
        entries = [e for _, e in tagged]
        apply_move(entries, move)  # checks the entry moved is the one the move names
        tag = tagged.pop(move.index)
        if move.before is None:
            tagged.append(tag)
        else:
            tagged.insert(move.before if move.before < move.index else move.before - 1, tag)
        assert [e for _, e in tagged] == entries
        # Never a move that changes nothing.
        assert move.before != move.index + 1
        assert not (move.before is None and move.index == len(tagged) - 1)
    return tagged


def lis_length(values: Sequence[int]) -> int:
    """The longest strictly increasing subsequence, the slow and obvious way (O(n²))."""
    best: list[int] = []
    for i, value in enumerate(values):
        best.append(1 + max((best[j] for j in range(i) if values[j] < value), default=0))
    return max(best, default=0)


def lcs_length(a: Sequence[object], b: Sequence[object]) -> int:
    """The longest common subsequence, by the textbook table (O(n·m))."""
    row = [0] * (len(b) + 1)
    for x in a:
        previous = row[:]
        for j, y in enumerate(b, start=1):
            row[j] = previous[j - 1] + 1 if x == y else max(previous[j], row[j - 1])
    return row[-1]


def desired_counts(mode: SyncMode, source: Sequence[Track], matches: Mapping[str, str]) -> Counter:
    wanted = Counter(matches[t.key] for t in source if t.id and t.key in matches)
    return wanted if mode is SyncMode.EXACT else Counter(dict.fromkeys(wanted, 1))


# -- strategies ------------------------------------------------------------------------------------

# Mostly songs, now and then an entry the service no longer has.
source_tracks = st.sampled_from([*SOURCE_IDS, None]).map(
    lambda i: (
        Track(SP, i, f"Song {i}") if i else Track(SP, None, "(gone)", kind=TrackKind.UNAVAILABLE)
    )
)


def entries_of(ids: Sequence[str | None], handles: bool) -> list[Entry]:
    return [
        Entry(
            Track(YT, i, i or "(removed)", kind=TrackKind.SONG if i else TrackKind.UNAVAILABLE),
            f"t{n}" if handles else None,
        )
        for n, i in enumerate(ids)
    ]


@st.composite
def pairs(draw: st.DrawFn) -> dict:
    """A source, its matches, a target and a snapshot of any sort."""
    handles = draw(st.booleans())
    source = draw(st.lists(source_tracks, min_size=draw(st.sampled_from([0, 5])), max_size=12))
    # Most source tracks match, several may match one target track, F never matches.
    matches = {
        f"spotify:{i}": target_id
        for i in SOURCE_IDS[:-1]
        if (target_id := draw(st.sampled_from([i.upper(), i.upper(), "A", "B", None])))
    }
    # The target: any copies of matched tracks and others, or the source's matches shuffled,
    # with a few dropped and a few others put in, so that copies and crossings abound.
    pool: list[str | None] = [*sorted(set(matches.values())), "G", "H", None]
    if draw(st.booleans()):
        ids = draw(st.lists(st.sampled_from(pool), max_size=12))
    else:
        rng = random.Random(draw(st.integers(0, 2**32 - 1)))  # a uniform shuffle
        ids = [matches[t.key] for t in source if t.key in matches and rng.random() < 0.85]
        rng.shuffle(ids)
        for _ in range(rng.randint(0, 3)):
            ids.insert(rng.randint(0, len(ids)), rng.choice(pool))
    target = entries_of(ids, handles)
    snapshot = draw(
        st.one_of(
            st.none(),
            st.lists(
                st.builds(
                    SnapshotEntry,
                    st.sampled_from([f"spotify:{i}" for i in SOURCE_IDS]),
                    st.sampled_from(pool),
                    st.sampled_from([*(f"t{n}" for n in range(14)), None])
                    if handles
                    else st.none(),
                ),
                max_size=10,
            ).map(lambda entries: Snapshot(tuple(entries))),
        )
    )
    return {
        "handles": handles,
        "source": source,
        "matches": matches,
        "target": target,
        "snapshot": snapshot,
    }


# -- the properties --------------------------------------------------------------------------------


@pytest.mark.parametrize("follow", [True, False], ids=["in order", "liked songs"])
@pytest.mark.parametrize("mode", list(SyncMode), ids=str)
@settings(max_examples=150, deadline=None, database=None)
@given(case=pairs())
def test_a_plan_carried_out_gives_its_final_order_in_the_fewest_moves(
    mode: SyncMode, follow: bool, case: dict
) -> None:
    source, matches, target = case["source"], case["matches"], case["target"]
    plan = plan_mirror(mode, source, matches, target, case["snapshot"], follow_order=follow)
    after = simulate(plan, target, case["handles"])

    # (1) Carried out, the plan gives exactly `final`.
    assert tuple(e.track.id for _, e in after) == plan.final
    assert len(plan.stands_for) == len(plan.final)

    # What stands for a source entry is its match; the person's entries are `hand_added`.
    removed = {r.index for r in plan.removals}
    assert not removed & set(plan.hand_added)
    for (tag, entry), source_index in zip(after, plan.stands_for, strict=True):
        if source_index is None:
            assert tag in plan.hand_added
        else:
            assert tag not in plan.hand_added
            assert entry.track.id == matches[source[source_index].key]

    # The entries after the removals with the additions appended, and where each one ends up.
    before = [tag for tag, _ in sorted(after, key=lambda t: (t[0] < 0, abs(t[0])))]
    ends_at = {tag: position for position, (tag, _) in enumerate(after)}

    if mode is SyncMode.ADD or not follow:
        assert plan.moves == ()
        assert [tag for tag, _ in after] == before
    else:
        # (2) The standing entries follow the source's order; the person's stay right after
        # the entry they followed (or at the start).
        standing = [s for s in plan.stands_for if s is not None]
        assert standing == sorted(standing) and len(set(standing)) == len(standing)
        for position, tag in enumerate(before):
            if tag in plan.hand_added:
                now = ends_at[tag]
                if position == 0:
                    assert now == 0
                else:
                    assert now > 0 and after[now - 1][0] == before[position - 1]

        # (3) The fewest single-item moves to that order: entries minus a longest increasing
        # subsequence, computed here independently (O(n²)).
        assert len(plan.moves) == len(before) - lis_length([ends_at[tag] for tag in before])
        if mode is SyncMode.EXACT:
            # Copies of a track are interchangeable: no pairing of them would move fewer.
            ids_before = [dict(after)[tag].track.id for tag in before]
            assert len(plan.moves) == len(before) - lcs_length(ids_before, list(plan.final))


@pytest.mark.parametrize("follow", [True, False], ids=["in order", "liked songs"])
@pytest.mark.parametrize("mode", list(SyncMode), ids=str)
@settings(max_examples=150, deadline=None, database=None)
@given(case=pairs())
def test_removals_and_additions_keep_to_each_mode(mode: SyncMode, follow: bool, case: dict) -> None:
    source, matches, target = case["source"], case["matches"], case["target"]
    snapshot = case["snapshot"]
    plan = plan_mirror(mode, source, matches, target, snapshot, follow_order=follow)
    desired = desired_counts(mode, source, matches)
    held = Counter(e.track.id for e in target if e.track.id)
    removed = Counter(r.entry.track.id for r in plan.removals)
    final = Counter(plan.final)

    # (6) Adding never makes a track's count exceed what the source wants.
    for track_id, count in Counter(plan.additions).items():
        assert held[track_id] + count == desired[track_id]
        assert final[track_id] == desired[track_id]
    for track_id, count in final.items():
        if track_id is not None:
            assert count <= max(held[track_id], desired[track_id])
    # Every wanted copy is there after the sync.
    for track_id, count in desired.items():
        assert final[track_id] >= count

    if mode is SyncMode.ADD:
        # (5) Add only: never a removal, never a move; the additions are today's.
        assert plan.removals == () and plan.moves == ()
        assert list(plan.additions) == todays_additions(source, matches, target)
    elif mode is SyncMode.MIRROR:
        # (5) Mirror removes only copies Songbird owns per the snapshot, and only as many as
        # the source no longer wants.
        if snapshot is None:
            assert plan.removals == ()
        owned = Counter(e.target_id for e in snapshot.entries) if snapshot else Counter()
        for removal in plan.removals:
            track_id = removal.entry.track.id
            assert track_id is not None
            named = (
                {e.target_handle for e in snapshot.entries if e.target_id == track_id}
                if snapshot
                else set()
            )
            if None not in named:  # every entry naming it has a handle: only those copies
                assert removal.entry.handle in named
        for track_id, count in removed.items():
            assert count <= owned[track_id]
            assert held[track_id] - count >= desired[track_id]
        if not case["handles"]:  # by count alone: the owner's formula
            for track_id in held:
                surplus = min(held[track_id], owned[track_id]) - desired[track_id]
                assert removed[track_id] == max(0, surplus)
                copies = [i for i, e in enumerate(target) if e.track.id == track_id]
                gone = sorted(r.index for r in plan.removals if r.entry.track.id == track_id)
                assert gone == copies[len(copies) - removed[track_id] :]  # the last ones
    else:
        # Exact: the target becomes the source, duplicates and all.
        assert Counter(i for i in plan.final) == desired
        assert plan.hand_added == ()
        for track_id in held:
            assert removed[track_id] == max(0, held[track_id] - desired[track_id])
        assert removed[None] == sum(1 for e in target if not e.track.id)


def todays_additions(
    source: Sequence[Track], matches: Mapping[str, str], target: Sequence[Entry]
) -> list[str]:
    """What the add-only planner's `additions` gives for the same matches."""
    entries, seen = [], set()
    for position, track in enumerate(source, start=1):
        if not track.id:
            entries.append(PlanEntry(position, track, EntryState.UNSYNCABLE, reason="removed"))
        elif track.key in seen:
            entries.append(PlanEntry(position, track, EntryState.DUPLICATE))
        else:
            seen.add(track.key)
            entries.append(PlanEntry(position, track, EntryState.SEARCH))
    held = frozenset(e.track.id for e in target if e.track.id)
    plan = SyncPlan(Playlist(SP, "p", "P"), YT, "P", Playlist(YT, "q", "P"), tuple(entries), held)
    results = {
        e.position: MatchResult(
            e.source, Decision.ACCEPT, Candidate(Track(YT, matches[e.source.key], "x"), 0.97)
        )
        for e in entries
        if e.state is EntryState.SEARCH and e.source.key in matches
    }
    return additions(plan, results)


@pytest.mark.parametrize("follow", [True, False], ids=["in order", "liked songs"])
@pytest.mark.parametrize("mode", list(SyncMode), ids=str)
@settings(max_examples=150, deadline=None, database=None)
@given(case=pairs())
def test_a_second_sync_changes_nothing(mode: SyncMode, follow: bool, case: dict) -> None:
    # (4) Planning again on the result, with the snapshot this sync leaves: nothing to do.
    source, matches, target = case["source"], case["matches"], case["target"]
    plan = plan_mirror(mode, source, matches, target, case["snapshot"], follow_order=follow)
    written = [e for _, e in simulate(plan, target, case["handles"])]
    snapshot = snapshot_after(plan, source, written)
    assert len(snapshot.entries) == len(source)
    again = plan_mirror(mode, source, matches, written, snapshot, follow_order=follow)
    assert again.removals == () and again.additions == () and again.moves == ()
    assert again.final == plan.final


@st.composite
def edited_pairs(draw: st.DrawFn) -> dict:
    """A pair synced in mirror mode; then the source changes and the person edits the target."""
    handles = draw(st.booleans())
    before = draw(st.lists(st.sampled_from(SOURCE_IDS), max_size=10))
    source = [Track(SP, i, i) for i in before]
    matches = {f"spotify:{i}": i.upper() for i in SOURCE_IDS}
    counter = itertools.count()
    first = plan_mirror(SyncMode.MIRROR, source, matches, [], None)
    written = [
        Entry(Track(YT, t, t), f"s{next(counter)}" if handles else None) for t in first.additions
    ]
    snapshot = snapshot_after(first, source, written)
    # The source: entries removed, added and moved, as a person would on the service.
    rng = random.Random(draw(st.integers(0, 2**32)))
    now = [i for i in before if rng.random() > 0.3]
    for _ in range(draw(st.integers(0, 3))):
        now.insert(rng.randint(0, len(now)), rng.choice(SOURCE_IDS))
    if draw(st.booleans()):
        rng.shuffle(now)
    # The target: the person adds tracks by hand (any track, even one Songbird wrote).
    target = list(written)
    for n in range(draw(st.integers(0, 4))):
        hand = Entry(Track(YT, rng.choice(TARGET_IDS), "hand"), f"hand{n}" if handles else None)
        target.insert(rng.randint(0, len(target)), hand)
    return {
        "handles": handles,
        "source": [Track(SP, i, i) for i in now],
        "matches": matches,
        "target": target,
        "snapshot": snapshot,
        "follow_order": draw(st.booleans()),
    }


@settings(max_examples=300, deadline=None, database=None)
@given(edited_pairs())
def test_mirror_after_edits_removes_what_left_and_keeps_what_the_person_added(case: dict) -> None:
    source, matches, target = case["source"], case["matches"], case["target"]
    plan = plan_mirror(
        SyncMode.MIRROR,
        source,
        matches,
        target,
        case["snapshot"],
        follow_order=case["follow_order"],
    )
    after = simulate(plan, target, case["handles"])
    hand = [i for i, e in enumerate(target) if e.track.title == "hand"]
    wanted = {matches[t.key] for t in source}
    written = Counter(e.target_id for e in case["snapshot"].entries if e.target_id)
    if case["handles"]:
        # (5) Never a hand-added entry: every one is still there.
        assert not {r.index for r in plan.removals} & set(hand)
        assert all(target[r.index].handle.startswith("s") for r in plan.removals)
    else:
        # Without handles the copies cannot be told apart: the person keeps as many.
        for track_id, count in Counter(target[i].track.id for i in hand).items():
            assert Counter(plan.final)[track_id] >= count
    # What left the source is gone, but for the person's own copies.
    for track_id in written:
        if track_id not in wanted:
            assert Counter(plan.final)[track_id] == sum(
                1 for i in hand if target[i].track.id == track_id
            )
    assert Counter(plan.final)[None] == 0
    if case["follow_order"]:
        order = [matches[t.key] for t in source]
        firsts = list(dict.fromkeys(order))
        standing = [plan.final[p] for p, s in enumerate(plan.stands_for) if s is not None]
        assert standing == firsts
    assert [e.track.id for _, e in after] == list(plan.final)


# -- scale -----------------------------------------------------------------------------------------


def big_pair(n: int, seed: int) -> tuple[list[Track], dict[str, str], list[Entry], Snapshot]:
    """A synced n-track pair; then the source loses n/10, gains n/10 and has n/20 moved, and
    the person adds 5 tracks by hand on the target."""
    rng = random.Random(seed)
    ids = [f"s{i}" for i in range(n)]
    matches = {f"spotify:s{i}": f"y{i}" for i in range(n + n // 10)}
    target = [Entry(Track(YT, f"y{i}", f"Song {i}"), f"h{i}") for i in range(n)]
    snapshot = Snapshot(tuple(SnapshotEntry(f"spotify:s{i}", f"y{i}", f"h{i}") for i in range(n)))
    now = list(ids)
    for gone in rng.sample(range(n), n // 10):
        now[gone] = ""
    now = [i for i in now if i]
    for i in range(n, n + n // 10):
        now.insert(rng.randint(0, len(now)), f"s{i}")
    for _ in range(n // 20):
        now.insert(rng.randint(0, len(now) - 1), now.pop(rng.randrange(len(now))))
    for k in range(5):
        target.insert(rng.randint(0, len(target)), Entry(Track(YT, f"x{k}", "hand"), f"x{k}"))
    return [Track(SP, i, i) for i in now], matches, target, snapshot


def test_a_10000_entry_pair_is_planned_right() -> None:
    # (7) How fast (O(n log n)) is bench_mirror.py's to measure (plan_s, plan_ties_s): a
    # timed assertion here would fail on a busy machine.
    source, matches, target, snapshot = big_pair(10_000, seed=7)
    plan = plan_mirror(SyncMode.MIRROR, source, matches, target, snapshot)
    assert len(plan.removals) == 1000 and len(plan.additions) == 1000
    assert sum(1 for t in plan.final if t and t.startswith("x")) == 5  # the person's stay
    standing = [t for t in plan.final if t and t.startswith("y")]
    assert standing == [matches[t.key] for t in source]
    # At most the new ones, those moved on the source, and the person's whose neighbour moved.
    assert len(plan.moves) <= 1000 + 500 + 5


def test_exact_mirror_of_a_track_listed_thousands_of_times_is_planned_right() -> None:
    # One track 3,000 times on each side among 4,000 others: the ties are too many to search
    # every pairing, so its copies pair in order; the plan is still right. (How fast it is,
    # bench_mirror.py measures as `plan_ties_s`: a timed assertion here would fail on a busy
    # machine.)
    source = [
        Track(SP, "loop", "Loop") if i % 7 < 3 else Track(SP, f"s{i}", "S") for i in range(7000)
    ]
    matches = {t.key: "Y" + str(t.id) for t in source}
    held = list(source)
    random.Random(3).shuffle(held)
    target = [Entry(Track(YT, matches[t.key], "x")) for t in held]
    plan = plan_mirror(SyncMode.EXACT, source, matches, target, None)
    assert plan.removals == () and plan.additions == ()
    assert plan.final == tuple(matches[t.key] for t in source)
    entries = list(target)
    for move in plan.moves:
        apply_move(entries, move)
    assert tuple(e.track.id for e in entries) == plan.final
