"""A sure match keeps only its best candidate in the run's memory; the others are read back
from the match store whenever someone needs them: the review pane, "Never this one", the
person's own decision, and new thresholds deciding the track again."""

from __future__ import annotations

from dataclasses import replace

import pytest

from songbird_gui.core.settings import MatchThresholds, Settings
from songbird_gui.core.types import Decision, MatchOrigin, ServiceId, TrackStatus
from songbird_gui.engine.session import SyncSession
from songbird_gui.services.demo import DemoServerConfig
from tests.demo_catalogue import small_catalogue
from tests.engine.test_session import end, make_session
from tests.engine.test_session_journeys import searched

YT = ServiceId.YTMUSIC


@pytest.fixture
def fast_server() -> DemoServerConfig:
    return DemoServerConfig(latency_s=0.002, limit=1000, burst=100, seed=1)


def with_a_demo_version() -> dict:
    """The small catalogue, where "Paper Lanterns" (sp1) also has a demo version on YouTube
    Music: a sure match to yt1, with yt1b as a second candidate."""
    catalogue = small_catalogue()
    ytmusic = catalogue["services"]["ytmusic"]["tracks"]
    demo = {**ytmusic[0], "id": "yt1b", "title": "Paper Lanterns (Demo)", "duration_ms": 240_000}
    ytmusic.append(demo)
    return catalogue


def lanterns(session: SyncSession) -> int:
    return next(i for i, r in enumerate(session.rows) if r.entry.source.id == "sp1")


def ids(candidates) -> list[str | None]:
    return [c.track.id for c in candidates]


def test_a_sure_match_holds_its_best_and_offers_every_candidate(qtbot, tmp_path, fast_server):
    session, _ = make_session(tmp_path, with_a_demo_version(), fast_server)
    searched(qtbot, session, "Evening")
    row = session.rows[lanterns(session)]
    assert row.status is TrackStatus.MATCHED and row.result.best.track.id == "yt1"

    assert row.result.candidates == (row.result.best,)  # the run's memory: the best only
    assert ids(session.candidates(lanterns(session))) == ["yt1", "yt1b"]  # what is offered
    review = next(r for r in session.rows if r.status is TrackStatus.REVIEW)
    assert not review.result.others_in_store  # a track to review keeps all it offers
    end(session)


def test_a_second_run_recalls_the_best_and_reads_the_rest_back(qtbot, tmp_path, fast_server):
    first, _ = make_session(tmp_path, with_a_demo_version(), fast_server)
    searched(qtbot, first, "Evening")
    end(first)

    second, _ = make_session(tmp_path, with_a_demo_version(), fast_server)
    searched(qtbot, second, "Evening")
    number = lanterns(second)
    entry = second.rows[number].entry
    assert entry.result.origin is MatchOrigin.REMEMBERED
    assert len(entry.result.candidates) == 1  # the plan's memory too
    assert ids(second.candidates(number)) == ["yt1", "yt1b"]
    end(second)


def test_never_the_best_of_a_sure_match_proposes_the_next(qtbot, tmp_path, fast_server):
    session, _ = make_session(tmp_path, with_a_demo_version(), fast_server)
    searched(qtbot, session, "Evening")
    number = lanterns(session)
    best = session.rows[number].result.best

    session.reject(number, best)  # the store forgets the match to it at once

    row = session.rows[number]
    assert row.status is TrackStatus.REVIEW and row.result.best.track.id == "yt1b"
    assert ids(session.candidates(number)) == ["yt1b"]
    end(session)


def test_the_persons_choice_is_remembered_with_every_candidate(qtbot, tmp_path, fast_server):
    session, _ = make_session(tmp_path, with_a_demo_version(), fast_server)
    searched(qtbot, session, "Evening")
    number = lanterns(session)
    other = session.candidates(number)[1]

    session.choose(number, other)

    assert ids(session.candidates(number)) == ["yt1", "yt1b"]
    source = session.rows[number].entry.source
    assert ids(session.context.store.candidates_of(source.key, YT)) == ["yt1", "yt1b"]
    end(session)


def test_new_thresholds_decide_a_sure_match_again_among_all_it_was_chosen_from(
    qtbot, tmp_path, fast_server
):
    session, _ = make_session(tmp_path, with_a_demo_version(), fast_server)
    searched(qtbot, session, "Evening")
    number = lanterns(session)

    # Any other recording among the candidates now makes a match ambiguous: only the
    # candidates besides the best can tell that the track needs review.
    stricter = MatchThresholds(ambiguity_margin=1.0)
    session.update_settings(replace(Settings(), match=stricter))

    row = session.rows[number]
    assert row.status is TrackStatus.REVIEW and row.result.decision is Decision.REVIEW
    assert ids(row.result.candidates) == ["yt1", "yt1b"]  # to review: all of them, in memory
    assert ids(session.candidates(number)) == ["yt1", "yt1b"]
    end(session)


def test_a_match_forgotten_meanwhile_offers_its_best(qtbot, tmp_path, fast_server):
    session, _ = make_session(tmp_path, with_a_demo_version(), fast_server)
    searched(qtbot, session, "Evening")
    number = lanterns(session)
    row = session.rows[number]

    session.context.store.forget(row.entry.source, YT)  # Tools ▸ Matches… ▸ Forget

    assert session.candidates(number) == (row.result.best,)
    end(session)
