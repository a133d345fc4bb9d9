"""Properties of planning and writing, over arbitrary playlists: what a person would see.

Every source entry shows up once in the plan with a state (and a reason when it is not synced);
the additions never hold a track twice or one the target holds already; and a write lands every
planned track it does not report as failed, never adds one twice, and adds nothing when run again.
The sources mix any Unicode (empty strings included), entries without ids, unsyncable kinds and
the same track listed several times; the targets mix removed entries and tracks listed twice.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from core_fakes import FakeClock, FakeService
from hypothesis import given, settings
from hypothesis import strategies as st

from songbird_gui.core.apply import ApplyReport, PlanWriter
from songbird_gui.core.errors import TransientError
from songbird_gui.core.planner import additions, plan_sync
from songbird_gui.core.retry import RetryPolicy
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.service import ServiceLimits
from songbird_gui.core.settings import RetrySettings
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import (
    Candidate,
    Decision,
    EntryState,
    MatchResult,
    PlanEntry,
    Playlist,
    ServiceId,
    SyncPlan,
    Track,
    TrackKind,
)

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC
SOURCE_PLAYLIST = Playlist(SP, "sp-pl", "Road Trip")
TARGET_PLAYLIST = Playlist(YT, "yt-pl", "Road Trip")
MATCHER = Matcher()  # stateless: one for every example
NOW = 1_000_000.0

SOURCE_IDS = [f"s{i}" for i in range(6)]
TARGET_IDS = [f"y{i}" for i in range(10)]


def writer(service: FakeService, journal: MatchStore | None = None) -> PlanWriter:
    """A writer that never waits: fast retries (the fake service's throttle never waits)."""
    policy = RetryPolicy(RetrySettings(base_delay_s=0.001, max_delay_s=0.004), random.Random(7))
    return PlanWriter(service, policy, journal=journal)


def accept(source: Track, target_id: str, title: str = "") -> MatchResult:
    target = Track(YT, target_id, title or source.title, source.artists)
    return MatchResult(source, Decision.ACCEPT, Candidate(target, 0.97), (Candidate(target, 0.97),))


def song(service: ServiceId, id: str, title: str, artist: str, seconds: int = 200) -> Track:
    return Track(service, id, title, (artist,), None, seconds * 1000)


# -- strategies ------------------------------------------------------------------------------------

# Any Unicode, empty included, and a few strings that exercise the title parser.
texts = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "   ",
            "Hello",
            "hello",
            "Hello (Live)",
            "Hello - Remastered 2011",
            "(feat. Bob)",
            "-",
            "()",
            "Кино",
            "ガギグゲゴ",
            "Intro",
        ]
    ),
)
durations = st.one_of(st.none(), st.integers(0, 600_000))


@st.composite
def source_track(draw: st.DrawFn) -> Track:
    return Track(
        SP,
        draw(st.one_of(st.none(), st.just(""), st.sampled_from(SOURCE_IDS))),
        draw(texts),
        tuple(draw(st.lists(texts, max_size=2))),
        None,
        draw(durations),
        kind=draw(st.sampled_from(TrackKind)),
    )


@st.composite
def source_list(draw: st.DrawFn) -> list[Track]:
    """A few tracks, listed in any order and any number of times."""
    pool = draw(st.lists(source_track(), min_size=1, max_size=6))
    return draw(st.lists(st.sampled_from(pool), max_size=14))


@st.composite
def target_list(draw: st.DrawFn, source: Sequence[Track]) -> list[Track]:
    """Unrelated tracks, removed entries, and copies of source tracks under target ids."""
    ids = st.one_of(st.none(), st.just(""), st.sampled_from(TARGET_IDS))
    unrelated = st.builds(
        Track,
        st.just(YT),
        ids,
        texts,
        st.lists(texts, max_size=2).map(tuple),
        st.none(),
        durations,
        kind=st.sampled_from([TrackKind.SONG, TrackKind.MUSIC_VIDEO, TrackKind.UNAVAILABLE]),
    )
    options = [unrelated]
    if source:
        copies = st.builds(
            lambda src, id: Track(YT, id, src.title, src.artists, None, src.duration_ms),
            st.sampled_from(source),
            ids,
        )
        options.append(copies)
    return draw(st.lists(st.one_of(*options), max_size=10))


