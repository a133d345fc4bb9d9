"""The Connect dialog: walks a person through connecting Spotify and YouTube Music.

Spotify: each person registers their own app (Songbird ships no client ID), pastes its client
ID, and logs in in the browser; the answer comes back to a listener on 127.0.0.1. YouTube
Music: the person pastes the request headers of a signed-in browser, checked on the spot.
Secrets go to the keyring only; the dialog says where they are kept.
"""

from __future__ import annotations

from PySide6.QtCore import QThreadPool, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from songbird_gui.core.types import ServiceId
from songbird_gui.engine.jobs import TaskJob, TaskSignals
from songbird_gui.services.accounts import Accounts, HeadersError, YTMusicOAuthLogin
from songbird_gui.services.spotify_auth import DEFAULT_PORT, SpotifyLogin, redirect_uri

SPOTIFY_STEPS = f"""<ol>
<li>Open <a href="https://developer.spotify.com/dashboard">developer.spotify.com/dashboard</a>,
sign in and press <b>Create app</b> (any name, e.g. “My Songbird”).</li>
<li>Under <b>Redirect URIs</b> add exactly <code>{redirect_uri(DEFAULT_PORT)}</code>;
tick <b>Web API</b>; save.</li>
<li>Copy the app's <b>Client ID</b> here and press <b>Connect</b>. Your browser asks you to
allow access; afterwards you can close its tab.</li>
</ol><p>Songbird uses no client secret (the login is PKCE) and no shared app:
the app is yours.</p>"""

YTMUSIC_STEPS = """<ol>
<li>In your browser, open <a href="https://music.youtube.com">music.youtube.com</a> signed in.</li>
<li>Open the developer tools (F12), tab <b>Network</b>, and click around (e.g. Library).</li>
<li>Find a request to <code>browse</code> (a POST), and copy its <b>request headers</b>
(Firefox: “Copy Request Headers”; Chrome: select them in “Request Headers”).</li>
<li>Paste them below and press <b>Save</b>. They must include <code>Cookie</code> and
<code>X-Goog-AuthUser</code>; Songbird checks at once.</li>
</ol>"""

YTMUSIC_OAUTH_STEPS = """<p><b>Or</b> sign in with your own Google OAuth client: in the Google
Cloud console create an OAuth client of type <i>TVs and Limited Input devices</i> with the
YouTube Data API enabled, and enter its ID and secret.</p>"""


