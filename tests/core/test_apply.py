"""Writing additions: create, add in batches, isolate a refused track, read back what landed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from core_fakes import FakeService, Fault

from songbird_gui.core.apply import ApplyReport, PlanWriter, WriteJournal
from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import (
    AuthExpired,
    NotFound,
    PermanentError,
    RateLimited,
    TransientError,
)
from songbird_gui.core.ratelimit import RateLimiter, WindowLimiter
from songbird_gui.core.retry import RequestStats, RetryPolicy
from songbird_gui.core.service import ServiceLimits
from songbird_gui.core.settings import RetrySettings
from songbird_gui.core.throttle import Throttle, request_scope
from songbird_gui.core.types import Playlist, ServiceId, Track, TrackKind

YT = ServiceId.YTMUSIC


def catalogue(n: int) -> list[Track]:
    return [Track(YT, f"y{i}", f"Song {i}", ("Artist",)) for i in range(n)]


def ids(n: int, start: int = 0) -> list[str]:
    return [f"y{i}" for i in range(start, start + n)]


class ScopedWriter:
    """A `PlanWriter` run as the engine runs it: inside the run's request scope."""

    def __init__(
        self, writer: PlanWriter, cancel: CancelToken, stats: RequestStats | None = None
    ) -> None:
        self.writer, self.cancel, self.stats = writer, cancel, stats

    def write(self, *args: Any, **kwargs: Any) -> ApplyReport:
        with request_scope(self.cancel, self.stats):
            return self.writer.write(*args, **kwargs)


def writer(
    service: FakeService,
    policy: RetryPolicy,
    limiter: RateLimiter,
    cancel: CancelToken,
    stats: RequestStats | None = None,
    journal: WriteJournal | None = None,
) -> ScopedWriter:
    """The writer over `service`, whose requests pass a throttle on `limiter` and `policy`."""
    service.throttle = Throttle(service.service_id, limiter, policy)
    return ScopedWriter(PlanWriter(service, policy, journal), cancel, stats)


