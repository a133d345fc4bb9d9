"""A run used in sequence, as a person uses it: apply, then apply again; two runs of one
playlist; a mirror of moves; a search by hand beside the matcher's own."""

from __future__ import annotations

import pytest

from songbird_gui.core.apply import HeldBack
from songbird_gui.core.settings import MatchThresholds, Settings
from songbird_gui.core.types import Decision, ServiceId, SyncMode, TrackStatus
from songbird_gui.engine.session import RunState, SyncSession
from songbird_gui.services.demo import DemoServerConfig
from tests.demo_catalogue import small_catalogue
from tests.engine.test_session import end, make_session

YT = ServiceId.YTMUSIC


@pytest.fixture
def fast_server() -> DemoServerConfig:
    return DemoServerConfig(latency_s=0.002, limit=1000, burst=100, seed=1)


def planned(qtbot, session: SyncSession, name: str, modes=None) -> None:
    source = session.context.services[session.source]
    chosen = [p for p in source.list_playlists() if p.name == name]
    modes = {chosen[0].id: modes} if modes else None
    with qtbot.waitSignal(session.planned, timeout=10_000):
        session.plan(chosen, None, modes)


def searched(qtbot, session: SyncSession, name: str, mode: SyncMode | None = None) -> None:
    planned(qtbot, session, name, mode)
    with qtbot.waitSignal(session.searchFinished, timeout=20_000):
        session.search()


def applied(qtbot, session: SyncSession):
    with qtbot.waitSignal(session.applied, timeout=20_000):
        session.apply()
    return session.reports


def named(services, name: str):
    return [p for p in services[YT].list_playlists() if p.name == name]


def test_a_second_apply_of_the_same_run_writes_nothing_and_creates_nothing(
    qtbot, tmp_path, fast_server
):
    session, services = make_session(tmp_path, small_catalogue(), fast_server)
    searched(qtbot, session, "Evening")
    (first,) = applied(qtbot, session)
    assert first.created and first.added == 3
    assert not session.has_unapplied_results()
    (preview, _verdict), *_ = session.previews()
    assert not preview.changes  # the run knows what it wrote: nothing is left to do

    (second,) = applied(qtbot, session)  # Ctrl+Enter again, nothing changed
    assert not second.created and second.added == 0 and not second.warning
    (evening,) = named(services, "Evening")  # not created twice
    assert [t.id for t in services[YT].playlist_tracks(evening)] == ["yt1", "yt2", "yt3"]
    assert session.summary().added == 3  # the run's count, both writes together
    end(session)


def test_a_decision_after_an_apply_writes_only_that_track(qtbot, tmp_path, fast_server):
    session, services = make_session(tmp_path, small_catalogue(), fast_server)
    searched(qtbot, session, "Evening")
    applied(qtbot, session)
    harbor = next(i for i, r in enumerate(session.rows) if r.entry.source.id == "sp4")
    assert session.rows[harbor].status is TrackStatus.REVIEW
    session.choose(harbor, session.rows[harbor].result.candidates[0])
    assert session.planned_additions() == [["yt4"]]

    (report,) = applied(qtbot, session)
    assert report.added == 1 and not report.created
    (evening,) = named(services, "Evening")
    assert [t.id for t in services[YT].playlist_tracks(evening)] == ["yt1", "yt2", "yt3", "yt4"]
    end(session)


def test_a_run_never_creates_a_playlist_a_pair_made_meanwhile_points_to(
    qtbot, tmp_path, fast_server
):
    # Two runs read "Evening" while it was not on YouTube Music yet (the window's and a
    # scheduled one, say); the first to write creates it and makes its pair.
    catalogue = small_catalogue()
    first, services = make_session(tmp_path, catalogue, fast_server)
    second = SyncSession(first.context, ServiceId.SPOTIFY, YT)
    searched(qtbot, first, "Evening")
    searched(qtbot, second, "Evening")
    (made,) = applied(qtbot, first)
    assert made.created

    (report,) = applied(qtbot, second)
    assert not report.created and report.added == 0 and not report.warning
    (evening,) = named(services, "Evening")
    assert report.playlist is not None and report.playlist.id == evening.id
    assert [t.id for t in services[YT].playlist_tracks(evening)] == ["yt1", "yt2", "yt3"]
    second.close()
    assert second.drain(10_000)
    end(first)


def test_apply_progress_counts_moves_and_removals_not_only_additions(qtbot, tmp_path, fast_server):
    session, services = make_session(tmp_path, small_catalogue(extra_spotify=6), fast_server)
    searched(qtbot, session, "Evening", SyncMode.MIRROR)
    applied(qtbot, session)
    end(session)

    # The person reverses the playlist and drops a track: a plan of moves and one removal.
    server = services[ServiceId.SPOTIFY].server
    server.edit_as_a_person("plA", lambda ids: [i for i in reversed(ids) if i != "sp2"])
    again, _ = make_session(tmp_path, small_catalogue(extra_spotify=6), fast_server)
    searched(qtbot, again, "Evening")
    (preview, _), *_ = again.previews()
    writes = len(preview.removals) + len(preview.additions) + len(preview.moves)
    assert not preview.additions and preview.moves and writes > 1
    progress: list[tuple[int, int]] = []
    again.applyProgress.connect(lambda done, total: progress.append((done, total)))
    (report,) = applied(qtbot, again)
    assert progress[0] == (0, writes)  # the whole plan counted from the start
    assert progress[-1] == (writes, writes) == (len(report.removed) + report.moved,) * 2
    assert all(total > 0 for _, total in progress)  # never "0/0"
    end(again)


