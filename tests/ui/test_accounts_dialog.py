"""The Connect dialog, and the promise that account secrets live in the keyring only."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QLabel, QWidget

from songbird_gui.app import Songbird
from songbird_gui.core.log_file import setup_logging
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.settings import RateSettings, Settings, SettingsFile
from songbird_gui.core.types import ServiceId
from songbird_gui.services.accounts import Accounts
from songbird_gui.services.demo import DemoConfig, DemoServerConfig
from songbird_gui.services.secrets import SecretStore
from songbird_gui.services.spotify_auth import KeyringCacheHandler
from songbird_gui.ui.accounts_dialog import AccountsDialog
from songbird_gui.ui.launch import create_window
from tests.demo_catalogue import small_catalogue

COOKIE = "SAPISID=cookieSECRET123; __Secure-3PAPISID=cookieSECRET123"
HEADERS = f"""accept: */*
authorization: SAPISIDHASH 1700000000_hashSECRET456
content-type: application/json
cookie: {COOKIE}
x-goog-authuser: 0
x-origin: https://music.youtube.com
"""
TOKEN = {"access_token": "accessSECRET789", "refresh_token": "refreshSECRET000", "expires_at": 9e9}
SECRETS = ["cookieSECRET123", "hashSECRET456", "accessSECRET789", "refreshSECRET000"]


def _label_texts(dialog: AccountsDialog) -> str:
    return " ".join(label.text() for label in dialog.findChildren(QLabel))


def test_youtube_music_headers_are_checked_on_the_spot(qtbot, test_keyring):
    dialog = AccountsDialog(Accounts(SecretStore()))
    qtbot.addWidget(dialog)
    dialog.headers.setPlainText("accept: */*\ncontent-type: application/json\n")
    dialog.ytmusic_save.click()
    assert "cookie" in dialog.ytmusic_state.text().lower()
    assert not dialog.accounts.connected(ServiceId.YTMUSIC)

    with qtbot.waitSignal(dialog.changed):
        dialog.headers.setPlainText(HEADERS)
        dialog.ytmusic_save.click()
    assert dialog.ytmusic_state.text() == "Connected to YouTube Music."
    assert dialog.headers.toPlainText() == ""  # off the screen once it is in the keyring
    assert dialog.accounts.connected(ServiceId.YTMUSIC)
    assert any("cookieSECRET123" in v for v in test_keyring.values.values())
    dialog.ytmusic_disconnect.click()
    assert not dialog.accounts.connected(ServiceId.YTMUSIC)


def test_a_bad_spotify_client_id_is_explained(qtbot, test_keyring):
    dialog = AccountsDialog(Accounts(SecretStore()))
    qtbot.addWidget(dialog)
    dialog.client_id.setText("not-an-id")
    dialog.spotify_connect.click()
    assert "32 letters and digits" in dialog.spotify_state.text()
    texts = _label_texts(dialog)
    assert "developer.spotify.com/dashboard" in texts and "127.0.0.1:8765/callback" in texts


def test_spotify_steps_say_premium_and_user_management_before_connect(qtbot, test_keyring):
    # Since early 2026 a development-mode app works only while its owner has Premium, and
    # only for the accounts listed under User Management: the steps say so before Connect.
    dialog = AccountsDialog(Accounts(SecretStore()))
    qtbot.addWidget(dialog)
    labels = dialog.findChildren(QLabel)
    steps = next(label.text() for label in labels if "developer.spotify.com" in label.text())
    assert "Premium" in steps and "User Management" in steps
    assert steps.index("User Management") < steps.index("<b>Connect</b>")


def test_youtube_music_leads_with_headers_and_google_sign_in_warns(qtbot, test_keyring):
    dialog = AccountsDialog(Accounts(SecretStore()))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentIndex(1)
    assert "recommended" in dialog.headers_box.title()
    assert "may not work" in dialog.oauth_box.title()
    assert dialog.headers_box.geometry().bottom() < dialog.oauth_box.geometry().top()
    assert dialog.headers_box.isAncestorOf(dialog.headers)
    assert dialog.oauth_box.isAncestorOf(dialog.oauth_sign_in)  # kept, below
    warning = dialog.oauth_steps.text()
    assert "may not work with YouTube Music at the moment" in warning
    assert "browser headers" in warning and "ytmusicapi" in warning


