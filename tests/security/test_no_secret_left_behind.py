"""After a whole session on the real services, no secret is in any file Songbird wrote.

The accounts are connected the way a person connects them (pasted YouTube Music headers, a
Spotify token in the keyring); the window is built on the composition root, which composes
the real adapters from the keyring and their throttled sessions, as the app does; only the
transport under those sessions is pointed at the fault server, which serves recorded
responses and checks the login on each request. The log runs at DEBUG. After a sync, an apply and
"Copy diagnostics", every file under the config, data and log folders (QSettings' file
included) and the clipboard are searched for each token, cookie and header value.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from songbird_gui.app import Songbird
from songbird_gui.core.log_file import setup_logging
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.types import ServiceId, TrackStatus
from songbird_gui.services.accounts import Accounts
from songbird_gui.services.secrets import SPOTIFY_CLIENT_ID, SecretStore
from songbird_gui.services.spotify_auth import SCOPES, KeyringCacheHandler
from songbird_gui.ui.launch import create_window
from tests.reliability.fake_apis import FakeSpotify, FakeYouTubeMusic, twin_catalogue
from tests.reliability.fault_server import FaultServer, route_to

ACCESS_TOKEN = "BQDaccessTOKENsecret0123456789"
REFRESH_TOKEN = "AQBrefreshTOKENsecret987654321"
COOKIE_VALUE = "cookieVALUEsecret/AbCdEf123"
SAPISID_HASH = "1700000000_sapisidHASHsecret4567"
HEADERS = f"""accept: */*
authorization: SAPISIDHASH {SAPISID_HASH}
content-type: application/json
cookie: SAPISID={COOKIE_VALUE}; __Secure-3PAPISID={COOKIE_VALUE}; SID=sidVALUEsecret42
x-goog-authuser: 0
x-origin: https://music.youtube.com
"""
SECRETS = [ACCESS_TOKEN, REFRESH_TOKEN, COOKIE_VALUE, SAPISID_HASH, "sidVALUEsecret42"]


def connect(store: SecretStore) -> Accounts:
    accounts = Accounts(store)
    accounts.save_ytmusic_headers(HEADERS)
    store.set(SPOTIFY_CLIENT_ID, "0123456789abcdef0123456789abcdef")
    KeyringCacheHandler(store).save_token_to_cache(
        {
            "access_token": ACCESS_TOKEN,
            "refresh_token": REFRESH_TOKEN,
            "token_type": "Bearer",
            "scope": SCOPES,
            "expires_in": 3600,
            "expires_at": int(time.time()) + 3600,
        }
    )
    return accounts


def test_a_real_service_session_leaves_no_secret_in_any_file(
    qtbot, tmp_path, test_keyring, monkeypatch, songbird_log
):
    sp_songs, yt_songs = twin_catalogue(8)
    spotify = FakeSpotify(sp_songs, token=ACCESS_TOKEN)
    ytmusic = FakeYouTubeMusic(yt_songs, session=COOKIE_VALUE)
    spotify.add_playlist("Road Trip", [s.id for s in sp_songs])
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    setup_logging(paths, logging.DEBUG)
    accounts = connect(SecretStore())

    with FaultServer(spotify, ytmusic) as server:
        # The network edge: every session Songbird builds puts its requests on the wire to
        # the fault server; the throttles and the adapters above stay the product's.
        route_to(server, monkeypatch)
        songbird = Songbird(paths, accounts=accounts)  # real adapters, from the keyring
        qsettings = QSettings(str(paths.config_dir / "ui.ini"), QSettings.Format.IniFormat)
        window = create_window(songbird, qsettings)
        qtbot.addWidget(window)
        window.show()
        model = window.playlists.playlist_model
        qtbot.waitUntil(lambda: model.rowCount() > 1, timeout=20_000)
        road_trip = next(
            row for row in range(model.rowCount()) if model.index(row, 0).data() == "Road Trip"
        )
        model.setData(
            model.index(road_trip, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
        )
        window.run.sync_action.trigger()
        with qtbot.waitSignal(window.run.session.searchFinished, timeout=30_000):
            pass
        with qtbot.waitSignal(window.run.session.applied, timeout=30_000):
            window.run.session.apply()
        session = window.run.session
        window.help.copy_diagnostics()
        clipboard = QApplication.clipboard().text()
        window.close()
        window.drain(30_000)  # as at exit: the last requests end, then the store closes
        songbird.close()

    # It was a real session: the real services answered, and the tracks landed.
    assert session.source is ServiceId.SPOTIFY
    assert [row.status for row in session.rows] == [TrackStatus.ADDED] * 8
    assert {r.host for r in server.log} == {"api.spotify.com", "music.youtube.com"}
    assert all(r.status != 401 for r in server.log)

    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"ui.ini", "songbird.log", "matches.sqlite3"} <= names, names
    assert "Songbird" in clipboard  # the diagnostics were copied
    for path in files:
        content = path.read_bytes()
        for secret in SECRETS:
            assert secret.encode() not in content, f"{secret} found in {path}"
    for secret in SECRETS:
        assert secret not in clipboard, f"{secret} found in the copied diagnostics"
    stored = " ".join(test_keyring.values.values())
    assert all(secret in stored for secret in SECRETS)  # where they belong
