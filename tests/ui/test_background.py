"""Syncing on its own, through the tray and notification interfaces (offscreen has no tray):
the schedule in the pair's row, the tray shown while a schedule is on with its menu and
tooltip, closing to the tray (said the first time), a scheduled run's notification and its
click opening the window on the rows to review, pause, waiting for the window's own run, quit."""

from __future__ import annotations

import contextlib
import time

import pytest
from PySide6.QtCore import QTimer

from songbird_gui.core.schedule import HOUR_S, Schedule, in_words
from songbird_gui.core.types import ServiceId
from songbird_gui.services import demo_quirks
from songbird_gui.services.demo_server import DemoHTTPError
from songbird_gui.ui.background import REVIEW_KEY, BackgroundSync
from songbird_gui.ui.launch import escapes_said_by
from songbird_gui.ui.notifications import Notifier
from songbird_gui.ui.playlist_model import SYNC
from songbird_gui.ui.tracks_pane import REVIEW_FILTER
from tests.engine.test_demo_quirks import with_playlists
from tests.ui.test_window_pairs import row_of, select, synced
from tests.ui.test_window_trust import searched
from tests.ui.window_helpers import make_window

# Offscreen cannot raise a window; a desktop does (the window is shown either way).
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise", extend=True)


class FakeTray:
    def __init__(self) -> None:
        self.visible = False
        self.tip = ""
        self.menu = None

    def setContextMenu(self, menu) -> None:
        self.menu = menu

    def setToolTip(self, tip: str) -> None:
        self.tip = tip

    def setVisible(self, visible: bool) -> None:
        self.visible = visible


class FakeNotifier(Notifier):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str, str]] = []

    def notify(self, title: str, body: str, key: str = "") -> None:
        self.sent.append((title, body, key))

    def click(self, key: str) -> None:
        self.clicked.emit(key)


class WallClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def background_on(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    synced(qtbot, window, "Evening")  # a pair, synced once by hand
    tray, notifier, clock, quits = FakeTray(), FakeNotifier(), WallClock(), []
    background = BackgroundSync(window, notifier, tray, clock, quit_app=lambda: quits.append(1))
    return window, background, tray, notifier, clock, quits


def schedule_evening(qtbot, window, background, schedule: Schedule, name: str = "Evening") -> None:
    select(window, name)
    window.playlists.pair_menu.aboutToShow.emit()
    with qtbot.waitSignal(window.library.loader.loaded, timeout=10_000):
        background.schedule_actions[schedule].trigger()


def test_the_tray_shows_while_a_schedule_is_on_with_its_menu_and_tooltip(qtbot, tmp_path, fast):
    window, background, tray, _, clock, _ = background_on(qtbot, tmp_path, fast)
    assert not tray.visible  # no schedule yet: no tray icon
    assert [a.text() for a in tray.menu.actions() if a.text()] == [
        "&Sync now", "&Open Songbird", "&Pause automatic sync", "&Quit",
    ]  # fmt: skip

    schedule_evening(qtbot, window, background, Schedule.EVERY_6_HOURS)
    assert tray.visible
    assert "last sync: Evening, just now" in tray.tip and "next: Evening in 6 h" in tray.tip
    sync_cell = window.playlists.playlist_model.index(row_of(window, "Evening"), SYNC).data()
    assert sync_cell == "add · every 6 h · just now"
    select(window, "Evening")  # right-clicking the row again
    window.playlists.pair_menu.aboutToShow.emit()
    assert background.schedule_actions[Schedule.EVERY_6_HOURS].isChecked()

    clock.now += 2 * HOUR_S
    background.refresh()
    assert "last sync: Evening, 2 h ago" in tray.tip and "next: Evening in 4 h" in tray.tip
    background.pause.trigger()
    assert "automatic sync paused" in tray.tip and "next:" not in tray.tip

    schedule_evening(qtbot, window, background, Schedule.OFF)
    assert not tray.visible
    background.close()


def test_closed_to_the_tray_a_scheduled_run_notifies_and_its_click_opens_the_review(
    qtbot, tmp_path, fast
):
    window, background, _, notifier, clock, _ = background_on(qtbot, tmp_path, fast)
    schedule_evening(qtbot, window, background, Schedule.EVERY_6_HOURS)
    window.close()
    assert not window.isVisible()  # hidden, not quit: the schedule goes on
    (said,) = notifier.sent
    assert said[0] == "Songbird keeps running" and "in the tray" in said[1]
    window.show()
    window.close()
    assert len(notifier.sent) == 1  # said the first time only

    clock.now += 6 * HOUR_S + 1
    with qtbot.waitSignal(background.auto.finished, timeout=30_000):
        background.scheduler.check()
    title, body, key = notifier.sent[-1]
    assert title == "Songbird synced"
    assert body == "Evening: 1 needs review" and key == REVIEW_KEY  # the live version waits

    notifier.click(REVIEW_KEY)
    assert window.isVisible()
    assert window.tracks.status_filter.currentIndex() == REVIEW_FILTER
    assert window.tracks.track_proxy.rowCount() == 1  # the row that needs review, ready to decide
    assert window.run.session is not None and window.run.session.parent() is window
    background.close()


def test_pause_holds_the_schedule_and_sync_now_runs_at_once(qtbot, tmp_path, fast):
    window, background, _, notifier, clock, _ = background_on(qtbot, tmp_path, fast)
    schedule_evening(qtbot, window, background, Schedule.HOURLY)
    window.run.session.dispose()
    window.run.session = None
    background.pause.trigger()
    clock.now += 3 * HOUR_S
    with qtbot.assertNotEmitted(background.auto.started, wait=100):
        background.scheduler.check()
    with qtbot.waitSignal(background.auto.finished, timeout=30_000):
        background.sync_now.trigger()
    assert notifier.sent[-1][1] == "Evening: 1 needs review"
    background.close()


def test_a_scheduled_run_waits_while_the_window_holds_a_run_not_yet_applied(qtbot, tmp_path, fast):
    window, background, _, _, clock, _ = background_on(qtbot, tmp_path, fast)
    schedule_evening(qtbot, window, background, Schedule.HOURLY)
    session = searched(qtbot, window, "Evening")
    session.accept_all_above(0.0)  # decided, not yet written
    assert session.has_unapplied_results()
    clock.now += 2 * HOUR_S
    with qtbot.assertNotEmitted(background.auto.started, wait=100):
        background.scheduler.check()
    window.run.discard_session()  # the person drops it (or applies it)
    with qtbot.waitSignal(background.auto.finished, timeout=30_000):
        background.scheduler.check()  # the next look runs it
    background.close()


def test_quit_in_the_tray_quits_even_with_a_schedule_on(qtbot, tmp_path, fast):
    window, background, _, _, _, quits = background_on(qtbot, tmp_path, fast)
    schedule_evening(qtbot, window, background, Schedule.DAILY)
    background.quit.trigger()
    assert quits == [1] and not window.isVisible()
    assert window.library.closed  # closed for good: the run stopped, the state saved


def test_settings_set_each_pairs_schedule_and_start_at_login_writes_the_autostart_entry(
    qtbot, tmp_path, fast, monkeypatch, user_dirs
):
    from songbird_gui.ui.autostart import autostart_path
    from songbird_gui.ui.settings_dialog import SettingsDialog

    window, background, tray, _, _, _ = background_on(qtbot, tmp_path, fast)

    def choose(dialog: SettingsDialog) -> int:
        (box,) = dialog.schedules.values()
        box.setCurrentIndex(list(Schedule).index(Schedule.EVERY_12_HOURS))
        dialog.start_at_login.setChecked(True)
        return 1

    monkeypatch.setattr(SettingsDialog, "exec", choose)
    window.settings_action.trigger()
    (pair,) = window.library.pairs().all()
    assert pair.schedule_h == 12 and tray.visible
    # The playlist's row says it at once, and so does its menu (it said "Off" until F5).
    sync_cell = window.playlists.playlist_model.index(row_of(window, pair.source_name), SYNC)
    assert "every 12 h" in sync_cell.data()
    select(window, pair.source_name)
    assert window.playlists.selected_pair().schedule_h == 12  # what the menu ticks
    entry = autostart_path().read_text(encoding="utf-8")
    assert "--background" in entry and entry.startswith("[Desktop Entry]")
    assert str(user_dirs / "config") in str(autostart_path())  # the test's own folder

    def turn_off(dialog: SettingsDialog) -> int:
        dialog.start_at_login.setChecked(False)
        return 1

    monkeypatch.setattr(SettingsDialog, "exec", turn_off)
    window.settings_action.trigger()
    assert not autostart_path().exists()
    background.close()


def test_started_at_login_it_stays_hidden_only_while_a_schedule_is_on(qtbot, tmp_path, fast):
    window, background, tray, _, _, _ = background_on(qtbot, tmp_path, fast)
    window.hide()
    background.start_hidden()  # as `songbird-gui --background` starts
    with qtbot.waitSignal(window.library.loader.loaded, timeout=10_000):
        window.library.loader.load()
    # Nothing scheduled: no tray icon, so a hidden Songbird would be nowhere to be seen.
    assert window.isVisible() and not tray.visible

    schedule_evening(qtbot, window, background, Schedule.EVERY_6_HOURS)
    window.hide()
    background.start_hidden()
    with qtbot.waitSignal(window.library.loader.loaded, timeout=10_000):
        window.library.loader.load()
    assert not window.isVisible() and tray.visible  # in the tray, syncing on schedule
    background.close()


def test_after_a_used_up_quota_the_tooltip_says_the_next_sync_is_once_it_renews(
    qtbot, tmp_path, fast
):
    """A scheduled run refused by Spotify's quota (Retry-After: 13 h) starts nothing before
    then; the tooltip said "next: A in 15 min"."""
    catalogue = with_playlists(1, source="ytmusic")
    window, services = make_window(qtbot, tmp_path, fast, catalogue=catalogue, quirks="quota")
    window.playlists.direction.setCurrentIndex(1)  # YouTube Music → Spotify
    synced(qtbot, window, "A")
    window.run.discard_session()
    tray, clock = FakeTray(), WallClock()
    background = BackgroundSync(window, FakeNotifier(), tray, clock)
    schedule_evening(qtbot, window, background, Schedule.HOURLY, name="A")
    spotify = services[ServiceId.SPOTIFY]
    with contextlib.suppress(DemoHTTPError):  # the person's other apps spend the quota
        for n in range(demo_quirks.QUOTA_AFTER_SEARCHES):
            spotify.server.search(f"song {n}", "")

    clock.now += HOUR_S + 1
    with qtbot.waitSignal(background.auto.finished, timeout=30_000) as finished:
        background.scheduler.check()
    run = finished.args[0]
    assert run.resume_at is not None and run.resume_at - clock.now > 12 * HOUR_S
    assert f"next: A {in_words(run.resume_at - clock.now)}" in tray.tip
    background.close()


def test_what_a_scheduled_run_finds_of_the_kept_files_is_said_in_the_window(qtbot, tmp_path, fast):
    """Issue 21: a damaged lock set aside by a scheduled run was said only in the log."""
    window, background, _, _, clock, _ = background_on(qtbot, tmp_path, fast)
    schedule_evening(qtbot, window, background, Schedule.HOURLY)
    window.run.discard_session()
    services = window.library.services
    (target,) = [p for p in services[ServiceId.YTMUSIC].list_playlists() if p.name == "Evening"]
    services[ServiceId.YTMUSIC].server.edit_as_a_person(  # a song gone: the next sync writes
        target.id, lambda ids: [i for i in ids if i != "yt1"]
    )
    lock = window.songbird.writer_lock.path
    lock.mkdir()  # a folder where the writer lock belongs
    clock.now += HOUR_S + 1
    with qtbot.waitSignal(background.auto.finished, timeout=30_000) as finished:
        background.scheduler.check()
    (outcome,) = finished.args[0].outcomes
    assert outcome.added == 1  # written: under the writer lock
    (kept,) = lock.parent.glob("sync.lock.damaged-*")
    assert window.notice.isVisible()
    assert f"Songbird kept it as {kept} and took the lock over." in window.notice.text()
    background.close()


def test_what_escapes_a_scheduled_run_is_one_notification_never_a_traceback(qtbot, tmp_path, fast):
    """Issue 21: a failure no step of a scheduled run caught reached the terminal as a
    traceback, and the run never ended."""
    window, background, _, notifier, clock, _ = background_on(qtbot, tmp_path, fast)
    schedule_evening(qtbot, window, background, Schedule.HOURLY)
    window.close()  # to the tray
    notifier.sent.clear()
    window.songbird.demo_store.close()  # a bug: the store gone under the run
    clock.now += HOUR_S + 1
    looks: list[int] = []

    def look() -> None:  # the scheduler's look, once a minute, from the event loop
        looks.append(1)
        background.scheduler.check()

    with escapes_said_by(background):
        for count in (1, 2):
            QTimer.singleShot(0, look)
            qtbot.waitUntil(lambda count=count: len(looks) == count, timeout=10_000)
    ((title, sentence, _),) = notifier.sent  # said once
    assert title == "Songbird could not sync"
    assert sentence.startswith("Songbird failed unexpectedly (ProgrammingError: Cannot operate")
    assert sentence.endswith("the log has the details for a bug report.")
    assert not background.auto.busy
    background.quit.trigger()


def test_a_scheduled_run_broken_by_a_bug_leaves_the_next_run_working(
    qtbot, tmp_path, fast, monkeypatch
):
    """The error boundary ended a broken scheduled run by closing the scheduled syncs: their
    reads' token stayed cancelled, and every later scheduled run stopped at its first read."""
    from songbird_gui.engine.auto_sync import AutoSync

    window, background, _, _, clock, _ = background_on(qtbot, tmp_path, fast)
    schedule_evening(qtbot, window, background, Schedule.HOURLY)
    window.close()  # to the tray
    next_leg = AutoSync._next_leg
    broken: list[int] = []

    def once_a_bug(auto: AutoSync) -> None:
        if not broken:
            broken.append(1)
            raise RuntimeError("a bug")
        next_leg(auto)

    monkeypatch.setattr(AutoSync, "_next_leg", once_a_bug)
    clock.now += HOUR_S + 1
    with escapes_said_by(background):
        QTimer.singleShot(0, background.scheduler.check)
        qtbot.waitUntil(lambda: bool(broken) and not background.auto.busy, timeout=10_000)
    clock.now += HOUR_S + 1  # the next look: the pair is due again, and syncs
    with qtbot.waitSignal(background.auto.finished, timeout=30_000) as finished:
        background.scheduler.check()
    (outcome,) = finished.args[0].outcomes
    assert not outcome.problem, outcome.words()  # it read its playlists: "stopped" before
    background.quit.trigger()
