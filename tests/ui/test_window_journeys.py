"""Journeys through the window in sequence, as a person makes them (issue 20's faults, each
as a journey): what the window shows after each step."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QStyle

from songbird_gui.core.schedule import Schedule
from songbird_gui.core.types import ServiceId, SyncMode, TrackStatus
from songbird_gui.ui.background import BackgroundSync
from songbird_gui.ui.main_window import LAST_DEMO_KEY
from songbird_gui.ui.notifications import LogNotifier
from songbird_gui.ui.playlist_model import NAME, SYNC, TRACKS
from songbird_gui.ui.review_pane import confirm_accept_all
from tests.ui.test_background import FakeNotifier, FakeTray, schedule_evening
from tests.ui.test_window_pairs import row_of, select, synced
from tests.ui.test_window_trust import answer_next_modal, searched
from tests.ui.window_helpers import (
    at_laptop_size,
    built_window,
    make_window,
    restart,
    tick,
    untick,
)

# Offscreen cannot raise a window; a desktop does (the window is shown either way).
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise", extend=True)


def answering(button: QMessageBox.StandardButton, asked: list[str]):
    """An answer to a question box: note its text, press `button`."""

    def click(box: QMessageBox) -> None:
        asked.append(box.text())
        box.button(button).click()

    return click


def test_accept_all_asks_first_and_then_the_review_pane_shows_no_track_that_left_the_list(
    qtbot, tmp_path, fast
):
    """Issue 20, item 10: "Accept all in review ≥ 0.60" accepted at once, with no question."""
    window, _ = make_window(qtbot, tmp_path, fast)
    session = searched(qtbot, window, "Evening")
    window.review.show_review()
    assert window.tracks.track_proxy.rowCount() == 1
    assert window.tracks.review_pane.heading.text().startswith("Harbor Lights")
    (harbor,) = [r for r in session.rows if r.entry.source.id == "sp4"]
    window.tracks.accept_all_threshold.setValue(0.6)

    asked: list[str] = []
    answer_next_modal(answering(QMessageBox.StandardButton.Cancel, asked))
    window.tracks.accept_all_button.click()  # its one candidate scores 0.70
    assert "Accept the best candidate of 1 track scoring 0.60 or more?" in asked[0]
    assert harbor.status is TrackStatus.REVIEW  # the person said no: nothing changed
    assert window.tracks.review_pane.heading.text().startswith("Harbor Lights")

    answer_next_modal(answering(QMessageBox.StandardButton.Yes, asked))
    window.tracks.accept_all_button.click()
    assert harbor.status is TrackStatus.MATCHED
    assert "Accepted 1 match scoring 0.60 or more." in window.run_status.remark.text()
    qtbot.waitUntil(lambda: window.tracks.track_proxy.rowCount() == 0, timeout=5_000)
    qtbot.waitUntil(
        lambda: window.tracks.review_pane.heading.text() == "Pick a track to review it.",
        timeout=5_000,
    )

    window.tracks.accept_all_button.click()  # nothing left in review: nothing to ask
    assert len(asked) == 2
    assert window.run_status.remark.text() == "No track in review scores 0.60 or more."


def test_accept_all_asks_first_naming_what_it_would_take(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    session = searched(qtbot, window, "Evening")
    going = [session.rows[n] for n in session.review_rows_above(0.6)]
    asked: list[str] = []
    answer_next_modal(answering(QMessageBox.StandardButton.Cancel, asked))
    assert not confirm_accept_all(window, going, 0.6)
    assert "Accept the best candidate of 1 track scoring 0.60 or more?" in asked[0]
    assert "Harbor Lights · Nils Arden" in asked[0] and "(0.70)" in asked[0]
    answer_next_modal(answering(QMessageBox.StandardButton.Yes, asked))
    assert confirm_accept_all(window, going, 0.6)
    assert not confirm_accept_all(window, [], 0.6)  # nothing to accept: nothing asked
    assert len(asked) == 2


def test_apply_then_apply_again_writes_nothing_and_creates_no_second_playlist(
    qtbot, tmp_path, fast
):
    from songbird_gui.ui.apply_dialog import ApplyDialog

    window, services = make_window(qtbot, tmp_path, fast)
    session = searched(qtbot, window, "Evening")  # not on YouTube Music yet
    first = ApplyDialog(session, window)
    qtbot.addWidget(first)
    assert "a new playlist on YouTube Music" in first.summary.toPlainText()
    with qtbot.waitSignal(session.applied, timeout=20_000):
        first.write()
    assert "created, 3 added" in first.summary.toPlainText()
    first.accept()

    again = ApplyDialog(session, window)  # Ctrl+Enter again, nothing changed
    qtbot.addWidget(again)
    assert again.state.text() == "Nothing to write." and not again.write_button.isEnabled()
    assert "a new playlist" not in again.summary.toPlainText()
    target = services[ServiceId.YTMUSIC]
    assert [p.name for p in target.list_playlists()].count("Evening") == 1


def ticked(window) -> list[str]:
    return [p.name for p in window.playlists.playlist_model.checked()]


def test_one_ticked_playlist_is_ticked_again_after_a_restart_and_so_are_two(qtbot, tmp_path, fast):
    """Issue 20, item 12: the layout file keeps a list of one as a bare word, read back as
    no list at all."""
    window, _ = make_window(qtbot, tmp_path, fast)
    tick(window, "Evening")
    window, _ = restart(qtbot, window, tmp_path, fast)
    assert ticked(window) == ["Evening"]
    assert window.run.sync_action.isEnabled()  # Ctrl+R syncs it straight away

    tick(window, "Liked Songs")
    window, _ = restart(qtbot, window, tmp_path, fast)
    assert sorted(ticked(window)) == ["Evening", "Liked Songs"]


def shown_text(view, index) -> str:
    """A cell's text as the view paints it: cut with "…" where its column is too narrow."""
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    width = view.horizontalHeader().sectionSize(index.column()) - 2 * margin
    return view.fontMetrics().elidedText(index.data(), Qt.TextElideMode.ElideRight, width)