def remember_some(draw: st.DrawFn, store: MatchStore, source: Sequence[Track]) -> None:
    """Earlier runs' decisions: matches (to ids in the target or not), not-founds, failures."""
    for track in dict.fromkeys(source):
        what = draw(st.sampled_from(["nothing", "accept", "review", "not found", "failure"]))
        target_id = draw(st.sampled_from(TARGET_IDS))
        if what == "accept":
            store.remember(accept(track, target_id), YT)
        elif what == "review":
            candidate = Candidate(Track(YT, target_id, track.title), 0.7)
            store.remember(MatchResult(track, Decision.REVIEW, candidate, (candidate,)), YT)
        elif what == "not found":
            store.remember(MatchResult(track, Decision.NOT_FOUND), YT)
        elif what == "failure":
            store.record_failure(track, YT, "HTTP 400", permanent=draw(st.booleans()))


def this_runs_result(draw: st.DrawFn, entry: PlanEntry) -> MatchResult:
    decision = draw(st.sampled_from(Decision))
    if decision is Decision.NOT_FOUND:
        return MatchResult(entry.source, decision)
    target = Track(YT, draw(st.sampled_from(TARGET_IDS)), "x")
    return MatchResult(entry.source, decision, Candidate(target, 0.9), (Candidate(target, 0.9),))


# -- the plan --------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, database=None)
@given(st.data())
def test_every_source_entry_gets_one_plan_entry_and_clean_additions(data: st.DataObject) -> None:
    source = data.draw(source_list(), label="source")
    target = data.draw(target_list(source), label="target")
    store = MatchStore(":memory:", clock=lambda: NOW)
    try:
        remember_some(data.draw, store, source)
        plan = plan_sync(SOURCE_PLAYLIST, source, YT, TARGET_PLAYLIST, target, store, MATCHER)
    finally:
        store.close()

    # One entry per source entry, in order, numbered 1..n.
    assert [e.position for e in plan.entries] == list(range(1, len(source) + 1))
    assert [e.source for e in plan.entries] == list(source)
    assert plan.target_ids == {t.id for t in target if t.id}

    first_seen: set[str] = set()
    for entry, track in zip(plan.entries, source, strict=True):
        if track.unsyncable_reason:
            assert entry.state is EntryState.UNSYNCABLE
            assert entry.reason.strip()  # the person is told why
            continue
        assert entry.state is not EntryState.UNSYNCABLE
        if track.key in first_seen:
            assert entry.state is EntryState.DUPLICATE  # after its first listing, only then
            assert entry.reason.strip()
            continue
        first_seen.add(track.key)
        assert entry.state is not EntryState.DUPLICATE
        if entry.state is EntryState.PRESENT:
            # "Already there" means there: the track it stands for is in the target.
            assert entry.result is not None and entry.result.best is not None
            assert entry.result.best.track.id in plan.target_ids
        elif entry.state is EntryState.REMEMBERED:
            assert entry.result is not None
        elif entry.state is EntryState.FAILED:
            assert entry.reason.strip()

    # Whatever this run found (for any position, even ones not searched), the additions:
    results = {
        position: this_runs_result(data.draw, plan.entries[position - 1])
        for position in data.draw(
            st.sets(st.integers(1, len(source)), max_size=len(source)) if source else st.just(set())
        )
    }
    present = data.draw(st.lists(st.sampled_from(TARGET_IDS), max_size=3), label="present")
    added = additions(plan, results, present)

    assert len(added) == len(set(added))  # never twice
    assert not set(added) & plan.target_ids  # never one the target holds
    assert not set(added) & set(present)

    # Exactly the accepted matches of the entries still to sync, in source order.
    first_position: dict[str, int] = {}
    for entry in plan.entries:
        if entry.state not in (EntryState.SEARCH, EntryState.REMEMBERED):
            continue
        result = results.get(entry.position, entry.result)
        if result and result.decision is Decision.ACCEPT and result.best and result.best.track.id:
            first_position.setdefault(result.best.track.id, entry.position)
    wanted = set(first_position) - plan.target_ids - set(present)
    assert set(added) == wanted  # nothing found is lost
    positions = [first_position[i] for i in added]
    assert positions == sorted(positions)


