"""`songbird-gui --self-test`: the window, offscreen, runs a tiny demo sync and exits.

It checks what a fresh build or install needs: Qt starts, the resources (demo catalogue,
icons) are found, the pool's threads report back, and a sync completes. It works in a
temporary folder, never in the person's own data. The last line is one JSON object.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

    from songbird_gui.app import Songbird
    from songbird_gui.ui.main_window import MainWindow

PLAYLIST = "World Sounds"
TIMEOUT_S = 60.0


def run_self_test(create_window: Callable[[Songbird, QSettings], MainWindow]) -> int:
    """The test, on the window `create_window` makes (launch.py's, as songbird-gui starts)."""
    started = time.time()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from songbird_gui.app import Songbird
    from songbird_gui.core.paths import AppPaths
    from songbird_gui.core.settings import RateSettings, Settings
    from songbird_gui.services.demo import DemoConfig, DemoServerConfig

    app = QApplication.instance() or QApplication(sys.argv[:1])
    workdir = Path(tempfile.mkdtemp(prefix="songbird-self-test-"))
    paths = AppPaths(workdir / "config", workdir / "data", workdir / "log")
    settings = Settings(workers=4, spotify=RateSettings(500, 50), ytmusic=RateSettings(500, 50))
    instant = DemoServerConfig(latency_s=0.0, limit=1000, burst=100)
    demo = DemoConfig(spotify=instant, ytmusic=instant, state_dir=paths.demo_state_dir)
    songbird = Songbird(paths, demo=demo, settings=settings)
    window = create_window(songbird, QSettings(str(workdir / "ui.ini"), QSettings.Format.IniFormat))
    window.show()
    shown_at = time.time()
    report: dict[str, object] = {"ok": False, "shown_at": shown_at, "startup_s": shown_at - started}

    def finish(ok: bool, reason: str = "") -> None:
        report["ok"] = ok
        if reason:
            report["reason"] = reason
        window.close()
        QCoreApplication.exit(0 if ok else 1)

    def start_sync() -> None:
        model = window.playlists.playlist_model
        rows = [r for r in range(model.rowCount()) if model.index(r, 0).data() == PLAYLIST]
        if not rows:
            finish(False, f"the demo playlist {PLAYLIST!r} was not listed")
            return
        model.setData(
            model.index(rows[0], 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
        )
        window.run.sync_action.trigger()
        session = window.run.session
        if session is None:
            finish(False, "Sync did not start")
            return
        session.searchFinished.connect(lambda _stopped: session.apply())
        session.applied.connect(lambda reports: on_applied(session, reports))
        session.failed.connect(lambda message: finish(False, message))

    def on_applied(session: object, reports: list[Any]) -> None:
        rows = getattr(session, "rows", [])
        report["tracks"] = len(rows)
        final = sum(1 for r in rows if r.status.is_final)
        added = sum(r.added for r in reports)
        report["final"], report["added"] = final, added
        ok = bool(rows) and final == len(rows) and added > 0
        finish(ok, "" if ok else "the sync did not complete")

    def wait_for_playlists() -> None:
        if window.playlists.playlist_model.rowCount():
            start_sync()
        elif time.time() - started > TIMEOUT_S:
            finish(False, "the playlists were not read in time")
        else:
            QTimer.singleShot(20, wait_for_playlists)

    QTimer.singleShot(0, wait_for_playlists)
    QTimer.singleShot(int(TIMEOUT_S * 1000), lambda: finish(False, "timed out"))
    code = app.exec()
    window.drain(10_000)
    songbird.close()
    window.deleteLater()
    QCoreApplication.processEvents()
    shutil.rmtree(workdir, ignore_errors=True)
    report["elapsed_s"] = round(time.time() - started, 3)
    print(json.dumps(report))
    return int(code)
