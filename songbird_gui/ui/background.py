"""Syncing on its own while the window is closed: `BackgroundSync`, its tray menu and tooltip.

It ties the scheduler (engine/scheduler.py) to the scheduled runs (engine/auto_sync.py) and to
the person: a tray icon while any pair has a schedule (menu: Sync now, Open Songbird, Pause
automatic sync, Quit; the tooltip says the last and the next sync), a notification after each
run that had news ("Road Trip: 12 added, 3 need review"), whose click opens the window on the
rows that need review. Where the desktop has no tray it runs the same, windowless, and says
things through the desktop's notification service. Where it has neither, nothing could be
seen of a Songbird without its window: closing the window quits (said first), and a start at
login opens the window.

The tray and the notifications are interfaces (`TrayIcon`, `ui/notifications.Notifier`):
offscreen there is no tray, so the tests give fakes and drive the same menu and clicks.

A scheduled run waits while the window holds a run of the person's that is not yet applied or
discarded; the scheduler says the pairs are due again at its next look, and they run then.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox

from songbird_gui.core.failure import failure_of
from songbird_gui.core.pairs import SyncPair, ago
from songbird_gui.core.schedule import RETRY_AFTER_S, DuePair, Schedule, in_words
from songbird_gui.engine.auto_sync import AutoRun, AutoSync
from songbird_gui.engine.scheduler import Scheduler
from songbird_gui.engine.session import RunState
from songbird_gui.ui.autostart import set_start_at_login
from songbird_gui.ui.main_window import MainWindow
from songbird_gui.ui.notifications import Notifier

log = logging.getLogger(__name__)

REVIEW_KEY = "review"  # a notification whose click opens the window on the rows to review
ACCOUNTS_KEY = "accounts"  # ... on the accounts, to connect again
TOOLTIP_REFRESH_MS = 60_000
TOLD_QUITS_KEY = "background/told-quits-unseen"  # said once why closing quits


class TrayIcon(Protocol):
    """What Songbird needs of a tray icon (`QSystemTrayIcon` has it all)."""

    def setContextMenu(self, menu: QMenu) -> None: ...
    def setToolTip(self, tip: str) -> None: ...
    def setVisible(self, visible: bool) -> None: ...


class BackgroundSync(QObject):
    """The scheduled syncs of the window's library, with their tray icon and notifications.

    Attributes:
        menu: the tray's menu; sync_now, open_window, pause and quit are its actions.
        tray: the tray icon, or None where the desktop has none (windowless then).
    """

    def __init__(
        self,
        window: MainWindow,
        notifier: Notifier,
        tray: TrayIcon | None = None,
        clock: Callable[[], float] = time.time,
        quit_app: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.notifier = notifier
        self.tray = tray
        self._clock = clock
        self._quit_app = quit_app
        self._offline_said = False
        self._escape_said = ""  # the last failure that escaped a slot, said once
        self._told_keeps_running = bool(
            window.qsettings.value("background/told-keeps-running", False, type=bool)
        )
        self._review_run: AutoRun | None = None
        self.scheduler = Scheduler(self._scheduled_pairs, clock, parent=self)
        self.auto = AutoSync(self)
        self.scheduler.due.connect(self._on_due)
        self.auto.finished.connect(self._on_finished)
        self.auto.loginNeeded.connect(self._on_login_needed)
        notifier.clicked.connect(self._on_notification_clicked)
        # After the Accounts dialog (a reconnect), a run that waits for a login goes on.
        window.accounts_action.triggered.connect(self._after_accounts)
        # After the Settings dialog: schedules may have changed, and "start at login".
        window.settings_action.triggered.connect(self._after_settings)

        self.menu = QMenu()
        self.sync_now = QAction("&Sync now", self)
        self.sync_now.triggered.connect(self.run_now)
        self.open_window = QAction("&Open Songbird", self)
        self.open_window.triggered.connect(self.show_window)
        self.pause = QAction("&Pause automatic sync", self)
        self.pause.setCheckable(True)
        self.pause.toggled.connect(self._on_pause_toggled)
        self.quit = QAction("&Quit", self)
        self.quit.triggered.connect(self.quit_songbird)
        self.menu.addActions([self.sync_now, self.open_window, self.pause])
        self.menu.addSeparator()
        self.menu.addAction(self.quit)
        if tray is not None:
            tray.setContextMenu(self.menu)
        # The schedule of the selected playlist's pair, in its row's menu (Sync ▸ Pair).
        self.schedule_menu = window.playlists.pair_menu.addMenu("Sync on its &own")
        self.schedule_actions: dict[Schedule, QAction] = {}
        for choice in Schedule:
            action = self.schedule_menu.addAction(choice.words.capitalize())
            action.setCheckable(True)
            action.triggered.connect(partial(self._schedule_selected, choice))
            self.schedule_actions[choice] = action
        window.playlists.pair_menu.aboutToShow.connect(self._update_schedule_menu)
        window.keep_running = self.keeps_running
        # The accounts open after the window paints: the schedules are known once the playlists
        # (and so the pairs) are, not a minute later at the tooltip's next refresh.
        window.library.loader.loaded.connect(self._on_playlists_loaded)
        self._started_hidden = False
        # The tooltip's "next: … in 4 h" counts down; the menu shows what is true when opened.
        self._tooltip_timer = QTimer(self)
        self._tooltip_timer.setInterval(TOOLTIP_REFRESH_MS)
        self._tooltip_timer.timeout.connect(self.refresh)
        self._tooltip_timer.start()
        self.menu.aboutToShow.connect(self.refresh)
        self.refresh()

    # -- what is scheduled ------------------------------------------------------------------

    def _scheduled_pairs(self) -> list[SyncPair]:
        if not self.window.library.services:
            return []  # the accounts are still being opened
        return self.window.library.pairs().all()

    @property
    def any_scheduled(self) -> bool:
        return any(p.schedule_h > 0 for p in self._scheduled_pairs())

    @property
    def seen_without_window(self) -> bool:
        """Songbird can be seen with its window closed: a tray icon, or notifications."""
        return self.tray is not None or self.notifier.reaches_person

    def keeps_running(self) -> bool:
        """Closing the window leaves Songbird running: a schedule is on and the setting
        allows it. The first time, a notification says so (and how to open it again).
        Where nothing of Songbird could be seen without its window, it quits, said first."""
        keep = self.window.settings.background.keep_running and self.any_scheduled
        if keep and not self.seen_without_window:
            self._tell_quits_unseen()
            return False
        if keep and not self._told_keeps_running:
            self._told_keeps_running = True
            self.window.qsettings.setValue("background/told-keeps-running", True)
            where = (
                "in the tray; click its icon to open the window"
                if self.tray is not None
                else "without a window; start Songbird again to open it"
            )
            self.notifier.notify(
                "Songbird keeps running",
                f"Your scheduled syncs go on {where}. (Settings: turn this off.)",
            )
        return keep

    def _tell_quits_unseen(self) -> None:
        """Say, once, why closing quits although a schedule is on."""
        if self.window.qsettings.value(TOLD_QUITS_KEY, False, type=bool):
            return
        self.window.qsettings.setValue(TOLD_QUITS_KEY, True)
        QMessageBox.information(
            self.window,
            "Songbird quits",
            "This desktop shows neither a tray icon nor notifications, so Songbird quits "
            "when its window closes: running unseen, it could tell you nothing. Your "
            "scheduled syncs run while Songbird is open, and one that was missed runs at "
            "its next start.",
        )

    def tooltip(self) -> str:
        """ "Songbird · last sync: Road Trip, 2 h ago · next: Gym Mix in 4 h"."""
        now = self._clock()
        pairs = [p for p in self._scheduled_pairs() if p.schedule_h > 0]
        if not pairs:
            return "Songbird · no scheduled sync"
        parts = ["Songbird"]
        if self.scheduler.paused:
            parts.append("automatic sync paused")
        synced = [p for p in pairs if p.synced_at is not None]
        if synced:
            last = max(synced, key=lambda p: p.synced_at or 0.0)
            parts.append(f"last sync: {last.source_name}, {ago(now - (last.synced_at or now))}")
        soonest = self.scheduler.next_sync()
        if soonest is not None and not self.scheduler.paused:
            pair, at = soonest
            parts.append(f"next: {pair.source_name} {in_words(at - now)}")
        if self.auto.busy:
            parts.append("syncing…" if not self.auto.waiting_for_login else "waits for a login")
        return " · ".join(parts)

    def refresh(self) -> None:
        """Show the tray while a schedule is on (and keep the scheduler looking), or not."""
        scheduled = self.any_scheduled
        if scheduled and not self.scheduler.running:
            self.scheduler.start()
        elif not scheduled and self.scheduler.running:
            self.scheduler.stop()
        if self.tray is not None:
            self.tray.setVisible(scheduled)
            self.tray.setToolTip(self.tooltip())

    def set_schedule(self, pair_id: int, schedule: Schedule) -> None:
        self.window.library.pairs().set_schedule(pair_id, schedule.value)
        self.refresh()

    def _update_schedule_menu(self) -> None:
        pair = self.window.playlists.selected_pair()
        self.schedule_menu.setEnabled(pair is not None)
        chosen = Schedule.of(pair.schedule_h) if pair else None
        for choice, action in self.schedule_actions.items():
            action.setChecked(choice is chosen)

    def _schedule_selected(self, schedule: Schedule) -> None:
        pair = self.window.playlists.selected_pair()
        if pair is None:
            return
        self.set_schedule(pair.pair_id, schedule)
        self.window.playlists.reload_playlists()
        self.window.run_status.say(f"“{pair.source_name}” syncs {schedule.words}.")

    # -- running ----------------------------------------------------------------------------

    def _window_holds_a_run(self) -> bool:
        session = self.window.run.session
        if session is None:
            return False
        # Searched and not yet written: the person's decisions come first (once applied,
        # what is left is only what waits for review).
        unapplied = session.state is RunState.READY and session.has_unapplied_results()
        return session.busy or session.paused or unapplied

    @Slot(object)
    def _on_due(self, due: list[DuePair]) -> None:
        if self.auto.busy:
            return
        if self._window_holds_a_run():
            log.info("scheduled sync waits for the window's own run to be applied or dropped")
            return
        self.auto.run(self.window.library.context(), due)
        self.refresh()

    def run_now(self) -> None:
        """Sync now: every scheduled pair, due or not."""
        now = self._clock()
        due = [DuePair(p, now, late=False) for p in self._scheduled_pairs() if p.schedule_h > 0]
        if due:
            self._on_due(due)

    @Slot(object)
    def _on_finished(self, run: AutoRun) -> None:
        self.window.show_notices()  # what the run found of the kept files (a damaged lock)
        now = self._clock()
        if run.offline:
            pair_ids = [p.pair_id for p in self._scheduled_pairs()]
            self.scheduler.postpone(pair_ids, now + RETRY_AFTER_S)
            if not self._offline_said:  # one notice while offline, however long it lasts
                self._offline_said = True
                self.notifier.notify(
                    "Songbird could not sync", f"{run.offline} It tries again when it can."
                )
            self.refresh()
            return
        self._offline_said = False
        for outcome in run.outcomes:
            if outcome.problem or outcome.stopped:
                # The guard waits for the person; a failing pair is not asked every minute.
                wait = outcome.pair.schedule_h * 3600.0 if outcome.stopped else RETRY_AFTER_S
                self.scheduler.postpone([outcome.pair.pair_id], now + wait)
        if run.resume_at is not None:
            # A used-up quota holds every pair back until it renews (no run starts before):
            # the tooltip's "next" says then, not "in 15 min".
            self.scheduler.postpone([p.pair_id for p in self._scheduled_pairs()], run.resume_at)
        news = [o for o in run.outcomes if o.news]
        if news:
            late = any(o.late for o in run.outcomes)
            title = "Songbird synced (missed while away)" if late else "Songbird synced"
            review = run.session_to_review()
            self._review_run = run if review is not None else None
            self.notifier.notify(
                title, "\n".join(o.words() for o in news), REVIEW_KEY if review else ""
            )
        if self.window.isVisible() and not self._window_holds_a_run():
            self.window.playlists.reload_playlists()  # "synced just now"
        self.refresh()

    @Slot(str)
    def _on_login_needed(self, message: str) -> None:
        self.notifier.notify(
            "Songbird needs you to connect again",
            f"{message} The scheduled sync goes on once you have.",
            ACCOUNTS_KEY,
        )
        self.refresh()

    @Slot()
    def _after_settings(self) -> None:
        set_start_at_login(
            self.window.settings.background.start_at_login, notices=self.window.songbird.notices
        )
        self.refresh()

    @Slot()
    def _after_accounts(self) -> None:
        if self.auto.waiting_for_login and self.window.library.services:
            self.scheduler.forget_postponed()
            self.auto.resume(self.window.library.services)

    # -- the person -------------------------------------------------------------------------

    def start_hidden(self) -> None:
        """Started at login (`--background`): no window while a schedule is on. With none on
        there would be nothing to see at all, no tray icon either: the window opens then; and
        at once where neither a tray nor notifications can be shown."""
        if not self.seen_without_window:
            log.info("started in the background with no tray and no notifications: showing")
            self.show_window()
            return
        self._started_hidden = True

    @Slot(object)
    def _on_playlists_loaded(self, _playlists: object) -> None:
        self.refresh()
        if self._started_hidden:
            self._started_hidden = False
            if not self.any_scheduled and not self.window.isVisible():
                log.info("started in the background with no pair on a schedule: showing the window")
                self.show_window()

    def show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    @Slot(str)
    def _on_notification_clicked(self, key: str) -> None:
        self.show_window()
        if key == REVIEW_KEY and self._review_run is not None:
            session = self._review_run.session_to_review()
            if session is not None and not self._window_holds_a_run():
                session.setParent(self.window)  # the window's now: not disposed by the next
                self.window.run.show_run_for_review(session)
            self._review_run = None
        elif key == ACCOUNTS_KEY:
            self.window.accounts_action.trigger()

    @Slot(bool)
    def _on_pause_toggled(self, paused: bool) -> None:
        self.scheduler.set_paused(paused)
        self.refresh()

    def on_escaped(self, error: BaseException) -> None:
        """The event loop's error boundary (`ui/launch.py` sends here what escapes a slot: a
        scheduled run's step, the window's): one sentence where the person is (the status
        bar with the window open, else a notification), once while it repeats, never a
        traceback; a bug's trace goes to the log. A scheduled run it broke ends: its next
        step would never come, and its pairs are due again at the scheduler's next look."""
        if isinstance(error, KeyboardInterrupt):  # Ctrl+C in the terminal it started from
            self.quit_songbird()
            return
        failure = failure_of(error, self.window.paths.data_dir)
        if self.auto.busy:
            self.auto.abandon()
        if not failure.sentence or failure.sentence == self._escape_said:
            return
        self._escape_said = failure.sentence
        if self.window.isVisible():
            self.window.run_status.say(failure.sentence)
        else:
            self.notifier.notify("Songbird could not sync", failure.sentence)

    def quit_songbird(self) -> None:
        self.auto.close()
        self.window.quit_songbird()
        if self._quit_app is not None:
            self._quit_app()

    def close(self) -> None:
        self._tooltip_timer.stop()
        self.scheduler.stop()
        self.auto.close()
        if self.tray is not None:
            self.tray.setVisible(False)

    def drain(self, timeout_ms: int) -> None:
        self.auto.drain(timeout_ms)
