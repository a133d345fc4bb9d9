"""Run inside a private session bus (`dbus-run-session`): start the stand-in notification
service, send one notification through `DesktopNotifier`, and print what the service got and
the key its click brought back (tests/ui/test_desktop_notifications.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer

from songbird_gui.ui.notifications import DesktopNotifier

SERVER = Path(__file__).with_name("fake_notification_server.py")


def main() -> int:
    server = subprocess.Popen([sys.executable, str(SERVER)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        assert server.stdout.readline().strip() == "ready"
        app = QCoreApplication([])
        notifier = DesktopNotifier()
        if not notifier.available:
            print("unavailable", flush=True)
            return 1
        notifier.clicked.connect(lambda key: (print(f"clicked {key}", flush=True), app.exit(0)))
        notifier.notify("Songbird synced", "Road Trip: 12 added, 3 need review", "review")
        QTimer.singleShot(30_000, lambda: app.exit(2))  # bounded: the test reports it
        code = app.exec()
        print(server.stdout.readline().strip(), flush=True)  # what the service was sent
        return code
    finally:
        server.terminate()  # the process this script started
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
