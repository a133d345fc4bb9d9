"""Sync pairs kept in the match store: made once, reused, renamed, refused, paused, unlinked."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from core_fakes import FakeClock

from songbird_gui.core.mirror import Snapshot, SnapshotEntry
from songbird_gui.core.pairs import PairConflict, PairStore
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import (
    LIKED_PLAYLIST_ID,
    Playlist,
    PlaylistKind,
    ServiceId,
    SyncMode,
    Track,
)

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC
ROAD = Playlist(SP, "sp-road", "Road Trip")
ROAD_YT = Playlist(YT, "PL-road", "Road Trip")


@pytest.fixture
def pairs(tmp_path: Path, clock: FakeClock) -> PairStore:
    return PairStore(MatchStore(tmp_path / "store.sqlite3", clock=clock), clock=clock)


def test_a_pair_is_made_once_and_reused_whatever_the_names_become(pairs: PairStore) -> None:
    made = pairs.ensure(ROAD, ROAD_YT)
    assert made.mode is SyncMode.ADD and made.synced_at is None
    renamed = pairs.ensure(Playlist(SP, "sp-road", "Road Trip 2027"), Playlist(YT, "PL-road", "RT"))
    assert renamed.pair_id == made.pair_id
    assert (renamed.source_name, renamed.target_name) == ("Road Trip 2027", "RT")
    assert pairs.find(SP, "sp-road", YT) == renamed
    assert len(pairs.all()) == 1


def test_a_mode_given_sets_it_and_none_keeps_it(pairs: PairStore) -> None:
    pair = pairs.ensure(ROAD, ROAD_YT, SyncMode.MIRROR)
    assert pairs.ensure(ROAD, ROAD_YT).mode is SyncMode.MIRROR
    pairs.set_mode(pair.pair_id, SyncMode.EXACT)
    assert pairs.get(pair.pair_id).mode is SyncMode.EXACT


def test_two_playlists_syncing_into_each_other_are_refused(pairs: PairStore) -> None:
    pairs.ensure(ROAD, ROAD_YT)
    with pytest.raises(PairConflict, match="into each other"):
        pairs.ensure(ROAD_YT, ROAD)


def test_a_source_gets_one_target_per_service(pairs: PairStore) -> None:
    pairs.ensure(ROAD, ROAD_YT)
    with pytest.raises(PairConflict, match="already syncs to"):
        pairs.ensure(ROAD, Playlist(YT, "PL-other", "Other"))


def test_the_snapshot_and_the_removals_of_the_last_sync_are_kept(
    pairs: PairStore, clock: FakeClock
) -> None:
    pair = pairs.ensure(ROAD, ROAD_YT)
    assert pairs.snapshot(pair.pair_id) is None  # the first sync removes nothing
    snapshot = Snapshot((SnapshotEntry("spotify:a", "y1", "h1"), SnapshotEntry("spotify:b", None)))
    gone = Track(YT, "y9", "Gone Song", ("Band",), duration_ms=200_000)
    clock.advance(60)
    pairs.record_sync(pair.pair_id, snapshot, [(3, gone)], names=("Road Trip", "Road Trip"))
    assert pairs.snapshot(pair.pair_id) == snapshot
    assert pairs.get(pair.pair_id).synced_at == clock.now
    (removed,) = pairs.last_removals(pair.pair_id)
    assert (removed.position, removed.track, removed.restored) == (3, gone, False)
    pairs.mark_restored(pair.pair_id)
    assert pairs.last_removals(pair.pair_id)[0].restored
    pairs.record_sync(pair.pair_id, snapshot)  # nothing removed: the list stays
    assert len(pairs.last_removals(pair.pair_id)) == 1


def test_a_paused_pair_says_why_and_unlinking_forgets_it(pairs: PairStore) -> None:
    pair = pairs.ensure(
        Playlist(SP, LIKED_PLAYLIST_ID, "Liked Songs", kind=PlaylistKind.LIKED),
        Playlist(YT, LIKED_PLAYLIST_ID, "Liked Music", kind=PlaylistKind.LIKED),
    )
    assert pair.liked
    pairs.pause(pair.pair_id, "“Liked Music” is no longer on YouTube Music")
    assert "no longer" in pairs.get(pair.pair_id).paused
    pairs.unpause(pair.pair_id)
    assert pairs.get(pair.pair_id).paused == ""
    pairs.record_sync(pair.pair_id, Snapshot(()), [(0, Track(YT, "y", "Y"))])
    pairs.unlink(pair.pair_id)
    assert pairs.all() == [] and pairs.last_removals(pair.pair_id) == []


def test_todays_store_gains_the_pair_tables_and_keeps_its_decisions(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "matches.sqlite3"
    old = sqlite3.connect(path)  # a store as the previous release left it (schema 1)
    old.executescript(
        """
        CREATE TABLE decisions (source_key TEXT, target_service TEXT, decision TEXT,
            target_id TEXT, score REAL, origin TEXT, decided_at REAL, retry_at REAL,
            candidates TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (source_key, target_service));
        CREATE TABLE journal (batch_id INTEGER PRIMARY KEY AUTOINCREMENT, target_service TEXT,
            playlist_id TEXT, track_ids TEXT, planned_at REAL, confirmed_at REAL);
        INSERT INTO decisions VALUES ('spotify:a','ytmusic','accept','y1',0.9,'scored',1,NULL,'[]');
        INSERT INTO journal (target_service, playlist_id, track_ids, planned_at)
            VALUES ('ytmusic','PL','["y1"]',1);
        PRAGMA user_version=1;
        """
    )
    old.close()
    store = MatchStore(path, clock=clock)
    assert store.count() == 1
    assert store.journal_unconfirmed(YT, "PL") == ["y1"]  # an old batch is an "add"
    assert PairStore(store, clock=clock).ensure(ROAD, ROAD_YT).pair_id == 1
    store.close()


def test_a_files_liked_songs_pair_is_a_liked_pair_and_file_pairs_are_listed(
    pairs: PairStore,
) -> None:
    # A file's liked songs are known by their folder; they sync into the service's liked.
    liked_file = Playlist(
        ServiceId.FILE, "file:///home/me/Downloads#liked", "Liked Songs", kind=PlaylistKind.LIKED
    )
    liked_yt = Playlist(YT, LIKED_PLAYLIST_ID, "Liked Music", kind=PlaylistKind.LIKED)
    pair = pairs.ensure(liked_file, liked_yt)
    assert pair.liked
    pairs.ensure(ROAD, ROAD_YT)
    assert pairs.source_ids(ServiceId.FILE) == ["file:///home/me/Downloads#liked"]
    assert pairs.source_ids(SP) == ["sp-road"]