def test_a_candidate_found_by_hand_scores_as_the_matcher_scored_it(qtbot, tmp_path, fast_server):
    session, _ = make_session(tmp_path, small_catalogue(), fast_server)
    searched(qtbot, session, "Evening")
    harbor = next(i for i, r in enumerate(session.rows) if r.entry.source.id == "sp4")
    (proposed,) = session.rows[harbor].result.candidates  # the live version, in review
    with qtbot.waitSignal(session.handSearched, timeout=10_000) as answer:
        session.search_by_hand(harbor, "harbor lights live oslo")
    row, found = answer.args
    assert row == harbor
    by_hand = next(c for c in found if c.track.id == proposed.track.id)
    assert by_hand.score == proposed.score
    assert by_hand.explain() == proposed.explain()  # "artists 1.00", not "artists unknown"
    assert session.state is RunState.READY
    end(session)


def test_a_playlist_whose_target_syncs_into_it_is_refused_before_anything_is_written(
    qtbot, tmp_path, fast_server
):
    catalogue = small_catalogue()
    there, services = make_session(tmp_path, catalogue, fast_server)
    searched(qtbot, there, "Evening")
    applied(qtbot, there)  # Spotify "Evening" → YouTube Music "Evening", a pair
    end(there)
    # The person drops a track from the source; syncing the other way would put it back.
    server = services[ServiceId.SPOTIFY].server
    server.edit_as_a_person("plA", lambda ids: [i for i in ids if i != "sp1"])

    back, _ = make_session(tmp_path, catalogue, fast_server)
    back.source, back.target = YT, ServiceId.SPOTIFY
    searched(qtbot, back, "Evening")
    assert all("already syncs into" in row.reason for row in back.rows)
    (report,) = applied(qtbot, back)
    assert report.held_back is HeldBack.PAIR and "already syncs into" in report.warning
    assert report.outcome().startswith("not synced: ")
    spotify = back.context.services[ServiceId.SPOTIFY]
    (evening,) = [p for p in spotify.list_playlists() if p.name == "Evening"]
    assert "sp1" not in [t.id for t in spotify.playlist_tracks(evening)]
    end(back)


def test_new_thresholds_never_re_decide_a_remembered_decision_of_the_persons(
    qtbot, tmp_path, fast_server
):
    catalogue = small_catalogue()
    first, _ = make_session(tmp_path, catalogue, fast_server)
    searched(qtbot, first, "Evening")
    harbor = next(i for i, r in enumerate(first.rows) if r.entry.source.id == "sp4")
    first.choose(harbor, first.rows[harbor].result.candidates[0])  # the live version, by hand
    end(first)

    again, _ = make_session(tmp_path, catalogue, fast_server)  # a restart: recalled from disk
    searched(qtbot, again, "Evening")
    row = next(r for r in again.rows if r.entry.source.id == "sp4")
    assert row.status is TrackStatus.MATCHED
    strict = Settings(match=MatchThresholds(accept=0.95, review=0.6))
    again.update_settings(strict)
    assert row.status is TrackStatus.MATCHED and row.result.best.track.id == "yt4"
    end(again)


def test_never_this_one_on_another_candidate_keeps_the_rows_decision(qtbot, tmp_path, fast_server):
    catalogue = small_catalogue()
    catalogue["services"]["ytmusic"]["tracks"].append(
        {
            **catalogue["services"]["ytmusic"]["tracks"][0],
            "id": "yt1b",
            "title": "Paper Lanterns (Demo)",
        }
    )
    session, _ = make_session(tmp_path, catalogue, fast_server)
    searched(qtbot, session, "Evening")
    lanterns = next(i for i, r in enumerate(session.rows) if r.entry.source.id == "sp1")
    row = session.rows[lanterns]
    assert row.status is TrackStatus.MATCHED
    other = next(c for c in session.candidates(lanterns) if c.track.id != "yt1")
    session.reject(lanterns, other)
    assert row.status is TrackStatus.MATCHED and row.result.best.track.id == "yt1"
    assert other.track.id not in {c.track.id for c in session.candidates(lanterns)}

    session.skip(lanterns)
    session.reject(lanterns, session.candidates(lanterns)[0])
    assert row.status is TrackStatus.SKIPPED  # left out stays out
    end(session)


