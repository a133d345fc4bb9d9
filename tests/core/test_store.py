"""The match store: decisions survive between syncs, so an unchanged playlist needs no search."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from core_fakes import FakeClock

from songbird_gui.core.store import NOT_FOUND_RETRY_S, MatchStore
from songbird_gui.core.types import (
    Candidate,
    Decision,
    MatchOrigin,
    MatchResult,
    ScorePart,
    ServiceId,
    Track,
    TrackKind,
)

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC

SOURCE = Track(SP, "sp-1", "Hello", ("Adele",), "25", 295_000, "GBBKS1500214")
SONG = Track(YT, "yt-song", "Hello", ("Adele",), "25", 296_000)
VIDEO = Track(
    YT,
    "yt-video",
    "Adele - Hello (Official Video)",
    ("Adele",),
    None,
    366_000,
    kind=TrackKind.MUSIC_VIDEO,
)
PARTS = (
    ScorePart("title", 1.0, 0.4, "title 1.00"),
    ScorePart("duration", 0.95, 0.2, "duration +1 s"),
)


def accepted(best: Track = SONG, score: float = 0.98) -> MatchResult:
    return MatchResult(
        SOURCE,
        Decision.ACCEPT,
        Candidate(best, score, PARTS),
        (Candidate(SONG, 0.98, PARTS), Candidate(VIDEO, 0.91, ())),
        searches=1,
    )


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[MatchStore]:
    store = MatchStore(tmp_path / "songbird" / "matches.sqlite", clock=clock)
    yield store
    store.close()


def test_an_unknown_track_is_not_recalled(store: MatchStore) -> None:
    assert store.recall(SOURCE, YT) is None
    assert store.rejected_ids(SOURCE, YT) == frozenset()


def test_remember_and_recall_round_trip(store: MatchStore) -> None:
    store.remember(accepted(), YT)
    recalled = store.recall(SOURCE, YT)
    assert recalled is not None
    assert recalled.decision is Decision.ACCEPT
    assert recalled.origin is MatchOrigin.REMEMBERED
    assert recalled.source == SOURCE
    assert recalled.best == Candidate(SONG, 0.98, PARTS)  # the track and why it scored so
    assert recalled.best.explain() == "title 1.00 · duration +1 s"
    # A sure match comes back with its best only; the others are read when asked for.
    assert recalled.candidates == (recalled.best,) and recalled.others_in_store
    offered = (Candidate(SONG, 0.98, PARTS), Candidate(VIDEO, 0.91, ()))
    assert store.candidates_left([SOURCE.key], YT) == {SOURCE.key: offered}
    assert store.count() == 1


def test_a_decision_to_review_is_recalled_with_all_its_candidates(store: MatchStore) -> None:
    store.remember(replace(accepted(), decision=Decision.REVIEW), YT)
    recalled = store.recall(SOURCE, YT)
    assert recalled is not None and not recalled.others_in_store
    assert recalled.candidates == (Candidate(SONG, 0.98, PARTS), Candidate(VIDEO, 0.91, ()))


def test_candidates_read_back_leave_out_the_ones_never_to_propose(store: MatchStore) -> None:
    other = Track(SP, "sp-2", "Skyfall", ("Adele",))
    store.remember(accepted(), YT)
    store.remember(replace(accepted(), source=other), YT)
    store.reject(SOURCE, VIDEO)

    left = store.candidates_left([SOURCE.key, other.key, "spotify:unknown"], YT)

    assert left == {  # a track with no decision has nothing to read back
        SOURCE.key: (Candidate(SONG, 0.98, PARTS),),
        other.key: (Candidate(SONG, 0.98, PARTS), Candidate(VIDEO, 0.91, ())),
    }
    assert store.candidates_left([SOURCE.key], SP) == {}  # decisions are per target service


def test_decisions_are_per_target_service(store: MatchStore) -> None:
    store.remember(accepted(), YT)
    assert store.recall(SOURCE, SP) is None


def test_a_persons_decision_replaces_the_automatic_one(store: MatchStore) -> None:
    store.remember(accepted(SONG), YT)
    store.remember(accepted(VIDEO, 0.91), YT, by_person=True)
    recalled = store.recall(SOURCE, YT)
    assert recalled is not None and recalled.best is not None
    assert recalled.best.track == VIDEO
    assert store.count() == 1


def test_a_skip_is_remembered_without_a_target(store: MatchStore) -> None:
    store.remember(MatchResult(SOURCE, Decision.SKIPPED, None, ()), YT, by_person=True)
    recalled = store.recall(SOURCE, YT)
    assert recalled is not None
    assert recalled.decision is Decision.SKIPPED
    assert recalled.best is None


def test_reject_drops_a_standing_match_to_that_target(store: MatchStore) -> None:
    store.remember(accepted(SONG), YT)
    store.reject(SOURCE, SONG)
    assert store.recall(SOURCE, YT) is None  # searched again next time
    assert store.rejected_ids(SOURCE, YT) == {"yt-song"}


def test_reject_of_another_candidate_keeps_the_match(store: MatchStore) -> None:
    store.remember(accepted(SONG), YT)
    store.reject(SOURCE, VIDEO)
    recalled = store.recall(SOURCE, YT)
    assert recalled is not None and recalled.best is not None
    assert recalled.best.track.id == "yt-song"
    assert store.rejected_ids(SOURCE, YT) == {"yt-video"}


def test_rejections_accumulate_and_are_per_source(store: MatchStore) -> None:
    other = Track(SP, "sp-2", "Someone Like You", ("Adele",))
    store.reject(SOURCE, SONG)
    store.reject(SOURCE, VIDEO)
    store.reject(SOURCE, VIDEO)
    assert store.rejected_ids(SOURCE, YT) == {"yt-song", "yt-video"}
    assert store.rejected_ids(other, YT) == frozenset()


def test_not_found_expires_after_the_retry_period(store: MatchStore, clock: FakeClock) -> None:
    store.remember(MatchResult(SOURCE, Decision.NOT_FOUND, None, ()), YT)
    clock.advance(NOT_FOUND_RETRY_S - 1.0)
    recalled = store.recall(SOURCE, YT)
    assert recalled is not None and recalled.decision is Decision.NOT_FOUND
    clock.advance(1.0)
    assert store.recall(SOURCE, YT) is None  # catalogues grow: search again


def test_an_accepted_match_does_not_expire(store: MatchStore, clock: FakeClock) -> None:
    store.remember(accepted(), YT)
    clock.advance(100 * NOT_FOUND_RETRY_S)
    assert store.recall(SOURCE, YT) is not None


def test_forget(store: MatchStore) -> None:
    store.remember(accepted(), YT)
    store.forget(SOURCE, YT)
    assert store.recall(SOURCE, YT) is None


def test_decisions_survive_close_and_reopen(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "matches.sqlite"
    first = MatchStore(path, clock=clock)
    first.remember(accepted(), YT)
    first.reject(SOURCE, VIDEO)
    first.close()
    again = MatchStore(path, clock=clock)
    try:
        recalled = again.recall(SOURCE, YT)
        assert recalled is not None and recalled.best == Candidate(SONG, 0.98, PARTS)
        assert again.rejected_ids(SOURCE, YT) == {"yt-video"}
    finally:
        again.close()


def test_the_database_runs_in_wal_mode(store: MatchStore, tmp_path: Path) -> None:
    store.remember(accepted(), YT)
    probe = sqlite3.connect(tmp_path / "songbird" / "matches.sqlite")
    try:
        assert probe.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # every write is committed at once: another connection sees it
        assert probe.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 1
    finally:
        probe.close()


def test_workers_may_write_at_once(store: MatchStore) -> None:
    def worker(n: int) -> None:
        for i in range(25):
            source = Track(SP, f"sp-{n}-{i}", "Song", ("A",))
            store.remember(MatchResult(source, Decision.ACCEPT, Candidate(SONG, 0.9)), YT)

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10.0)
    assert not any(thread.is_alive() for thread in threads)
    assert store.count() == 200


def test_damaged_candidates_are_dropped_not_fatal(store: MatchStore, tmp_path: Path) -> None:
    store.remember(accepted(), YT)
    probe = sqlite3.connect(tmp_path / "songbird" / "matches.sqlite")
    try:
        probe.execute("UPDATE decisions SET candidates='not json'")
        probe.commit()
    finally:
        probe.close()
    recalled = store.recall(SOURCE, YT)
    assert recalled is not None and recalled.best is not None
    assert recalled.candidates == ()
    assert recalled.best.track.id == "yt-song"
    assert recalled.best.score == 0.98


def test_a_refused_search_waits_a_day_and_a_passing_failure_none(tmp_path) -> None:
    from songbird_gui.core.store import PERMANENT_FAILURE_RETRY_S
    from songbird_gui.core.types import ServiceId, Track

    clock = [1_000.0]
    store = MatchStore(tmp_path / "s.sqlite3", clock=lambda: clock[0])
    refused = Track(ServiceId.SPOTIFY, "sp-refused", "A", ("X",))
    flaky = Track(ServiceId.SPOTIFY, "sp-flaky", "B", ("Y",))
    store.record_failure(
        refused, ServiceId.YTMUSIC, "YouTube Music refused the request (400)", True
    )
    store.record_failure(flaky, ServiceId.YTMUSIC, "YouTube Music could not be reached", False)
    standing = store.failure(refused, ServiceId.YTMUSIC)
    assert standing is not None and standing.reason.endswith("(400)") and standing.attempts == 1
    assert store.failure(flaky, ServiceId.YTMUSIC) is None  # searched again at the next sync
    clock[0] += PERMANENT_FAILURE_RETRY_S + 1
    assert store.failure(refused, ServiceId.YTMUSIC) is None
    store.record_failure(refused, ServiceId.YTMUSIC, "refused again", True)
    again = store.failure(refused, ServiceId.YTMUSIC)
    assert again is not None and again.attempts == 2
    store.close()


def test_a_decision_that_cannot_be_written_leaves_the_standing_failure(
    store: MatchStore, tmp_path: Path
) -> None:
    """remember() drops the failure and writes the decision together, or does neither."""
    store.record_failure(SOURCE, YT, "YouTube Music refused the request (400)", True)
    probe = sqlite3.connect(tmp_path / "songbird" / "matches.sqlite")
    try:
        probe.execute(
            "CREATE TRIGGER full_disk BEFORE INSERT ON decisions "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
        probe.commit()
    finally:
        probe.close()
    with pytest.raises(sqlite3.DatabaseError, match="disk is full"):
        store.remember(accepted(), YT)
    standing = store.failure(SOURCE, YT)
    assert standing is not None and standing.reason.endswith("(400)")
    assert store.recall(SOURCE, YT) is None
    assert store.count() == 0
