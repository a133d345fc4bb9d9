"""Spotify login: Authorization Code with PKCE and a one-shot loopback listener.

Each person registers their own Spotify app (Songbird ships no client ID) with the redirect
URI `http://127.0.0.1:<port>/callback`. `LoopbackListener` serves that address on the
loopback interface only, accepts exactly one callback whose `state` matches, refuses anything
else, and gives up after a timeout. `SpotifyLogin` ties it to spotipy's PKCE flow; the token
lands in the keyring through `KeyringCacheHandler` and is refreshed silently by spotipy.

Two spotipy defaults do not suit a GUI with a pool of workers, and `spotify_client` changes
them: without a token spotipy asks for the redirect URL on stdin (here: an error the adapter
reports as "connect again"), and its own retrying session turns a 429 into "Max Retries"
without Retry-After, and a 503 into a 429 (here: a plain session, so the adapter sees the real
status and Songbird's retry policy decides).
"""

from __future__ import annotations

import json
import secrets
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests
import spotipy
from spotipy.cache_handler import CacheHandler

from songbird_gui.services.http_session import REQUEST_TIMEOUT_S, http_session
from songbird_gui.services.secrets import SPOTIFY_TOKEN, SecretStore

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8765
SCOPES = " ".join(
    [
        "playlist-read-private",
        "playlist-read-collaborative",
        "playlist-modify-private",
        "playlist-modify-public",
        "user-library-read",
        "user-library-modify",
    ]
)

_PAGE = (
    "<!doctype html><meta charset=utf-8><title>Songbird</title>"
    "<body style='font-family:sans-serif;margin:3em'><h2>{}</h2><p>{}</p></body>"
)


