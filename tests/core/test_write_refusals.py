"""Writing through what services refuse in 2025–2026, met once a run and never per track.

A playlist created moments ago refuses edits ("Precondition check failed"): its adds wait
2, 4, 8 and 16 s on an injected sleeper and try again. Creations are capped per run, spaced
out, and stop for good at "You are creating too many playlists"; a write gated behind a dialog
or a sign-in that ended holds the later playlists back without a request. After a refused or
unclear add (YouTube Music's STATUS_FAILED) the playlist is read again: what landed is not
sent twice and the report says it landed. The errors are the ones the adapters make of the
services' own words (tests/services/test_2026_refusals_*.py replays those).
"""

from __future__ import annotations

from collections.abc import Sequence

from core_fakes import FakeClock, FakeService

from songbird_gui.core.apply import (
    NEW_PLAYLIST_WAITS_S,
    ApplyReport,
    HeldBack,
    creation_stop_words,
)
from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import (
    AuthExpired,
    CreationRefused,
    PermanentError,
    PlaylistNotReady,
    WritesGated,
)
from songbird_gui.core.pair_writer import PairInputs, PairWriter
from songbird_gui.core.retry import RequestStats, RetryPolicy
from songbird_gui.core.service import ServiceLimits
from songbird_gui.core.settings import CreationSettings
from songbird_gui.core.throttle import request_scope
from songbird_gui.core.types import Playlist, ServiceId, SyncMode, Track

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC
NOT_READY = PlaylistNotReady("Precondition check failed.")
TOO_MANY = CreationRefused("You are creating too many playlists.")


def song(service: ServiceId, key: str) -> Track:
    return Track(service, key, f"Song {key}", ("Band",), None, 200_000)


def keys(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(count)]


def inputs_for(*source_keys: str) -> PairInputs:
    """An add-only pair whose source tracks all matched the target track "y" + key."""
    source = tuple(song(SP, k) for k in source_keys)
    return PairInputs(SyncMode.ADD, source, {f"spotify:{k}": f"y{k}" for k in source_keys}, None)


class Sleeps:
    """The writer's sleeper: records each wait and moves a fake clock instead of sleeping;
    cancels the run's token at wait number `cancel_at` (1-based), as Stop would."""

    def __init__(self, clock: FakeClock | None = None, cancel_at: int = 0) -> None:
        self.clock = clock or FakeClock()
        self.waits: list[float] = []
        self.cancel_at = cancel_at

    def __call__(self, cancel: CancelToken, seconds: float) -> bool:
        self.waits.append(seconds)
        if len(self.waits) == self.cancel_at:
            cancel.cancel()
            return True
        self.clock.advance(seconds)
        return False


class Run:
    """One run's writer over `service`, inside a request scope, as session.apply runs it."""

    def __init__(
        self,
        service: FakeService,
        creation: CreationSettings | None = None,
        sleeps: Sleeps | None = None,
    ) -> None:
        self.service = service
        self.sleeps = sleeps or Sleeps()
        self.cancel = CancelToken()
        self.writer = PairWriter(
            service,
            RetryPolicy(service.throttle.policy.settings),
            creation=creation or CreationSettings(per_run=10, spacing_s=0.0),
            sleep=self.sleeps,
            clock=self.sleeps.clock,
        )

    def sync(self, target: Playlist | None, name: str, inputs: PairInputs) -> ApplyReport:
        expected = [inputs.matches[t.key] for t in inputs.source]
        with request_scope(self.cancel, RequestStats()):
            return self.writer.sync(target, name, inputs, expected=expected)


def yt_service(count: int = 40, batch: int = 100) -> FakeService:
    return FakeService(
        [song(YT, f"y{k}") for k in keys("a", count)], limits=ServiceLimits(add_batch_size=batch)
    )


# -- a new playlist that is not ready for edits yet ------------------------------------------


