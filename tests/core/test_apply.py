"""Writing additions: create, add in batches, isolate a refused track, read back what landed."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from core_fakes import FakeService

from songbird_gui.core.apply import PlanWriter
from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import AuthExpired, NotFound, PermanentError, TransientError
from songbird_gui.core.ratelimit import TokenBucket
from songbird_gui.core.retry import RequestStats, RetryPolicy
from songbird_gui.core.service import ServiceLimits
from songbird_gui.core.settings import RetrySettings
from songbird_gui.core.types import Playlist, ServiceId, Track, TrackKind

YT = ServiceId.YTMUSIC


def catalogue(n: int) -> list[Track]:
    return [Track(YT, f"y{i}", f"Song {i}", ("Artist",)) for i in range(n)]


def ids(n: int, start: int = 0) -> list[str]:
    return [f"y{i}" for i in range(start, start + n)]


def writer(
    service: FakeService, policy: RetryPolicy, bucket: TokenBucket, cancel: CancelToken
) -> PlanWriter:
    return PlanWriter(service, policy, bucket, cancel)


def test_a_missing_playlist_is_created(
    fast_policy: RetryPolicy, fast_bucket: TokenBucket, cancel: CancelToken
) -> None:
    service = FakeService(catalogue(3))
    report = writer(service, fast_policy, fast_bucket, cancel).write(None, "Road Trip", ids(3))
    assert report.created
    assert report.playlist is not None and report.playlist.name == "Road Trip"
    assert service.list_playlists() == [report.playlist]
    assert service.ids_in(report.playlist) == ids(3)
    assert report.landed == ids(3)
    assert report.added == 3
    assert report.failed == {}


def test_nothing_to_add_creates_nothing(
    fast_policy: RetryPolicy, fast_bucket: TokenBucket, cancel: CancelToken
) -> None:
    service = FakeService()
    report = writer(service, fast_policy, fast_bucket, cancel).write(None, "Empty", [])
    assert not report.created
    assert service.list_playlists() == []


def test_adds_go_in_batches_of_the_service_size(
    fast_policy: RetryPolicy, fast_bucket: TokenBucket, cancel: CancelToken
) -> None:
    service = FakeService(catalogue(12), limits=ServiceLimits(add_batch_size=5))
    target = service.make_playlist("Road Trip")
    progress: list[tuple[int, int]] = []
    report = writer(service, fast_policy, fast_bucket, cancel).write(
        target, "Road Trip", ids(12), on_progress=lambda done, total: progress.append((done, total))
    )
    assert [len(b) for b in service.add_batches] == [5, 5, 2]
    assert service.ids_in(target) == ids(12)  # in order
    assert report.sent == ids(12)
    assert progress == [(5, 12), (10, 12), (12, 12)]


def test_tracks_already_there_are_not_sent_again(
    fast_policy: RetryPolicy, fast_bucket: TokenBucket, cancel: CancelToken
) -> None:
    songs = catalogue(4)
    service = FakeService(songs)
    target = service.make_playlist("Road Trip", songs[:2])  # arrived since the plan was made
    report = writer(service, fast_policy, fast_bucket, cancel).write(target, "Road Trip", ids(4))
    assert report.already_there == ids(2)
    assert report.sent == ids(2, start=2)
    assert service.ids_in(target) == ids(4)
    assert report.landed == ids(4)
    assert report.added == 2


@pytest.mark.parametrize("bad", [0, 3, 6, 7])
def test_a_refused_track_is_isolated_and_the_others_land(
    fast_policy: RetryPolicy, fast_bucket: TokenBucket, cancel: CancelToken, bad: int
) -> None:
    service = FakeService(catalogue(8), limits=ServiceLimits(add_batch_size=8), refused=[f"y{bad}"])
    target = service.make_playlist("Road Trip")
    report = writer(service, fast_policy, fast_bucket, cancel).write(target, "Road Trip", ids(8))
    good = [i for i in ids(8) if i != f"y{bad}"]
    assert list(report.failed) == [f"y{bad}"]
    assert "not available" in report.failed[f"y{bad}"]
    assert service.ids_in(target) == good
    assert report.landed == good
    # halving 8 → 4 → 2 → 1 finds it: 1 + 2·3 requests, not one per track
    assert service.calls["add_tracks"] == 7


def test_an_expired_session_is_not_split_track_by_track(
    fast_policy: RetryPolicy, fast_bucket: TokenBucket, cancel: CancelToken
) -> None:
    class Expired(FakeService):
        def add_tracks(self, playlist: Playlist, track_ids: Sequence[str]) -> None:
            self.calls["add_tracks"] += 1
            raise AuthExpired("your YouTube Music session has expired: reconnect")

    service = Expired(catalogue(8), limits=ServiceLimits(add_batch_size=4))
    target = service.make_playlist("Road Trip")
    report = writer(service, fast_policy, fast_bucket, cancel).write(target, "Road Trip", ids(8))
    # Every track would fail the same way: one request says so; splitting the batch or
    # sending the next one does not help.
    assert service.calls["add_tracks"] == 1
    assert report.landed == []
    assert set(report.failed) == set(ids(8))
    assert "reconnect" in report.warning  # the person is told what to do


def test_the_playlist_cap_is_respected_with_a_warning(
    fast_policy: RetryPolicy, fast_bucket: TokenBucket, cancel: CancelToken
) -> None:
    songs = catalogue(10)
    service = FakeService(songs, limits=ServiceLimits(add_batch_size=100, playlist_cap=6))
    target = service.make_playlist("Road Trip", songs[:4])
    report = writer(service, fast_policy, fast_bucket, cancel).write(
        target, "Road Trip", ids(6, start=4)
    )
    assert service.ids_in(target) == ids(6)
    assert report.landed == ids(2, start=4)
    assert set(report.failed) == set(ids(4, start=6))
    assert all("6-track limit" in reason for reason in report.failed.values())
    assert "6 tracks" in report.warning and "4 were left out" in report.warning


def test_the_cap_counts_every_entry_of_the_playlist(
    fast_policy: RetryPolicy, fast_bucket: TokenBucket, cancel: CancelToken
) -> None:
    # The playlist holds 5 entries: a track listed twice and two removed ones count too.
    songs = catalogue(4)
    removed = Track(YT, None, "(removed)", kind=TrackKind.UNAVAILABLE)
    held = [songs[0], songs[0], songs[1], removed, removed]
    service = FakeService(songs, limits=ServiceLimits(add_batch_size=100, playlist_cap=6))
    target = service.make_playlist("Road Trip", held)
    report = writer(service, fast_policy, fast_bucket, cancel).write(
        target, "Road Trip", ["y2", "y3"]
    )
    assert report.landed == ["y2"]
    assert "1 were left out" in report.warning
    assert "limit" in report.failed["y3"]


def test_landed_is_read_back_from_the_service(
    fast_policy: RetryPolicy, fast_bucket: TokenBucket, cancel: CancelToken
) -> None:
    class Lossy(FakeService):
        """Answers OK but silently drops one track, as services sometimes do."""

        def add_tracks(self, playlist: Playlist, track_ids: Sequence[str]) -> None:
            super().add_tracks(playlist, [i for i in track_ids if i != "y1"])

    service = Lossy(catalogue(3))
    target = service.make_playlist("Road Trip")
    report = writer(service, fast_policy, fast_bucket, cancel).write(target, "Road Trip", ids(3))
    assert report.sent == ids(3)
    assert report.landed == ["y0", "y2"]
    assert report.added == 2


def test_a_transient_failure_is_retried(
    fast_policy: RetryPolicy, fast_bucket: TokenBucket, cancel: CancelToken
) -> None:
    class Flaky(FakeService):
        failures = 2

        def add_tracks(self, playlist: Playlist, track_ids: Sequence[str]) -> None:
            if self.failures:
                self.failures -= 1
                self.calls["add_tracks"] += 1
                raise TransientError("503")
            super().add_tracks(playlist, track_ids)

    service = Flaky(catalogue(3))
    target = service.make_playlist("Road Trip")
    stats = RequestStats()
    report = PlanWriter(service, fast_policy, fast_bucket, cancel, stats).write(
        target, "Road Trip", ids(3)
    )
    assert report.landed == ids(3)
    assert report.failed == {}
    assert stats.retries == 2


def test_creating_the_playlist_is_throttled_and_retried(
    fast_policy: RetryPolicy, fast_bucket: TokenBucket, cancel: CancelToken
) -> None:
    class FlakyCreate(FakeService):
        failures = 1

        def create_playlist(self, name: str, description: str) -> Playlist:
            self.calls["create_playlist"] += 1
            if self.failures:
                self.failures -= 1
                raise TransientError("503 while creating the playlist")
            return self.make_playlist(name)

    service = FlakyCreate(catalogue(2))
    report = writer(service, fast_policy, fast_bucket, cancel).write(None, "Road Trip", ids(2))
    assert report.created
    assert report.landed == ids(2)
    assert service.calls["create_playlist"] == 2
    # the playlists of that name before, create, a look for what the failed one may have
    # made, create, read before, one add, read after: one token per request
    assert fast_bucket.granted == 7


def test_a_creation_whose_answer_was_lost_is_not_repeated(
    fast_policy: RetryPolicy, fast_bucket: TokenBucket, cancel: CancelToken
) -> None:
    class LostAnswer(FakeService):
        def create_playlist(self, name: str, description: str) -> Playlist:
            self.calls["create_playlist"] += 1
            self.make_playlist(name)
            raise TransientError("the connection was reset")  # made, but no one heard

    service = LostAnswer(catalogue(2))
    report = writer(service, fast_policy, fast_bucket, cancel).write(None, "Road Trip", ids(2))
    assert service.calls["create_playlist"] == 1
    assert [p.name for p in service.list_playlists()] == ["Road Trip"]
    assert report.landed == ids(2) and report.outcome() == "created, 2 added"


def test_a_retried_creation_never_takes_over_a_playlist_of_the_same_name(
    fast_policy: RetryPolicy, fast_bucket: TokenBucket, cancel: CancelToken
) -> None:
    class FlakyCreate(FakeService):
        failures = 1

        def create_playlist(self, name: str, description: str) -> Playlist:
            if self.failures:
                self.failures -= 1
                raise TransientError("429 while creating the playlist")  # nothing made
            return super().create_playlist(name, description)

    service = FlakyCreate(catalogue(2))
    earlier = service.make_playlist("Road Trip")  # another source's, or an earlier run's
    report = writer(service, fast_policy, fast_bucket, cancel).write(None, "Road Trip", ids(2))
    assert report.playlist is not None and report.playlist.id != earlier.id
    assert service.ids_in(earlier) == [] and service.ids_in(report.playlist) == ids(2)


def test_a_lost_answer_then_a_failing_look_is_not_reported_as_failed_once_landed(
    fast_bucket: TokenBucket, cancel: CancelToken
) -> None:
    class LostThenUnreadable(FakeService):
        def add_tracks(self, playlist: Playlist, track_ids: Sequence[str]) -> None:
            super().add_tracks(playlist, track_ids)
            raise TransientError("the connection was reset")  # landed, answer lost

        def playlist_tracks(self, playlist: Playlist) -> list[Track]:
            if self.calls["add_tracks"] and self.calls["playlist_tracks"] < 4:
                self.calls["playlist_tracks"] += 1
                raise TransientError("503")  # the looks before each retry fail
            return super().playlist_tracks(playlist)

    policy = RetryPolicy(RetrySettings(max_attempts=3, base_delay_s=0.001, max_delay_s=0.002))
    service = LostThenUnreadable(catalogue(2))
    target = service.make_playlist("Road Trip")
    report = writer(service, policy, fast_bucket, cancel).write(target, "Road Trip", ids(2))
    assert service.ids_in(target) == ids(2)
    assert report.landed == ids(2) and report.failed == {}
    assert report.outcome() == "updated, 2 added"


def test_a_creation_refused_says_so_by_name(
    fast_policy: RetryPolicy, fast_bucket: TokenBucket, cancel: CancelToken
) -> None:
    class Refused(FakeService):
        def create_playlist(self, name: str, description: str) -> Playlist:
            raise PermanentError("YouTube Music refused the request (400).")

    report = writer(Refused(catalogue(2)), fast_policy, fast_bucket, cancel).write(
        None, "Road Trip", ids(2)
    )
    assert report.name == "Road Trip" and report.playlist is None
    assert report.failed == dict.fromkeys(ids(2), "YouTube Music refused the request (400).")
    assert (
        report.outcome() == "nothing written, 2 failed (YouTube Music refused the request (400).)"
    )


def test_a_playlist_deleted_during_the_write_fails_every_track_in_words(
    fast_policy: RetryPolicy, fast_bucket: TokenBucket, cancel: CancelToken
) -> None:
    class DeletedMidway(FakeService):
        def add_tracks(self, playlist: Playlist, track_ids: Sequence[str]) -> None:
            if self.calls["add_tracks"] == 1:  # deleted in another window after one batch
                del self.playlists[playlist.id]
            if playlist.id not in self.playlists:
                raise NotFound("YouTube Music has no such playlist any more.")
            super().add_tracks(playlist, track_ids)

    service = DeletedMidway(catalogue(6), limits=ServiceLimits(add_batch_size=2))
    target = service.make_playlist("Road Trip", catalogue(1))
    report = writer(service, fast_policy, fast_bucket, cancel).write(target, "Road Trip", ids(6))
    assert service.add_batches == [["y1", "y2"]] and service.playlists == {}
    assert report.playlist is None and report.landed == []
    assert set(report.failed) == set(ids(6))  # the first batch went with the playlist
    assert all("“Road Trip” is no longer on YouTube Music" in r for r in report.failed.values())
    assert report.outcome().startswith("nothing written, 6 failed (“Road Trip” is no longer")


def test_stop_between_batches_reports_what_landed(
    fast_policy: RetryPolicy, fast_bucket: TokenBucket, cancel: CancelToken
) -> None:
    service = FakeService(catalogue(6), limits=ServiceLimits(add_batch_size=2))
    target = service.make_playlist("Road Trip")

    def stop_after_first(done: int, total: int) -> None:
        cancel.cancel()

    report = writer(service, fast_policy, fast_bucket, cancel).write(
        target, "Road Trip", ids(6), on_progress=stop_after_first
    )
    assert report.cancelled
    assert report.landed == ids(2)  # read back even after Stop
    assert service.ids_in(target) == ids(2)


def test_the_journal_plans_before_and_confirms_after_each_batch(
    fast_policy: RetryPolicy, fast_bucket: TokenBucket, cancel: CancelToken, tmp_path
) -> None:
    from songbird_gui.core.store import MatchStore

    store = MatchStore(tmp_path / "store.sqlite3")
    service = FakeService(catalogue(6), limits=ServiceLimits(add_batch_size=3))
    target = service.make_playlist("Road Trip")
    # A run killed after its batch reached the service but before it was confirmed:
    store.journal_planned(service.service_id, target.id, ["y0", "y1", "y2"])
    service.add_tracks(target, ["y0", "y1", "y2"])
    assert store.journal_unconfirmed(service.service_id, target.id) == ["y0", "y1", "y2"]

    w = PlanWriter(service, fast_policy, fast_bucket, cancel, journal=store)
    report = w.write(target, "Road Trip", ids(6))
    assert report.recovered == ["y0", "y1", "y2"]  # found there, not sent again
    assert report.sent == ["y3", "y4", "y5"]
    assert service.ids_in(target) == ids(6)
    assert store.journal_unconfirmed(service.service_id, target.id) == []
    store.close()
