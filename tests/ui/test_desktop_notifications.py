"""Notifications where the desktop has no tray: through the desktop's notification service
(org.freedesktop.Notifications) on a private session bus, with a stand-in service that answers
as a real one does and reports a click; the click comes back with the notification's key."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.mark.skipif(
    shutil.which("dbus-run-session") is None or shutil.which("gdbus") is None,
    reason="needs a D-Bus session bus (dbus-run-session) and gdbus, as a Linux desktop has",
)
def test_a_notification_reaches_the_service_typed_and_its_click_comes_back():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(HERE.parents[1])}
    done = subprocess.run(
        ["dbus-run-session", "--", sys.executable, str(HERE / "notify_once.py")],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert "clicked review" in lines
    app, title, body, actions, _ = json.loads(lines[-1])
    assert (app, title, body) == (
        "Songbird",
        "Songbird synced",
        "Road Trip: 12 added, 3 need review",
    )
    assert actions == ["default", "Open Songbird"]  # a click opens Songbird