@settings(max_examples=100, deadline=None, database=None)
@given(
    songs=st.lists(st.text(min_size=1, max_size=10).filter(str.strip), min_size=1, max_size=8),
    repeats=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 20)), max_size=8),
    batch=st.integers(1, 5),
)
def test_a_track_listed_several_times_is_added_once(
    songs: list[str], repeats: list[tuple[int, int]], batch: int
) -> None:
    tracks = [song(SP, f"s{i}", title, "Artist") for i, title in enumerate(songs)]
    source = list(tracks)
    for which, where in repeats:  # the same track again, anywhere in the list
        source.insert(min(where, len(source)), tracks[which % len(tracks)])
    store = MatchStore(":memory:", clock=lambda: NOW)
    try:
        plan = plan_sync(SOURCE_PLAYLIST, source, YT, None, [], store, MATCHER)
    finally:
        store.close()
    first: dict[str | None, int] = {}
    for entry in plan.entries:
        first.setdefault(entry.source.id, entry.position)
        if first[entry.source.id] == entry.position:
            assert entry.state is EntryState.SEARCH
        else:
            assert entry.state is EntryState.DUPLICATE
    results = {e.position: accept(e.source, f"y-{e.source.id}") for e in plan.entries}
    added = additions(plan, results)
    in_order = sorted(first, key=first.__getitem__)
    assert added == [f"y-{i}" for i in in_order]

    service = FakeService(limits=ServiceLimits(add_batch_size=batch))
    report = writer(service).write(plan.target, plan.target_name, added)
    assert report.playlist is not None
    assert service.ids_in(report.playlist) == added  # each once, in source order
    assert report.failed == {}


# -- the write -------------------------------------------------------------------------------------


@st.composite
def write_cases(draw: st.DrawFn) -> dict:
    """A target as it is now, a plan made a moment ago, and a service with its own limits."""
    held = draw(st.lists(st.one_of(st.none(), st.sampled_from(TARGET_IDS)), max_size=10))
    create = not held and draw(st.booleans())
    # The plan saw the target as it was; a few tracks may have arrived since.
    arrived = [] if create else draw(st.lists(st.sampled_from(TARGET_IDS), max_size=3))
    return {
        "held": held,
        "arrived": arrived,
        "create": create,
        # This run's matches: several entries may match one id, some the target held already.
        "matches": draw(st.lists(st.sampled_from(TARGET_IDS), max_size=14)),
        "refused": draw(st.sets(st.sampled_from(TARGET_IDS), max_size=3)),
        "batch": draw(st.integers(1, 6)),
        "cap": draw(st.one_of(st.none(), st.integers(0, 20))),
        "journal": draw(st.booleans()),
        "lost": draw(st.integers(0, 3)),
    }


class LostAnswers(FakeService):
    """Carries out the first `lost` adds and then loses their answers (a reset, a timeout)."""

    def __init__(self, limits: ServiceLimits, refused: Sequence[str], lost: int) -> None:
        super().__init__(limits=limits, refused=refused)
        self.lost = lost

    def add_tracks(self, playlist: Playlist, track_ids: Sequence[str]) -> None:
        super().add_tracks(playlist, track_ids)
        if self.lost:
            self.lost -= 1
            raise TransientError("the connection was reset")


def entries_of(ids: Sequence[str | None]) -> list[Track]:
    return [
        Track(YT, i, f"Song {i}") if i else Track(YT, None, "(removed)", kind=TrackKind.UNAVAILABLE)
        for i in ids
    ]


def plan_of(
    held: Sequence[str | None], matches: Sequence[str], target: Playlist | None
) -> SyncPlan:
    """A plan whose entries were all searched; entry n was matched to `matches[n - 1]`."""
    entries = tuple(
        PlanEntry(n, song(SP, f"s{n}", f"Song {n}", "A"), EntryState.SEARCH)
        for n in range(1, len(matches) + 1)
    )
    ids = frozenset(i for i in held if i)
    return SyncPlan(SOURCE_PLAYLIST, YT, "Road Trip", target, entries, ids)