def names_are_whole(window) -> bool:
    """Every playlist's name shows whole, with each pair's mode and schedule, and no column
    needs scrolling to."""
    view = window.playlists.playlist_view
    header = view.horizontalHeader()
    shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    fits = sum(header.sectionSize(c) for c in shown) <= view.viewport().width()
    model = window.playlists.playlist_model
    sync = shown_text(
        view,
        window.playlists.playlist_proxy.mapFromSource(model.index(row_of(window, "Evening"), SYNC)),
    )
    return (
        fits
        and header.sectionSize(NAME) >= view.sizeHintForColumn(NAME)
        and sync.startswith("mirror · every 6 h")
    )


def test_names_stay_readable_beside_a_scheduled_mirror_and_after_a_restart(qtbot, tmp_path, fast):
    """Issue 20, item 3: "mirror · 2 min ago · every 6 h" pushed every name to "…". Where
    the pane is narrow, the time since the last sync is what gives way."""
    window, services = make_window(qtbot, tmp_path, fast)
    at_laptop_size(window)
    for name in ("Late Night Jazz-ish", "Covers & Versions"):  # made on Spotify's own app
        services[ServiceId.SPOTIFY].create_playlist(name, "")
    with qtbot.waitSignal(window.library.loader.loaded, timeout=10_000):
        window.playlists.reload_action.trigger()
    select(window, "Evening")
    window.playlists.mode_actions[SyncMode.MIRROR].trigger()
    synced(qtbot, window, "Evening")
    background = BackgroundSync(window, FakeNotifier(), FakeTray())
    schedule_evening(qtbot, window, background, Schedule.EVERY_6_HOURS)
    sync_cell = window.playlists.playlist_model.index(row_of(window, "Evening"), SYNC)
    assert sync_cell.data() == "mirror · every 6 h · just now"
    assert "every 6 hours" in sync_cell.data(Qt.ItemDataRole.ToolTipRole)  # whole there
    assert names_are_whole(window)
    background.close()

    window, _ = restart(qtbot, window, tmp_path, fast)
    assert window.playlists.playlist_model.index(row_of(window, "Evening"), SYNC).data() == (
        "mirror · every 6 h · just now"
    )
    at_laptop_size(window)  # offscreen's screen is 800 px wide: Qt fits a restored window in
    assert names_are_whole(window)


