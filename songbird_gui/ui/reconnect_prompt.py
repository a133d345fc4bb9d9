"""Connecting again when a run was refused for its sign-in: one prompt, and the run goes on.

A browser sign-in to YouTube Music lasts from minutes to days, and a Spotify login can end
too. The run then pauses (searching), holds its later playlists back (writing) or fails to
read them (planning), with an `AuthExpired` refusal and `needs_login`. `ReconnectPrompt`
notices it once per refusal, after the run's other watchers have said why (the status bar,
the Apply report), and asks the person to connect again: with their own accounts, the
Accounts dialog opens on that service's tab with the reason and the steps, the cursor where
the fresh headers go; on the demo library, which the expired-session switch signs out, a
question, and a yes signs it in anew. Once connected, the same run goes on: a paused search
resumes where it stopped, a write held back writes the rest (the open Apply dialog does, on
`reconnected`), a read that failed syncs again. Declined, the status bar still says how to go
on later (Accounts, then Sync).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from songbird_gui.core.errors import AuthExpired, RunBlocked
from songbird_gui.core.types import ServiceId
from songbird_gui.engine.session import RunState, SyncSession
from songbird_gui.services.demo import DemoService
from songbird_gui.ui.window_library import WindowLibrary


class ReconnectPrompt(QObject):
    """Signals:
    reconnected(object SyncSession): its write was held back for the sign-in, which is
    connected again now: the rest can be written.

    Attributes: sync (what Sync does: resume the paused run, or start one).
    """

    reconnected = Signal(object)

    def __init__(self, window: QWidget, library: WindowLibrary, sync: Callable[[], None]) -> None:
        super().__init__(window)
        self.window = window
        self.library = library
        self.sync = sync
        self._session: SyncSession | None = None
        self._asked: RunBlocked | None = None  # the refusal already prompted for

    def watch(self, session: SyncSession | None) -> None:
        """Prompt for `session`'s refusals from now on (None: no run is shown)."""
        if self._session is not None:
            for signal in self._signals(self._session):
                signal.disconnect(self._on_refused)
        self._session = session
        if session is not None:
            for signal in self._signals(session):
                signal.connect(self._on_refused)

    @staticmethod
    def _signals(session: SyncSession) -> list[SignalInstance]:
        return [session.blocked, session.failed, session.applied]

    @Slot()
    def _on_refused(self, *_: object) -> None:
        # Once the other watchers of the run have shown why (the slots connected later).
        QTimer.singleShot(0, self, self._prompt)

    def _prompt(self) -> None:
        session = self._session
        refusal = session.refusal if session is not None else None
        if session is None or not session.needs_login or not isinstance(refusal, AuthExpired):
            return
        if refusal is self._asked:
            return  # once per refusal: a second signal of the same one asks nothing
        self._asked = refusal
        if not self.connect_again(refusal.service or session.target, str(refusal)):
            return
        if session.paused:
            self.sync()  # resumes, with the services opened anew (see RunController)
        elif session.state is RunState.FAILED:
            self.library.reopen()
            self.sync()  # the playlists could not be read: the same sync again
        else:
            session.use_services(self.library.reopen())
            self.reconnected.emit(session)

    def connect_again(self, service: ServiceId, reason: str) -> bool:
        """Ask the person to connect `service` again, saying `reason`; True once it is."""
        if self.library.demo:
            return self._sign_demo_in(service, reason)
        return self._open_accounts(service, reason)

    def _over(self) -> QWidget:
        """The window the prompt opens over: the Apply dialog, when that is open."""
        return QApplication.activeModalWidget() or self.window

    def _sign_demo_in(self, service: ServiceId, reason: str) -> bool:
        demo = self.library.services.get(service)
        if not isinstance(demo, DemoService):
            return False
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Connect again",
            f"{reason}\n\nConnect the demo {service.display_name} again now?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self._over(),
        )
        box.button(QMessageBox.StandardButton.Yes).setText("&Connect again")
        box.button(QMessageBox.StandardButton.No).setText("&Later")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        answer = box.exec()
        box.deleteLater()
        if answer != QMessageBox.StandardButton.Yes:
            return False
        demo.sign_in_again()
        return True

    def _open_accounts(self, service: ServiceId, reason: str) -> bool:
        accounts = self.library.songbird.accounts
        if accounts is None:
            return False
        from songbird_gui.ui.accounts_dialog import AccountsDialog  # brings the service libraries

        dialog = AccountsDialog(accounts, self._over())
        changed: list[bool] = []
        dialog.changed.connect(lambda: changed.append(True))
        dialog.connect_again(service, reason)
        dialog.exec()
        dialog.dispose()
        return bool(changed) and accounts.connected(service)