def _place(widget: QWidget, dialog: AccountsDialog) -> tuple[QPoint, int, int]:
    return widget.mapTo(dialog, QPoint(0, 0)), widget.width(), widget.height()


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("", "Paste the request headers first."),
        ("lorem ipsum dolor\nsit amet", "not a list of request headers"),
        ("accept: */*\nx-goog-authuser: 0\n", "Cookie is missing"),
        (f"accept: */*\ncookie: {COOKIE}\n", "X-Goog-AuthUser is missing"),
    ],
)
def test_junk_headers_get_a_short_message_and_the_layout_stays_put(
    qtbot, test_keyring, pasted, expected
):
    dialog = AccountsDialog(Accounts(SecretStore()))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentIndex(1)
    qtbot.wait(10)  # let the layout settle
    watched = (dialog.ytmusic_save, dialog.headers, dialog.oauth_sign_in, dialog.ytmusic_state)

    def layout() -> object:
        return dialog.size(), [_place(w, dialog) for w in watched]

    before = layout()
    dialog.headers.setPlainText(pasted)
    dialog.ytmusic_save.click()
    qtbot.wait(10)
    shown = dialog.ytmusic_state.text()
    assert expected in shown and len(shown) <= 160
    assert "following entries" not in shown  # ytmusicapi's own wording stays out
    assert not dialog.accounts.connected(ServiceId.YTMUSIC)
    assert layout() == before

    with qtbot.waitSignal(dialog.changed):  # the error goes away: still nothing moves
        dialog.headers.setPlainText(HEADERS)
        dialog.ytmusic_save.click()
    qtbot.wait(10)
    assert dialog.ytmusic_state.text() == "Connected to YouTube Music."
    assert layout() == before


def test_a_long_message_is_cut_and_kept_whole_in_the_tooltip(qtbot, test_keyring):
    dialog = AccountsDialog(Accounts(SecretStore()))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentIndex(1)
    qtbot.wait(10)
    size, save = dialog.size(), _place(dialog.ytmusic_save, dialog)
    message = "Google said: " + "Request contains an invalid argument. " * 20
    dialog._ytmusic_sign_in_failed(message)
    qtbot.wait(10)
    assert dialog.ytmusic_state.text().endswith("…")
    assert dialog.ytmusic_state.toolTip() == f"Not connected: {message}"
    assert (dialog.size(), _place(dialog.ytmusic_save, dialog)) == (size, save)


def test_no_secret_reaches_a_file_a_log_or_qsettings(qtbot, tmp_path, test_keyring, songbird_log):
    store = SecretStore()
    accounts = Accounts(store)
    accounts.save_ytmusic_headers(HEADERS)
    KeyringCacheHandler(store).save_token_to_cache(TOKEN)
    store.set("spotify-client-id", "0123456789abcdef0123456789abcdef")

    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    setup_logging(paths)
    SettingsFile(paths.settings_file).save(
        Settings(workers=2, spotify=RateSettings(500, 50), ytmusic=RateSettings(500, 50))
    )
    fast = DemoServerConfig(latency_s=0.0, limit=1000, burst=100)
    demo = DemoConfig(
        spotify=fast, ytmusic=fast, state_dir=paths.demo_state_dir, catalogue=small_catalogue()
    )
    window = create_window(
        Songbird(paths, accounts=accounts, demo=demo),
        QSettings(str(paths.config_dir / "ui.ini"), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.playlists.playlist_model.rowCount() > 0, timeout=10_000)
    model = window.playlists.playlist_model
    model.setData(model.index(1, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    window.run.sync_action.trigger()
    with qtbot.waitSignal(window.run.session.searchFinished, timeout=20_000):
        pass
    window.help.copy_diagnostics()
    window.close()

    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "ui.ini" for p in files) and any(p.suffix == ".sqlite3" for p in files)
    assert any(p.name == "songbird.log" for p in files)
    for path in files:
        content = path.read_bytes()
        for secret in SECRETS:
            assert secret.encode() not in content, f"{secret} found in {path}"
    assert all(s in "".join(test_keyring.values.values()) for s in SECRETS)  # they are there
