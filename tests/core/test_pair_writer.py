"""Writing a pair in its mode: removals, additions and moves as requests, and their faults."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

import pytest
from core_fakes import FakeService, Fault

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import TransientError
from songbird_gui.core.mirror import Snapshot, SnapshotEntry
from songbird_gui.core.pair_writer import (
    PairInputs,
    PairWriter,
    put_back_last_removals,
    restore_removed,
)
from songbird_gui.core.pairs import PairStore
from songbird_gui.core.retry import RequestStats, RetryPolicy
from songbird_gui.core.service import ServiceLimits
from songbird_gui.core.store import MatchStore
from songbird_gui.core.throttle import request_scope
from songbird_gui.core.types import Playlist, ServiceId, SyncMode, Track

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC
SPOTIFY_LIMITS = ServiceLimits(add_batch_size=100, removes_every_occurrence=True)


def song(service: ServiceId, key: str) -> Track:
    return Track(service, key, f"Song {key}", ("Band",), None, 200_000)


def source_of(*keys: str) -> tuple[Track, ...]:
    return tuple(song(SP, k) for k in keys)


def catalogue(*keys: str) -> list[Track]:
    return [song(YT, f"y{k}") for k in keys]


def matches(*keys: str) -> dict[str, str]:
    return {f"spotify:{k}": f"y{k}" for k in keys}


def snapshot_of(*keys: str) -> Snapshot:
    return Snapshot(tuple(SnapshotEntry(f"spotify:{k}", f"y{k}") for k in keys))


def sync(
    service: FakeService,
    target: Playlist | None,
    inputs: PairInputs,
    allowed: int | None = None,
    journal: MatchStore | None = None,
    cancel: CancelToken | None = None,
):
    policy = RetryPolicy(service.throttle.policy.settings)
    stats = RequestStats()
    with request_scope(cancel or CancelToken(), stats):
        report = PairWriter(service, policy, journal).sync(target, "Road Trip", inputs, allowed)
    return report, stats


def test_mirror_removes_what_left_the_source_keeps_the_hand_added_and_follows_the_order():
    service = FakeService(catalogue("a", "b", "c", "d", "x"), handles=True)
    # Songbird wrote a, b, c, d; the person added x after b by hand.
    held = catalogue("a", "b", "x", "c", "d")
    target = service.make_playlist("Road Trip", held)
    # On the source, b left and the order became d, a, c.
    inputs = PairInputs(
        SyncMode.MIRROR,
        source_of("d", "a", "c"),
        matches("d", "a", "c"),
        snapshot_of("a", "b", "c", "d"),
    )
    report, _ = sync(service, target, inputs)
    assert [t.title for _, t in report.removed] == ["Song yb"]
    assert service.ids_in(target) == ["yd", "ya", "yc", "yx"] or service.ids_in(target) == [
        "yd",
        "ya",
        "yx",
        "yc",
    ]
    assert "yx" in service.ids_in(target)  # the person's stays
    assert report.moved == service.calls["move_entry"] >= 1
    assert report.entries is not None and [e.track.id for e in report.entries] == service.ids_in(
        target
    )
    again, _ = sync(
        service,
        target,
        PairInputs(SyncMode.MIRROR, inputs.source, inputs.matches, snapshot_of("d", "a", "c")),
    )
    assert not again.removed and not again.moved and again.added == 0  # nothing left to do


def test_add_only_adds_and_never_removes_or_moves():
    service = FakeService(catalogue("a", "b", "c"), handles=True)
    target = service.make_playlist("Road Trip", catalogue("b"))
    inputs = PairInputs(SyncMode.ADD, source_of("c", "a"), matches("c", "a"), snapshot_of("b"))
    report, _ = sync(service, target, inputs)
    assert service.ids_in(target) == ["yb", "yc", "ya"]
    assert report.added == 2 and not report.removed and not report.moved
    assert service.calls["remove_entries"] == service.calls["move_entry"] == 0


def test_a_new_playlist_gets_the_sources_order_and_exact_mirror_its_duplicates():
    service = FakeService(catalogue("a", "b"))
    inputs = PairInputs(SyncMode.EXACT, source_of("a", "b", "a"), matches("a", "b"), None)
    report, _ = sync(service, None, inputs)
    assert report.created and report.playlist is not None
    assert service.ids_in(report.playlist) == ["ya", "yb", "ya"]  # the source lists a twice


def test_spotify_removes_every_copy_so_the_copy_that_stays_is_put_back_in_place(tmp_path):
    service = FakeService(catalogue("a", "b", "c"), service_id=YT, limits=SPOTIFY_LIMITS)
    # a is listed twice, and nothing tells Songbird's copy from the person's: the last goes.
    target = service.make_playlist("Road Trip", catalogue("a", "b", "a", "c"))
    store = MatchStore(tmp_path / "store.sqlite3")
    inputs = PairInputs(
        SyncMode.MIRROR, source_of("b", "c"), matches("b", "c"), snapshot_of("a", "b", "c")
    )
    report, _ = sync(service, target, inputs, journal=store)
    assert service.ids_in(target) == ["ya", "yb", "yc"]  # one a removed, the other kept
    assert [t.id for _, t in report.removed] == ["ya"]
    assert store.journal_unconfirmed_steps(YT, target.id, "reinsert") == []
    store.close()


class Killed(BaseException):
    """The process dies here (a SIGKILL, a power cut)."""


def test_a_kill_between_removing_every_copy_and_putting_one_back_is_finished_next_time(tmp_path):
    class DiesBeforePuttingBack(FakeService):
        dying = True

        def add_now(self, playlist, track_ids, position=None):
            if self.dying and position is not None:
                raise Killed()
            super().add_now(playlist, track_ids, position)

    service = DiesBeforePuttingBack(catalogue("a", "b", "c"), service_id=YT, limits=SPOTIFY_LIMITS)
    target = service.make_playlist("Road Trip", catalogue("a", "b", "a", "c"))
    store = MatchStore(tmp_path / "store.sqlite3")
    inputs = PairInputs(
        SyncMode.MIRROR, source_of("b", "c"), matches("b", "c"), snapshot_of("a", "b", "c")
    )
    with pytest.raises(Killed):
        sync(service, target, inputs, journal=store)
    assert service.ids_in(target) == ["yb", "yc"]  # both copies of a gone, the person's too
    service.dying = False
    sync(service, target, inputs, journal=store)  # the next run
    assert service.ids_in(target) == ["ya", "yb", "yc"]  # the kept copy back, at its place
    store.close()


@pytest.mark.parametrize("sync_between", [False, True], ids=["", "a sync between"])
@pytest.mark.parametrize("limits", [SPOTIFY_LIMITS, None], ids=["at a position", "at the end"])
def test_put_back_killed_after_an_add_landed_puts_that_entry_back_once_not_twice(
    tmp_path, limits, sync_between
):
    class DiesOnceTheFirstAddLanded(FakeService):
        dying = True

        def add_now(self, playlist, track_ids, position=None):
            super().add_now(playlist, track_ids, position)
            if self.dying:  # it reached the service; its answer never comes back
                raise Killed()

    service = DiesOnceTheFirstAddLanded(catalogue("a", "b", "c"), service_id=YT, limits=limits)
    before = catalogue("a", "b", "a", "c")  # a twice: one copy the person's, one Songbird's
    # The last sync removed the first copy of a and c; the other copy of a stayed.
    target = service.make_playlist("Road Trip", catalogue("b", "a"))
    store = MatchStore(tmp_path / "store.sqlite3")
    pairs = PairStore(store)
    source = Playlist(SP, "src", "Road Trip")
    pair = pairs.ensure(source, target, SyncMode.MIRROR)
    pairs.record_sync(pair.pair_id, snapshot_of("b"), removed=[(0, before[0]), (3, before[3])])

    def put_back_what_is_left() -> None:  # as `songbird sync --pairs --restore-last` does
        removed = [r for r in pairs.last_removals(pair.pair_id) if not r.restored]
        with request_scope(CancelToken(), RequestStats()):
            restore_removed(
                service,
                target,
                removed,
                put_back=lambda entry: pairs.mark_restored(pair.pair_id, entry.position),
                journal=store,
            )

    with pytest.raises(Killed):
        put_back_what_is_left()
    # Back (at the end, where YouTube Music adds: its move never sent), never marked.
    assert sorted(service.ids_in(target)) == ["ya", "ya", "yb"]
    service.dying = False
    if sync_between:  # reads the playlist back and settles its journal: not put back's steps
        inputs = PairInputs(SyncMode.MIRROR, source_of("b"), matches("b"), snapshot_of("b"))
        report, _ = sync(service, target, inputs, journal=store)
        assert not report.removed and report.added == 0
    put_back_what_is_left()  # the next run
    assert Counter(service.ids_in(target)) == Counter(t.id for t in before)
    assert service.ids_in(target) == [t.id for t in before]  # each where it was
    assert all(r.restored for r in pairs.last_removals(pair.pair_id))
    store.close()


def test_put_back_marks_an_entry_no_service_can_add_so_the_next_put_back_has_nothing_to_do(
    tmp_path,
):
    # The last sync removed a and a local file (no track id: no service can add it back).
    service = FakeService(catalogue("a", "b"), service_id=YT)
    target = service.make_playlist("Road Trip", catalogue("b"))
    local = replace(song(YT, "local"), id="")
    store = MatchStore(tmp_path / "store.sqlite3")
    pairs = PairStore(store)
    pair = pairs.ensure(Playlist(SP, "src", "Road Trip"), target, SyncMode.MIRROR)
    pairs.record_sync(pair.pair_id, snapshot_of("b"), removed=[(0, catalogue("a")[0]), (2, local)])
    heard = []

    with request_scope(CancelToken(), RequestStats()):
        put = put_back_last_removals(pairs, pair, service, store, on_put_back=heard.append)
    assert put == 1 and [e.track.id for e in heard] == ["ya"]
    assert sorted(service.ids_in(target)) == ["ya", "yb"]
    # Both are settled: the local file is not counted again by each later Put back.
    assert all(r.restored for r in pairs.last_removals(pair.pair_id))
    with request_scope(CancelToken(), RequestStats()):
        assert put_back_last_removals(pairs, pair, service, store) == 0
    assert sorted(service.ids_in(target)) == ["ya", "yb"]
    store.close()


def test_the_guard_stops_a_mass_removal_before_anything_is_written():
    service = FakeService(catalogue(*"abcdefghij"), handles=True)
    target = service.make_playlist("Road Trip", catalogue(*"abcdefghij"))
    inputs = PairInputs(SyncMode.MIRROR, source_of(), {}, snapshot_of(*"abcdefghij"))
    report, _ = sync(service, target, inputs)
    assert "came back empty" in report.stopped
    assert report.outcome().startswith("nothing written: ")
    assert service.ids_in(target) == [f"y{k}" for k in "abcdefghij"]
    assert service.calls["remove_entries"] == service.calls["add_tracks"] == 0
    allowed, _ = sync(service, target, inputs, allowed=10)  # the person said yes to 10
    assert len(allowed.removed) == 10 and service.ids_in(target) == []


def test_a_removal_whose_answer_was_lost_is_not_sent_again_and_is_still_reported():
    service = FakeService(catalogue("a", "b", "c"), handles=True)
    target = service.make_playlist("Road Trip", catalogue("a", "b", "c"))
    service.fail("remove_entries", Fault(TransientError("connection reset"), lands=True))
    inputs = PairInputs(
        SyncMode.MIRROR, source_of("a", "c"), matches("a", "c"), snapshot_of("a", "b", "c")
    )
    report, stats = sync(service, target, inputs)
    assert service.ids_in(target) == ["ya", "yc"]
    assert service.calls["remove_entries"] == 1  # looked, saw it done: not sent again
    assert [t.id for _, t in report.removed] == ["yb"]  # every removal is listed
    assert stats.retries == 1


def test_liked_songs_follow_removals_only():
    service = FakeService(catalogue("a", "b", "c"), handles=True)
    target = service.make_playlist("Liked", catalogue("c", "b", "a"))
    inputs = PairInputs(
        SyncMode.MIRROR,
        source_of("a", "c"),
        matches("a", "c"),
        snapshot_of("a", "b", "c"),
        follow_order=False,
    )
    report, _ = sync(service, target, inputs)
    assert service.ids_in(target) == ["yc", "ya"]  # b gone; the service's order stays
    assert report.moved == 0


def test_stop_between_steps_leaves_a_true_report():
    service = FakeService(catalogue(*"abcd"), handles=True)
    target = service.make_playlist("Road Trip", catalogue(*"abcd"))
    cancel = CancelToken()
    cancel.cancel()
    inputs = PairInputs(
        SyncMode.MIRROR, source_of("d", "c", "b", "a"), matches(*"abcd"), snapshot_of(*"abcd")
    )
    report, _ = sync(service, target, inputs, cancel=cancel)
    assert report.cancelled and report.moved == 0


def _ids(entries: Sequence) -> list[str]:
    return [e.track.id for e in entries]


def test_a_playlist_created_from_the_plans_list_costs_no_look_unless_its_answer_is_lost():
    inputs = PairInputs(SyncMode.ADD, source_of("a", "b"), matches("a", "b"), None)

    # The plan read the service's playlists: creating needs no second look.
    service = FakeService(catalogue("a", "b"))
    with request_scope(CancelToken(), RequestStats()):
        report = PairWriter(service, RetryPolicy(service.throttle.policy.settings), listed=[]).sync(
            None, "Road Trip", inputs
        )
    assert report.created and service.ids_in(report.playlist) == ["ya", "yb"]
    assert service.calls["list_playlists"] == 0 and service.calls["create_playlist"] == 1

    # The create's answer is lost: one look finds what it made, and only that counts as it,
    # not the person's own playlist of the same name that the plan had seen.
    service = FakeService(catalogue("a", "b"))
    mine = service.make_playlist("Road Trip")
    service.fail("create_playlist", Fault(TransientError("reset"), lands=True))
    with request_scope(CancelToken(), RequestStats()):
        report = PairWriter(
            service, RetryPolicy(service.throttle.policy.settings), listed=[mine]
        ).sync(None, "Road Trip", inputs)
    assert service.calls["create_playlist"] == 1 and service.calls["list_playlists"] == 1
    assert report.playlist.id != mine.id and service.ids_in(report.playlist) == ["ya", "yb"]
    assert len(service.playlists) == 2 and service.ids_in(mine) == []


def test_progress_counts_every_write_removals_additions_and_moves():
    # The person removed b and added e on the source, and reversed the rest: one removal,
    # one addition and some moves, each counted as it is written, up to all of them.
    service = FakeService(catalogue(*"abcde"), handles=True)
    target = service.make_playlist("Road Trip", catalogue(*"abcd"))
    inputs = PairInputs(
        SyncMode.MIRROR, source_of("d", "c", "a", "e"), matches(*"acde"), snapshot_of(*"abcd")
    )
    progress: list[tuple[int, int]] = []
    policy = RetryPolicy(service.throttle.policy.settings)
    with request_scope(CancelToken(), RequestStats()):
        report = PairWriter(service, policy).sync(
            target, "Road Trip", inputs, on_progress=lambda *step: progress.append(step)
        )
    writes = len(report.removed) + report.added + report.moved
    assert report.moved >= 2 and len(report.removed) == 1 and report.added == 1
    assert progress[-1] == (writes, writes)  # done when all is written, not at the additions
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert all(0 < done <= total for done, total in progress)


def test_a_plan_of_moves_alone_reports_its_moves_as_progress():
    service = FakeService(catalogue(*"abc"), handles=True)
    target = service.make_playlist("Road Trip", catalogue(*"abc"))
    inputs = PairInputs(
        SyncMode.MIRROR, source_of("c", "b", "a"), matches(*"abc"), snapshot_of(*"abc")
    )
    progress: list[tuple[int, int]] = []
    policy = RetryPolicy(service.throttle.policy.settings)
    with request_scope(CancelToken(), RequestStats()):
        report = PairWriter(service, policy).sync(
            target, "Road Trip", inputs, on_progress=lambda *step: progress.append(step)
        )
    assert report.moved == 2 and report.added == 0
    assert progress == [(1, 2), (2, 2)]


def test_a_track_the_service_refuses_leaves_the_others_in_the_sources_order():
    # x cannot be added; the moves are planned on what is there, never naming x's place
    # (which would be moved to the top, from beyond the end of the playlist).
    service = FakeService(catalogue("a", "b", "c", "x"), handles=True, refused=["yx"])
    target = service.make_playlist("Road Trip", catalogue("b", "a", "c"))
    inputs = PairInputs(
        SyncMode.MIRROR, source_of("x", "a", "b", "c"), matches(*"abcx"), snapshot_of(*"abc")
    )
    report, _ = sync(service, target, inputs)
    assert service.ids_in(target) == ["ya", "yb", "yc"]
    assert list(report.failed) == ["yx"] and report.moved == 1
