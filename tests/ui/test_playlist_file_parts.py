"""The window's playlist-file parts, each on its own (the main window wires them): opening a
file off the GUI thread, dropping one onto a widget, exporting playlists, and the steps to
Spotify's data export for the Accounts dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QWidget

from songbird_gui.app import Songbird
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.playlist_files import FileFormat, read_path
from songbird_gui.core.settings import RateSettings, Settings
from songbird_gui.core.types import ServiceId
from songbird_gui.engine.playlist_file_jobs import PlaylistFileJobs
from songbird_gui.services.demo import DemoConfig, DemoServerConfig
from songbird_gui.services.demo_export import shipped_demo_export
from songbird_gui.ui.export_dialog import ExportPlaylistsDialog
from songbird_gui.ui.playlist_file_open import PlaylistFileDrops, dropped_paths
from songbird_gui.ui.spotify_export_help import SpotifyExportHelp, spotify_export_steps

FAST = DemoServerConfig(latency_s=0.001, limit=5_000.0, burst=500)
RATE = RateSettings(rate=5_000.0, burst=500)


@pytest.fixture
def songbird(tmp_path: Path):
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    config = DemoConfig(spotify=FAST, ytmusic=FAST, state_dir=tmp_path / "demo")
    app = Songbird(paths, demo=config, settings=Settings(spotify=RATE, ytmusic=RATE))
    yield app
    app.close()


def test_opening_the_demo_export_offers_its_playlists_as_a_third_source(qtbot, songbird):
    jobs = PlaylistFileJobs()
    files = songbird.demo_services()[ServiceId.FILE]
    with qtbot.waitSignal(jobs.opened, timeout=10_000) as opened:
        jobs.open(files, shipped_demo_export())  # type: ignore[arg-type]
    (answer,) = opened.args
    playlists = list(answer.playlists)
    assert playlists[0].name == "Liked Songs" and "Road Trip" in [p.name for p in playlists]
    assert answer.skipped == () and not answer.unsyncable
    assert files.list_playlists() == playlists == list(answer.offered)
    assert jobs.drain(5_000)


def test_a_bad_file_says_why_in_one_sentence(qtbot, songbird, tmp_path):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    jobs = PlaylistFileJobs()
    with qtbot.waitSignal(jobs.failed, timeout=10_000) as failed:
        jobs.open(songbird.demo_services()[ServiceId.FILE], tmp_path / "notes.txt")  # type: ignore[arg-type]
    assert failed.args[0].startswith("“notes.txt” is not a file Songbird reads")
    assert jobs.drain(5_000)


def test_a_file_dropped_onto_the_window_is_handed_over(qtbot, tmp_path):
    window = QWidget()
    qtbot.addWidget(window)
    drops = PlaylistFileDrops()
    drops.watch(window)
    mime = QMimeData()
    export = tmp_path / "my_spotify_data.zip"
    mime.setUrls([QUrl.fromLocalFile(str(export)), QUrl("https://example.com/x.csv")])
    assert dropped_paths(mime) == [export]  # a web link is not a file
    event = QDropEvent(
        QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    # Qt hands a platform's drop to the filters of a widget that accepts drops; a drop
    # made in a test reaches none, so it is given to the filter as Qt would give it.
    assert window.acceptDrops()
    with qtbot.waitSignal(drops.dropped) as dropped:
        assert drops.eventFilter(window, event)
    assert dropped.args == [export] and event.isAccepted()


def test_the_export_dialog_writes_the_ticked_playlists_and_says_where(qtbot, songbird, tmp_path):
    services = songbird.demo_services()
    lists = {s: services[s].list_playlists() for s in (ServiceId.SPOTIFY, ServiceId.YTMUSIC)}
    jobs = PlaylistFileJobs()
    dialog = ExportPlaylistsDialog(services, lists, jobs, tmp_path / "backup")
    qtbot.addWidget(dialog)
    assert [dialog.service.itemText(i) for i in range(dialog.service.count())] == [
        "Spotify", "YouTube Music",
    ]  # fmt: skip
    dialog.export()
    assert dialog.status.text() == "Tick the playlists to export first."
    dialog.service.setCurrentIndex(1)
    dialog.file_format.setCurrentIndex(dialog.file_format.findData(FileFormat.JSPF))
    dialog.every.click()
    with qtbot.waitSignal(jobs.exported, timeout=20_000):
        dialog.export_button.click()
    names = [p.name for p in lists[ServiceId.YTMUSIC]]
    assert [read_path(p).playlists[0].name for p in dialog.written] == names
    assert dialog.status.text().startswith(f"Wrote {len(names)} file(s) to {tmp_path / 'backup'}")
    assert jobs.drain(5_000)


def test_the_export_dialog_says_why_nothing_was_written(qtbot, songbird, tmp_path):
    services = songbird.demo_services()
    lists = {ServiceId.SPOTIFY: services[ServiceId.SPOTIFY].list_playlists()}
    (tmp_path / "a file").write_text("not a folder", encoding="utf-8")
    jobs = PlaylistFileJobs()
    dialog = ExportPlaylistsDialog(services, lists, jobs, tmp_path / "a file")
    qtbot.addWidget(dialog)
    dialog.playlist_list.item(1).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(jobs.failed, timeout=20_000):
        dialog.export()
    assert dialog.status.text().startswith("Nothing was exported: “")
    assert "could not be written" in dialog.status.text()
    assert jobs.drain(5_000)


def test_the_accounts_help_gives_the_steps_and_asks_to_open_the_export(qtbot):
    help_widget = SpotifyExportHelp()
    qtbot.addWidget(help_widget)
    text = spotify_export_steps()
    for words in ("spotify.com/account/privacy", "Account data", "my_spotify_data.zip",
                  "only YouTube Music needs to be connected"):  # fmt: skip
        assert words in text
    assert help_widget.steps.text() == text
    with qtbot.waitSignal(help_widget.openRequested):
        help_widget.open_button.click()
