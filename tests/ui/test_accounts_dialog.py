"""The Connect dialog, and the promise that account secrets live in the keyring only."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt

from songbird_gui.core.paths import AppPaths
from songbird_gui.core.settings import RateSettings, Settings, SettingsFile
from songbird_gui.core.types import ServiceId
from songbird_gui.logging_setup import setup_logging
from songbird_gui.services.accounts import Accounts
from songbird_gui.services.demo import DemoConfig, DemoServerConfig, demo_services
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
    texts = " ".join(label.text() for label in dialog.findChildren(type(dialog.spotify_state)))
    assert "developer.spotify.com/dashboard" in texts and "127.0.0.1:8765/callback" in texts


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
    services = demo_services(
        DemoConfig(
            spotify=fast, ytmusic=fast, state_dir=paths.demo_state_dir, catalogue=small_catalogue()
        )
    )
    window = create_window(paths, services, accounts)
    window.qsettings = QSettings(str(paths.config_dir / "ui.ini"), QSettings.Format.IniFormat)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.playlist_model.rowCount() > 0, timeout=10_000)
    model = window.playlist_model
    model.setData(model.index(1, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    window.sync_action.trigger()
    with qtbot.waitSignal(window.session.searchFinished, timeout=20_000):
        pass
    window.copy_diagnostics()
    window.close()

    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "ui.ini" for p in files) and any(p.suffix == ".sqlite3" for p in files)
    assert any(p.name == "songbird.log" for p in files)
    for path in files:
        content = path.read_bytes()
        for secret in SECRETS:
            assert secret.encode() not in content, f"{secret} found in {path}"
    assert all(s in "".join(test_keyring.values.values()) for s in SECRETS)  # they are there
