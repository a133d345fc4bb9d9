"""The window driven the way a person drives it: tick, Sync, review, Apply, Stop, close."""

from __future__ import annotations

import threading

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from songbird_gui.app import Songbird
from songbird_gui.core.settings import RateSettings, Settings
from songbird_gui.core.types import ServiceId, TrackStatus
from songbird_gui.engine.session import RunState
from songbird_gui.services.demo import DemoServerConfig
from songbird_gui.services.demo_server import DemoHTTPError
from songbird_gui.ui.launch import create_window
from songbird_gui.ui.main_window import DEMO_BANNER
from tests.ui.test_window_trust import answer_next_modal
from tests.ui.window_helpers import make_window, save, tick


def test_sync_review_apply_with_the_keyboard(qtbot, tmp_path, fast):
    window, services = make_window(qtbot, tmp_path, fast)
    assert window.banner.isVisible()  # the demo library, and the banner says so
    tick(window, "Evening")
    tick(window, "Liked Songs")
    assert window.run.sync_action.isEnabled()
    window.run.sync_action.trigger()
    session = window.run.session
    with qtbot.waitSignal(session.searchFinished, timeout=20_000):
        pass
    assert all(row.status.is_final for row in session.rows)
    save(window, "main-window-after-search.png")

    # sp4 has only a live version on the target: it waits for review.
    window.run.review_action.trigger()
    assert window.tracks.track_proxy.rowCount() >= 1
    review_row = window.tracks.selected_row()
    assert session.rows[review_row].status is TrackStatus.REVIEW
    assert window.tracks.review_pane.model.rowCount() >= 1
    save(window.tracks.review_pane, "review-pane.png")
    qtbot.keyClick(window.tracks.review_pane.table, Qt.Key.Key_Return)
    assert session.rows[review_row].status is TrackStatus.MATCHED

    from songbird_gui.ui.apply_dialog import ApplyDialog

    dialog = ApplyDialog(session, window)
    qtbot.addWidget(dialog)
    assert "add" in dialog.summary.toPlainText()
    with qtbot.waitSignal(session.applied, timeout=20_000):
        dialog.write_button.click()
    save(dialog, "apply-report.png")
    target = services[ServiceId.YTMUSIC]
    evening = [p for p in target.list_playlists() if p.name == "Evening"]
    assert len(evening) == 1
    assert [t.id for t in target.playlist_tracks(evening[0])] == ["yt1", "yt2", "yt3", "yt4"]
    liked = next(p for p in target.list_playlists() if p.is_liked)
    assert [t.id for t in target.playlist_tracks(liked)] == ["yt1"]
    assert window.tracks.track_model.flushes > 0


def test_stop_mid_sync_and_close_mid_sync(qtbot, tmp_path):
    slow = DemoServerConfig(latency_s=0.05, limit=5, burst=1)
    settings = Settings(workers=4, spotify=RateSettings(5, 1), ytmusic=RateSettings(5, 1))
    window, _services = make_window(qtbot, tmp_path, slow, extra=40, settings=settings)
    tick(window, "Evening")
    window.run.sync_action.trigger()
    qtbot.waitUntil(
        lambda: window.run.stop_action.isEnabled() and bool(window.run.session.rows), timeout=10_000
    )
    qtbot.waitUntil(
        lambda: any(r.status is TrackStatus.MATCHED for r in window.run.session.rows),
        timeout=10_000,
    )
    save(window, "main-window-mid-sync.png")
    window.run.stop_action.trigger()
    assert not window.run.stop_action.isEnabled()
    assert window.run.sync_action.isEnabled()
    assert "Search stopped" in window.run_status.text()

    window.run.sync_action.trigger()
    qtbot.waitUntil(lambda: bool(window.run.session.rows), timeout=10_000)
    session = window.run.session
    window.close()  # mid-sync: stops at once, never waits for a worker
    assert session.state is RunState.CLOSED
    window.drain(10_000)  # what run_window does once the loop has returned