def test_a_pair_unlinked_during_the_run_is_written_as_a_first_sync(qtbot, tmp_path, fast_server):
    catalogue = small_catalogue()
    first, services = make_session(tmp_path, catalogue, fast_server)
    searched(qtbot, first, "Evening", SyncMode.MIRROR)
    applied(qtbot, first)
    end(first)
    server = services[ServiceId.SPOTIFY].server
    server.edit_as_a_person("plA", lambda ids: [i for i in ids if i != "sp1"])

    session, _ = make_session(tmp_path, catalogue, fast_server)
    searched(qtbot, session, "Evening")
    (preview, _), *_ = session.previews()
    assert [r.entry.track.id for r in preview.removals] == ["yt1"]  # as paired: it left
    pairs = session.context.pairs
    (pair,) = pairs.all()
    pairs.unlink(pair.pair_id)  # Unlink, before Apply: nothing there is Songbird's now
    (report,) = applied(qtbot, session)
    assert not report.removed
    (evening,) = named(services, "Evening")
    assert [t.id for t in services[YT].playlist_tracks(evening)] == ["yt1", "yt2", "yt3"]
    (made,) = pairs.all()  # the pair made again, its mode the run's
    assert made.mode is SyncMode.MIRROR
    end(session)


def test_a_track_whose_decision_is_pending_keeps_its_copy_in_a_mirror(qtbot, tmp_path, fast_server):
    catalogue = small_catalogue()
    first, services = make_session(tmp_path, catalogue, fast_server)
    searched(qtbot, first, "Evening", SyncMode.MIRROR)
    harbor = next(i for i, r in enumerate(first.rows) if r.entry.source.id == "sp4")
    first.choose(harbor, first.rows[harbor].result.candidates[0])  # the live version
    applied(qtbot, first)
    # Matches ▸ Forget: the next sync searches it again, and it needs review again.
    first.context.store.forget_key("spotify:sp4", YT)
    end(first)

    again, _ = make_session(tmp_path, catalogue, fast_server)
    searched(qtbot, again, "Evening")
    row = next(r for r in again.rows if r.entry.source.id == "sp4")
    assert row.status is TrackStatus.REVIEW
    (preview, _), *_ = again.previews()
    assert not preview.removals  # still in the source: its copy waits for the decision
    (report,) = applied(qtbot, again)
    assert not report.removed
    (evening,) = named(services, "Evening")
    assert "yt4" in [t.id for t in services[YT].playlist_tracks(evening)]

    # Never this one: now the person has said it is not that track, and it goes.
    again.reject(again.rows.index(row), row.result.best)
    (preview, _), *_ = again.previews()
    assert [r.entry.track.id for r in preview.removals] == ["yt4"]
    end(again)


def test_what_left_the_source_while_the_pair_only_added_goes_once_it_mirrors(
    qtbot, tmp_path, fast_server
):
    catalogue = small_catalogue()
    first, services = make_session(tmp_path, catalogue, fast_server)
    searched(qtbot, first, "Evening")  # add only
    applied(qtbot, first)
    end(first)
    server = services[ServiceId.SPOTIFY].server
    server.edit_as_a_person("plA", lambda ids: [i for i in ids if i != "sp1"])
    second, _ = make_session(tmp_path, catalogue, fast_server)
    searched(qtbot, second, "Evening")
    (kept,) = applied(qtbot, second)
    assert not kept.removed  # add only: it stays
    end(second)

    third, _ = make_session(tmp_path, catalogue, fast_server)
    searched(qtbot, third, "Evening", SyncMode.MIRROR)  # from now on, a mirror
    (preview, _), *_ = third.previews()
    assert [(r.entry.track.id, r.reason) for r in preview.removals] == [("yt1", "left the source")]
    end(third)


def test_a_track_in_two_playlists_is_one_decision(qtbot, tmp_path, fast_server):
    catalogue = small_catalogue()
    spotify = catalogue["services"]["spotify"]
    spotify["playlists"].append(
        {"id": "plM", "name": "Morning", "owner": "Tester", "tracks": ["sp4"]}
    )
    session, _ = make_session(tmp_path, catalogue, fast_server)
    source = session.context.services[ServiceId.SPOTIFY]
    chosen = [p for p in source.list_playlists() if p.name in ("Evening", "Morning")]
    with qtbot.waitSignal(session.planned, timeout=10_000):
        session.plan(chosen)
    with qtbot.waitSignal(session.searchFinished, timeout=20_000):
        session.search()
    evening, morning = (i for i, r in enumerate(session.rows) if r.entry.source.id == "sp4")
    live = session.rows[evening].result.candidates[0]
    with qtbot.waitSignal(session.rowsChanged, timeout=1) as changed:
        session.choose(evening, live)  # decided in one playlist's row
    assert changed.args == [[morning]]  # the other is repainted
    assert session.rows[morning].status is TrackStatus.MATCHED
    assert session.rows[morning].result.best.track.id == "yt4"
    session.update_settings(Settings(match=MatchThresholds(accept=0.95, review=0.6)))
    remembered = session.context.store.recall(session.rows[morning].entry.source, YT)
    assert remembered.best.track.id == "yt4" and remembered.decision is Decision.ACCEPT
    assert session.planned_additions() == [["yt1", "yt2", "yt3", "yt4"], ["yt4"]]
    end(session)
