"""Replacing a wrong match in the playlists Songbird wrote it to: at the same place, once,
through the write journal, on either kind of service, and after lost answers or a kill."""

from __future__ import annotations

from collections.abc import Sequence

from core_fakes import FakeService, Fault

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import TransientError
from songbird_gui.core.match_fix import (
    REPLACE,
    Replacement,
    finish_interrupted,
    holdings,
    replace_everywhere,
)
from songbird_gui.core.mirror import Snapshot, SnapshotEntry, plan_mirror
from songbird_gui.core.pair_writer import REINSERT
from songbird_gui.core.pairs import PairStore
from songbird_gui.core.retry import RequestStats, RetryPolicy
from songbird_gui.core.service import ServiceLimits
from songbird_gui.core.store import MatchStore
from songbird_gui.core.throttle import request_scope
from songbird_gui.core.types import (
    LIKED_PLAYLIST_ID,
    Playlist,
    PlaylistKind,
    ServiceId,
    SyncMode,
    Track,
)

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC
SPOTIFY_LIKE = ServiceLimits(add_batch_size=100, removes_every_occurrence=True)
SOURCE = ("a", "b", "c")
WRONG, RIGHT = "yb", "yn"  # "b" was matched to yb; the right track is yn


def song(service: ServiceId, key: str) -> Track:
    return Track(service, key, f"Song {key}", ("Band",), None, 200_000)


class Scene:
    """A source playlist a, b, c synced into a target; its pair's snapshot says b → yb."""

    def __init__(
        self,
        target: Sequence[str] = ("ya", "yb", "yc"),
        *,
        handles: bool = True,
        limits: ServiceLimits | None = None,
        liked: bool = False,
    ) -> None:
        catalogue = [song(YT, i) for i in ("ya", "yb", "yc", "yn", "yz")]
        self.service = FakeService(catalogue, handles=handles, limits=limits)
        self.store = MatchStore(":memory:")
        self.pairs = PairStore(self.store)
        tracks = [self.service.catalogue[i] for i in target]
        if liked:
            self.playlist = Playlist(YT, LIKED_PLAYLIST_ID, "Liked Music", kind=PlaylistKind.LIKED)
            self.service.playlists[LIKED_PLAYLIST_ID] = (self.playlist, tracks)
            self.service.handles[LIKED_PLAYLIST_ID] = [f"l{n}" for n in range(len(tracks))]
            source = Playlist(SP, LIKED_PLAYLIST_ID, "Liked Songs", kind=PlaylistKind.LIKED)
        else:
            self.playlist = self.service.make_playlist("Road Trip", tracks)
            source = Playlist(SP, "src", "Road Trip")
        self.pair = self.pairs.ensure(source, self.playlist)
        handles_now = self.service.handles[self.playlist.id] if handles else [None] * len(target)
        by_id = dict(zip(target, handles_now, strict=True))
        self.pairs.record_sync(
            self.pair.pair_id,
            Snapshot(
                tuple(SnapshotEntry(f"spotify:{k}", f"y{k}", by_id.get(f"y{k}")) for k in SOURCE)
            ),
        )
        self.policy = RetryPolicy(self.service.throttle.policy.settings)

    def replace(self, old: str = WRONG, new: str = RIGHT):
        held = holdings(self.store, "spotify:b", YT, old)
        with request_scope(CancelToken(), RequestStats()):
            return replace_everywhere(
                self.service, self.store, self.policy, Replacement("spotify:b", old, new, held)
            )

    def ids(self) -> list[str | None]:
        return self.service.ids_in(self.playlist)

    def snapshot_names(self) -> list[str | None]:
        snapshot = self.pairs.snapshot(self.pair.pair_id)
        assert snapshot is not None
        return [e.target_id for e in snapshot.entries]

    def unconfirmed(self, kind: str) -> list:
        return self.store.journal_unconfirmed_batches(YT, self.playlist.id, kind)


def test_on_a_service_with_handles_the_new_track_takes_the_old_ones_place_once():
    scene = Scene()
    (outcome,) = scene.replace()
    assert scene.ids() == ["ya", "yn", "yc"]
    assert outcome.done and outcome.position == 1
    assert outcome.sentence() == "“Road Trip”: replaced at #2"
    assert scene.service.add_batches == [["yn"]]  # appended, then moved into place
    assert scene.service.calls["move_entry"] == 1 and scene.service.calls["remove_entries"] == 1
    # The snapshot names the new track, with the handle of the copy that is there.
    assert scene.snapshot_names() == ["ya", "yn", "yc"]
    snapshot = scene.pairs.snapshot(scene.pair.pair_id)
    assert snapshot is not None
    assert snapshot.entries[1].target_handle == scene.service.handles[scene.playlist.id][1]
    assert scene.unconfirmed(REPLACE) == []


