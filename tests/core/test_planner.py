"""Sync planning: what each source entry needs before a search, and what an apply adds."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from core_fakes import FakeService

from songbird_gui.core.apply import PlanWriter
from songbird_gui.core.matching import find_match
from songbird_gui.core.planner import additions, find_target_playlist, plan_sync
from songbird_gui.core.retry import RetryPolicy
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.settings import RetrySettings
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import (
    LIKED_PLAYLIST_ID,
    Candidate,
    Decision,
    EntryState,
    MatchResult,
    Playlist,
    PlaylistKind,
    ServiceId,
    SyncPlan,
    Track,
    TrackKind,
)

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC
SOURCE_PLAYLIST = Playlist(SP, "sp-pl", "Road Trip")
TARGET_PLAYLIST = Playlist(YT, "yt-pl", "Road Trip")


def sp(id: str, title: str, artist: str, seconds: int, kind: TrackKind = TrackKind.SONG) -> Track:
    return Track(SP, id, title, (artist,), None, seconds * 1000, kind=kind)


def yt(id: str, title: str, artist: str, seconds: int) -> Track:
    return Track(YT, id, title, (artist,), None, seconds * 1000)


HELLO = sp("s-hello", "Hello", "Adele", 295)
RHAPSODY = sp("s-bohrap", "Bohemian Rhapsody", "Queen", 354)
JOLENE = sp("s-jolene", "Jolene", "Dolly Parton", 162)
YT_HELLO = yt("y-hello", "Hello", "Adele", 296)
YT_RHAPSODY = yt("y-bohrap", "Bohemian Rhapsody", "Queen", 355)
YT_JOLENE = yt("y-jolene", "Jolene", "Dolly Parton", 161)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MatchStore]:
    store = MatchStore(tmp_path / "matches.sqlite")
    yield store
    store.close()


def plan(
    source: Sequence[Track],
    target_tracks: Sequence[Track],
    store: MatchStore,
    target: Playlist | None = TARGET_PLAYLIST,
) -> SyncPlan:
    return plan_sync(SOURCE_PLAYLIST, source, YT, target, target_tracks, store, Matcher())


def states(p: SyncPlan) -> list[EntryState]:
    return [e.state for e in p.entries]


def accept(source: Track, target: Track) -> MatchResult:
    return MatchResult(source, Decision.ACCEPT, Candidate(target, 0.97), (Candidate(target, 0.97),))


# -- states ----------------------------------------------------------------------------------------


def test_new_tracks_are_searched(store: MatchStore) -> None:
    p = plan([HELLO, RHAPSODY], [], store)
    assert states(p) == [EntryState.SEARCH, EntryState.SEARCH]
    assert [e.position for e in p.to_search] == [1, 2]
    assert p.count(EntryState.SEARCH) == 2


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        (sp("s-ep", "Episode 12", "A Podcast", 3600, kind=TrackKind.EPISODE), "podcast"),
        (Track(SP, None, "my demo.mp3", (), kind=TrackKind.LOCAL_FILE), "local file"),
        (sp("s-gone", "Gone", "Someone", 200, kind=TrackKind.UNAVAILABLE), "removed"),
        (Track(SP, None, "No Id", ("X",)), "no id"),
        (Track(SP, "s-blank", "   ", ("X",)), "no title"),
    ],
)
def test_unsyncable_entries_get_a_reason(store: MatchStore, entry: Track, reason: str) -> None:
    p = plan([entry, HELLO], [], store)
    assert states(p) == [EntryState.UNSYNCABLE, EntryState.SEARCH]
    assert reason in p.entries[0].reason


def test_a_track_listed_twice_is_a_duplicate(store: MatchStore) -> None:
    p = plan([HELLO, RHAPSODY, HELLO], [], store)
    assert states(p) == [EntryState.SEARCH, EntryState.SEARCH, EntryState.DUPLICATE]
    assert p.entries[2].reason
    assert [e.position for e in p.entries] == [1, 2, 3]


def test_a_remembered_match_is_not_searched(store: MatchStore) -> None:
    store.remember(accept(HELLO, YT_HELLO), YT)
    p = plan([HELLO, RHAPSODY], [], store)
    assert states(p) == [EntryState.REMEMBERED, EntryState.SEARCH]
    assert p.entries[0].result is not None
    assert p.entries[0].result.best is not None
    assert p.entries[0].result.best.track.id == "y-hello"


def test_a_remembered_not_found_is_not_searched_again_yet(store: MatchStore) -> None:
    store.remember(MatchResult(HELLO, Decision.NOT_FOUND), YT)
    assert states(plan([HELLO], [], store)) == [EntryState.REMEMBERED]


def test_a_target_holding_the_remembered_id_is_present(store: MatchStore) -> None:
    store.remember(accept(HELLO, YT_HELLO), YT)
    p = plan([HELLO], [YT_HELLO], store)
    assert states(p) == [EntryState.PRESENT]


def test_a_target_holding_a_same_title_track_that_scores_as_accept_is_present(
    store: MatchStore,
) -> None:
    # Added by hand on the target, never matched by Songbird: still there, not searched.
    p = plan([HELLO, RHAPSODY], [YT_HELLO], store)
    assert states(p) == [EntryState.PRESENT, EntryState.SEARCH]
    held = p.entries[0].result
    assert held is not None and held.best is not None and held.best.track.id == "y-hello"


def test_a_same_title_track_that_is_another_version_is_not_present(store: MatchStore) -> None:
    live = yt("y-hello-live", "Hello (Live)", "Adele", 300)
    other_artist = yt("y-hello-richie", "Hello", "Lionel Richie", 251)
    p = plan([HELLO], [live, other_artist], store)
    assert states(p) == [EntryState.SEARCH]


def test_a_target_holding_the_song_under_another_id_is_present(store: MatchStore) -> None:
    # The store remembers y-hello, but the target holds the same recording as y-hello-2
    # (added by hand, or the service relinked it): it is there, and must not be added again.
    store.remember(accept(HELLO, YT_HELLO), YT)
    relinked = yt("y-hello-2", "Hello", "Adele", 295)
    p = plan([HELLO], [relinked], store)
    assert additions(p, {}) == []  # today: ["y-hello"], the song a second time
    assert states(p) == [EntryState.PRESENT]


def test_a_remembered_not_found_that_the_target_now_holds_is_present(store: MatchStore) -> None:
    store.remember(MatchResult(HELLO, Decision.NOT_FOUND), YT)
    p = plan([HELLO], [YT_HELLO], store)
    assert states(p) == [EntryState.PRESENT]


def test_the_plan_records_the_target_and_its_ids(store: MatchStore) -> None:
    p = plan([HELLO], [YT_HELLO, Track(YT, None, "local", ())], store)
    assert p.target_ids == {"y-hello"}
    assert p.target_name == "Road Trip"
    created = plan([HELLO], [], store, target=None)
    assert created.target is None and created.target_name == "Road Trip"


# -- additions -------------------------------------------------------------------------------------


def test_additions_are_in_source_order_once_and_never_held(store: MatchStore) -> None:
    single = sp("s-hello-single", "Hello - Single Version", "Adele", 295)
    source = [RHAPSODY, HELLO, JOLENE, single]
    p = plan(source, [YT_JOLENE], store)
    assert states(p) == [
        EntryState.SEARCH,
        EntryState.SEARCH,
        EntryState.PRESENT,
        EntryState.SEARCH,
    ]
    results = {
        4: accept(single, YT_HELLO),  # another source entry for the same target track
        2: accept(HELLO, YT_HELLO),
        1: accept(RHAPSODY, YT_RHAPSODY),
    }
    assert additions(p, results) == ["y-bohrap", "y-hello"]


def test_additions_skip_review_not_found_and_skipped(store: MatchStore) -> None:
    p = plan([HELLO, RHAPSODY, JOLENE], [], store)
    results = {
        1: MatchResult(HELLO, Decision.REVIEW, Candidate(YT_HELLO, 0.7)),
        2: MatchResult(RHAPSODY, Decision.NOT_FOUND),
        3: MatchResult(JOLENE, Decision.SKIPPED),
    }
    assert additions(p, results) == []


def test_additions_use_remembered_matches_unless_overridden(store: MatchStore) -> None:
    store.remember(accept(HELLO, YT_HELLO), YT)
    p = plan([HELLO], [], store)
    assert additions(p, {}) == ["y-hello"]
    person = accept(HELLO, yt("y-hello-video", "Hello (Official Video)", "Adele", 366))
    assert additions(p, {1: person}) == ["y-hello-video"]
    assert additions(p, {1: MatchResult(HELLO, Decision.SKIPPED)}) == []


def test_additions_leave_out_ids_reported_present(store: MatchStore) -> None:
    p = plan([HELLO, RHAPSODY], [], store)
    results = {1: accept(HELLO, YT_HELLO), 2: accept(RHAPSODY, YT_RHAPSODY)}
    assert additions(p, results, present=["y-hello"]) == ["y-bohrap"]


# -- target playlist -------------------------------------------------------------------------------


def test_find_target_playlist_pairs_liked_and_names() -> None:
    liked = Playlist(SP, LIKED_PLAYLIST_ID, "Liked Songs", kind=PlaylistKind.LIKED)
    yt_liked = Playlist(YT, LIKED_PLAYLIST_ID, "Your Likes", kind=PlaylistKind.LIKED)
    road = Playlist(YT, "yt-road", "  road trip ")
    other = Playlist(YT, "yt-other", "Road Trip 2")
    assert find_target_playlist(liked, [road, yt_liked]) == yt_liked
    assert find_target_playlist(SOURCE_PLAYLIST, [yt_liked, other, road]) == road
    assert find_target_playlist(SOURCE_PLAYLIST, [yt_liked, other]) is None
    named_liked = Playlist(SP, "sp-x", "Your Likes")
    assert find_target_playlist(named_liked, [yt_liked]) is None


def test_a_followed_playlist_of_the_same_name_is_never_the_target() -> None:
    # Someone else's playlist: Spotify lets apps neither read nor write it (February 2026).
    theirs = Playlist(SP, "sp-theirs", "Road Trip", "Radio", kind=PlaylistKind.FOLLOWED)
    mine = Playlist(SP, "sp-mine", "Road Trip", "Me")
    from_yt = Playlist(YT, "yt-road", "Road Trip")
    assert find_target_playlist(from_yt, [theirs]) is None  # a new one is made instead
    assert find_target_playlist(from_yt, [theirs, mine]) == mine


# -- idempotence -----------------------------------------------------------------------------------


def sync_once(service: FakeService, source: Sequence[Track], store: MatchStore) -> list[str]:
    """Plan, search, remember, apply: what the engine does. Returns the ids it added."""
    matcher = Matcher()
    policy = RetryPolicy(RetrySettings(base_delay_s=0.001), random.Random(3))
    target = find_target_playlist(SOURCE_PLAYLIST, service.list_playlists())
    target_tracks = service.playlist_tracks(target) if target else []
    p = plan_sync(SOURCE_PLAYLIST, source, YT, target, target_tracks, store, matcher)
    results: dict[int, MatchResult] = {}
    for entry in p.to_search:
        found = find_match(entry.source, service, matcher)
        store.remember(found, YT)
        results[entry.position] = found
    ids = additions(p, results)
    report = PlanWriter(service, policy).write(p.target, p.target_name, ids)
    return [i for i in report.landed if i not in report.already_there]


def test_a_second_sync_adds_nothing(store: MatchStore) -> None:
    catalogue = [YT_HELLO, YT_RHAPSODY, YT_JOLENE, yt("y-hello-live", "Hello (Live)", "Adele", 300)]
    service = FakeService(catalogue)
    source = [
        HELLO,
        sp("s-ep", "Episode", "Pod", 900, kind=TrackKind.EPISODE),
        RHAPSODY,
        HELLO,
        JOLENE,
        sp("s-none", "Nowhere Song", "Nobody", 200),
    ]
    assert sync_once(service, source, store) == ["y-hello", "y-bohrap", "y-jolene"]
    (target,) = service.list_playlists()
    assert service.ids_in(target) == ["y-hello", "y-bohrap", "y-jolene"]
    searches = service.calls["search"]

    assert sync_once(service, source, store) == []
    assert service.ids_in(target) == ["y-hello", "y-bohrap", "y-jolene"]
    assert service.calls["search"] == searches  # remembered: nothing searched again
    assert service.calls["add_tracks"] == 1


def test_a_second_sync_without_the_store_adds_nothing(tmp_path: Path) -> None:
    service = FakeService([YT_HELLO, YT_RHAPSODY])
    first = MatchStore(tmp_path / "first.sqlite")
    second = MatchStore(tmp_path / "second.sqlite")  # e.g. another computer
    try:
        assert sync_once(service, [HELLO, RHAPSODY], first) == ["y-hello", "y-bohrap"]
        assert sync_once(service, [HELLO, RHAPSODY], second) == []
    finally:
        first.close()
        second.close()
    assert service.calls["add_tracks"] == 1


def test_a_decision_of_the_persons_stands_whatever_else_the_target_holds(store):
    # The person chose the live version, and left Jolene out; the target holds the studio
    # Hello (the matcher would take it) and Jolene (already there).
    live = yt("y-hello-live", "Hello (Live)", "Adele", 301)
    store.remember(
        MatchResult(HELLO, Decision.ACCEPT, Candidate(live, 0.7), (Candidate(live, 0.7),)),
        YT,
        by_person=True,
    )
    store.remember(MatchResult(JOLENE, Decision.SKIPPED), YT, by_person=True)
    p = plan([HELLO, JOLENE], [YT_HELLO, YT_JOLENE], store)
    assert states(p) == [EntryState.REMEMBERED, EntryState.REMEMBERED]
    hello, jolene = p.entries
    assert hello.result.best.track.id == "y-hello-live"  # added on apply, as chosen
    assert jolene.result.decision is Decision.SKIPPED  # left out, not "already there"
    assert additions(p, {}) == ["y-hello-live"]


def test_an_automatic_decision_gives_way_to_the_same_song_already_in_the_target(store):
    store.remember(accept(HELLO, yt("y-hello-2", "Hello", "Adele", 295)), YT)
    assert states(plan([HELLO], [YT_HELLO], store)) == [EntryState.PRESENT]
