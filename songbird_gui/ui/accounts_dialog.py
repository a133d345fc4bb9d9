"""The Connect dialog: walks a person through connecting Spotify and YouTube Music.

Spotify: each person registers their own app (Songbird ships no client ID), pastes its client
ID, and logs in in the browser; the answer comes back to a listener on 127.0.0.1. Since 2026
such an app works only while its owner has Premium, so the Spotify tab also says, step by
step, how anyone gets their data export and syncs from it (`SpotifyExportHelp`); its "Open…"
closes the dialog and leaves the opening to the window (`wants_export`). YouTube
Music: the person pastes the request headers of a signed-in browser, checked on the spot;
Google sign-in comes second, marked as likely not to work (Google refuses its tokens on YouTube
Music's internal API since August 2025: ytmusicapi issue #813).
Secrets go to the keyring only; the dialog says where they are kept.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, Qt, QThreadPool, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.types import ServiceId
from songbird_gui.engine.jobs import TaskJob, TaskSignals, delete_when_idle
from songbird_gui.services.accounts import Accounts, HeadersError, YTMusicOAuthLogin
from songbird_gui.services.spotify_auth import DEFAULT_PORT, SpotifyLogin, redirect_uri
from songbird_gui.ui.spotify_export_help import SpotifyExportHelp

SPOTIFY_STEPS = f"""<ol>
<li>Open <a href="https://developer.spotify.com/dashboard">developer.spotify.com/dashboard</a>,
sign in and press <b>Create app</b> (any name, e.g. “My Songbird”).</li>
<li>Under <b>Redirect URIs</b> add exactly <code>{redirect_uri(DEFAULT_PORT)}</code>;
tick <b>Web API</b>; save.</li>
<li>In the app's <b>Settings</b>, under <b>User Management</b>, add the name and e-mail of the
Spotify account you will sync. Your app works only for accounts listed there (five at most),
and only while you, its owner, have Spotify <b>Premium</b>.</li>
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

YTMUSIC_OAUTH_STEPS = """<p><b>Google sign-in may not work with YouTube Music at the moment:</b>
since August 2025 Google refuses OAuth tokens on the internal API YouTube Music uses, and
ytmusicapi's maintainers recommend browser headers instead. To try it anyway, create an OAuth
client of type <i>TVs and Limited Input devices</i> (YouTube Data API enabled) in the Google
Cloud console and enter its ID and secret.</p>"""


