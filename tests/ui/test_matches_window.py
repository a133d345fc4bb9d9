"""The match memory in the window, as a person uses it: Tools → Matches… (filter, sort,
forget, lift a "never"), Change… with the playlists put right, "Wrong match…" on a row of the
track table, File → Export / Import matches, and Report wrong match. All on the demo library,
whose memory stays its own."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

from songbird_gui.cli import main
from songbird_gui.core.match_history import How, ScoreBand
from songbird_gui.core.store import candidates_to_json, track_json
from songbird_gui.core.types import (
    Candidate,
    Decision,
    ServiceId,
    SyncMode,
    Track,
    TrackStatus,
)
from songbird_gui.ui.matches_dialog import DECIDED_FILTERS
from songbird_gui.ui.matches_model import DECIDED, SCORE, SOURCE, MatchesModel
from tests.ui.test_window_pairs import select, synced
from tests.ui.test_window_trust import searched
from tests.ui.window_helpers import make_window

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC


def yt_ids(services, name: str = "Evening") -> list[str | None]:
    target = services[YT]
    (playlist,) = [p for p in target.list_playlists() if p.name == name]
    return [t.id for t in target.playlist_tracks(playlist)]


def answer_next(kind: type[QDialog], act) -> None:
    """Answer the next modal `kind` dialog once it shows (the Matches view and the change
    dialog under it stay open: they are window-modal themselves)."""

    def answer() -> None:
        widget = QApplication.activeModalWidget()
        if not isinstance(widget, kind):
            QTimer.singleShot(0, answer)
            return
        act(widget)

    QTimer.singleShot(0, answer)


def open_matches(qtbot, window):
    window.match_actions.matches.trigger()
    dialog = window.match_actions.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    return dialog


def row_titled(dialog, title: str) -> int:
    found = dialog.model.row_of(lambda r: r.source is not None and r.source.title == title)
    assert found is not None, title
    return found


def change_selected(dialog):
    """Click Change… on the selected row: the review of that track opens."""
    dialog.change_button.click()
    change = dialog.change_dialog
    assert change is not None and change.isVisible()
    return change


def hand_search(qtbot, change, words: str) -> None:
    change.pane.search_box.setText(words)
    with qtbot.waitSignal(change.fixer.handSearched, timeout=10_000):
        change.pane.search_button.click()


def test_the_matches_view_lists_filters_sorts_and_forgets(qtbot, tmp_path, fast, qtmodeltester):
    window, _ = make_window(qtbot, tmp_path, fast, extra=3)
    synced(qtbot, window, "Evening")
    assert window.match_actions.matches.shortcut().toString() == "Ctrl+Shift+H"
    dialog = open_matches(qtbot, window)
    model = dialog.model
    qtmodeltester.check(model)
    store = window.songbird.store_for(window.library.services)
    assert model.rowCount() == store.count() == 8  # 3 + 3 extra matched, a review, a not found
    assert "8 remembered decisions · 8 shown" in dialog.count.text()
    window.match_actions.matches.trigger()  # again: the open view comes forward, no second
    assert window.match_actions.dialog is dialog
    lanterns = row_titled(dialog, "Paper Lanterns")
    shown = [model.index(lanterns, c).data() for c in range(model.columnCount())]
    assert shown[:5] == [
        "Paper Lanterns — Mira Vale",
        "YouTube Music",
        "Paper Lanterns — Mira Vale",
        "1.00",
        "automatic",
    ]
    assert shown[6] == "Evening"  # the playlist its pair wrote it to
    harbor = row_titled(dialog, "Harbor Lights")
    assert model.index(harbor, 2).data().startswith("needs review: Harbor Lights (Live")

    dialog.words.setText("harbor nils")
    assert model.rowCount() == 1 and "1 shown" in dialog.count.text()
    dialog.words.clear()
    dialog.band.setCurrentIndex(list(ScoreBand).index(ScoreBand.REVIEW))
    assert [model.row_at(r).decision for r in range(model.rowCount())] == [Decision.REVIEW]
    dialog.band.setCurrentIndex(0)
    dialog.table.horizontalHeader().setSortIndicator(SCORE, Qt.SortOrder.AscendingOrder)
    scores = [model.row_at(r).score or 0.0 for r in range(model.rowCount())]
    assert scores == sorted(scores)
    dialog.table.horizontalHeader().setSortIndicator(SOURCE, Qt.SortOrder.AscendingOrder)
    titles = [model.index(r, SOURCE).data().casefold() for r in range(model.rowCount())]
    assert titles == sorted(titles)

    dialog.select(row_titled(dialog, "Paper Lanterns"))
    assert dialog.forget_button.text() == "&Forget" and dialog.forget_button.isEnabled()
    answer_next(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    dialog.forget_button.click()
    assert "the next sync searches it again" in dialog.status.text()
    assert model.rowCount() == 7
    assert store.recall(Track(SP, "sp1", "Paper Lanterns"), YT) is None
    # The demo library's memory is its own: the person's store saw nothing of it.
    assert window.songbird.store.count() == 0


def test_change_replaces_the_track_in_the_playlist_at_its_place_once(qtbot, tmp_path, fast):
    window, services = make_window(qtbot, tmp_path, fast, extra=3)
    select(window, "Evening")
    window.playlists.mode_actions[SyncMode.MIRROR].trigger()
    synced(qtbot, window, "Evening")
    before = yt_ids(services)
    assert before == ["yt1", "yt2", "yt3", "ytx0", "ytx1", "ytx2"]

    dialog = open_matches(qtbot, window)
    dialog.select(row_titled(dialog, "Звёздный путь"))  # matched to yt2, second in the list
    change = change_selected(dialog)
    with qtbot.waitSignal(change.fixer.searched, timeout=10_000):
        pass  # the fresh search of the target, beside the remembered candidates
    assert "Now: Звёздный путь — Лана Север (1.00)" in change.now.text()
    hand_search(qtbot, change, "Something Else")
    assert change.pane.model.candidate(0).track.id == "yt9"
    change.pane.table.selectRow(0)

    def replace(box: QMessageBox) -> None:
        assert "“Evening”" in box.text() and "at the same place" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    answer_next(QMessageBox, replace)
    with qtbot.waitSignal(change.fixer.replaced, timeout=10_000):
        change.pane.accept_button.click()
    assert "“Evening”: replaced at #2." in change.status.text()
    after = yt_ids(services)
    assert after == ["yt1", "yt9", "yt3", "ytx0", "ytx1", "ytx2"]
    assert after.count("yt9") == 1 and "yt2" not in after

    change.reject()
    (row,) = [
        dialog.model.row_at(r)
        for r in range(dialog.model.rowCount())
        if dialog.model.row_at(r).source_key == "spotify:sp2"
    ]
    assert (row.how, row.target_id) == (How.HAND, "yt9")
    assert dialog.model.index(dialog.model.row_of(lambda r: r is row), 6).data() == "Evening"
    dialog.reject()

    # The next mirror sync takes yt9 as Songbird's (not added by hand) and yt2 as gone.
    session = searched(qtbot, window, "Evening")
    (preview, verdict), *_ = session.previews()
    assert (preview.removals, preview.additions, preview.moves) == ((), (), ())
    assert not verdict.stop
    assert session.rows[1].status is TrackStatus.PRESENT


def test_wrong_match_from_the_track_table(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    session = searched(qtbot, window, "Evening")
    wrong = window.match_actions.wrong
    rows = {r.entry.source.id: n for n, r in enumerate(session.rows)}
    window.tracks.track_view.selectRow(window.tracks.track_proxy.mapFromSource(
        window.tracks.track_model.index(rows["sp5"], 0)).row())  # fmt: skip
    assert session.rows[rows["sp5"]].status is TrackStatus.NOT_FOUND
    assert not wrong.isEnabled()  # nothing was matched: no wrong match to fix
    window.tracks.track_view.selectRow(
        window.tracks.track_proxy.mapFromSource(
            window.tracks.track_model.index(rows["sp1"], 0)
        ).row()
    )
    assert session.rows[rows["sp1"]].status is TrackStatus.MATCHED and wrong.isEnabled()

    wrong.trigger()
    change = window.match_actions.change_dialog
    assert change is not None
    qtbot.addWidget(change)
    with qtbot.waitSignal(change.fixer.searched, timeout=10_000):
        pass
    hand_search(qtbot, change, "Something Else")
    change.pane.table.selectRow(0)
    change.pane.accept_button.click()  # nothing written yet: no playlist holds the old one
    assert "Remembered: “Something Else — Nobody Known”" in change.status.text()
    row = session.rows[rows["sp1"]]
    assert row.status is TrackStatus.MATCHED and row.result.best.track.id == "yt9"
    assert window.tracks.track_model.index(rows["sp1"], 5).data().startswith("Something Else")
    recalled = window.songbird.store_for(window.library.services).recall(row.entry.source, YT)
    assert recalled.best.track.id == "yt9"
    assert session.planned_additions()[0][0] == "yt9"  # Apply adds the right one
    change.reject()


def test_never_this_one_is_listed_and_can_be_lifted(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    synced(qtbot, window, "Evening")
    dialog = open_matches(qtbot, window)
    dialog.select(row_titled(dialog, "Harbor Lights"))  # in review: its live version
    change = change_selected(dialog)
    with qtbot.waitSignal(change.fixer.searched, timeout=10_000):
        pass
    live = change.pane.model.candidate(0)
    assert live.track.id == "yt4"
    change.pane.table.selectRow(0)
    change.pane.reject_button.click()
    assert "Never again for this track" in change.status.text()
    change.reject()

    dialog.how.setCurrentIndex([how for _, how in DECIDED_FILTERS].index(How.NEVER))
    assert dialog.model.rowCount() == 1
    dialog.select(0)
    never = dialog.selected()
    assert never.how is How.NEVER and never.target.title.startswith("Harbor Lights (Live")
    assert not dialog.change_button.isEnabled() and dialog.forget_button.text() == "&Lift “never”"
    store = window.songbird.store_for(window.library.services)
    assert store.rejected_ids(Track(SP, "sp4", ""), YT) == {"yt4"}
    answer_next(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    dialog.forget_button.click()
    assert store.rejected_ids(Track(SP, "sp4", ""), YT) == frozenset()
    assert dialog.model.rowCount() == 0 and "may be proposed" in dialog.status.text()


def test_export_and_import_from_the_file_menu(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path / "first", fast)
    synced(qtbot, window, "Evening")
    assert window.match_actions.export in window.file_menu.actions()
    path = tmp_path / "matches.json"

    def save_to(file_dialog: QFileDialog) -> None:
        file_dialog.selectFile(str(path))
        file_dialog.accept()

    answer_next(QFileDialog, save_to)
    window.match_actions.export.trigger()
    assert window.match_actions.message.text() == (
        f"Exported 5 decisions and 0 “never this one” to {path}."
    )
    assert json.loads(path.read_text(encoding="utf-8"))["library"] == "demo"
    window.match_actions.message.close()

    other, _ = make_window(qtbot, tmp_path / "second", fast)
    assert other.songbird.store_for(other.library.services).count() == 0

    def open_it(file_dialog: QFileDialog) -> None:
        file_dialog.selectFile(str(path))
        file_dialog.accept()

    answer_next(QFileDialog, open_it)
    other.match_actions.import_.trigger()
    message = other.match_actions.message
    assert message.text() == (
        "From matches.json: 5 decisions added, 0 replaced, 0 kept as they were here, 0 already "
        "the same, 0 “never this one” added."
    )
    message.close()
    dialog = open_matches(qtbot, other)
    assert dialog.model.rowCount() == 5
    # Synced on this machine, nothing is searched again: every decision came along.
    session = searched(qtbot, other, "Evening")
    assert session.figures.search_stats.requests == 0


def test_report_wrong_match_writes_a_case_that_eval_matches_reads(qtbot, tmp_path, fast, capsys):
    window, _ = make_window(qtbot, tmp_path, fast)
    synced(qtbot, window, "Evening")
    dialog = open_matches(qtbot, window)
    dialog.select(row_titled(dialog, "Harbor Lights"))
    assert not dialog.report_button.isEnabled()  # the matcher's own: nothing to report yet
    change = change_selected(dialog)
    with qtbot.waitSignal(change.fixer.searched, timeout=10_000):
        pass
    assert not change.report_button.isEnabled()
    hand_search(qtbot, change, "Something Else")
    change.pane.table.selectRow(0)
    change.pane.accept_button.click()
    assert change.report_button.isEnabled()
    change.report_button.click()
    path = window.songbird.paths.demo_state_dir / "reported-matches.json"
    assert f"in {path} (1 case)" in change.status.text()
    (case,) = json.loads(path.read_text(encoding="utf-8"))
    assert case["source"]["name"] == "Harbor Lights" and case["correct"] == ["yt9"]
    assert case["candidates"][0]["videoId"] == "yt4"  # as seen: the live version first
    assert case["tags"] == ["reported", "chosen-by-hand"]
    change.reject()
    # The same from the Matches view, on the row the person decided.
    dialog.select(row_titled(dialog, "Harbor Lights"))
    assert dialog.report_button.isEnabled()
    dialog.report_button.click()
    assert f"in {path} (1 case)" in dialog.status.text()  # the same report, not a second
    (again,) = json.loads(path.read_text(encoding="utf-8"))
    assert [c["videoId"] for c in again["candidates"]] == [
        c["videoId"] for c in case["candidates"]
    ]  # what the matcher offered, then the track found by hand
    assert again["tags"] == case["tags"] and again["correct"] == ["yt9"]
    capsys.readouterr()
    assert main(["eval-matches", str(path), "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith(case["id"])
    assert json.loads(lines[-1])["cases"] == 1


def test_twenty_thousand_decisions_open_and_only_the_rows_shown_are_decoded(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    store = window.songbird.store_for(window.library.services)
    rows = []
    for i in range(20_000):
        source = Track(SP, f"s{i}", f"Song {i}", (f"Artist {i % 700}",), "Album", 200_000)
        target = Track(YT, f"y{i}", f"Song {i}", (f"Artist {i % 700}",), "Album", 201_000)
        offered = candidates_to_json([Candidate(target, 0.93)])
        rows.append(
            (source.key, "ytmusic", "accept", target.id, 0.93, "scored", 0,
             1.7e9 + i, None, offered, track_json(source), track_json(target))
        )  # fmt: skip
    with store.transaction() as db:
        db.executemany(
            "INSERT INTO decisions (source_key, target_service, decision, target_id, score,"
            " origin, by_hand, decided_at, retry_at, candidates, source, target)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    dialog = open_matches(qtbot, window)
    model: MatchesModel = dialog.model
    assert model.rowCount() == 20_000
    # Painting decodes the rows it shows, and only those.
    qtbot.waitUntil(lambda: model.decoded(model.row_at(0)))
    assert model.index(0, SOURCE).data() == "Song 19999 — Artist 399"  # the newest first
    assert model.decoded_count < 100
    dialog.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.decoded(model.row_at(19_999)))
    assert model.decoded_count < 200
    assert model.index(19_999, SOURCE).data() == "Song 0 — Artist 0"
    dialog.words.setText("song 1234 artist")
    shown = [model.index(r, SOURCE).data() for r in range(model.rowCount())]
    assert "Song 1234 — Artist 534" in shown and len(shown) < 20
    assert all("1234" in text for text in shown)


def test_forget_asks_first_and_leaves_no_other_row_selected(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast, extra=3)
    session = searched(qtbot, window, "Evening")
    lanterns = next(i for i, r in enumerate(session.rows) if r.entry.source.id == "sp1")
    session.skip(lanterns)  # left out by the person
    dialog = open_matches(qtbot, window)
    model = dialog.model
    decided = {
        model.index(r, SOURCE).data().split(" — ")[0]: model.index(r, DECIDED).data()
        for r in range(model.rowCount())
    }
    assert decided["Paper Lanterns"] == "left out by you"  # not "accepted by you"
    assert decided["Harbor Lights"] == "not yet: needs review"  # not "automatic"
    dialog.select(row_titled(dialog, "Paper Lanterns"))
    change = dialog.change()  # its heading said "[matched]" for a track left out
    assert change is not None and change.pane.heading.text().endswith("[skipped by you]")
    change.reject()
    total = model.rowCount()

    dialog.select(row_titled(dialog, "Звёздный путь"))
    answer_next(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Cancel).click())
    dialog.forget_button.click()
    assert model.rowCount() == total  # it asked, and the person said no
    asked: list[str] = []

    def forget_it(box: QMessageBox) -> None:
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    answer_next(QMessageBox, forget_it)
    dialog.forget_button.click()
    assert "Звёздный путь" in asked[0] and "searches it again" in asked[0]
    assert model.rowCount() == total - 1
    assert dialog.selected() is None and not dialog.forget_button.isEnabled()
    dialog.forget_button.click()  # a second click forgets nothing more
    assert model.rowCount() == total - 1


def test_what_was_said_of_the_last_candidates_goes_with_a_new_search(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    synced(qtbot, window, "Evening")
    dialog = open_matches(qtbot, window)
    dialog.select(row_titled(dialog, "Paper Lanterns"))
    change = change_selected(dialog)
    with qtbot.waitSignal(change.fixer.searched, timeout=10_000):
        pass
    change.pane.table.selectRow(0)  # the match it has
    change.pane.accept_button.click()
    assert change.status.text() == "That is the match already."
    hand_search(qtbot, change, "Something Else")
    assert change.status.text() == ""  # not said of the new candidates
    change.reject()


def test_the_demo_change_dialog_has_room_for_its_title(qtbot):
    from PySide6.QtGui import QFont, QFontMetrics

    from songbird_gui.ui.demo_change_dialog import DemoChangeDialog

    dialog = DemoChangeDialog([], None, "Spotify")
    qtbot.addWidget(dialog)
    dialog.show()
    bold = QFont(dialog.font())
    bold.setBold(True)
    title = QFontMetrics(bold).horizontalAdvance(dialog.windowTitle())
    assert dialog.width() >= title + 200  # the title, its icon and the window's buttons