def test_a_missing_playlist_is_created(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    service = FakeService(catalogue(3))
    report = writer(service, fast_policy, fast_limiter, cancel).write(None, "Road Trip", ids(3))
    assert report.created
    assert report.playlist is not None and report.playlist.name == "Road Trip"
    assert service.list_playlists() == [report.playlist]
    assert service.ids_in(report.playlist) == ids(3)
    assert report.landed == ids(3)
    assert report.added == 3
    assert report.failed == {}


def test_nothing_to_add_creates_nothing(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    service = FakeService()
    report = writer(service, fast_policy, fast_limiter, cancel).write(None, "Empty", [])
    assert not report.created
    assert service.list_playlists() == []


def test_adds_go_in_batches_of_the_service_size(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    service = FakeService(catalogue(12), limits=ServiceLimits(add_batch_size=5))
    target = service.make_playlist("Road Trip")
    progress: list[tuple[int, int]] = []
    report = writer(service, fast_policy, fast_limiter, cancel).write(
        target, "Road Trip", ids(12), on_progress=lambda done, total: progress.append((done, total))
    )
    assert [len(b) for b in service.add_batches] == [5, 5, 2]
    assert service.ids_in(target) == ids(12)  # in order
    assert report.sent == ids(12)
    assert progress == [(5, 12), (10, 12), (12, 12)]


def test_tracks_already_there_are_not_sent_again(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    songs = catalogue(4)
    service = FakeService(songs)
    target = service.make_playlist("Road Trip", songs[:2])  # arrived since the plan was made
    report = writer(service, fast_policy, fast_limiter, cancel).write(target, "Road Trip", ids(4))
    assert report.already_there == ids(2)
    assert report.sent == ids(2, start=2)
    assert service.ids_in(target) == ids(4)
    assert report.landed == ids(4)
    assert report.added == 2


def test_a_playlist_with_everything_there_says_nothing_to_change(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    songs = catalogue(2)
    service = FakeService(songs)
    target = service.make_playlist("Road Trip", songs)
    report = writer(service, fast_policy, fast_limiter, cancel).write(target, "Road Trip", ids(2))
    assert report.outcome() == "nothing to change"  # as the plan said, not "updated, 0 added"


@pytest.mark.parametrize("bad", [0, 3, 6, 7])
def test_a_refused_track_is_isolated_and_the_others_land(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken, bad: int
) -> None:
    service = FakeService(catalogue(8), limits=ServiceLimits(add_batch_size=8), refused=[f"y{bad}"])
    target = service.make_playlist("Road Trip")
    report = writer(service, fast_policy, fast_limiter, cancel).write(target, "Road Trip", ids(8))
    good = [i for i in ids(8) if i != f"y{bad}"]
    assert list(report.failed) == [f"y{bad}"]
    assert "not available" in report.failed[f"y{bad}"]
    assert service.ids_in(target) == good
    assert report.landed == good
    # halving 8 → 4 → 2 → 1 finds it: 1 + 2·3 requests, not one per track
    assert service.calls["add_tracks"] == 7


def test_an_expired_session_is_not_split_track_by_track(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    service = FakeService(catalogue(8), limits=ServiceLimits(add_batch_size=4))
    service.fail("add_tracks", *[AuthExpired("your session has expired: reconnect")] * 9)
    target = service.make_playlist("Road Trip")
    report = writer(service, fast_policy, fast_limiter, cancel).write(target, "Road Trip", ids(8))
    # Every track would fail the same way: one request says so; splitting the batch or
    # sending the next one does not help.
    assert service.calls["add_tracks"] == 1
    assert report.landed == []
    # Held back by the sign-in, not failed: nothing was wrong with the tracks.
    assert report.failed == {} and report.held == ids(8)
    assert "reconnect" in report.warning  # the person is told what to do


def test_the_playlist_cap_is_respected_with_a_warning(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    songs = catalogue(10)
    service = FakeService(songs, limits=ServiceLimits(add_batch_size=100, playlist_cap=6))
    target = service.make_playlist("Road Trip", songs[:4])
    report = writer(service, fast_policy, fast_limiter, cancel).write(
        target, "Road Trip", ids(6, start=4)
    )
    assert service.ids_in(target) == ids(6)
    assert report.landed == ids(2, start=4)
    assert set(report.failed) == set(ids(4, start=6))
    assert all("6-track limit" in reason for reason in report.failed.values())
    assert "6 tracks" in report.warning and "4 were left out" in report.warning


def test_the_cap_counts_every_entry_of_the_playlist(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    # The playlist holds 5 entries: a track listed twice and two removed ones count too.
    songs = catalogue(4)
    removed = Track(YT, None, "(removed)", kind=TrackKind.UNAVAILABLE)
    held = [songs[0], songs[0], songs[1], removed, removed]
    service = FakeService(songs, limits=ServiceLimits(add_batch_size=100, playlist_cap=6))
    target = service.make_playlist("Road Trip", held)
    report = writer(service, fast_policy, fast_limiter, cancel).write(
        target, "Road Trip", ["y2", "y3"]
    )
    assert report.landed == ["y2"]
    assert "1 were left out" in report.warning
    assert "limit" in report.failed["y3"]


def test_landed_is_read_back_from_the_service(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    class Lossy(FakeService):
        """Answers OK but silently drops one track, as services sometimes do."""

        def add_now(self, playlist: Playlist, track_ids: Sequence[str], position=None) -> None:
            super().add_now(playlist, [i for i in track_ids if i != "y1"], position)

    service = Lossy(catalogue(3))
    target = service.make_playlist("Road Trip")
    report = writer(service, fast_policy, fast_limiter, cancel).write(target, "Road Trip", ids(3))
    assert report.sent == ids(3)
    assert report.landed == ["y0", "y2"]
    assert report.added == 2


def test_a_transient_failure_is_retried(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    service = FakeService(catalogue(3))
    service.fail("add_tracks", TransientError("503"), TransientError("503"))
    target = service.make_playlist("Road Trip")
    stats = RequestStats()
    report = writer(service, fast_policy, fast_limiter, cancel, stats).write(
        target, "Road Trip", ids(3)
    )
    assert report.landed == ids(3)
    assert report.failed == {}
    assert stats.retries == 2
    # A write's 503 may hide a write that landed: each retry looked first.
    assert service.calls["add_tracks"] == 3 and service.ids_in(target) == ids(3)


def test_creating_the_playlist_is_throttled_and_retried(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    service = FakeService(catalogue(2))
    service.fail("create_playlist", TransientError("503 while creating the playlist"))
    report = writer(service, fast_policy, fast_limiter, cancel).write(None, "Road Trip", ids(2))
    assert report.created
    assert report.landed == ids(2)
    assert service.calls["create_playlist"] == 2
    # the playlists of that name before, create, a look for what the failed one may have
    # made, create, read before, one add, read after: one permit per request
    assert fast_limiter.granted == 7


def test_a_creation_whose_answer_was_lost_is_not_repeated(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    service = FakeService(catalogue(2))
    made_unheard = Fault(TransientError("the connection was reset"), lands=True)
    service.fail("create_playlist", made_unheard)
    report = writer(service, fast_policy, fast_limiter, cancel).write(None, "Road Trip", ids(2))
    assert service.calls["create_playlist"] == 1
    assert [p.name for p in service.list_playlists()] == ["Road Trip"]
    assert report.landed == ids(2) and report.outcome() == "created, 2 added"


def test_a_retried_creation_never_takes_over_a_playlist_of_the_same_name(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    service = FakeService(catalogue(2))
    service.fail("create_playlist", TransientError("502 while creating the playlist"))
    earlier = service.make_playlist("Road Trip")  # another source's, or an earlier run's
    report = writer(service, fast_policy, fast_limiter, cancel).write(None, "Road Trip", ids(2))
    assert report.playlist is not None and report.playlist.id != earlier.id
    assert service.ids_in(earlier) == [] and service.ids_in(report.playlist) == ids(2)


def test_a_lost_answer_then_a_failing_look_is_not_reported_as_failed_once_landed(
    fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    class LostThenUnreadable(FakeService):
        def add_now(self, playlist: Playlist, track_ids: Sequence[str], position=None) -> None:
            super().add_now(playlist, track_ids, position)
            # landed, its answer lost; and the looks that follow fail for a while
            self.fail("playlist_tracks", *[TransientError("503")] * 4)

    policy = RetryPolicy(RetrySettings(max_attempts=3, base_delay_s=0.001, max_delay_s=0.002))
    service = LostThenUnreadable(catalogue(2))
    service.fail("add_tracks", Fault(TransientError("the connection was reset"), lands=True))
    target = service.make_playlist("Road Trip")
    report = writer(service, policy, fast_limiter, cancel).write(target, "Road Trip", ids(2))
    assert service.ids_in(target) == ids(2)
    assert report.landed == ids(2) and report.failed == {}
    assert report.outcome() == "updated, 2 added"


def test_a_creation_refused_says_so_by_name(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    refused = FakeService(catalogue(2))
    refused.fail("create_playlist", PermanentError("YouTube Music refused the request (400)."))
    report = writer(refused, fast_policy, fast_limiter, cancel).write(None, "Road Trip", ids(2))
    assert report.name == "Road Trip" and report.playlist is None
    assert report.failed == dict.fromkeys(ids(2), "YouTube Music refused the request (400).")
    assert (
        report.outcome() == "nothing written, 2 failed (YouTube Music refused the request (400).)"
    )


def test_a_playlist_deleted_during_the_write_fails_every_track_in_words(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    class DeletedMidway(FakeService):
        def add_now(self, playlist: Playlist, track_ids: Sequence[str], position=None) -> None:
            if self.calls["add_tracks"] == 2:  # deleted in another window after one batch
                del self.playlists[playlist.id]
            if playlist.id not in self.playlists:
                raise NotFound("YouTube Music has no such playlist any more.")
            super().add_now(playlist, track_ids, position)

    service = DeletedMidway(catalogue(6), limits=ServiceLimits(add_batch_size=2))
    target = service.make_playlist("Road Trip", catalogue(1))
    report = writer(service, fast_policy, fast_limiter, cancel).write(target, "Road Trip", ids(6))
    assert service.add_batches == [["y1", "y2"]] and service.playlists == {}
    assert report.playlist is None and report.landed == []
    assert set(report.failed) == set(ids(6))  # the first batch went with the playlist
    assert all("“Road Trip” is no longer on YouTube Music" in r for r in report.failed.values())
    assert report.outcome().startswith("nothing written, 6 failed (“Road Trip” is no longer")


def test_stop_between_batches_reports_what_landed(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    service = FakeService(catalogue(6), limits=ServiceLimits(add_batch_size=2))
    target = service.make_playlist("Road Trip")

    def stop_after_first(done: int, total: int) -> None:
        cancel.cancel()

    report = writer(service, fast_policy, fast_limiter, cancel).write(
        target, "Road Trip", ids(6), on_progress=stop_after_first
    )
    assert report.cancelled
    assert report.landed == ids(2)  # read back even after Stop
    assert service.ids_in(target) == ids(2)


def test_the_journal_plans_before_and_confirms_after_each_batch(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken, tmp_path
) -> None:
    from songbird_gui.core.store import MatchStore

    store = MatchStore(tmp_path / "store.sqlite3")
    service = FakeService(catalogue(6), limits=ServiceLimits(add_batch_size=3))
    target = service.make_playlist("Road Trip")
    # A run killed after its batch reached the service but before it was confirmed:
    store.journal_planned(service.service_id, target.id, ["y0", "y1", "y2"])
    service.add_now(target, ["y0", "y1", "y2"])
    assert store.journal_unconfirmed(service.service_id, target.id) == ["y0", "y1", "y2"]

    w = writer(service, fast_policy, fast_limiter, cancel, journal=store)
    report = w.write(target, "Road Trip", ids(6))
    assert report.recovered == ["y0", "y1", "y2"]  # found there, not sent again
    assert report.sent == ["y3", "y4", "y5"]
    assert service.ids_in(target) == ids(6)
    assert store.journal_unconfirmed(service.service_id, target.id) == []
    store.close()


def test_a_write_refused_with_429_is_sent_again_without_a_look(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    # A 429 means the service did nothing: the throttle waits and sends it again by itself,
    # where a lost answer (a reset, a 5xx) would make the writer look first.
    service = FakeService(catalogue(2))
    service.fail("create_playlist", RateLimited("slow down", retry_after=0.0))
    service.fail("add_tracks", RateLimited("slow down", retry_after=0.0))
    report = writer(service, fast_policy, fast_limiter, cancel).write(None, "Road Trip", ids(2))
    assert report.landed == ids(2)
    assert service.calls["create_playlist"] == 2 and service.calls["add_tracks"] == 2
    assert service.calls["list_playlists"] == 1  # no look for a playlist the 429 made
    assert service.calls["playlist_tracks"] == 2  # read before and after, no look between


def test_a_read_that_fails_once_is_retried_alone(
    fast_policy: RetryPolicy, fast_limiter: WindowLimiter, cancel: CancelToken
) -> None:
    service = FakeService(catalogue(3))
    target = service.make_playlist("Road Trip")
    service.fail("playlist_tracks", TransientError("503"))
    stats = RequestStats()
    report = writer(service, fast_policy, fast_limiter, cancel, stats).write(
        target, "Road Trip", ids(3)
    )
    assert report.landed == ids(3)
    assert service.calls["add_tracks"] == 1  # the write was not repeated for a read's 503
    assert stats.retries == 1 and stats.requests == 4  # read ×2, add, read back