class KeyringCacheHandler(CacheHandler):  # type: ignore[misc]
    """spotipy's token cache: in memory for the run, in the `SecretStore` between runs.

    spotipy asks for the token before every request; reading the keyring each time would put
    the keyring (a D-Bus round trip behind a global lock, and its failures) in every request.
    The keyring is read once, and again just before a refresh (`reload`): another Songbird
    process (the tray, a run from cron) may have refreshed the token meanwhile, and Spotify
    may have replaced the refresh token with it.
    """

    def __init__(self, store: SecretStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._token: dict[str, Any] | None = None
        self._loaded = False

    def _read(self) -> dict[str, Any] | None:
        text = self.store.get(SPOTIFY_TOKEN)
        if not text:
            return None
        try:
            token = json.loads(text)
        except ValueError:
            return None
        return token if isinstance(token, dict) else None

    def get_cached_token(self) -> dict[str, Any] | None:
        with self._lock:
            if not self._loaded:
                self._token, self._loaded = self._read(), True
            return self._token

    def reload(self) -> None:
        """Take the keyring's token, if it has one: it may be newer than this run's."""
        with self._lock:
            self._token = self._read() or self._token
            self._loaded = True

    def save_token_to_cache(self, token_info: dict[str, Any]) -> None:
        with self._lock:
            self._token, self._loaded = token_info, True
        self.store.set(SPOTIFY_TOKEN, json.dumps(token_info))


def redirect_uri(port: int) -> str:
    return f"http://{LOOPBACK}:{port}/callback"


class LoopbackListener:
    """Waits for one OAuth redirect on 127.0.0.1; `wait()` returns its `code`."""

    def __init__(self, state: str, port: int = 0) -> None:
        self.state = state
        self._done = threading.Event()
        self._lock = threading.Lock()
        self.code: str | None = None
        self.error: str | None = None
        self._closed = False
        listener = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 10  # a connection that sends nothing is dropped, not kept open

            def do_GET(self) -> None:
                status, title, text = listener._answer(self.path)
                body = _PAGE.format(title, text).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the query holds the code: never print it

        # One thread per connection: a stalled connection cannot hold up the real callback.
        self._server = ThreadingHTTPServer((LOOPBACK, port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )  # the interval is how long close() may wait for the loop to notice
        self._thread.start()

    def _answer(self, path: str) -> tuple[int, str, str]:
        url = urllib.parse.urlsplit(path)
        if url.path != "/callback":
            return 404, "Not found", "This address only receives Spotify's answer."
        query = urllib.parse.parse_qs(url.query)
        with self._lock:
            if self._done.is_set():
                return 409, "Already connected", "This login link was used already."
            if query.get("state", [""])[0] != self.state:
                return 400, "Refused", "This answer does not belong to the login Songbird started."
            if "error" in query:
                self.error = query["error"][0]
                self._done.set()
                return 200, "Not connected", "Spotify said no: you can close this window."
            code = query.get("code", [""])[0]
            if not code:
                return 400, "Refused", "The answer carries no code."
            self.code = code
            self._done.set()
        return 200, "Connected", "Songbird is connected to Spotify. You can close this window."

    def wait(self, timeout: float) -> str:
        """The code, once the browser comes back; raises TimeoutError or PermissionError."""
        try:
            if not self._done.wait(timeout):
                raise TimeoutError("no answer from Spotify in time: try connecting again")
            if self.error or not self.code:
                raise PermissionError(f"Spotify refused the connection ({self.error})")
            return self.code
        finally:
            self.close()

    def cancel(self) -> None:
        """Give up waiting (the person closed the dialog): `wait` returns at once."""
        with self._lock:
            if not self._done.is_set():
                self.error = "cancelled"
                self._done.set()

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._server.shutdown()
        self._server.server_close()


class SpotifyLogin:
    """One login attempt: the URL to open, then the code exchange."""

    def __init__(
        self, client_id: str, cache: KeyringCacheHandler, port: int = DEFAULT_PORT
    ) -> None:
        self.state = secrets.token_urlsafe(24)
        self.listener = LoopbackListener(self.state, port)
        self.auth = spotify_auth_manager(client_id, cache, self.listener.port)

    def authorize_url(self) -> str:
        url: str = self.auth.get_authorize_url(state=self.state)
        return url

    def finish(self, timeout: float = 300.0) -> spotipy.Spotify:
        code = self.listener.wait(timeout)
        self.auth.get_access_token(code=code, check_cache=False)  # saved to the keyring
        return _client(self.auth)


class SongbirdPKCE(spotipy.SpotifyPKCE):  # type: ignore[misc]
    """spotipy's PKCE manager, made safe for a pool of workers and a GUI.

    One worker at a time gets the token: Spotify may rotate the refresh token on each refresh,
    so workers refreshing together would race with the same one. And with no usable token it
    raises `SpotifyOauthError` (the adapter's AuthExpired) instead of reading stdin.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._token_lock = threading.Lock()

    def get_access_token(self, code: str | None = None, check_cache: bool = True) -> Any:
        with self._token_lock:
            cache = self.cache_handler
            if code is None and check_cache and isinstance(cache, KeyringCacheHandler):
                token = cache.get_cached_token()
                if token is not None and self.is_token_expired(token):
                    cache.reload()  # refresh with the newest refresh token there is
            return super().get_access_token(code=code, check_cache=check_cache)

    def get_authorization_code(self, response: str | None = None) -> Any:
        if response:
            return super().get_authorization_code(response)
        raise spotipy.SpotifyOauthError(
            "Spotify is not connected, or its login no longer covers what Songbird needs.",
            error="not_connected",
        )


def spotify_auth_manager(
    client_id: str,
    cache_handler: KeyringCacheHandler,
    redirect_port: int,
    session: requests.Session | None = None,
) -> SongbirdPKCE:
    return SongbirdPKCE(
        client_id=client_id,
        redirect_uri=redirect_uri(redirect_port),
        scope=SCOPES,
        cache_handler=cache_handler,
        open_browser=False,
        # The token refresh is a request too: paced and timed out like every other one.
        requests_session=session or http_session(),
        requests_timeout=REQUEST_TIMEOUT_S,
    )


def _client(auth: SongbirdPKCE, session: requests.Session | None = None) -> spotipy.Spotify:
    # A session of our own: spotipy then retries nothing and every status reaches the adapter.
    return spotipy.Spotify(
        auth_manager=auth,
        requests_session=session or http_session(),
        requests_timeout=REQUEST_TIMEOUT_S,
    )


def spotify_client(
    client_id: str,
    cache_handler: KeyringCacheHandler,
    redirect_port: int = DEFAULT_PORT,
    session: requests.Session | None = None,
) -> spotipy.Spotify:
    """A client on the token already in the keyring (refreshed by spotipy when it expires).

    `session` carries every request, the refreshes included (Songbird's throttled one).
    """
    auth = spotify_auth_manager(client_id, cache_handler, redirect_port, session)
    return _client(auth, session)
