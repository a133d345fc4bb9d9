"""What Songbird remembers, as a person looks at it: listing, forgetting, lifting, and
carrying it to another machine (export, import and its merge rules)."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import pytest
from core_fakes import FakeClock
from hypothesis import given, settings
from hypothesis import strategies as st

from songbird_gui.core.match_history import (
    How,
    ScoreBand,
    find,
    forget,
    holding_playlists,
    load_history,
    playlists_of,
    select,
)
from songbird_gui.core.matches_file import (
    DEMO_LIBRARY,
    PERSON_LIBRARY,
    MatchesFileError,
    export_text,
    parse_export,
    read_export,
    write_export,
)
from songbird_gui.core.matches_merge import merge
from songbird_gui.core.mirror import Snapshot, SnapshotEntry
from songbird_gui.core.pairs import PairStore
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import (
    Candidate,
    Decision,
    MatchOrigin,
    MatchResult,
    Playlist,
    ScorePart,
    ServiceId,
    Track,
)

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC


def spotify(key: str, title: str, artist: str = "Mira Vale") -> Track:
    return Track(SP, key, title, (artist,), "Album", 200_000)


def youtube(key: str, title: str, artist: str = "Mira Vale") -> Track:
    return Track(YT, key, title, (artist,), "Album", 201_000)


def accepted(source: Track, chosen: Track, score: float, *others: Track) -> MatchResult:
    candidates = tuple(Candidate(t, s) for t, s in [(chosen, score), *((o, 0.4) for o in others)])
    return MatchResult(source, Decision.ACCEPT, candidates[0], candidates)


LANTERNS = spotify("sp1", "Paper Lanterns")
HARBOR = spotify("sp2", "Harbor Lights", "Nils Arden")
STARS = spotify("sp3", "Звёздный путь", "Лана Север")


@pytest.fixture
def store(clock: FakeClock) -> MatchStore:
    return MatchStore(":memory:", clock=clock)


def fill(store: MatchStore, clock: FakeClock) -> None:
    """An automatic match, one the person picked from the list, one found by a search of
    their own, one left for review, and a "never this one"."""
    store.remember(accepted(LANTERNS, youtube("yt1", "Paper Lanterns"), 0.97), YT)
    clock.advance(10)
    live = youtube("yt4", "Harbor Lights (Live)", "Nils Arden")
    studio = youtube("yt5", "Harbor Lights", "Nils Arden")
    review = accepted(HARBOR, live, 0.6, studio)
    store.remember(MatchResult(HARBOR, Decision.REVIEW, review.best, review.candidates), YT)
    clock.advance(10)
    chosen = MatchResult(
        HARBOR, Decision.ACCEPT, Candidate(studio, 0.8), review.candidates, 0, MatchOrigin.PERSON
    )
    store.remember(chosen, YT, by_person=True)
    clock.advance(10)
    hand = youtube("yt9", "Zvyozdny put", "Lana Sever")
    offered = accepted(STARS, youtube("yt8", "Star Road"), 0.55)
    store.remember(
        MatchResult(STARS, Decision.ACCEPT, Candidate(hand, 0.7), offered.candidates),
        YT,
        by_person=True,
    )
    clock.advance(10)
    store.reject(STARS, youtube("yt8", "Star Road"))


def test_every_decision_is_listed_newest_first_with_how_it_was_decided(store, clock):
    fill(store, clock)
    rows = load_history(store)
    assert [(r.source.title if r.source else None, r.how) for r in rows] == [
        ("Звёздный путь", How.NEVER),
        ("Звёздный путь", How.HAND),
        ("Harbor Lights", How.YOU),
        ("Paper Lanterns", How.AUTO),
    ]
    never, hand, mine, automatic = rows
    assert never.target is not None and never.target.title == "Star Road"
    assert hand.target is not None and hand.target.title == "Zvyozdny put"  # not a candidate
    assert mine.score == 0.8 and mine.state_words == "matched"
    assert automatic.how.words == "automatic" and mine.how.words == "accepted by you"
    assert len({r.row_id for r in rows}) == 4


def test_a_hand_picked_match_is_recalled_with_its_title(store, clock):
    fill(store, clock)
    recalled = store.recall(STARS, YT)
    assert recalled is not None and recalled.best is not None
    assert recalled.best.track.title == "Zvyozdny put"


def test_words_and_how_choose_rows_and_bands_follow_the_matchers_thresholds(store, clock):
    fill(store, clock)
    rows = load_history(store)
    assert [r.source_key for r in select(rows, "harbor")] == ["spotify:sp2"]
    assert [r.source_key for r in select(rows, "путь", How.NEVER)] == ["spotify:sp3"]
    assert select(rows, "lanterns mira") and not select(rows, "lanterns nobody")
    assert ScoreBand.SURE.holds(0.97, 0.85, 0.5) and not ScoreBand.SURE.holds(0.8, 0.85, 0.5)
    assert ScoreBand.REVIEW.holds(0.8, 0.85, 0.5) and ScoreBand.LOW.holds(0.3, 0.85, 0.5)
    assert ScoreBand.NONE.holds(None, 0.85, 0.5) and not ScoreBand.LOW.holds(None, 0.85, 0.5)


def test_forget_drops_a_decision_and_lifts_a_never(store, clock):
    fill(store, clock)
    never, _, _, automatic = load_history(store)
    assert forget(store, automatic)
    assert store.recall(LANTERNS, YT) is None  # the next sync searches it again
    assert forget(store, never)
    assert store.rejected_ids(STARS, YT) == frozenset()
    assert not forget(store, automatic)  # gone already
    assert find(load_history(store), automatic.row_id) is None


def test_the_playlists_holding_a_match_come_from_the_pairs_snapshots(store, clock):
    fill(store, clock)
    pairs = PairStore(store, clock=clock)
    for name, pid in (("Road Trip", "ytA"), ("Evening", "ytB")):
        pair = pairs.ensure(Playlist(SP, f"s{pid}", name), Playlist(YT, pid, name))
        pairs.record_sync(pair.pair_id, Snapshot((SnapshotEntry("spotify:sp1", "yt1"),)))
    index = holding_playlists(store)
    automatic = load_history(store)[-1]
    assert playlists_of(automatic, index) == ("Evening", "Road Trip")


def test_a_store_from_before_the_matches_view_learns_targets_and_then_sources(tmp_path, clock):
    path = tmp_path / "matches.sqlite3"
    old = MatchStore(path, clock=clock)
    old.remember(accepted(LANTERNS, youtube("yt1", "Paper Lanterns"), 0.97), YT)
    old.close()
    # As version 2 left it: no source, target or by_hand columns.
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE d2 AS SELECT source_key, target_service, decision, target_id, score,"
        " origin, decided_at, retry_at, candidates FROM decisions; DROP TABLE decisions;"
        " ALTER TABLE d2 RENAME TO decisions; PRAGMA user_version=2;"
    )
    db.close()
    store = MatchStore(path, clock=clock)
    (row,) = load_history(store)
    assert row.target is not None and row.target.title == "Paper Lanterns"
    assert row.source is None  # not known yet
    store.recall(LANTERNS, YT)  # the next sync's plan
    (row,) = load_history(store)
    assert row.source == LANTERNS
    store.close()


# -- export and import --------------------------------------------------------------------------


def test_an_export_is_versioned_and_says_whose_library_it_is(store, clock, tmp_path):
    fill(store, clock)
    summary = write_export(store, tmp_path / "m.json", PERSON_LIBRARY)
    data = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert (data["format"], data["version"], data["library"]) == ("songbird-matches", 1, "yours")
    assert (summary.decisions, summary.rejections) == (3, 1)
    assert data["decisions"][0]["candidates"][0]["track"]["title"]


def test_an_import_into_another_library_or_from_a_newer_songbird_is_refused(store, clock):
    fill(store, clock)
    text = export_text(store, DEMO_LIBRARY)
    with pytest.raises(MatchesFileError, match="demo library"):
        merge(MatchStore(":memory:"), parse_export(text), PERSON_LIBRARY)
    newer = json.loads(text) | {"version": 99}
    with pytest.raises(MatchesFileError, match="newer Songbird"):
        parse_export(json.dumps(newer))
    with pytest.raises(MatchesFileError, match="not a file of Songbird matches"):
        parse_export("[]")


def two_machines(clock: FakeClock) -> tuple[MatchStore, MatchStore]:
    return MatchStore(":memory:", clock=clock), MatchStore(":memory:", clock=clock)


def test_a_persons_decision_beats_an_automatic_one_whatever_their_dates(clock):
    here, there = two_machines(clock)
    studio, live = youtube("yt5", "Harbor Lights"), youtube("yt4", "Harbor Lights (Live)")
    here.remember(accepted(HARBOR, studio, 0.8), YT, by_person=True)
    clock.advance(100)
    there.remember(accepted(HARBOR, live, 0.9), YT)  # newer, but automatic
    report = merge(here, parse_export(export_text(there, PERSON_LIBRARY)), PERSON_LIBRARY)
    assert (report.kept, report.replaced) == (1, 0)
    assert report.notes and report.notes[0].startswith("kept: Harbor Lights")
    assert here.recall(HARBOR, YT).best.track.id == "yt5"
    # And the other way: the person's older decision replaces the newer automatic one.
    report = merge(there, parse_export(export_text(here, PERSON_LIBRARY)), PERSON_LIBRARY)
    assert report.replaced == 1 and there.recall(HARBOR, YT).best.track.id == "yt5"


def test_between_two_of_the_same_kind_the_newer_wins(clock):
    here, there = two_machines(clock)
    here.remember(accepted(HARBOR, youtube("yt4", "Harbor Lights (Live)"), 0.9), YT)
    clock.advance(100)
    there.remember(accepted(HARBOR, youtube("yt5", "Harbor Lights"), 0.95), YT)
    report = merge(here, parse_export(export_text(there, PERSON_LIBRARY)), PERSON_LIBRARY)
    assert report.replaced == 1 and here.recall(HARBOR, YT).best.track.id == "yt5"
    again = merge(here, parse_export(export_text(there, PERSON_LIBRARY)), PERSON_LIBRARY)
    assert (again.unchanged, again.replaced, again.added) == (1, 0, 0)


def test_nevers_are_united_and_a_newer_never_drops_the_match_it_refuses(clock):
    here, there = two_machines(clock)
    wrong = youtube("yt4", "Harbor Lights (Live)")
    here.remember(accepted(HARBOR, wrong, 0.9), YT)
    here.reject(LANTERNS, youtube("yt7", "Paper Lanterns (Karaoke)"))
    clock.advance(100)
    there.reject(HARBOR, wrong)
    report = merge(here, parse_export(export_text(there, PERSON_LIBRARY)), PERSON_LIBRARY)
    assert (report.rejections_added, report.dropped) == (1, 1)
    assert here.recall(HARBOR, YT) is None
    assert here.rejected_ids(HARBOR, YT) == {"yt4"} and here.rejected_ids(LANTERNS, YT) == {"yt7"}
    assert "1 “never this one” added" in report.sentence()


tracks = st.builds(
    Track,
    service=st.just(YT),
    id=st.text("abcxyz019", min_size=1, max_size=6),
    title=st.text(max_size=12),
    artists=st.lists(st.text(max_size=8), max_size=2).map(tuple),
    album=st.none() | st.text(max_size=8),
    duration_ms=st.none() | st.integers(1, 900_000),
    explicit=st.booleans(),
)
scores = st.floats(0, 1, allow_nan=False)
candidates = st.builds(
    Candidate,
    tracks,
    scores,
    st.lists(
        st.builds(ScorePart, st.text(max_size=6), scores, scores, st.text(max_size=10)),
        max_size=2,
    ).map(tuple),
)
steps = st.lists(
    st.tuples(
        st.sampled_from(["auto", "you", "hand", "review", "not found", "skip", "never"]),
        st.integers(0, 5),  # which source track
        st.lists(candidates, min_size=1, max_size=3),
        st.floats(0.1, 1000, allow_nan=False),  # time since the step before
    ),
    max_size=14,
)


@settings(database=None, deadline=None, max_examples=60)
@given(steps)
def test_export_then_import_into_an_empty_store_then_export_gives_the_same_file(history):
    clock = FakeClock()
    store = MatchStore(":memory:", clock=clock)
    for kind, n, offered, pause in history:
        clock.advance(pause)
        source = spotify(f"sp{n}", f"Song {n}")
        best = offered[0]
        if kind == "never":
            store.reject(source, best.track)
        elif kind == "skip":
            result = MatchResult(source, Decision.SKIPPED, None, tuple(offered))
            store.remember(result, YT, by_person=True)
        elif kind == "hand":  # a track of the person's own search: not among the offered
            found = Candidate(Track(YT, "hand", "Found By Hand"), 0.5)
            result = MatchResult(source, Decision.ACCEPT, found, tuple(offered[1:]))
            store.remember(result, YT, by_person=True)
        else:
            decision = {"review": Decision.REVIEW, "not found": Decision.NOT_FOUND}.get(
                kind, Decision.ACCEPT
            )
            result = MatchResult(source, decision, best, tuple(offered))
            store.remember(result, YT, by_person=kind == "you")
    with tempfile.TemporaryDirectory() as folder:
        first, second = Path(folder, "first.json"), Path(folder, "second.json")
        write_export(store, first, PERSON_LIBRARY)
        empty = MatchStore(":memory:", clock=FakeClock(5.0))
        report = merge(empty, read_export(first), PERSON_LIBRARY)
        write_export(empty, second, PERSON_LIBRARY)
        assert report.added == len(json.loads(first.read_text(encoding="utf-8"))["decisions"])
        assert second.read_bytes() == first.read_bytes()