class StatusLabel(QLabel):
    """A status line that keeps its size whatever it says.

    Its height is reserved for `lines` wrapped lines and its width follows the layout, never
    the text, so a message appearing or going away does not resize the dialog or move the
    widgets around it. A message too long for that room is cut with "…" and shown whole in
    the tooltip. `setText` takes the whole message; `message()` returns it.
    """

    def __init__(self, lines: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lines = lines
        self._message = ""
        self.setTextFormat(Qt.TextFormat.PlainText)  # messages quote servers: never markup
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._reserve_height()

    def message(self) -> str:
        return self._message

    def setText(self, text: str) -> None:
        self._message = text
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._reserve_height()
            self._fit()

    def _reserve_height(self) -> None:
        margins = self.contentsMargins()
        lines = self._lines * self.fontMetrics().lineSpacing()
        self.setFixedHeight(lines + margins.top() + margins.bottom() + 2 * self.margin())

    def _fits(self, text: str, room: QRect) -> bool:
        flags = int(Qt.TextFlag.TextWordWrap.value)
        bounds = QRect(0, 0, room.width(), 1 << 20)
        return self.fontMetrics().boundingRect(bounds, flags, text).height() <= room.height()

    def _fit(self) -> None:
        text = self._message
        room = self.contentsRect().adjusted(self.margin(), self.margin(), -self.margin(), 0)
        if room.width() > 0 and not self._fits(text, room):
            shown, longest = 0, len(text)  # the longest start that fits with "…"
            while shown < longest:
                middle = (shown + longest + 1) // 2
                if self._fits(text[:middle].rstrip() + "…", room):
                    shown = middle
                else:
                    longest = middle - 1
            text = text[:shown].rstrip() + "…"
        super().setText(text)
        self.setToolTip("" if text == self._message else self._message)


class AccountsDialog(QDialog):
    """Signals: changed(): an account was connected or disconnected."""

    changed = Signal()

    def __init__(self, accounts: Accounts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Accounts")
        self.accounts = accounts
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._cancel = CancelToken()
        self._login: SpotifyLogin | None = None
        self._oauth: YTMusicOAuthLogin | None = None

        # Spotify
        self.client_id = QLineEdit()
        self.client_id.setPlaceholderText("32 letters and digits")
        self.spotify_connect = QPushButton("&Connect")
        self.spotify_disconnect = QPushButton("Disconnect")
        self.spotify_state = StatusLabel()
        steps = QLabel(SPOTIFY_STEPS)
        steps.setWordWrap(True)
        steps.setOpenExternalLinks(True)
        form = QFormLayout()
        form.addRow("Client &ID", self.client_id)
        buttons = QHBoxLayout()
        buttons.addWidget(self.spotify_connect)
        buttons.addWidget(self.spotify_disconnect)
        buttons.addStretch()
        self.app_box = QGroupBox("With your own Spotify app (its owner needs Premium)")
        app_layout = QVBoxLayout(self.app_box)
        app_layout.addWidget(steps)
        app_layout.addLayout(form)
        app_layout.addLayout(buttons)
        app_layout.addWidget(self.spotify_state)
        # Without Premium or an app: the data export, step by step, and a way to open it.
        self.export_help = SpotifyExportHelp()
        self.export_help.openRequested.connect(self._open_export)
        self.wants_export = False  # the person asked to open their export: the window does
        self.export_box = QGroupBox("Without Premium or an app: your Spotify data export")
        QVBoxLayout(self.export_box).addWidget(self.export_help)
        spotify = QWidget()
        layout = QVBoxLayout(spotify)
        layout.addWidget(self.app_box)
        layout.addWidget(self.export_box)
        layout.addStretch()

        # YouTube Music: browser headers first (they work); Google sign-in below, secondary
        self.headers = QPlainTextEdit()
        self.headers.setPlaceholderText("accept: */*\ncookie: …\nx-goog-authuser: 0\n…")
        self.headers.setAccessibleName("Request headers")
        self.headers.setMinimumHeight(5 * self.headers.fontMetrics().lineSpacing())
        self.ytmusic_save = QPushButton("&Save")
        self.ytmusic_disconnect = QPushButton("Disconnect")
        self.ytmusic_state = StatusLabel()
        yt_steps = QLabel(YTMUSIC_STEPS)
        yt_steps.setWordWrap(True)
        yt_steps.setOpenExternalLinks(True)
        yt_buttons = QHBoxLayout()
        yt_buttons.addWidget(self.ytmusic_save)
        yt_buttons.addWidget(self.ytmusic_disconnect)
        yt_buttons.addStretch()
        self.headers_box = QGroupBox("Browser headers (recommended)")
        headers_layout = QVBoxLayout(self.headers_box)
        headers_layout.addWidget(yt_steps)
        headers_layout.addWidget(self.headers, stretch=1)
        headers_layout.addLayout(yt_buttons)

        self.oauth_id = QLineEdit()
        self.oauth_secret = QLineEdit()
        self.oauth_secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.oauth_sign_in = QPushButton("Sign &in with Google")
        self.oauth_steps = QLabel(YTMUSIC_OAUTH_STEPS)
        self.oauth_steps.setWordWrap(True)
        oauth_form = QFormLayout()
        oauth_form.addRow("OAuth client ID", self.oauth_id)
        oauth_form.addRow("Client secret", self.oauth_secret)
        oauth_buttons = QHBoxLayout()
        oauth_buttons.addWidget(self.oauth_sign_in)
        oauth_buttons.addStretch()
        self.oauth_box = QGroupBox("Or: Google sign-in (may not work)")
        oauth_layout = QVBoxLayout(self.oauth_box)
        oauth_layout.addWidget(self.oauth_steps)
        oauth_layout.addLayout(oauth_form)
        oauth_layout.addLayout(oauth_buttons)

        ytmusic = QWidget()
        yt_layout = QVBoxLayout(ytmusic)
        yt_layout.addWidget(self.headers_box, stretch=1)
        yt_layout.addWidget(self.oauth_box)
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
        self.resize(640, 640)  # room for both ways on the YouTube Music tab
        self._show_states()

    def connect_again(self, service: ServiceId, reason: str) -> None:
        """Open on `service`'s tab to connect it again, saying why (a sign-in that expired).

        For YouTube Music the steps to paste fresh headers are right there, and the cursor
        is in the box that takes them; a browser sign-in lasts from minutes to days.
        """
        spotify = service is ServiceId.SPOTIFY
        self.tabs.setCurrentIndex(0 if spotify else 1)
        (self.spotify_state if spotify else self.ytmusic_state).setText(reason)
        (self.client_id if spotify else self.headers).setFocus()

    def _open_export(self) -> None:
        """Close, so the window can open the data export the person has (see `wants_export`)."""
        self.wants_export = True
        self.accept()

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
        self._pool.start(TaskJob(lambda: login.finish(timeout=300.0), signals, self._cancel))

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
            self.ytmusic_state.setText(str(error))  # a sentence that says what is missing
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
        self._pool.start(TaskJob(lambda: login.finish(timeout=600.0), signals, self._cancel))

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
        self._cancel.cancel()
        self._pool.clear()  # never waits: a login in flight ends on its own (see dispose)
        super().done(result)

    def dispose(self) -> None:
        """Delete the dialog once a login still in flight has ended; never waits."""
        delete_when_idle(self, self._pool)