def test_adds_into_a_new_playlist_wait_while_it_is_not_ready_then_land():
    service = yt_service()
    service.fail("add_tracks", NOT_READY, NOT_READY)  # ready after two refusals
    run = Run(service)
    report = run.sync(None, "Road Trip", inputs_for(*keys("a", 5)))
    assert run.sleeps.waits == [2.0, 4.0]
    assert report.created and report.playlist is not None
    assert service.ids_in(report.playlist) == [f"y{k}" for k in keys("a", 5)]
    assert report.added == 5 and report.failed == {}
    # The same batch again, never split track by track.
    assert [len(b) for b in service.add_batches] == [5]
    assert service.calls["add_tracks"] == 3


def test_a_new_playlist_that_stays_not_ready_fails_its_tracks_after_2_4_8_16_s():
    service = yt_service(batch=2)
    service.fail("add_tracks", *[NOT_READY] * 9)
    run = Run(service)
    report = run.sync(None, "Road Trip", inputs_for(*keys("a", 6)))
    assert run.sleeps.waits == list(NEW_PLAYLIST_WAITS_S) == [2.0, 4.0, 8.0, 16.0]
    assert service.calls["add_tracks"] == 5  # the first batch, four times again; then no more
    assert report.added == 0
    assert set(report.failed) == {f"y{k}" for k in keys("a", 6)}
    assert "Precondition check failed" in report.warning


def test_stop_ends_the_wait_for_a_new_playlist_at_once():
    service = yt_service()
    service.fail("add_tracks", NOT_READY, NOT_READY, NOT_READY)
    run = Run(service, sleeps=Sleeps(cancel_at=2))
    report = run.sync(None, "Road Trip", inputs_for(*keys("a", 3)))
    assert report.cancelled
    assert run.sleeps.waits == [2.0, 4.0]  # the second wait was cut short by Stop
    assert service.calls["add_tracks"] == 2


def test_an_older_playlist_that_refuses_is_not_waited_for():
    service = yt_service()
    target = service.make_playlist("Road Trip")  # not created by this run
    service.fail("add_tracks", NOT_READY)
    run = Run(service)
    report = run.sync(target, "Road Trip", inputs_for("a0"))
    assert run.sleeps.waits == []
    assert report.failed == {"ya0": "Precondition check failed."}


# -- creations: a cap, spacing, and "You are creating too many playlists" --------------------


def test_creations_stop_at_the_cap_and_the_rest_wait_for_the_next_run():
    service = yt_service()
    run = Run(service, CreationSettings(per_run=2, spacing_s=0.0))
    reports = [
        run.sync(None, name, inputs_for(f"a{i}")) for i, name in enumerate(["A", "B", "C", "D"])
    ]
    assert [r.created for r in reports] == [True, True, False, False]
    assert service.calls["create_playlist"] == 2  # C and D were never asked for
    cap = HeldBack.CREATION_CAP
    assert [r.held_back for r in reports] == [None, None, cap, cap]
    assert (reports[2].failed, reports[2].held) == ({}, ["ya2"])  # held back, not failed
    assert reports[2].outcome() == "nothing written, 1 held back"
    assert "at most 2 new playlists in one run" in reports[2].warning
    assert creation_stop_words(reports) == (
        reports[2].warning.rstrip(".")
        + " (2 playlists created this run; left to create: “C”, “D”)."
    )


def test_creations_are_spaced_out_on_the_run_clock():
    clock = FakeClock()
    sleeps = Sleeps(clock)
    service = yt_service()
    run = Run(service, CreationSettings(per_run=10, spacing_s=5.0), sleeps)
    run.sync(None, "A", inputs_for("a0"))
    clock.advance(1.5)  # the first playlist's adds took a moment
    run.sync(None, "B", inputs_for("a1"))
    run.sync(None, "C", inputs_for("a2"))
    assert sleeps.waits == [3.5, 5.0]  # each creation 5 s after the one before
    assert service.calls["create_playlist"] == 3


