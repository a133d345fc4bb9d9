"""The Spotify adapter: spotipy's dicts in, core types out; spotipy's errors, core errors.

It follows Spotify's 2026 Web API: playlist entries come from `playlist_items` (the /items
endpoint; /tracks is gone) and carry the track under `item` (older answers: `track`);
playlists are created with `current_user_playlist_create` (POST /me/playlists); a search
returns at most 10 results. Entries that cannot be synced — removed tracks (no id, empty
name, duration 0), local files, podcast episodes, null items — become tracks of the matching
kind, so the window shows them with a reason instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, TypeVar

import requests
import spotipy

from songbird_gui.core.errors import (
    AuthExpired,
    PermanentError,
    RateLimited,
    ServiceError,
    TransientError,
)
from songbird_gui.core.normalize import parse_title
from songbird_gui.core.service import ServiceLimits
from songbird_gui.core.types import (
    LIKED_PLAYLIST_ID,
    Playlist,
    PlaylistKind,
    SearchQuery,
    ServiceId,
    Track,
    TrackKind,
)

T = TypeVar("T")
SEARCH_LIMIT = 10  # Spotify's 2026 maximum per search request
PAGE_LIMIT = 50


def translate_errors(request: Callable[[], T]) -> T:
    """Run one spotipy call, turning its failures into core errors with readable messages."""
    try:
        return request()
    except spotipy.SpotifyException as error:
        status = error.http_status
        if status == 429:
            retry_after = _retry_after(error.headers)
            raise RateLimited("Spotify asked us to slow down", retry_after) from error
        if status == 401:
            raise AuthExpired("the Spotify session has expired: please reconnect") from error
        if status is not None and status >= 500:
            raise TransientError(f"Spotify failed ({status}); trying again") from error
        reason = (error.msg or "").split(":", 2)[-1].strip() or "request refused"
        raise PermanentError(f"Spotify refused the request ({status}): {reason}") from error
    except (requests.ConnectionError, requests.Timeout) as error:
        raise TransientError("Spotify could not be reached") from error
    except requests.RequestException as error:
        raise TransientError(f"the request to Spotify failed: {type(error).__name__}") from error
    except ServiceError:
        raise
    except (ValueError, KeyError, TypeError) as error:
        raise TransientError("Spotify sent an answer that could not be read") from error


def _retry_after(headers: Any) -> float | None:
    try:
        value = (headers or {}).get("Retry-After")
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def track_from_spotify(item: Any, is_local: bool = False) -> Track:
    """A core track from a Spotify track or episode object (or None for a null entry)."""
    if not isinstance(item, dict):
        return Track(ServiceId.SPOTIFY, None, "", kind=TrackKind.UNAVAILABLE)
    title = str(item.get("name") or "")
    artists = tuple(
        str(a.get("name"))
        for a in item.get("artists") or ()
        if isinstance(a, dict) and a.get("name")
    )
    album = item.get("album") if isinstance(item.get("album"), dict) else None
    show = item.get("show") if isinstance(item.get("show"), dict) else None
    duration = item.get("duration_ms")
    track_id = item.get("id") or None
    if item.get("type") == "episode":
        kind = TrackKind.EPISODE
        artists = artists or ((str(show.get("publisher") or show.get("name")),) if show else ())
    elif is_local or item.get("is_local"):
        kind = TrackKind.LOCAL_FILE
        track_id = None
    elif not track_id or not title or not duration:
        kind = TrackKind.UNAVAILABLE  # removed from Spotify: no id, no name, duration 0
    else:
        kind = TrackKind.SONG
    external_ids = item.get("external_ids")
    external: dict[str, Any] = external_ids if isinstance(external_ids, dict) else {}
    return Track(
        service=ServiceId.SPOTIFY,
        id=track_id,
        title=title,
        artists=artists,
        album=str(album.get("name")) if album and album.get("name") else None,
        duration_ms=int(duration) if isinstance(duration, int | float) and duration > 0 else None,
        isrc=str(external["isrc"]) if external.get("isrc") else None,
        explicit=bool(item.get("explicit")),
        kind=kind,
    )


def entry_to_track(entry: Any) -> Track:
    """A playlist or saved-tracks entry: the 2026 `item`, or the older `track`."""
    if not isinstance(entry, dict):
        return track_from_spotify(None)
    item = entry.get("item", entry.get("track"))
    return track_from_spotify(item, bool(entry.get("is_local")))


def _field(text: str) -> str:
    return text.replace('"', " ").strip()


class SpotifyService:
    """The `MusicService` adapter over a ready `spotipy.Spotify` client."""

    service_id = ServiceId.SPOTIFY
    limits = ServiceLimits(add_batch_size=100)

    def __init__(self, client: spotipy.Spotify) -> None:
        self.client = client
        self._user: dict[str, Any] | None = None

    # -- reading ---------------------------------------------------------------------------

    def _pages(self, first: Callable[[], Any]) -> Iterator[dict[str, Any]]:
        page = translate_errors(first)
        while isinstance(page, dict):
            yield from page.get("items") or ()
            if not page.get("next"):
                return
            page = translate_errors(partial(self.client.next, page))

    def _me(self) -> dict[str, Any]:
        if self._user is None:
            self._user = translate_errors(self.client.me) or {}
        return self._user

    def list_playlists(self) -> list[Playlist]:
        me = self._me()
        owner_name = str(me.get("display_name") or me.get("id") or "")
        playlists = [
            Playlist(
                ServiceId.SPOTIFY,
                LIKED_PLAYLIST_ID,
                "Liked Songs",
                owner_name,
                None,
                PlaylistKind.LIKED,
            )
        ]
        for entry in self._pages(lambda: self.client.current_user_playlists(limit=PAGE_LIMIT)):
            if not isinstance(entry, dict) or not entry.get("id"):
                continue
            counts = entry.get("items") or entry.get("tracks") or {}
            owner = entry.get("owner") or {}
            playlists.append(
                Playlist(
                    ServiceId.SPOTIFY,
                    str(entry["id"]),
                    str(entry.get("name") or "(no name)"),
                    str(owner.get("display_name") or owner.get("id") or ""),
                    counts.get("total") if isinstance(counts, dict) else None,
                )
            )
        return playlists

    def playlist_tracks(self, playlist: Playlist) -> list[Track]:
        if playlist.is_liked:
            first = lambda: self.client.current_user_saved_tracks(limit=PAGE_LIMIT)  # noqa: E731
        else:
            first = lambda: self.client.playlist_items(playlist.id, limit=100)  # noqa: E731
        return [entry_to_track(entry) for entry in self._pages(first)]

    # -- searching -------------------------------------------------------------------------

    def search_queries(self, track: Track) -> list[SearchQuery]:
        parsed = parse_title(track.title)
        title = _field(parsed.base or track.title)
        versions = " ".join(sorted(parsed.versions))
        if track.artists:
            artist = _field(track.artists[0])
            field = f'track:"{title}" artist:"{artist}" {versions}'.strip()
            free = f"{title} {versions} {artist}".strip()
        else:  # the person's own words: no field to fill
            field, free = f'track:"{title}" {versions}'.strip(), title
        return [SearchQuery(field, "field"), SearchQuery(" ".join(free.split()), "free")]

    def search(self, query: SearchQuery) -> list[Track]:
        answer = translate_errors(
            lambda: self.client.search(query.text, limit=SEARCH_LIMIT, type="track")
        )
        items = ((answer or {}).get("tracks") or {}).get("items") or ()
        tracks = [track_from_spotify(item) for item in items]
        return [t for t in tracks if t.kind is TrackKind.SONG]

    # -- writing ---------------------------------------------------------------------------

    def create_playlist(self, name: str, description: str) -> Playlist:
        created = translate_errors(
            lambda: self.client.current_user_playlist_create(
                name, public=False, description=description
            )
        )
        if not isinstance(created, dict) or not created.get("id"):
            raise PermanentError("Spotify did not create the playlist")
        owner = created.get("owner") or {}
        return Playlist(
            ServiceId.SPOTIFY,
            str(created["id"]),
            str(created.get("name") or name),
            str(owner.get("display_name") or owner.get("id") or ""),
            0,
        )

    def add_tracks(self, playlist: Playlist, track_ids: Sequence[str]) -> None:
        if len(track_ids) > self.limits.add_batch_size:
            raise PermanentError("too many tracks for one request")
        ids = list(track_ids)
        if playlist.is_liked:
            translate_errors(lambda: self.client.current_user_saved_tracks_add(ids))
            return
        uris = [f"spotify:track:{i}" for i in ids]
        translate_errors(lambda: self.client.playlist_add_items(playlist.id, uris))
