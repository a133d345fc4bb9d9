"""The run's live state in the status bar: words, counts, pace, and a progress bar.

They are permanent widgets of the status bar, so a tooltip or a menu's status tip (Qt's
temporary messages) never hides them. Qt draws its temporary messages only left of the first
permanent widget, where nothing is left: a remark sent there was never seen. So the window's
passing remarks ("Settings saved", `say`) have a label of their own, before the run's words,
gone after a few seconds; work done beside the run (putting back what a sync removed,
`doing`) is said there with a busy bar until it is `done`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QTimer, SignalInstance, Slot
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from songbird_gui.core.apply import held_back_words
from songbird_gui.core.retry import clock_text, quota_words
from songbird_gui.core.types import ServiceId, TrackStatus
from songbird_gui.engine.session import RunState, SyncSession
from songbird_gui.engine.summary import plural

REFRESH_MS = 250  # a few times a second: a progress bar repainted per answer stalls the loop
MESSAGE_MS = 6000  # how long a passing remark stays in the status bar


class RunStatus(QWidget):
    """Shows what the observed run is doing; between runs, the window's idle text."""

    def __init__(self, status_bar: QStatusBar) -> None:
        super().__init__(status_bar)
        self.status_bar = status_bar
        self.remark = QLabel()
        self.remark.setObjectName("remark")
        self.remark.setAccessibleName("What was just done")
        self.remark.setStyleSheet(
            "QLabel#remark { font-weight: bold; padding-right: 8px;"
            " border-right: 1px solid palette(mid); }"
        )
        self.remark.hide()
        self.label = QLabel()
        self.label.setAccessibleName("Sync status")
        self.label.setMinimumWidth(200)
        # A long reason (a refusal, what was held back) on a second line rather than cut off
        # at the window's edge; never more, so the panes above keep their room.
        self.label.setWordWrap(True)
        self.label.setMaximumHeight(2 * self.label.fontMetrics().lineSpacing())
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        status_bar.addPermanentWidget(self.remark)
        status_bar.addPermanentWidget(self.label, 1)
        status_bar.addPermanentWidget(self.progress)
        self._session: SyncSession | None = None
        self._idle = ""
        self._remark = ""
        self._doing = ""
        self._progress = (0, 0)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._remark_timer = QTimer(self)
        self._remark_timer.setSingleShot(True)
        self._remark_timer.setInterval(MESSAGE_MS)
        self._remark_timer.timeout.connect(lambda: self.say(""))

    def text(self) -> str:
        return self.label.text()

    def say(self, text: str) -> None:
        """A passing remark, before the run's words, gone after a few seconds ("" ends the
        one shown)."""
        self._remark = text
        if text:
            self._remark_timer.start()
        self._show_remark()

    def doing(self, text: str) -> None:
        """Work beside the run (putting back, say): said, with a busy bar, until `done`."""
        self._doing = text
        self._show_remark()
        self.refresh()

    def done(self, remark: str) -> None:
        """The work said by `doing` has ended: `remark` says how."""
        self._doing = ""
        self.say(remark)
        self.refresh()

    def shown(self) -> str:
        """Everything the status bar says now, as a person reads it."""
        return " ".join(label.text() for label in (self.remark, self.label) if not label.isHidden())

    def _show_remark(self) -> None:
        text = self._doing or self._remark
        self.remark.setText(text)
        self.remark.setVisible(bool(text))

    def set_idle(self, text: str) -> None:
        """What to say when no run is watched (or the watched one has nothing to say)."""
        self._idle = text
        self.refresh()

    def watch(self, session: SyncSession | None) -> None:
        if self._session is not None:
            for signal, slot in self._connections(self._session):
                signal.disconnect(slot)
        self._session = session
        self._progress = (0, 0)
        if session is not None:
            for signal, slot in self._connections(session):
                signal.connect(slot)
        self._on_state()

    def _connections(
        self, session: SyncSession
    ) -> list[tuple[SignalInstance, Callable[..., None]]]:
        return [
            (session.stateChanged, self._on_state),
            (session.progress, self._on_progress),
            (session.applyProgress, self._on_progress),
            (session.rowsChanged, self.refresh),
        ]

    @Slot()
    def _on_state(self, *_: object) -> None:
        session = self._session
        busy = session is not None and session.busy
        if busy and not self._timer.isActive():
            self._timer.start()
        elif not busy:
            self._timer.stop()
        self._progress = (0, 0)
        self.refresh()

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        counted = self._progress[1]
        self._progress = (done, total)  # painted by the timer, but the phase's first count
        if not counted:
            self.refresh()

    @Slot()
    def refresh(self, *_: object) -> None:
        session = self._session
        text = self._idle if session is None else self._describe(session)
        self.label.setText(text)
        self.label.setToolTip(text)
        busy = session is not None and session.busy
        self.progress.setVisible(busy or bool(self._doing))
        done, total = self._progress if busy else (0, 0)
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        else:
            self.progress.setRange(0, 0)  # reading, or work beside the run: no count

    def _describe(self, session: SyncSession) -> str:
        state = session.state
        target = session.target.display_name
        summary = session.summary()
        counts = ", ".join(summary.parts())
        if state is RunState.PLANNING:
            return f"Reading {plural(len(session.plans) or 1, 'playlist')}…"
        if state is RunState.SEARCHING:
            rate = session.request_rate()  # known after a second of searching
            parts = [self._counted(f"Searching {target}"), f"{rate:.1f} req/s" if rate else ""]
            text = " · ".join(part for part in [*parts, counts] if part)
            return text + self._pause_text(session.target, session)
        if state is RunState.PAUSED:
            return f"Paused: {_why(session)} {_how_to_go_on(session)}"
        if state is RunState.READY:
            hint = (
                "Review them (Ctrl+E), then Apply (Ctrl+Enter)."
                if summary.review
                else f"Apply (Ctrl+Enter) to write to {target}."
            )
            stopped = summary.count(TrackStatus.NOT_SEARCHED)
            head = "Search stopped" if stopped else "Search done"
            return f"{head}: {counts}. {hint}"
        if state is RunState.APPLYING:
            return self._counted(f"Writing to {target}") + "…"
        if state is RunState.APPLIED:
            reports = session.reports
            wrote = any(r.created or r.added or r.removed or r.moved for r in reports)
            # Every playlist held back (a quota, a sign-in, a question in the service's app):
            # "Written to" would say the opposite of what happened.
            head = (
                "Written to" if wrote or not any(r.held for r in reports) else "Nothing written to"
            )
            return " ".join(filter(None, [f"{head} {target}: {counts}.", held_back_words(reports)]))
        if state is RunState.STOPPED:
            return session.message or "Stopped."
        if state is RunState.FAILED:
            if session.resume_at is not None:  # F5 would meet the same quota
                return f"Could not sync: {_why(session)} {_how_to_go_on(session)}"
            return f"Could not sync: {session.message} Press F5 to read the playlists again."
        return self._idle

    def _counted(self, doing: str) -> str:
        """ "Writing to X: 3/55" once the phase has counted what it has to do."""
        done, total = self._progress
        return f"{doing}: {done}/{total}" if total else doing

    def _pause_text(self, service: ServiceId, session: SyncSession) -> str:
        limiter = session.context.services[service].throttle.limiter
        until = limiter.paused_until
        if not until:
            return ""
        wait = max(until - time.monotonic(), 0)
        return f" · waiting {wait:.0f} s: {service.display_name} asked us to slow down"


def _why(session: SyncSession) -> str:
    """Why the run stopped; a quota's time to go on counted from now, not from the refusal."""
    if session.resume_at is None:
        return session.message
    return quota_words(session.target.display_name, session.resume_at, time.time())


def _how_to_go_on(session: SyncSession) -> str:
    if session.needs_login:
        # Sync meets the ended sign-in again, and the reconnect prompt asks anew.
        return "Press Sync (Ctrl+R) to connect again and go on from there."
    if session.resume_at is not None:
        return f"Press Sync (Ctrl+R) after {clock_text(session.resume_at, time.time())} to go on."
    return "What was found is kept; press Sync (Ctrl+R) later to go on from there."