def test_the_status_bar_says_what_sync_would_take_as_playlists_are_ticked(qtbot, tmp_path, fast):
    """Issue 20, item 14: "Tick some and press Sync" stayed after ticking."""
    window, _ = make_window(qtbot, tmp_path, fast)
    status = window.run_status
    ready = (
        "2 playlists on Spotify, 1 playlist on YouTube Music. Tick some and press Sync (Ctrl+R)."
    )
    assert status.text() == ready
    tick(window, "Evening")
    assert status.text() == (
        "1 playlist ticked, 6 tracks: press Sync (Ctrl+R) to find them on YouTube Music."
    )
    tick(window, "Liked Songs")
    assert status.text().startswith("2 playlists ticked, 7 tracks: press Sync")
    for name in ("Evening", "Liked Songs"):
        untick(window, name)
    assert status.text() == ready


def test_export_and_import_of_matches_open_in_the_same_place(qtbot, tmp_path, fast, monkeypatch):
    """Issue 20, item 14: Export opened in the working folder, Import in the home folder."""
    home = tmp_path / "person"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)  # the working folder: never where a file dialog opens
    window, _ = make_window(qtbot, tmp_path, fast)

    def opened_in(action) -> Path:
        seen: list[Path] = []

        def look(box: QFileDialog) -> None:
            seen.append(Path(box.directory().absolutePath()))
            box.reject()

        answer_next_modal(look)
        action.trigger()
        return seen[0]

    export, import_ = window.match_actions.export, window.match_actions.import_
    assert opened_in(export) == opened_in(import_) == home  # a fresh desktop: no Documents
    (home / "Documents").mkdir()
    assert opened_in(export) == opened_in(import_) == home / "Documents"


def test_the_demo_banner_is_there_at_the_first_paint_and_nothing_moves_as_the_library_opens(
    qtbot, tmp_path, fast
):
    """Issue 20, item 14: the banner came 0.5 s after the window, pushing the panes down."""
    window = built_window(qtbot, tmp_path, fast)  # its library opens after the first paint
    window.show()
    window.centralWidget().layout().activate()
    assert window.banner.isVisible() and window.demo_menu.menuAction().isVisible()
    panes_at = window.main_splitter.mapTo(window, QPoint(0, 0))
    qtbot.waitUntil(lambda: window.playlists.playlist_model.rowCount() > 0, timeout=10_000)
    assert window.main_splitter.mapTo(window, QPoint(0, 0)) == panes_at
    assert window.banner.isVisible()

    # Started with accounts last time, on the demo now (they were disconnected meanwhile):
    # the banner comes once the library is known.
    window.qsettings.setValue(LAST_DEMO_KEY, False)
    window, _ = restart(qtbot, window, tmp_path, fast)
    assert window.banner.isVisible()
    assert window.qsettings.value(LAST_DEMO_KEY, type=bool) is True


def test_put_back_says_what_it_does_while_it_works_and_when_it_is_done(qtbot, tmp_path, fast):
    """Issue 20, item 6: Put back said nothing while it worked nor once done."""
    window, services = make_window(qtbot, tmp_path, fast, extra=12)
    select(window, "Evening")
    window.playlists.mode_actions[SyncMode.MIRROR].trigger()
    synced(qtbot, window, "Evening")
    evening = window.playlists.playlist_model.playlist_at(row_of(window, "Evening"))
    services[ServiceId.SPOTIFY].server.edit_as_a_person(  # a demo change: one song removed
        evening.id, lambda ids: [i for i in ids if i != "sp1"]
    )
    _, dialog = synced(qtbot, window, "Evening")
    assert "1 removed" in dialog.summary.toPlainText()

    select(window, "Evening")
    window.playlists.pair_menu.aboutToShow.emit()  # right-click ▸ Put back
    window.playlists.update_pair_actions()
    put_back = window.playlists.restore_action
    assert put_back.text() == "Put &back what the last sync removed (1)"
    status = window.run_status
    with qtbot.waitSignal(window.tasks.done, timeout=20_000):
        put_back.trigger()
        assert status.shown().startswith("Putting back 1 track in “Evening” on YouTube Music…")
        assert status.progress.isVisible()  # busy
        assert not put_back.isEnabled()  # not twice at once
    assert status.shown().startswith("Put back 1 track in “Evening” on YouTube Music.")
    assert not status.progress.isVisible()
    target = services[ServiceId.YTMUSIC]
    (on_yt,) = [p for p in target.list_playlists() if p.name == "Evening"]
    assert "yt1" in [t.id for t in target.playlist_tracks(on_yt)]


