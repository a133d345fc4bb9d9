"""Playlist files in the window (issue 24): File ▸ Open playlist file… and a dropped file show
their playlists as a third source, synced like a service's; what cannot be synced and a bad
file are said in words; File ▸ Export playlists…; with only YouTube Music connected, the
window syncs files into it instead of opening the demo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from songbird_gui.app import Songbird
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.playlist_files import read_path
from songbird_gui.core.playlist_files.library_export import write_spotify_export
from songbird_gui.core.types import ServiceId, TrackStatus
from songbird_gui.services.accounts import Accounts
from songbird_gui.services.secrets import SecretStore
from songbird_gui.ui.accounts_dialog import AccountsDialog
from songbird_gui.ui.apply_dialog import ApplyDialog
from songbird_gui.ui.export_dialog import ExportPlaylistsDialog
from songbird_gui.ui.playlist_model import NO_FILE_OPEN, TARGET
from songbird_gui.ui.playlists_pane import DIRECTIONS
from songbird_gui.ui.spotify_export_help import spotify_export_steps
from songbird_gui.ui.window_library import WindowLibrary
from tests.ui import test_matches_window
from tests.ui.test_accounts_dialog import HEADERS
from tests.ui.window_helpers import make_window, tick

SP, YT, FILE = ServiceId.SPOTIFY, ServiceId.YTMUSIC, ServiceId.FILE
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "playlist_files"


def answer_next(kind, act) -> None:
    """Answer the next modal `kind` dialog with `act`, and close it should `act` fail, so
    that the test fails instead of waiting for it forever."""

    def act_then_close(dialog) -> None:
        try:
            act(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    test_matches_window.answer_next(kind, act_then_close)


def data_export(window, folder: Path) -> Path:
    """The demo's Spotify side as Spotify's data export would give it (no lengths)."""
    spotify = window.library.services[SP]
    return write_spotify_export(spotify, folder / "my_spotify_data.zip", "2026-03-01")


def shown_names(window) -> list[str]:
    model = window.playlists.playlist_model
    return [model.playlist_at(row).name for row in range(model.rowCount())]


def opened(qtbot, window, path: Path) -> None:
    """File ▸ Open playlist file…, the file chosen in the dialog, its playlists shown."""

    def choose(dialog: QFileDialog) -> None:
        dialog.selectFile(str(path))
        dialog.accept()

    answer_next(QFileDialog, choose)
    window.files.open_action.trigger()
    qtbot.waitUntil(lambda: window.run_status.text().startswith("Opened"), timeout=10_000)


def test_an_opened_data_export_is_a_source_searched_reviewed_and_applied(qtbot, tmp_path, fast):
    window, services = make_window(qtbot, tmp_path, fast)
    export = data_export(window, tmp_path / "Downloads")
    assert window.files.open_action in window.file_menu.actions()
    opened(qtbot, window, export)

    assert window.playlists.direction.currentText() == "Playlist file → YouTube Music"
    assert shown_names(window) == [p.name for p in read_path(export).playlists]
    model = window.playlists.playlist_model
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole).startswith(
        "“Liked Songs” from my_spotify_data.zip: Spotify Account Data/YourLibrary.json. "
    )
    assert window.run_status.text() == (
        f"Opened “my_spotify_data.zip”: {len(shown_names(window))} playlists. "
        "Left out, as no service can take them: 1 podcast episode. "  # the demo's "Road Talk"
        "Tick some and press Sync (Ctrl+R)."
    )
    tick(window, "Evening")
    window.run.sync_action.trigger()
    session = window.run.session
    assert (session.source, session.target) == (FILE, YT)
    with qtbot.waitSignal(session.searchFinished, timeout=20_000):
        pass
    statuses = {row.entry.source.title: row.status for row in session.rows}
    assert statuses["Paper Lanterns"] is TrackStatus.MATCHED  # found without its length
    dialog = ApplyDialog(session, window)
    qtbot.addWidget(dialog)
    assert "Evening, a new playlist on YouTube Music" in dialog.summary.toPlainText()
    with qtbot.waitSignal(session.applied, timeout=20_000):
        dialog.write()
    (written,) = [p for p in services[YT].list_playlists() if p.name == "Evening"]
    titles = [t.title for t in services[YT].playlist_tracks(written)]
    assert "Paper Lanterns" in titles and "Golden Hour" in titles
    dialog.accept()


def test_what_a_file_holds_that_cannot_be_synced_is_said_at_once(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    window.files.open_path(
        FIXTURES / "spotify_2025"
    )  # a folder: dropped, as the dialog takes files
    qtbot.waitUntil(lambda: window.playlists.source is FILE, timeout=10_000)
    assert window.run_status.text() == (
        "Opened “spotify_2025”: 5 playlists. Left out, as no service can take them: "
        "1 podcast episode, 1 local file, 1 unavailable track, 1 audiobook chapter. "
        "Tick some and press Sync (Ctrl+R)."
    )
    # ... and only that: "Reading “spotify_2025”…" stayed beside it, busy bar and all.
    assert window.run_status.shown() == window.run_status.text()
    assert not window.run_status.progress.isVisible()


def test_demo_change_on_a_playlist_file_says_what_it_changes_instead(qtbot, tmp_path, fast):
    """Demo ▸ Change with a file as the source offered the file's playlists to edit "in the
    playlist file app", and pressing OK failed: the file source is no demo service."""
    window, _ = make_window(qtbot, tmp_path, fast)
    window.files.open_path(FIXTURES / "spotify_2025")
    qtbot.waitUntil(lambda: window.playlists.source is FILE, timeout=10_000)
    window.playlists.demo_change_action.trigger()  # no dialog: the status bar says why
    assert "choose a direction from Spotify or YouTube Music first" in window.run_status.shown()