def test_first_run_opens_on_the_demo_library_with_a_banner(qtbot, tmp_path):
    # The user's folders are empty temporary ones (conftest): as on a first run.
    window = create_window(
        Songbird(), QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    window.show()
    # The accounts are read after the first paint: the banner follows in a moment.
    qtbot.waitUntil(window.banner.isVisible, timeout=10_000)
    assert window.banner.text() == DEMO_BANNER
    qtbot.waitUntil(lambda: window.playlists.playlist_model.rowCount() == 9, timeout=10_000)
    names = [window.playlists.playlist_model.index(r, 0).data() for r in range(9)]
    assert names[0] == "Liked Songs" and "Road Trip" in names
    # "Road Trip" exists on both sides: it goes to the existing one; the others are new.
    targets = {
        window.playlists.playlist_model.index(r, 0).data(): window.playlists.playlist_model.index(
            r, 1
        ).data()
        for r in range(9)
    }
    assert targets["Road Trip"] == "Road Trip"
    assert targets["Gym Mix"] == "new playlist"
    save(window, "first-run.png")
    window.close()


def test_choices_and_layout_persist(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    tick(window, "Evening")
    window.resize(780, 520)
    window.close()

    again, _ = make_window(qtbot, tmp_path, fast)
    assert [p.name for p in again.playlists.playlist_model.checked()] == ["Evening"]
    assert (again.width(), again.height()) == (780, 520)


def test_report_export_lists_what_was_not_added(qtbot, tmp_path, fast):
    import csv
    import json

    from songbird_gui.ui.apply_dialog import ApplyDialog

    window, _ = make_window(qtbot, tmp_path, fast)
    tick(window, "Evening")
    window.run.sync_action.trigger()
    with qtbot.waitSignal(window.run.session.searchFinished, timeout=20_000):
        pass
    dialog = ApplyDialog(window.run.session, window)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(window.run.session.applied, timeout=20_000):
        dialog.write_button.click()
    dialog.export_to(tmp_path / "report.csv", "csv")
    dialog.export_to(tmp_path / "report.json", "json")
    with (tmp_path / "report.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_title = {r["title"]: r for r in rows}
    assert by_title["Harbor Lights"]["status"] == "needs review"
    assert by_title["Only Here"]["status"] == "not found"
    assert by_title["Episode 12: On Tour"]["reason"].startswith("podcast episode")
    assert "Paper Lanterns" not in by_title  # it was added
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8")) == [
        {**r, "position": int(r["position"]), "score": float(r["score"]) if r["score"] else None}
        for r in rows
    ]


def test_settings_dialog_saves_one_settings_object(qtbot, tmp_path, fast):
    from songbird_gui.ui.settings_dialog import SettingsDialog

    window, _ = make_window(qtbot, tmp_path, fast)
    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    dialog.workers.setValue(3)
    dialog.ytmusic.rate.setValue(7.5)
    dialog.ytmusic.adaptive.setChecked(False)
    dialog.accept_at.setValue(0.9)
    window.songbird.save_settings(dialog.result_settings())
    loaded = window.songbird.settings_file.load()
    assert (loaded.workers, loaded.ytmusic.rate, loaded.ytmusic.adaptive, loaded.match.accept) == (
        3,
        7.5,
        False,
        0.9,
    )


def test_copy_diagnostics_has_what_a_bug_report_needs_and_no_secret(qtbot, tmp_path, fast):
    from PySide6.QtGui import QGuiApplication

    from songbird_gui import __version__

    window, _ = make_window(qtbot, tmp_path, fast)
    window.paths.log_dir.mkdir(parents=True, exist_ok=True)
    (window.paths.log_dir / "songbird.log").write_text(
        "2026-11-28 INFO planned 1 playlist(s)\n"
        "2026-11-28 WARNING refresh failed: Authorization: Bearer BQD4x9secretTOKEN\n",
        encoding="utf-8",
    )
    window.help.diagnostics_action.trigger()
    copied = QGuiApplication.clipboard().text()
    assert f"Songbird {__version__}" in copied
    assert "planned 1 playlist(s)" in copied
    assert "BQD4x9secretTOKEN" not in copied


def test_an_expired_login_pauses_and_sync_resumes_where_it_stopped(qtbot, tmp_path, fast):
    window, services = make_window(qtbot, tmp_path, fast, extra=30)
    server_side = services[ServiceId.YTMUSIC].server
    real_search = server_side.search
    calls = {"n": 0, "expired": False}
    lock = threading.Lock()  # the searches run on the pool's threads

    def search(text, kind):
        with lock:
            calls["n"] += 1
            if calls["n"] == 10:
                calls["expired"] = True
            expired = calls["expired"]
        if expired:
            raise DemoHTTPError(401, "please reconnect")
        return real_search(text, kind)

    server_side.search = search
    tick(window, "Evening")
    answer_next_modal(lambda box: box.button(QMessageBox.StandardButton.No).click())  # Later
    window.run.sync_action.trigger()
    qtbot.waitUntil(lambda: window.run.session.paused, timeout=20_000)
    text = window.run_status.text()
    assert "Paused" in text and "connect again" in text
    assert window.run.sync_action.isEnabled()
    save(window, "main-window-paused.png")

    with lock:
        calls["expired"] = False  # reconnected
    session = window.run.session
    with qtbot.waitSignal(session.searchFinished, timeout=20_000):
        window.run.sync_action.trigger()
    assert window.run.session is session  # the same sync went on
    assert all(row.status.is_final for row in session.rows)
    assert not [r for r in session.rows if r.status is TrackStatus.FAILED]