class AccountsDialog(QDialog):
    """Signals: changed(): an account was connected or disconnected."""

    changed = Signal()

    def __init__(self, accounts: Accounts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Accounts")
        self.accounts = accounts
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._login: SpotifyLogin | None = None
        self._oauth: YTMusicOAuthLogin | None = None

        # Spotify
        self.client_id = QLineEdit()
        self.client_id.setPlaceholderText("32 letters and digits")
        self.spotify_connect = QPushButton("&Connect")
        self.spotify_disconnect = QPushButton("Disconnect")
        self.spotify_state = QLabel()
        self.spotify_state.setWordWrap(True)
        spotify = QWidget()
        steps = QLabel(SPOTIFY_STEPS)
        steps.setWordWrap(True)
        steps.setOpenExternalLinks(True)
        form = QFormLayout()
        form.addRow("Client &ID", self.client_id)
        buttons = QHBoxLayout()
        buttons.addWidget(self.spotify_connect)
        buttons.addWidget(self.spotify_disconnect)
        buttons.addStretch()
        layout = QVBoxLayout(spotify)
        layout.addWidget(steps)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.spotify_state)
        layout.addStretch()

        # YouTube Music
        self.headers = QPlainTextEdit()
        self.headers.setPlaceholderText("accept: */*\ncookie: …\nx-goog-authuser: 0\n…")
        self.headers.setAccessibleName("Request headers")
        self.ytmusic_save = QPushButton("&Save")
        self.ytmusic_disconnect = QPushButton("Disconnect")
        self.ytmusic_state = QLabel()
        self.ytmusic_state.setWordWrap(True)
        ytmusic = QWidget()
        yt_steps = QLabel(YTMUSIC_STEPS)
        yt_steps.setWordWrap(True)
        yt_steps.setOpenExternalLinks(True)
        yt_buttons = QHBoxLayout()
        yt_buttons.addWidget(self.ytmusic_save)
        yt_buttons.addWidget(self.ytmusic_disconnect)
        yt_buttons.addStretch()
        self.oauth_id = QLineEdit()
        self.oauth_secret = QLineEdit()
        self.oauth_secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.oauth_sign_in = QPushButton("Sign &in with Google")
        oauth_steps = QLabel(YTMUSIC_OAUTH_STEPS)
        oauth_steps.setWordWrap(True)
        oauth_form = QFormLayout()
        oauth_form.addRow("OAuth client ID", self.oauth_id)
        oauth_form.addRow("Client secret", self.oauth_secret)
        yt_layout = QVBoxLayout(ytmusic)
        yt_layout.addWidget(yt_steps)
        yt_layout.addWidget(self.headers)
        yt_layout.addLayout(yt_buttons)
        yt_layout.addWidget(oauth_steps)
        yt_layout.addLayout(oauth_form)
        yt_layout.addWidget(self.oauth_sign_in)
        yt_layout.addWidget(self.ytmusic_state)

        self.tabs = QTabWidget()
        self.tabs.addTab(spotify, "Spotify")
        self.tabs.addTab(ytmusic, "YouTube Music")
        self.keyring_note = QLabel(accounts.store.explanation)
        self.keyring_note.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        main = QVBoxLayout(self)
        main.addWidget(self.tabs)
        main.addWidget(self.keyring_note)
        main.addWidget(close)

        self.spotify_connect.clicked.connect(self.connect_spotify)
        self.spotify_disconnect.clicked.connect(lambda: self._disconnect(ServiceId.SPOTIFY))
        self.ytmusic_save.clicked.connect(self.save_ytmusic)
        self.ytmusic_disconnect.clicked.connect(lambda: self._disconnect(ServiceId.YTMUSIC))
        self.oauth_sign_in.clicked.connect(self.sign_in_ytmusic)
        self.resize(640, 560)
        self._show_states()

    def _show_states(self) -> None:
        for service, label, disconnect in (
            (ServiceId.SPOTIFY, self.spotify_state, self.spotify_disconnect),
            (ServiceId.YTMUSIC, self.ytmusic_state, self.ytmusic_disconnect),
        ):
            connected = self.accounts.connected(service)
            disconnect.setEnabled(connected)
            if not label.text():
                label.setText("Connected." if connected else "Not connected.")

    def connect_spotify(self) -> None:
        try:
            login = self.accounts.start_spotify_login(self.client_id.text())
        except (ValueError, OSError) as error:
            self.spotify_state.setText(f"Cannot connect: {error}.")
            return
        self._login = login
        self.spotify_connect.setEnabled(False)
        self.spotify_state.setText(
            "Waiting for your browser… allow Songbird there, then come back here."
        )
        QDesktopServices.openUrl(QUrl(login.authorize_url()))
        signals = TaskSignals(self)
        signals.done.connect(self._spotify_connected)
        signals.failed.connect(self._spotify_failed)
        self._pool.start(TaskJob(lambda: login.finish(timeout=300.0), signals))

    def _spotify_connected(self, _client: object) -> None:
        self.spotify_connect.setEnabled(True)
        self.spotify_state.setText("Connected to Spotify.")
        self._show_states()
        self.changed.emit()

    def _spotify_failed(self, message: str) -> None:
        self.spotify_connect.setEnabled(True)
        self.spotify_state.setText(f"Not connected: {message}")

    def save_ytmusic(self) -> None:
        try:
            self.accounts.save_ytmusic_headers(self.headers.toPlainText())
        except HeadersError as error:
            self.ytmusic_state.setText(f"Not saved: {error}")
            return
        self.headers.clear()  # the secret leaves the screen once it is in the keyring
        self.ytmusic_state.setText("Connected to YouTube Music.")
        self._show_states()
        self.changed.emit()

    def sign_in_ytmusic(self) -> None:
        try:
            login = self.accounts.start_ytmusic_oauth(
                self.oauth_id.text(), self.oauth_secret.text()
            )
        except (ValueError, PermissionError, OSError) as error:
            self.ytmusic_state.setText(f"Cannot sign in: {error}.")
            return
        except Exception as error:  # the OAuth client or the network said no
            self.ytmusic_state.setText(f"Cannot sign in: {error}")
            return
        self._oauth = login
        self.oauth_sign_in.setEnabled(False)
        self.ytmusic_state.setText(
            f"On {login.verification_url} enter the code {login.user_code} (it opens now)."
        )
        QDesktopServices.openUrl(QUrl(login.verification_url))
        signals = TaskSignals(self)
        signals.done.connect(self._ytmusic_signed_in)
        signals.failed.connect(self._ytmusic_sign_in_failed)
        self._pool.start(TaskJob(lambda: login.finish(timeout=600.0), signals))

    def _ytmusic_signed_in(self, _result: object) -> None:
        self.oauth_sign_in.setEnabled(True)
        self.oauth_secret.clear()
        self.ytmusic_state.setText("Connected to YouTube Music.")
        self._show_states()
        self.changed.emit()

    def _ytmusic_sign_in_failed(self, message: str) -> None:
        self.oauth_sign_in.setEnabled(True)
        self.ytmusic_state.setText(f"Not connected: {message}")

    def _disconnect(self, service: ServiceId) -> None:
        self.accounts.disconnect(service)
        label = self.spotify_state if service is ServiceId.SPOTIFY else self.ytmusic_state
        label.setText("Disconnected.")
        self._show_states()
        self.changed.emit()

    def done(self, result: int) -> None:
        if self._login is not None:
            self._login.listener.cancel()
        if self._oauth is not None:
            self._oauth.cancel()
        self._pool.clear()
        self._pool.waitForDone()
        super().done(result)