@settings(max_examples=250, deadline=None, database=None)
@given(write_cases())
def test_a_write_lands_what_it_does_not_report_failed_once_and_only_once(case: dict) -> None:
    limits = ServiceLimits(add_batch_size=case["batch"], playlist_cap=case["cap"])
    service = LostAnswers(limits, sorted(case["refused"]), case["lost"])
    held = entries_of(case["held"])
    target = None if case["create"] else service.make_playlist("Road Trip", held)
    plan = plan_of(case["held"], case["matches"], target)
    results = {
        e.position: accept(e.source, i) for e, i in zip(plan.entries, case["matches"], strict=True)
    }
    ids = additions(plan, results)
    if target is not None:
        service.playlists[target.id][1].extend(entries_of(case["arrived"]))
    before = service.ids_in(target) if target else []
    journal = MatchStore(":memory:", clock=FakeClock()) if case["journal"] else None
    try:
        report = writer(service, journal).write(target, plan.target_name, ids)
        if report.playlist is None:
            assert not ids and not service.playlists  # nothing to add: nothing created
            return
        after = service.ids_in(report.playlist)
        check_report(report, ids, before, after, case)

        # Run again: nothing more is added (the failed ones fail again, or stay out).
        adds = service.calls["add_tracks"]
        again = writer(service, journal).write(report.playlist, plan.target_name, ids)
        assert service.ids_in(report.playlist) == after
        assert again.added == 0
        assert set(again.failed) == set(report.failed)
        if not report.failed:
            assert service.calls["add_tracks"] == adds  # not even a request
    finally:
        if journal is not None:
            journal.close()


def check_report(
    report: ApplyReport,
    ids: Sequence[str],
    before: Sequence[str | None],
    after: Sequence[str | None],
    case: dict,
) -> None:
    assert report.created == case["create"]
    failed = report.failed
    assert set(failed) <= set(ids)
    assert all(reason.strip() for reason in failed.values())
    # Nothing found is lost: every planned id is in the target, or reported failed.
    for track_id in ids:
        assert track_id in after or track_id in failed
        assert not (track_id in failed and track_id in after)
    # The write only appends: what was there stays, in its order, and then the new ones follow,
    # in plan order, each once.
    assert list(after[: len(before)]) == list(before)
    new = [i for i in ids if i not in before and i not in failed]
    assert list(after[len(before) :]) == new
    counts_before, counts_after = Counter(before), Counter(after)
    for track_id, count in counts_after.items():
        assert count == counts_before[track_id] or (counts_before[track_id] == 0 and count == 1)
    # The report says what is really there.
    assert report.landed == [i for i in ids if i in after]
    assert report.already_there == [i for i in ids if i in before]
    assert report.added == len(new)
    # The cap: never exceeded; what it left out is said, in the reason and in the warning.
    cap = case["cap"]
    if cap is not None:
        assert len(after) <= max(cap, len(before))
    left_out = [i for i, reason in failed.items() if "limit" in reason]
    assert all(i in left_out for i in failed if i not in case["refused"])
    if left_out:
        assert cap is not None
        assert f"{cap} tracks" in report.warning
        assert f"{len(left_out)} were left out" in report.warning
    else:
        assert not report.warning


@settings(max_examples=150, deadline=None, database=None)
@given(
    n=st.integers(1, 30),
    bad_at=st.integers(0, 29),
    batch=st.integers(1, 12),
)
def test_one_refused_track_fails_alone_and_the_others_land(n: int, bad_at: int, batch: int) -> None:
    ids = [f"y{i}" for i in range(n)]
    bad = ids[bad_at % n]
    service = FakeService(limits=ServiceLimits(add_batch_size=batch), refused=[bad])
    target = service.make_playlist("Road Trip")
    report = writer(service).write(target, "Road Trip", ids)
    assert list(report.failed) == [bad]
    assert "not available" in report.failed[bad]  # the service's own reason, passed on
    assert service.ids_in(target) == [i for i in ids if i != bad]
    assert report.landed == [i for i in ids if i != bad]
    assert report.outcome().endswith("1 failed")
    # Found by halving the one refused batch, not by sending every track on its own.
    halvings = 2 * math.ceil(math.log2(min(batch, n))) if min(batch, n) > 1 else 0
    assert service.calls["add_tracks"] <= math.ceil(n / batch) + halvings


# -- huge playlists --------------------------------------------------------------------------------


