"""What broke a person's trust in the window, point by point (issue 11), as they would see it.

1. saving Settings ends no run; 2. a change of direction asks before dropping results, and
Apply names the service; 3. status, score, the candidates and their reasons, and where each
playlist goes are on screen at a laptop's size; 4. the status bar stays live; 5. review keeps
the keyboard; 6. Settings refuse bad values in place; 7. one word per meaning.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QStatusTipEvent
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from songbird_gui.core.settings import RateSettings, Settings
from songbird_gui.core.types import TrackStatus
from songbird_gui.engine.session import RunState
from songbird_gui.services.demo import DemoServerConfig
from songbird_gui.ui.apply_dialog import ApplyDialog
from songbird_gui.ui.settings_dialog import SettingsDialog
from songbird_gui.ui.track_model import SCORE, STATUS, TITLE
from tests.ui.window_helpers import make_window, save, tick


def answer_next_modal(act: Callable[[QDialog], None]) -> None:
    """Answer the modal dialog that is about to open, once its event loop runs.

    Should the answer open another modal dialog unexpectedly, that one is rejected, so a
    test fails on its assertions instead of hanging.
    """

    def answer() -> None:
        widget = QApplication.activeModalWidget()
        if not isinstance(widget, QDialog):
            QTimer.singleShot(0, answer)  # not shown yet: its loop is about to start
            return
        act(widget)
        leftover = QApplication.activeModalWidget()
        if isinstance(leftover, QDialog) and leftover is not widget:
            leftover.reject()

    QTimer.singleShot(0, answer)


def searched(qtbot, window, *names: str):
    for name in names:
        tick(window, name)
    window.run.sync_action.trigger()
    session = window.run.session
    with qtbot.waitSignal(session.searchFinished, timeout=20_000):
        pass
    return session


def review_rows(session) -> list[int]:
    return [i for i, row in enumerate(session.rows) if row.status is TrackStatus.REVIEW]


# -- 1. Settings never end a run ------------------------------------------------------------


def test_saving_settings_keeps_the_run_reviewable_and_appliable(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    session = searched(qtbot, window, "Evening")
    (review,) = review_rows(session)

    answer_next_modal(lambda dialog: dialog.accept())  # Settings, saved with nothing changed
    window.settings_action.trigger()

    assert window.run_status.shown().startswith("Settings saved: they apply from the next")
    assert window.run.session is session and session.state is RunState.READY
    window.review.show_review()
    assert window.tracks.selected_row() == review
    assert window.tracks.review_pane.model.rowCount() >= 1  # not "Pick a track to review it."
    assert window.run.apply_action.isEnabled()
    window.tracks.accept_all_threshold.setValue(window.tracks.accept_all_threshold.minimum())
    answer_next_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    window.tracks.accept_all_button.click()
    assert session.rows[review].status is TrackStatus.MATCHED


def test_new_thresholds_decide_again_what_the_person_did_not(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    session = searched(qtbot, window, "Evening")
    matched = [i for i, r in enumerate(session.rows) if r.status is TrackStatus.MATCHED]
    mine, automatic = matched[0], matched[1:]
    window.tracks.review_pane.show_row(mine, session.rows[mine], session.candidates(mine))
    window.review._on_accept(mine, session.rows[mine].result.best)  # the person's own decision

    def stricter(dialog: QDialog) -> None:
        assert isinstance(dialog, SettingsDialog)
        dialog.accept_at.setValue(0.999)
        dialog.review_at.setValue(0.5)
        dialog.accept()

    answer_next_modal(stricter)
    window.settings_action.trigger()

    assert window.run.session is session
    assert session.rows[mine].status is TrackStatus.MATCHED  # the person decided it
    below = [i for i in automatic if session.rows[i].result.best.score < 0.999]
    assert below  # the scores of the demo's near twins
    assert all(session.rows[i].status is TrackStatus.REVIEW for i in below)
    assert "need review" in window.run_status.text()


# -- 2. Direction ---------------------------------------------------------------------------


def test_changing_direction_asks_before_dropping_results_not_written(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    session = searched(qtbot, window, "Evening")
    assert session.has_unapplied_results()

    answer_next_modal(lambda box: box.button(QMessageBox.StandardButton.Cancel).click())
    window.playlists.direction.setCurrentIndex(1)
    assert window.playlists.direction.currentIndex() == 0  # kept: the person said no
    assert window.run.session is session and window.tracks.track_model.rowCount() > 0

    answer_next_modal(lambda box: box.button(QMessageBox.StandardButton.Discard).click())
    window.playlists.direction.setCurrentIndex(1)
    assert window.run.session is None and window.tracks.track_model.rowCount() == 0
    assert not window.run.apply_action.isEnabled()  # nothing of the other direction to write


def test_apply_names_both_services_and_every_playlist(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    session = searched(qtbot, window, "Evening", "Liked Songs")
    dialog = ApplyDialog(session, window)
    qtbot.addWidget(dialog)
    text = dialog.summary.toPlainText()
    assert "From Spotify to YouTube Music" in text
    assert (
        "Evening (Spotify, add only) → Evening, a new playlist on YouTube Music: add 3 tracks"
        in text
    )
    assert "Liked Songs (Spotify, add only) →" in text
    assert "not added: 1 needs review, 1 not found, 1 not syncable" in text
    assert dialog.write_button.text() == "&Write to YouTube Music"
    assert dialog.windowTitle() == "Write to YouTube Music"


# -- 3. Nothing important off-screen at 1366×768 ---------------------------------------------


def test_status_score_candidates_and_reasons_show_at_a_laptops_size(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    window.resize(1366, 740)
    session = searched(qtbot, window, "Evening")
    view = window.tracks.track_view
    header = view.horizontalHeader()
    for column in (TITLE, STATUS, SCORE):
        right = header.sectionViewportPosition(column) + header.sectionSize(column)
        assert right <= view.viewport().width(), f"column {column} needs scrolling"
    widest_status = max(view.fontMetrics().horizontalAdvance(str(s)) for s in TrackStatus)
    assert header.sectionSize(STATUS) >= widest_status + 16  # icon and word, never cut

    window.review.show_review()
    (review,) = review_rows(session)
    pane = window.tracks.review_pane
    table = pane.table
    assert table.viewport().height() // table.rowHeight(0) >= 6  # six candidates at least
    best = session.rows[review].result.best
    assert best.explain() in pane.why.text()  # the whole reasoning, not a cut column
    save(window, "window-1366-review.png")


def test_goes_to_is_whole_and_names_a_created_playlist_after_apply(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    window.resize(1366, 740)
    model, view = window.playlists.playlist_model, window.playlists.playlist_view
    evening = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "Evening")
    goes_to = model.index(evening, 1)
    assert goes_to.data() == "new playlist"
    needed = view.fontMetrics().horizontalAdvance(goes_to.data())
    assert view.horizontalHeader().sectionSize(1) >= needed  # not "Gym Mix (n"

    session = searched(qtbot, window, "Evening")
    with (
        qtbot.waitSignal(window.library.loader.loaded, timeout=20_000),  # re-read after writing
        qtbot.waitSignal(session.applied, timeout=20_000),
    ):
        session.apply()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "Evening")
    assert model.index(row, 1).data() == "Evening"  # the playlist it made, not "new"


# -- 4. A live status bar ------------------------------------------------------------------


def test_a_tooltip_never_hides_the_runs_state(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    searched(qtbot, window, "Evening")
    before = window.run_status.text()
    assert before.startswith("Search done")
    QApplication.sendEvent(window, QStatusTipEvent("Search the target for the ticked playlists"))
    assert window.run_status.label.isVisible()
    assert window.run_status.text() == before
    assert window.statusBar().currentMessage() == "Search the target for the ticked playlists"


def test_decisions_update_the_counts_and_a_hand_search_says_when_it_is_done(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    session = searched(qtbot, window, "Evening")
    assert "1 needs review" in window.run_status.text()
    window.review.show_review()
    pane = window.tracks.review_pane
    with qtbot.waitSignal(session.handSearched, timeout=10_000):
        pane.search_box.setText("Harbor Lights")
        pane.search_button.click()
        assert "Searching YouTube Music for “Harbor Lights”" in pane.search_note.text()
    assert pane.search_note.text().endswith("found.")  # no "Searching…" left behind
    pane.skip_button.click()
    text = window.run_status.text()
    assert "need review" not in text and "1 skipped by you" in text


# -- 5. Review keeps the keyboard --------------------------------------------------------------


def test_review_keeps_the_keyboard_from_one_track_to_the_next(qtbot, tmp_path):
    # Two tracks that need review: only live versions exist on the target.
    server = DemoServerConfig(latency_s=0.003, limit=1000, burst=100)
    window, _ = make_window(qtbot, tmp_path, server)
    session = searched(qtbot, window, "Evening", "Liked Songs")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    window.review.show_review()
    table = window.tracks.review_pane.table
    assert table.hasFocus()
    first = window.tracks.selected_row()
    qtbot.keyClick(table, "\r")  # Enter accepts
    assert session.rows[first].status is TrackStatus.MATCHED
    assert table.hasFocus()  # still in the candidates: S works at once
    second = window.tracks.selected_row()
    if second is not None:
        qtbot.keyClick(table, "s")
        assert session.rows[second].status is TrackStatus.SKIPPED


def test_an_empty_hand_search_says_what_to_do(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    session = searched(qtbot, window, "Evening")
    window.review.show_review()
    pane = window.tracks.review_pane
    pane.search_box.clear()
    with qtbot.assertNotEmitted(session.handSearched, wait=0):
        pane.search_button.click()
    assert pane.search_note.text() == "Type some words to search for first."


# -- 6. Settings refuse bad values where they are typed ----------------------------------------


def test_review_above_accept_is_refused_beside_the_field_and_kept_as_typed(qtbot):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.review_at.setValue(0.95)
    assert dialog.review_at.value() == 0.95  # kept as typed, not snapped to 0.85
    assert dialog.threshold_problem.isVisible()
    assert "must be below 0.85" in dialog.threshold_problem.text()
    assert not dialog.ok_button.isEnabled()
    dialog.accept_at.setValue(0.97)
    assert not dialog.threshold_problem.isVisible() and dialog.ok_button.isEnabled()


def typed(qtbot, spin, text: str) -> None:
    """Type `text` into a spin box as a person does: select all, type, leave the field."""
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)
    spin.interpretText()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0", "must be at least 0.1 requests/s (0 would send nothing)"),
        ("5000", "must be at most 1000 requests/s"),
    ],
)
def test_a_rate_out_of_bounds_is_refused_in_place_with_the_reason(qtbot, text, reason):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    typed(qtbot, dialog.spotify.rate, text)
    assert dialog.spotify.rate.value() == float(text)  # kept as typed, not snapped
    assert dialog.spotify.problem.isVisible() and dialog.spotify.problem.text() == reason
    assert not dialog.ok_button.isEnabled()
    typed(qtbot, dialog.spotify.rate, "12")
    assert not dialog.spotify.problem.isVisible() and dialog.ok_button.isEnabled()


def test_workers_and_burst_out_of_bounds_are_refused_in_place(qtbot):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    typed(qtbot, dialog.workers, "100")
    assert dialog.workers.value() == 100
    assert dialog.workers_problem.text() == "must be at most 64 at once"
    typed(qtbot, dialog.ytmusic.burst, "0")
    assert dialog.ytmusic.burst_problem.text() == "must be at least 1"
    assert not dialog.ok_button.isEnabled()
    typed(qtbot, dialog.workers, "8")
    typed(qtbot, dialog.ytmusic.burst, "5")
    assert dialog.ok_button.isEnabled()


def test_a_rate_far_above_the_default_asks_first(qtbot):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.spotify.rate.setValue(1000)  # no service takes that: it asks first
    answer_next_modal(lambda box: box.button(QMessageBox.StandardButton.Cancel).click())
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted  # still open, nothing saved
    answer_next_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_settings().spotify.rate == 1000  # the person insisted


# -- 7. Words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "words"),
    [(1, "1 needs review"), (10, "10 need review"), (1, "1 track"), (3, "3 tracks")],
)
def test_counts_have_real_plural_forms(count, words):
    from songbird_gui.engine.summary import plural

    one, many = ("needs review", "need review") if "review" in words else ("track", None)
    assert plural(count, one, many) == words


def test_the_apply_dialog_counts_what_is_not_added_in_real_plural_forms():
    from songbird_gui.core.types import TrackStatus
    from songbird_gui.engine.summary import counted

    assert counted(TrackStatus.REVIEW, 5) == "5 need review"
    assert counted(TrackStatus.REVIEW, 1) == "1 needs review"
    assert counted(TrackStatus.NOT_FOUND, 2) == "2 not found"


def test_a_stopped_search_says_not_searched_and_a_skip_says_by_you(qtbot, tmp_path):
    slow = DemoServerConfig(latency_s=0.05, limit=5, burst=1)
    settings = Settings(workers=2, spotify=RateSettings(5, 1), ytmusic=RateSettings(5, 1))
    window, _ = make_window(qtbot, tmp_path, slow, extra=30, settings=settings)
    tick(window, "Evening")
    window.run.sync_action.trigger()
    session = window.run.session
    qtbot.waitUntil(lambda: session.state is RunState.SEARCHING, timeout=10_000)
    window.run.stop_action.trigger()
    stopped = [r for r in session.rows if r.status is TrackStatus.NOT_SEARCHED]
    assert stopped and all(str(r.status) == "not searched" for r in stopped)
    assert "stopped" in stopped[0].reason
    assert "not searched" in window.run_status.text()
    window.close()
