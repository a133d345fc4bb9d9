"""Connected accounts: building the real service adapters from the secrets in the keyring.

The composition root asks `Accounts.services()`; when both services are connected the app
syncs real playlists, otherwise it stays on the demo library. The YouTube Music headers are
checked with ytmusicapi's own parser when they are pasted, so a missing cookie is reported
at once, in words, rather than as a failed sync later.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from songbird_gui.core.service import MusicService
from songbird_gui.core.types import ServiceId
from songbird_gui.services.secrets import (
    SPOTIFY_CLIENT_ID,
    SPOTIFY_TOKEN,
    YTMUSIC_AUTH,
    SecretStore,
)

if TYPE_CHECKING:
    from songbird_gui.services.spotify_auth import SpotifyLogin

# spotipy and ytmusicapi take a third of a second to import: they are imported only when an
# account is used, so the window opens as fast on the demo library as without them.


class HeadersError(ValueError):
    """Pasted YouTube Music headers that cannot work; the message says what is missing."""


def parse_ytmusic_headers(raw: str) -> str:
    """Validate browser request headers; returns the JSON ytmusicapi's YTMusic() accepts."""
    from ytmusicapi.auth.browser import setup_browser
    from ytmusicapi.exceptions import YTMusicError

    if not raw.strip():
        raise HeadersError("paste the request headers first")
    try:
        return str(setup_browser(filepath=None, headers_raw=raw))
    except YTMusicError as error:
        message = str(error).splitlines()[0]
        raise HeadersError(
            f"{message} Copy the headers of a request to music.youtube.com/youtubei/v1/browse "
            "while signed in (they must include Cookie and X-Goog-AuthUser)."
        ) from error


class Accounts:
    """What is connected, and the adapters for it."""

    def __init__(self, store: SecretStore | None = None) -> None:
        self.store = store or SecretStore()

    def connected(self, service: ServiceId) -> bool:
        if service is ServiceId.SPOTIFY:
            return bool(self.store.get(SPOTIFY_CLIENT_ID) and self.store.get(SPOTIFY_TOKEN))
        return bool(self.store.get(YTMUSIC_AUTH))

    def services(self) -> dict[ServiceId, MusicService] | None:
        """Both real services when both are connected, else None (use the demo library)."""
        if not all(self.connected(s) for s in ServiceId):
            return None
        from ytmusicapi import YTMusic

        from songbird_gui.services.spotify import SpotifyService
        from songbird_gui.services.spotify_auth import KeyringCacheHandler, spotify_client
        from songbird_gui.services.ytmusic import YTMusicService

        client_id = self.store.get(SPOTIFY_CLIENT_ID) or ""
        cache = KeyringCacheHandler(self.store)
        headers = json.loads(self.store.get(YTMUSIC_AUTH) or "{}")
        return {
            ServiceId.SPOTIFY: SpotifyService(spotify_client(client_id, cache)),
            ServiceId.YTMUSIC: YTMusicService(YTMusic(auth=headers, language="en")),
        }

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