def test_a_file_set_aside_in_a_folder_is_named_beside_the_ones_read(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "road_trip.m3u8").write_bytes((FIXTURES / "road_trip.m3u8").read_bytes())
    (folder / "broken.csv").write_bytes(b"Track Name,Artist Name(s)\n\xff\xfe\xfa,\xff\n")
    window.files.open_path(folder)
    qtbot.waitUntil(lambda: window.playlists.source is FILE, timeout=10_000)
    said = window.run_status.text()
    assert said == (
        "Opened “exports”: 1 playlist. “exports/broken.csv” is not UTF-8 text: save it as UTF-8 "
        "(most editors offer it under “Save as”) and open it again. Tick some and press Sync "
        "(Ctrl+R)."
    )


def test_a_file_that_cannot_be_read_is_said_in_one_sentence(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a playlist", encoding="utf-8")
    said: list[str] = []

    def read(box: QMessageBox) -> None:
        said.append(box.text())
        box.accept()

    answer_next(QMessageBox, read)
    window.files.open_path(notes)
    qtbot.waitUntil(lambda: bool(said), timeout=10_000)
    assert said[0].startswith("“notes.txt” is not a file Songbird reads")
    assert said[0].count(". ") == 0 and "Traceback" not in said[0]  # one sentence
    assert window.playlists.source is SP  # nothing changed
    assert "Reading" not in window.run_status.shown()  # no longer busy reading it


def test_a_zip_dropped_onto_the_window_opens_as_file_open_does(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    export = data_export(window, tmp_path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(export))])
    drop = QDropEvent(
        QPointF(40, 40), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    assert window.acceptDrops()
    # Qt hands a platform's drop to the filters of the window; a test's drop reaches none,
    # so it is given to the window's filter as Qt would give it.
    assert window.files.drops.eventFilter(window, drop)
    qtbot.waitUntil(lambda: window.playlists.source is FILE, timeout=10_000)
    assert "Evening" in shown_names(window)


def test_with_only_youtube_music_the_window_offers_files_into_it(qtbot, tmp_path, fast):
    window, services = make_window(qtbot, tmp_path, fast)
    # The person's library with only YouTube Music connected, as `choose_services` gives it
    # (the demo's services standing in for the real ones, which tests never reach).
    only_youtube = {FILE: services[FILE], YT: services[YT]}
    with qtbot.waitSignal(window.library.loader.loaded, timeout=10_000):
        window._use_services(only_youtube, False)
    combo = window.playlists.direction
    assert combo.currentText() == "Playlist file → YouTube Music"
    enabled = [combo.model().item(i).isEnabled() for i in range(combo.count())]
    assert enabled == [d == (FILE, YT) for d in DIRECTIONS]
    assert not window.banner.isVisible()
    assert window.run_status.text() == f"1 playlist on YouTube Music. {NO_FILE_OPEN}"
    opened(qtbot, window, data_export_of(services[SP], tmp_path))
    assert window.playlists.target is YT and "Evening" in shown_names(window)


def data_export_of(spotify, folder: Path) -> Path:
    return write_spotify_export(spotify, folder / "my_spotify_data.zip", "2026-03-01")


def test_export_writes_the_ticked_playlists_and_offers_no_followed_one(qtbot, tmp_path, fast):
    window, services = make_window(qtbot, tmp_path, fast, quirks="followed")
    followed = [p.name for p in services[SP].list_playlists() if p.is_followed]
    assert followed
    folder = tmp_path / "backup"
    offered: list[str] = []

    def export(dialog: ExportPlaylistsDialog) -> None:
        offered.extend(
            dialog.playlist_list.item(row).text() for row in range(dialog.playlist_list.count())
        )
        dialog.folder.setText(str(folder))
        dialog.every.click()
        with qtbot.waitSignal(window.files.exporting.exported, timeout=20_000):
            dialog.export_button.click()
        dialog.reject()

    answer_next(ExportPlaylistsDialog, export)
    window.files.export_action.trigger()
    assert offered and not any(name.startswith(tuple(followed)) for name in offered)
    written = sorted(p.name for p in folder.iterdir())
    assert len(written) == len(offered) and written[0].endswith(".csv")


def test_closing_the_window_stops_reading_files_and_drains_after_the_loop(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    window.files.open_path(FIXTURES / "spotify_2025")
    window.close()
    assert window.files.opening.cancel.cancelled and window.files.exporting.cancel.cancelled
    window.drain(10_000)
    assert window.files.opening.drain(0)  # nobody left on the reading thread
    assert window.playlists.source is SP  # an answer after the close changes nothing


def test_a_followed_playlist_is_marked_short_enough_to_keep_its_row_in_sight(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast, quirks="followed")
    window.resize(1366, 768)
    model, view = window.playlists.playlist_model, window.playlists.playlist_view
    rows = [r for r in range(model.rowCount()) if model.playlist_at(r).is_followed]
    assert rows and all(
        model.data(model.index(r, TARGET)) == "followed — not syncable" for r in rows
    )
    assert not model.flags(model.index(rows[0], 0)) & Qt.ItemFlag.ItemIsUserCheckable
    # Name, where it goes, Sync and Tracks all in sight at a laptop's width.
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() == 0, timeout=5_000)
    assert window.run_status.text().endswith(
        "2 playlists you follow are not syncable: Spotify lets apps read only your own playlists."
    )


def test_accounts_says_how_to_get_the_data_export_and_opens_it(qtbot, tmp_path, fast, test_keyring):
    window, _ = make_window(qtbot, tmp_path, fast, accounts=Accounts(SecretStore()))
    export = data_export(window, tmp_path)
    shown: list[str] = []

    def open_export(dialog: AccountsDialog) -> None:
        assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Spotify"
        help_widget = dialog.export_help
        assert (
            help_widget.isVisibleTo(dialog) and help_widget.steps.text() == spotify_export_steps()
        )
        shown.append(dialog.export_box.title())
        answer_next(
            QFileDialog, lambda chooser: (chooser.selectFile(str(export)), chooser.accept())
        )
        help_widget.open_button.click()

    answer_next(AccountsDialog, open_export)
    window.accounts_action.trigger()
    assert shown == ["Without Premium or an app: your Spotify data export"]
    qtbot.waitUntil(lambda: window.run_status.text().startswith("Opened"), timeout=10_000)
    assert window.playlists.source is FILE and "Evening" in shown_names(window)


def test_the_window_chooses_files_into_youtube_music_when_only_it_is_connected(
    qtbot, tmp_path, test_keyring
):
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    accounts = Accounts(SecretStore())
    songbird = Songbird(paths, accounts=accounts)
    library = WindowLibrary(songbird, QObject())
    assert library.choose_services()[1]  # nothing connected: the demo library
    # With the visitor id a browser sends, ytmusicapi asks for none: nothing leaves the machine.
    accounts.save_ytmusic_headers(HEADERS + "x-goog-visitor-id: CgtWaXNpdG9yMTIz\n")
    services, demo = library.choose_services()
    assert not demo and set(services) == {FILE, YT}
    assert services[FILE] is songbird.files
    songbird.close()
