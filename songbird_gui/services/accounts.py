"""Connected accounts: building the real service adapters from the secrets in the keyring.

The composition root asks `Accounts.services()`; when both services are connected the app
syncs real playlists, otherwise it stays on the demo library. The YouTube Music headers are
checked with ytmusicapi's own parser when they are pasted, so a missing cookie is reported
at once, in words, rather than as a failed sync later.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from songbird_gui.core.service import MusicService
from songbird_gui.core.throttle import Throttle
from songbird_gui.core.types import ONLINE_SERVICES, ServiceId
from songbird_gui.services.secrets import (
    SPOTIFY_CLIENT_ID,
    SPOTIFY_TOKEN,
    YTMUSIC_AUTH,
    YTMUSIC_OAUTH,
    SecretStore,
)

if TYPE_CHECKING:
    import requests

    from songbird_gui.services.spotify_auth import SpotifyLogin

# spotipy and ytmusicapi take a third of a second to import: they are imported only when an
# account is used, so the window opens as fast on the demo library as without them.


class HeadersError(ValueError):
    """Pasted YouTube Music headers that cannot work.

    The message is one or two short sentences for the person: what is missing (Cookie,
    X-Goog-AuthUser, the signed-in cookie) or that the text is not headers at all, and what to
    copy instead. ytmusicapi's own text is long and names headers in lower case, so it is not
    shown.
    """


def parse_ytmusic_headers(raw: str) -> str:
    """Validate browser request headers; returns the JSON ytmusicapi's YTMusic() accepts.

    ytmusicapi's parser decides whether the headers are usable; only when it refuses does this
    look at the text itself, to say which required header is absent. The signed-in cookie is
    checked with the function YTMusic() itself uses, so a signed-out browser's headers are
    refused here rather than when the first sync builds the client.
    """
    from http.cookies import CookieError

    from ytmusicapi.auth.browser import setup_browser
    from ytmusicapi.exceptions import YTMusicError
    from ytmusicapi.helpers import sapisid_from_cookie

    copy_again = "Copy those of a POST request to “browse” while signed in."
    if not raw.strip():
        raise HeadersError("Paste the request headers first.")
    try:
        headers = str(setup_browser(filepath=None, headers_raw=raw))
    except YTMusicError as error:
        # Header names as browsers copy them: "Name: value" (Firefox), "name:" with the value
        # on the next line, or a bare name line (Chrome). A URL ("https://…") is not one.
        named: set[str] = set()
        bare: set[str] = set()
        for line in raw.splitlines():
            name, colon, rest = line.strip().removeprefix(":").partition(":")
            if not name.replace("-", "").isalnum():
                continue
            if colon and not rest[:1].strip():
                named.add(name.lower())
            elif not colon:
                bare.add(name.lower())
        required = {"cookie": "Cookie", "x-goog-authuser": "X-Goog-AuthUser"}
        names = named | (bare & required.keys())
        missing = [label for key, label in required.items() if key not in names]
        if not names:
            message = (
                "This is not a list of request headers. "
                "Copy them from a request in the browser's Network tab."
            )
        elif missing:
            verb = "is" if len(missing) == 1 else "are"
            message = f"Not the right headers: {' and '.join(missing)} {verb} missing. {copy_again}"
        else:
            message = f"These headers could not be read. {copy_again}"
        raise HeadersError(message) from error
    try:
        sapisid_from_cookie(str(json.loads(headers).get("cookie", "")))
    except (KeyError, CookieError) as error:
        raise HeadersError(
            "The Cookie has no __Secure-3PAPISID, so the browser was not signed in. "
            "Sign in at music.youtube.com and copy the headers again."
        ) from error
    return headers


def _google(request: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """One call to Google's OAuth endpoints; its refusals become PermissionError."""
    from ytmusicapi.exceptions import YTMusicError

    try:
        return request()
    except YTMusicError as error:
        raise PermissionError(str(error).split(". ")[0]) from error
    except ValueError as error:  # not JSON: not Google's answer
        raise PermissionError("Google's answer could not be read") from error