def test_with_neither_tray_nor_notifications_songbird_never_runs_unseen(qtbot, tmp_path, fast):
    """Issue 20, item 4: closing the window with a schedule on left an invisible process, and
    `songbird-gui --background` showed nothing."""
    window, _ = make_window(qtbot, tmp_path, fast)
    synced(qtbot, window, "Evening")
    background = BackgroundSync(window, LogNotifier(), tray=None)  # GNOME, say, with no D-Bus
    schedule_evening(qtbot, window, background, Schedule.EVERY_6_HOURS)

    window.hide()
    background.start_hidden()  # as `songbird-gui --background` starts at login
    assert window.isVisible()

    said: list[str] = []
    answer_next_modal(lambda box: (said.append(box.text()), box.accept()))
    window.close()
    (sentence,) = said
    assert sentence.startswith("This desktop shows neither a tray icon nor notifications")
    assert "Songbird quits when its window closes" in sentence
    assert window.library.closed and not window.isVisible()  # quit, not hidden
    background.close()


def test_what_a_run_finds_of_the_kept_files_is_said_in_the_window_once_it_has_run(
    qtbot, tmp_path, fast
):
    """Issue 21: the window said what was set aside only as it opened; a damaged lock found
    by the write was said nowhere but the log."""
    window, _ = make_window(qtbot, tmp_path, fast)
    assert not window.notice.isVisible()
    session = searched(qtbot, window, "Evening")
    lock = window.songbird.writer_lock.path
    lock.mkdir()  # a folder where the writer lock belongs
    with qtbot.waitSignal(session.applied, timeout=20_000):
        session.apply()
    (kept,) = lock.parent.glob("sync.lock.damaged-*")
    assert window.notice.isVisible()
    assert window.notice.text() == (
        f"The writer lock could not be read (a folder in its place); Songbird kept it as {kept} "
        "and took the lock over."
    )


def test_the_selected_playlist_stays_selected_as_the_playlists_are_read_again(
    qtbot, tmp_path, fast
):
    """Seen in the walkthrough: after Apply (which reads the playlists again) the keyboard's
    row went back to the first playlist, so the Menu key's Put back was another playlist's."""
    window, _ = make_window(qtbot, tmp_path, fast)
    select(window, "Evening")
    window.playlists.mode_actions[SyncMode.MIRROR].trigger()  # the list is filled again
    assert window.playlists.selected_pair() is None  # no pair yet, but Evening's row:
    assert window.playlists.playlist_view.currentIndex().data() == "Evening"
    sync_cell = window.playlists.playlist_model.index(row_of(window, "Evening"), SYNC)
    assert sync_cell.data() == "mirror · not yet"  # the mode chosen shows before the pair
    synced(qtbot, window, "Evening")  # Apply, then the playlists read again
    assert window.playlists.playlist_view.currentIndex().data() == "Evening"
    assert window.playlists.selected_pair().source_name == "Evening"


@pytest.mark.qt_log_ignore(
    "This plugin does not support raise", "does not support grabbing the keyboard", extend=True
)
def test_shift_f10_opens_a_playlists_menu_as_the_menu_key_does(qtbot, tmp_path, fast):
    """The walkthrough: Shift+F10 (the desktops' key for it, and a laptop's only one) did
    nothing on the playlists; only the Menu key opened Put back, Mirror, Schedule…"""
    from PySide6.QtCore import QTimer

    window, _ = make_window(qtbot, tmp_path, fast)
    view = window.playlists.playlist_view
    view.setFocus()
    select(window, "Evening")
    menu = window.playlists.pair_menu
    shown: list[bool] = []

    def close_it() -> None:
        shown.append(True)
        QTimer.singleShot(0, menu.close)

    menu.aboutToShow.connect(close_it)
    qtbot.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert shown == [True]


def test_a_sync_shows_the_tracks_a_playlist_holds_as_it_read_them(qtbot, tmp_path, fast):
    """The walkthrough: a playlist changed since the list was read kept its old count in the
    Tracks column until an Apply read the list again."""
    window, services = make_window(qtbot, tmp_path, fast, extra=12)
    model = window.playlists.playlist_model
    row = row_of(window, "Evening")
    before = model.playlist_at(row).track_count
    assert before is not None
    services[ServiceId.SPOTIFY].server.edit_as_a_person(  # a demo change: one song removed
        model.playlist_at(row).id, lambda ids: ids[1:]
    )
    searched(qtbot, window, "Evening")
    row = row_of(window, "Evening")
    assert model.index(row, TRACKS).data() == str(before - 1)