def test_too_many_playlists_stops_creating_for_the_run_and_is_never_asked_again():
    service = yt_service()
    existing = service.make_playlist("Old")
    service.fail("create_playlist", TOO_MANY)
    run = Run(service)
    first = run.sync(None, "A", inputs_for("a0"))
    second = run.sync(None, "B", inputs_for("a1"))
    into_existing = run.sync(existing, "Old", inputs_for("a2"))
    assert service.calls["create_playlist"] == 1  # refused once, never asked again
    assert first.held_back is second.held_back is HeldBack.CREATIONS_REFUSED
    assert first.failed == second.failed == {}
    assert (first.held, second.held) == (["ya0"], ["ya1"])
    assert first.warning == second.warning == str(TOO_MANY)
    # A playlist that exists already is still written.
    assert into_existing.held_back is None and into_existing.added == 1
    assert creation_stop_words([first, second, into_existing]) == (
        "You are creating too many playlists"
        " (0 playlists created this run; left to create: “A”, “B”)."
    )


# -- refusals of the whole run: met once, the rest held back without a request ---------------


def test_a_gated_write_holds_the_later_playlists_back_without_a_request():
    service = yt_service()
    one, two = service.make_playlist("One"), service.make_playlist("Two")
    gate = WritesGated("YouTube Music wants a question answered")
    service.fail("add_tracks", gate)
    run = Run(service)
    first = run.sync(one, "One", inputs_for("a0", "a1"))
    requests_after_first = sum(service.calls.values())
    second = run.sync(two, "Two", inputs_for("a2"))
    assert first.held_back is second.held_back is HeldBack.GATED
    assert first.refusal is gate and second.refusal is gate
    assert first.failed == second.failed == {}
    assert (first.held, second.held) == (["ya0", "ya1"], ["ya2"])
    assert sum(service.calls.values()) == requests_after_first  # nothing more was sent
    assert service.calls["add_tracks"] == 1


def test_a_sign_in_that_ends_mid_write_is_met_once_for_the_whole_run():
    service = yt_service(batch=2)
    one, two = service.make_playlist("One"), service.make_playlist("Two")
    service.fail("add_tracks", AuthExpired("connect YouTube Music again"))
    run = Run(service)
    reports = [
        run.sync(one, "One", inputs_for(*keys("a", 4))),
        run.sync(two, "Two", inputs_for("a4")),
        run.sync(None, "Three", inputs_for("a5")),
    ]
    assert [r.held_back for r in reports] == [HeldBack.LOGIN] * 3
    assert service.calls["add_tracks"] == 1  # one refusal, not one per track or playlist
    assert service.calls["create_playlist"] == 0
    # Not read back either: every request would be refused alike.
    assert service.calls["playlist_tracks"] == 1  # the first playlist's read before writing
    assert all(isinstance(r.refusal, AuthExpired) for r in reports)


# -- a refused or unclear add: read what landed, send only the rest --------------------------


class HalfLands(FakeService):
    """Each batch holding a refused track lands its first half, then answers STATUS_FAILED
    with no reason, as YouTube Music does for a batch it did not take whole."""

    def add_now(self, playlist: Playlist, track_ids: Sequence[str], position=None) -> None:
        if any(i in self.refused for i in track_ids) and len(track_ids) > 1:
            half = [i for i in track_ids[: len(track_ids) // 2] if i not in self.refused]
            super().add_now(playlist, half, position)
            raise PermanentError("YouTube Music did not add the tracks (STATUS_FAILED).")
        super().add_now(playlist, track_ids, position)


def test_a_batch_that_failed_in_part_is_read_again_and_nothing_lands_twice():
    wanted = keys("a", 8)
    service = HalfLands(
        [song(YT, f"y{k}") for k in wanted],
        limits=ServiceLimits(add_batch_size=8),
        refused=["ya6"],
    )
    target = service.make_playlist("Road Trip")
    report = Run(service).sync(target, "Road Trip", inputs_for(*wanted))
    held = service.ids_in(target)
    assert sorted(held) == sorted(f"y{k}" for k in wanted if k != "a6")
    assert len(held) == len(set(held))  # no track twice
    assert list(report.failed) == ["ya6"]
    assert sorted(report.landed) == sorted(held)
    assert report.added == 7
