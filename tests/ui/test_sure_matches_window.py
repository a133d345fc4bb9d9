"""A sure match's candidates in the window: its row keeps only the best in memory, and
opening the track (the review pane, Wrong match…) offers every candidate it was chosen among,
as before, read back from the match store."""

from __future__ import annotations

from songbird_gui.core.types import TrackStatus
from tests.engine.test_sure_matches import ids, lanterns, with_a_demo_version
from tests.ui.test_window_trust import searched
from tests.ui.window_helpers import make_window


def select(window, row: int) -> None:
    proxy_row = window.tracks.track_proxy.mapFromSource(window.tracks.track_model.index(row, 0))
    window.tracks.track_view.selectRow(proxy_row.row())


def shown(window) -> list[str | None]:
    pane = window.tracks.review_pane.model
    return [pane.candidate(i).track.id for i in range(pane.rowCount())]


def test_the_review_pane_offers_every_candidate_of_a_sure_match(qtbot, tmp_path, fast):
    catalogue = with_a_demo_version()
    ytmusic = catalogue["services"]["ytmusic"]["tracks"]
    ytmusic.append({**ytmusic[0], "id": "yt1c", "title": "Paper Lanterns (Acoustic)"})
    window, _ = make_window(qtbot, tmp_path, fast, catalogue=catalogue)
    session = searched(qtbot, window, "Evening")
    number = lanterns(session)
    assert session.rows[number].status is TrackStatus.MATCHED
    assert len(session.rows[number].result.candidates) == 1

    select(window, number)

    offered = shown(window)
    assert offered[0] == "yt1" and sorted(offered[1:]) == ["yt1b", "yt1c"]
    window.tracks.review_pane.table.selectRow(2)
    window.tracks.review_pane.reject_button.click()  # Never this one: gone from the pane
    assert shown(window) == offered[:2]
    assert session.rows[number].status is TrackStatus.MATCHED


def test_wrong_match_offers_every_candidate_of_a_sure_match(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast, catalogue=with_a_demo_version())
    session = searched(qtbot, window, "Evening")
    select(window, lanterns(session))

    window.match_actions.wrong.trigger()
    change = window.match_actions.change_dialog
    assert change is not None
    qtbot.addWidget(change)

    assert ids(change.remembered) == ["yt1", "yt1b"]
    shown = change.pane.model
    assert {shown.candidate(i).track.id for i in range(shown.rowCount())} == {"yt1", "yt1b"}
    with qtbot.waitSignal(change.fixer.searched, timeout=10_000):
        pass
    change.reject()