class YTMusicOAuthLogin:
    """Google's device flow with the person's own OAuth client (ID and secret).

    `user_code` and `verification_url` are shown to the person, who enters the code on that
    page; `finish` polls until Google says yes, then keeps the token in the keyring.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        store: SecretStore,
        session: requests.Session | None = None,
    ) -> None:
        from ytmusicapi.auth.oauth import OAuthCredentials

        self.client_id, self.client_secret = client_id.strip(), client_secret.strip()
        self.store = store
        self.credentials = OAuthCredentials(self.client_id, self.client_secret, session)
        self._code: dict[str, Any] = _google(lambda: dict(self.credentials.get_code()))
        if "device_code" not in self._code:
            raise PermissionError(f"Google refused the client: {self._code.get('error', '?')}")
        self._stop = threading.Event()

    @property
    def user_code(self) -> str:
        return str(self._code.get("user_code", ""))

    @property
    def verification_url(self) -> str:
        return str(self._code.get("verification_url", "https://www.google.com/device"))

    def cancel(self) -> None:
        self._stop.set()

    def finish(self, timeout: float = 300.0) -> None:
        interval = float(self._code.get("interval", 5))
        device_code = str(self._code["device_code"])

        def poll() -> dict[str, Any]:
            return dict(self.credentials.token_from_code(device_code))

        deadline = time.monotonic() + min(timeout, float(self._code.get("expires_in", timeout)))
        while time.monotonic() < deadline:
            token = _google(poll)
            if "access_token" in token:
                token["expires_at"] = int(time.time()) + int(token.get("expires_in", 3600))
                saved = {"client_id": self.client_id, "client_secret": self.client_secret}
                self.store.set(YTMUSIC_OAUTH, json.dumps({**saved, "token": token}))
                return
            error = token.get("error")
            if error == "slow_down":
                interval += 5
            elif error != "authorization_pending":
                raise PermissionError(f"Google refused the sign-in ({error})")
            if self._stop.wait(interval):
                raise PermissionError("the sign-in was cancelled")
        raise TimeoutError("the code was not entered in time: try again")


class Accounts:
    """What is connected, and the adapters for it."""

    def __init__(self, store: SecretStore | None = None) -> None:
        self.store = store or SecretStore()

    def connected(self, service: ServiceId) -> bool:
        if service is ServiceId.SPOTIFY:
            return bool(self.store.get(SPOTIFY_CLIENT_ID) and self.store.get(SPOTIFY_TOKEN))
        if service is ServiceId.YTMUSIC:
            return bool(self.store.get(YTMUSIC_AUTH) or self.store.get(YTMUSIC_OAUTH))
        return False  # playlist files have no account

    def services(
        self, throttles: dict[ServiceId, Throttle]
    ) -> dict[ServiceId, MusicService] | None:
        """Both real services when both are connected, else None (use the demo library).

        Every request each one sends — token refreshes included — passes its throttle.
        """
        if not all(self.connected(s) for s in ONLINE_SERVICES):
            return None
        return {s: self.service(s, throttles[s]) for s in ONLINE_SERVICES}

    def service(self, service: ServiceId, throttle: Throttle) -> MusicService:
        """The adapter of one connected service (a sync from a playlist file needs only its
        target connected). Every request it sends passes `throttle`."""
        from songbird_gui.services import spotify, ytmusic
        from songbird_gui.services.http_session import http_session

        if service is ServiceId.SPOTIFY:
            from songbird_gui.services.spotify_auth import KeyringCacheHandler, spotify_client

            client_id = self.store.get(SPOTIFY_CLIENT_ID) or ""
            cache = KeyringCacheHandler(self.store)
            session = http_session(throttle, spotify.classify)
            client = spotify_client(client_id, cache, session=session)
            return spotify.SpotifyService(client, throttle)
        from ytmusicapi import YTMusic

        session = http_session(throttle, ytmusic.classify)
        return ytmusic.YTMusicService(self._ytmusic_client(YTMusic, session), throttle)

    def _ytmusic_client(self, ytmusic: Any, session: requests.Session) -> Any:
        oauth = self.store.get(YTMUSIC_OAUTH)
        if oauth:
            from ytmusicapi.auth.oauth import OAuthCredentials

            saved = json.loads(oauth)
            # The token refresh goes through the same session: paced like any request.
            credentials = OAuthCredentials(
                saved["client_id"], saved["client_secret"], session=session
            )
            return ytmusic(
                auth=saved["token"],
                oauth_credentials=credentials,
                language="en",
                requests_session=session,
            )
        headers = json.loads(self.store.get(YTMUSIC_AUTH) or "{}")
        return ytmusic(auth=headers, language="en", requests_session=session)

    def start_ytmusic_oauth(self, client_id: str, client_secret: str) -> YTMusicOAuthLogin:
        if not client_id.strip() or not client_secret.strip():
            raise ValueError("both the OAuth client ID and its secret are needed")
        from songbird_gui.services.http_session import http_session

        return YTMusicOAuthLogin(client_id, client_secret, self.store, http_session())

    def start_spotify_login(self, client_id: str) -> SpotifyLogin:
        from songbird_gui.services.spotify_auth import KeyringCacheHandler, SpotifyLogin

        client_id = client_id.strip()
        if not client_id.isalnum() or len(client_id) != 32:
            raise ValueError("a Spotify client ID is 32 letters and digits, from your app's page")
        self.store.set(SPOTIFY_CLIENT_ID, client_id)
        return SpotifyLogin(client_id, KeyringCacheHandler(self.store))

    def save_ytmusic_headers(self, raw: str) -> None:
        self.store.set(YTMUSIC_AUTH, parse_ytmusic_headers(raw))

    def disconnect(self, service: ServiceId) -> None:
        if service is ServiceId.SPOTIFY:
            self.store.delete(SPOTIFY_TOKEN)
            self.store.delete(SPOTIFY_CLIENT_ID)
        else:
            self.store.delete(YTMUSIC_AUTH)
            self.store.delete(YTMUSIC_OAUTH)