def test_the_next_mirror_sync_sees_neither_a_hand_added_track_nor_a_removed_one():
    scene = Scene()
    scene.replace()
    source = tuple(song(SP, k) for k in SOURCE)
    matches = {"spotify:a": "ya", "spotify:b": RIGHT, "spotify:c": "yc"}
    entries = scene.service.playlist_entries(scene.playlist)
    plan = plan_mirror(
        SyncMode.MIRROR, source, matches, entries, scene.pairs.snapshot(scene.pair.pair_id)
    )
    assert (plan.removals, plan.additions, plan.moves, plan.hand_added) == ((), (), (), ())


def test_where_removing_removes_every_copy_the_persons_copy_is_put_back():
    # Spotify-like: no handles, a position on add, and the person listed yb once more.
    scene = Scene(("ya", "yb", "yc", "yb"), handles=False, limits=SPOTIFY_LIKE)
    (outcome,) = scene.replace()
    assert scene.ids() == ["ya", "yn", "yc", "yb"]
    assert outcome.position == 1
    assert scene.service.calls["move_entry"] == 0  # added at its place
    assert scene.unconfirmed(REINSERT) == [] and scene.unconfirmed(REPLACE) == []


def test_a_right_track_the_person_added_by_hand_is_moved_there_not_added_again():
    scene = Scene(("ya", "yb", "yc", "yn"))
    scene.replace()
    assert scene.ids() == ["ya", "yn", "yc"]
    assert scene.service.add_batches == []


def test_an_old_track_no_longer_there_is_left_alone():
    scene = Scene(("ya", "yc"))
    (outcome,) = scene.replace()
    assert scene.ids() == ["ya", "yc"] and not outcome.done
    assert "no longer there" in outcome.note
    assert (
        scene.service.calls["add_tracks"] == 0 and scene.store.journal_unconfirmed(YT, "pl1") == []
    )


def test_in_liked_songs_the_new_track_is_added_and_the_old_one_goes():
    scene = Scene(("ya", "yb", "yc"), liked=True)
    (outcome,) = scene.replace()
    assert outcome.done
    assert sorted(i for i in scene.ids() if i) == ["ya", "yc", "yn"]
    assert scene.service.calls["move_entry"] == 0  # the service keeps that order itself


def test_answers_lost_on_the_way_do_not_add_twice_nor_remove_twice():
    scene = Scene()
    lost = TransientError("the connection was reset")
    scene.service.fail("add_tracks", Fault(lost, lands=True))
    scene.service.fail("remove_entries", Fault(lost, lands=True))
    (outcome,) = scene.replace()
    assert outcome.done
    assert scene.ids() == ["ya", "yn", "yc"]
    assert scene.service.add_batches == [["yn"]]


def test_a_spotify_like_removal_whose_answer_was_lost_still_puts_the_other_copy_back():
    scene = Scene(("yb", "ya", "yb", "yc"), handles=False, limits=SPOTIFY_LIKE)
    scene.service.fail("remove_entries", Fault(TransientError("reset"), lands=True))
    scene.replace()
    assert scene.ids().count("yb") == 1 and scene.ids().count(RIGHT) == 1
    assert scene.ids()[0] == RIGHT  # the first copy was Songbird's: the nearest to where it was
    assert scene.unconfirmed(REINSERT) == []


def test_a_replacement_killed_half_way_is_finished_from_the_journal():
    scene = Scene()
    # As a run killed after putting the new track in, before removing the old one, leaves it.
    scene.store.journal_planned(
        YT,
        scene.playlist.id,
        [WRONG, RIGHT, "1", "1", "spotify:b", str(scene.pair.pair_id)],
        kind=REPLACE,
    )
    scene.service.add_now(scene.playlist, [RIGHT], position=1)
    with request_scope(CancelToken(), RequestStats()):
        (outcome,) = finish_interrupted(scene.service, scene.store, scene.policy)
    assert outcome.done
    assert scene.ids() == ["ya", "yn", "yc"]
    assert scene.snapshot_names() == ["ya", "yn", "yc"]
    assert scene.unconfirmed(REPLACE) == []


def test_only_the_playlists_whose_pair_put_the_old_track_there_are_touched():
    scene = Scene()
    other = scene.service.make_playlist("Evening", [scene.service.catalogue["yb"]])
    assert [h.playlist.name for h in holdings(scene.store, "spotify:b", YT, WRONG)] == ["Road Trip"]
    scene.replace()
    assert scene.service.ids_in(other) == ["yb"]
    assert holdings(scene.store, "spotify:b", YT, WRONG) == []
