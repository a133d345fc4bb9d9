"""Desktop notifications behind one small interface, `Notifier`, that tests can drive.

- `TrayNotifier`: the tray icon's balloon (`QSystemTrayIcon.showMessage`), where there is a tray;
- `DesktopNotifier`: the desktop's notification service over D-Bus
  (`org.freedesktop.Notifications`), where there is none (GNOME without an extension);
- `LogNotifier`: neither is reachable: the log keeps what would have been said.

Each tells a click on a notification with `clicked(key)`, the key given to `notify`, so that
the window opens on what the notification was about (the rows that need review, say).
"""

from __future__ import annotations

import json
import logging
import re
import shutil

from PySide6.QtCore import SLOT, QObject, QProcess, Signal, Slot
from PySide6.QtWidgets import QSystemTrayIcon

log = logging.getLogger(__name__)

APP_NAME = "Songbird"
APP_ID = "io.github.songbird.Songbird"  # the icon's name, as the desktop entry installs it
NOTIFY_TIMEOUT_MS = 10_000


class Notifier(QObject):
    """Signals: clicked(str key): the person clicked the notification sent with `key`.

    Attributes: reaches_person: what it says is seen (False: only the log keeps it).
    """

    clicked = Signal(str)
    reaches_person = True

    def notify(self, title: str, body: str, key: str = "") -> None:
        raise NotImplementedError


class LogNotifier(Notifier):
    reaches_person = False

    def notify(self, title: str, body: str, key: str = "") -> None:
        log.info("notification (no notification service): %s: %s", title, body)


class TrayNotifier(Notifier):
    """The tray icon's own message: one at a time, so the last one's key is the one clicked."""

    def __init__(self, tray: QSystemTrayIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tray = tray
        self._key = ""
        tray.messageClicked.connect(self._on_clicked)

    def notify(self, title: str, body: str, key: str = "") -> None:
        self._key = key
        self._tray.showMessage(
            title, body, QSystemTrayIcon.MessageIcon.Information, NOTIFY_TIMEOUT_MS
        )

    @Slot()
    def _on_clicked(self) -> None:
        self.clicked.emit(self._key)


class DesktopNotifier(Notifier):
    """org.freedesktop.Notifications on the session bus, with a default action to click."""

    SERVICE = "org.freedesktop.Notifications"
    PATH = "/org/freedesktop/Notifications"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtDBus import QDBusConnection, QDBusInterface

        self._bus = QDBusConnection.sessionBus()
        # Only to know whether the service is there; the calls go through gdbus (`notify`).
        self._interface = QDBusInterface(self.SERVICE, self.PATH, self.SERVICE, self._bus)
        self._keys: dict[int, str] = {}  # notification id -> key
        self._clicked_early: set[int] = set()  # clicked before gdbus told us its id
        # A click on the notification's default action comes back as ActionInvoked(id, key).
        # PySide's stubs lack this overload (a slot named by signature), which Qt has.
        self._bus.connect(  # type: ignore[call-overload]
            self.SERVICE, self.PATH, self.SERVICE, "ActionInvoked", self,
            SLOT("_on_action(uint,QString)"),
        )  # fmt: skip

    @property
    def available(self) -> bool:
        return self._bus.isConnected() and self._interface.isValid()

    def notify(self, title: str, body: str, key: str = "") -> None:
        """Send through `gdbus call` (GLib, present wherever GNOME is): it types each argument
        by the service's introspection, which PySide6's D-Bus calls cannot (Notify wants a
        uint32 and a string array). The answer is the notification's id, kept for its click."""
        gdbus = shutil.which("gdbus")
        if gdbus is None:
            log.info("notification (gdbus not found): %s: %s", title, body)
            return
        process = QProcess(self)
        process.finished.connect(lambda *_: self._on_sent(process, key, title))
        process.start(
            gdbus,
            [
                "call", "--session", "--dest", self.SERVICE, "--object-path", self.PATH,
                "--method", f"{self.SERVICE}.Notify", json.dumps(APP_NAME), "uint32 0",
                json.dumps(APP_ID), json.dumps(title), json.dumps(body),
                '["default", "Open Songbird"]', "@a{sv} {}", f"int32 {NOTIFY_TIMEOUT_MS}",
            ],
        )  # fmt: skip

    def _on_sent(self, process: QProcess, key: str, title: str) -> None:
        answer = bytes(process.readAllStandardOutput().data()).decode(errors="replace")
        found = re.search(r"uint32 (\d+)", answer)
        if found is None:
            error = bytes(process.readAllStandardError().data()).decode(errors="replace")
            log.warning("notification refused (%s): %s", title, error.strip())
        else:
            notification_id = int(found.group(1))
            if notification_id in self._clicked_early:
                self._clicked_early.discard(notification_id)
                self.clicked.emit(key)
            else:
                self._keys[notification_id] = key
        process.deleteLater()

    @Slot("uint", "QString")
    def _on_action(self, notification_id: int, _action: str) -> None:
        if notification_id in self._keys:
            self.clicked.emit(self._keys.pop(notification_id))
        else:
            self._clicked_early.add(notification_id)


def desktop_notifier(tray: QSystemTrayIcon | None, parent: QObject | None = None) -> Notifier:
    """The tray's messages where there is a tray, else the desktop's service, else the log."""
    if tray is not None:
        return TrayNotifier(tray, parent)
    notifier = DesktopNotifier(parent)
    if notifier.available:
        return notifier
    notifier.deleteLater()
    return LogNotifier(parent)