def test_a_10000_entry_source_against_a_10000_entry_target(tmp_path: Path) -> None:
    # Source: 9,700 songs, 200 more titled "Intro" (one title, many artists: the worst case
    # for the title index; lengths far apart, so only its own recording matches each one),
    # 50 podcast episodes and 50 songs listed a second time.
    songs = [song(SP, f"s{i}", f"Song {i}", f"Artist {i % 97}", 120 + i % 300) for i in range(9700)]
    intros = [song(SP, f"s-intro{i}", "Intro", f"Band {i}", 60 + 25 * i) for i in range(200)]
    episodes = [
        Track(SP, f"s-ep{i}", f"Episode {i}", ("Pod",), kind=TrackKind.EPISODE) for i in range(50)
    ]
    source = songs + intros + episodes + songs[:50]
    # Target: the first 4,000 songs and the first 100 intros (same recordings under target
    # ids), and 5,900 other tracks with the same titles as nothing in the source.
    held = [song(YT, f"y{i}", t.title, t.artists[0], 121 + i % 300) for i, t in enumerate(songs)]
    held_intros = [song(YT, f"y-intro{i}", "Intro", f"Band {i}", 61 + 25 * i) for i in range(200)]
    others = [song(YT, f"y-other{i}", f"Other {i}", "Someone Else") for i in range(5900)]
    target = held[:4000] + held_intros[:100] + others
    assert len(source) == len(target) == 10_000

    store = MatchStore(tmp_path / "matches.sqlite")
    try:
        plan = plan_sync(SOURCE_PLAYLIST, source, YT, TARGET_PLAYLIST, target, store, MATCHER)
    finally:
        store.close()

    assert [e.position for e in plan.entries] == list(range(1, 10_001))
    expected = (
        [EntryState.PRESENT] * 4000
        + [EntryState.SEARCH] * 5700
        + [EntryState.PRESENT] * 100
        + [EntryState.SEARCH] * 100
        + [EntryState.UNSYNCABLE] * 50
        + [EntryState.DUPLICATE] * 50
    )
    assert [e.state for e in plan.entries] == expected
    for entry, wanted in zip(plan.entries[:4000], held, strict=False):
        assert entry.result is not None and entry.result.best is not None
        assert entry.result.best.track.id == wanted.id
    for entry, wanted in zip(plan.entries[9700:9800], held_intros, strict=False):
        assert entry.result is not None and entry.result.best is not None
        assert entry.result.best.track.id == wanted.id  # the right "Intro", by its artist

    # This run finds every song to search, under its target id.
    found = {
        e.position: accept(e.source, "y" + str(e.source.id).removeprefix("s"))
        for e in plan.to_search
    }
    added = additions(plan, found)
    assert added == [t.id for t in held[4000:]] + [t.id for t in held_intros[100:]]

    service = FakeService(limits=ServiceLimits(add_batch_size=100))
    playlist = service.make_playlist("Road Trip", target)
    report = writer(service).write(playlist, plan.target_name, added)
    assert report.failed == {} and report.added == 5800
    after = service.ids_in(playlist)
    assert len(after) == 15_800 and len(set(after)) == 15_800


def test_the_5000_track_cap_leaves_out_what_does_not_fit_and_says_so() -> None:
    # YouTube Music: a playlist holds at most 5,000 tracks, added 25 at a time.
    held = [song(YT, f"y{i}", f"Song {i}", "Artist") for i in range(4990)]
    new = [song(SP, f"s-new{i}", f"New {i}", "Artist") for i in range(30)]
    source = [song(SP, f"s{i}", f"Song {i}", "Artist") for i in range(4990)] + new
    service = FakeService(limits=ServiceLimits(add_batch_size=25, playlist_cap=5000))
    playlist = service.make_playlist("Road Trip", held)

    store = MatchStore(":memory:", clock=lambda: NOW)
    try:
        plan = plan_sync(SOURCE_PLAYLIST, source, YT, playlist, held, store, MATCHER)
    finally:
        store.close()
    assert plan.count(EntryState.PRESENT) == 4990
    assert plan.count(EntryState.SEARCH) == 30
    found = {e.position: accept(e.source, f"y-new{e.position - 4991}") for e in plan.to_search}
    added = additions(plan, found)
    assert added == [f"y-new{i}" for i in range(30)]

    report = writer(service).write(playlist, plan.target_name, added)
    after = service.ids_in(playlist)
    assert len(after) == 5000
    assert after[4990:] == added[:10]  # the first ten, in source order
    assert report.landed == added[:10] and report.added == 10
    assert list(report.failed) == added[10:]
    assert all("5000-track limit" in reason for reason in report.failed.values())
    assert "5000 tracks" in report.warning and "20 were left out" in report.warning
    assert report.outcome() == (
        "updated, 10 added, 20 failed (the playlist can hold 5000 tracks: 20 were left out)"
    )

    # Again: the playlist is full, nothing is sent, the same twenty are said to be left out.
    adds = service.calls["add_tracks"]
    again = writer(service).write(playlist, plan.target_name, added)
    assert service.ids_in(playlist) == after
    assert again.added == 0 and list(again.failed) == added[10:]
    assert service.calls["add_tracks"] == adds
