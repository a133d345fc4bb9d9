"""Every model of the window keeps Qt's model contract (pytest-qt's qtmodeltester), filled as
a sync fills it: rows that change status, a filter that hides some, candidates replaced."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon

from songbird_gui.core.types import (
    Candidate,
    Decision,
    EntryState,
    MatchResult,
    PlanEntry,
    Playlist,
    PlaylistKind,
    ServiceId,
    Track,
    TrackStatus,
)
from songbird_gui.engine.rows import Row
from songbird_gui.ui.playlist_model import PlaylistModel
from songbird_gui.ui.review_pane import CandidateModel
from songbird_gui.ui.track_model import ROW_ROLE, STATUS, TrackFilterProxy, TrackTableModel

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC


def rows(n: int) -> list[Row]:
    made = []
    for i in range(n):
        source = Track(SP, f"s{i}", f"Song {i} — ünïcode 歌", ("Artist",), "Album", 200_000 + i)
        target = Track(YT, f"y{i}", f"Song {i}", ("Artist",), None, 201_000)
        best = Candidate(target, 0.9 - i / 100)
        status = list(TrackStatus)[i % len(TrackStatus)]
        result = MatchResult(source, Decision.ACCEPT, best, (best,), 1)
        made.append(Row(i % 2, PlanEntry(i + 1, source, EntryState.SEARCH), status, result))
    return made


def test_the_track_model_and_its_filter_keep_the_contract(qtbot, qtmodeltester):
    model = TrackTableModel()
    table = rows(40)
    model.set_rows(table, ["Road Trip", "Evening"])
    qtmodeltester.check(model)
    proxy = TrackFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_statuses(frozenset({TrackStatus.REVIEW, TrackStatus.MATCHED}))
    proxy.set_text("song")
    qtmodeltester.check(proxy)
    table[3].status = TrackStatus.REVIEW  # a row changes as a search answers
    model.row_changed(3)
    model.flush()
    proxy.invalidate()
    qtmodeltester.check(proxy)
    model.set_rows([])
    qtmodeltester.check(model)


def test_the_playlist_model_keeps_the_contract(qtbot, qtmodeltester):
    model = PlaylistModel()
    liked = Playlist(SP, "liked", "Liked Songs", kind=PlaylistKind.LIKED)
    road = Playlist(SP, "p1", "Road Trip", "me", 40)
    targets = [Playlist(YT, "y1", "Road Trip")]
    model.set_playlists([liked, road], targets, ["p1"])
    qtmodeltester.check(model)
    assert [p.id for p in model.checked()] == ["p1"]


def test_the_candidate_model_keeps_the_contract(qtbot, qtmodeltester):
    model = CandidateModel()
    source = Track(SP, "s", "Harbor Lights", ("Nils Arden",), None, 230_000)
    found = [
        Candidate(Track(YT, f"y{i}", f"Harbor Lights {i}", ("Nils Arden",), None, 281_000), 0.7)
        for i in range(8)
    ]
    model.set_candidates(source, found)
    qtmodeltester.check(model)
    model.set_candidates(None, [])
    qtmodeltester.check(model)


def test_every_status_shows_its_icon_in_the_table(qtbot):
    # A stopped search ("not searched") and a track listed twice must paint like any other.
    model = TrackTableModel()
    table = rows(len(TrackStatus))
    model.set_rows(table)
    for number, row in enumerate(table):
        icon = model.data(model.index(number, STATUS), Qt.ItemDataRole.DecorationRole)
        assert isinstance(icon, QIcon) and not icon.isNull(), row.status
    assert {row.status for row in table} == set(TrackStatus)


def test_a_decided_row_leaves_the_review_list_and_the_view_moves_to_one_still_listed(qtbot):
    # Accept all in review: the selected row leaves "Needs review"; the view's current row
    # must move, and say so, or the review pane keeps showing a track no longer listed.
    from PySide6.QtWidgets import QTableView

    table = rows(6)
    for row in table:
        row.status = TrackStatus.REVIEW
    model = TrackTableModel()
    model.set_rows(table)
    proxy = TrackFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_statuses(frozenset({TrackStatus.REVIEW}))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.selectRow(2)
    for number in (2, 3):
        table[number].status = TrackStatus.MATCHED  # accepted, in bulk
        model.row_changed(number)
    with qtbot.waitSignal(view.selectionModel().currentRowChanged, timeout=5_000) as moved:
        model.flush()
    current, _previous = moved.args
    assert current.isValid() and proxy.rowCount() == 4
    assert table[proxy.data(current, ROW_ROLE)].status is TrackStatus.REVIEW
