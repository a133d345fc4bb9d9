"""The YouTube Music adapter: ytmusicapi's dicts in, core types out; its errors, core errors.

The client must use language "en": ytmusicapi 1.12 recognises a filtered search's result
shelf by its English title and returns nothing for some other languages. Results are sorted
into kinds, because the same recording appears as the official song (an "ATV" track), its
official music video ("OMV") and fans' uploads ("UGC"); the matcher prefers them in that order.
Liked Music is the playlist "LM"; liking a song is how a track is "added" to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

import requests
from ytmusicapi import LikeStatus, YTMusic
from ytmusicapi.exceptions import YTMusicError, YTMusicServerError, YTMusicUserError

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
LIKED_MUSIC = "LM"
SEARCH_LIMIT = 20
_STATUS_RE = re.compile(r"HTTP (\d{3})")

_VIDEO_KINDS = {
    "MUSIC_VIDEO_TYPE_ATV": TrackKind.SONG,  # the official audio track ("Topic" channel)
    "MUSIC_VIDEO_TYPE_OMV": TrackKind.MUSIC_VIDEO,
    "MUSIC_VIDEO_TYPE_OFFICIAL_SOURCE_MUSIC": TrackKind.MUSIC_VIDEO,
    "MUSIC_VIDEO_TYPE_UGC": TrackKind.UPLOAD,
    "MUSIC_VIDEO_TYPE_PRIVATELY_OWNED_TRACK": TrackKind.UPLOAD,
    "MUSIC_VIDEO_TYPE_PODCAST_EPISODE": TrackKind.EPISODE,
}


def translate_errors(request: Callable[[], T]) -> T:
    """Run one ytmusicapi call, turning its failures into core errors."""
    try:
        return request()
    except YTMusicServerError as error:
        match = _STATUS_RE.search(str(error))
        status = int(match.group(1)) if match else None
        if status == 429:
            raise RateLimited("YouTube Music asked us to slow down", None) from error
        if status in (401, 403):
            raise AuthExpired("the YouTube Music session has expired: please reconnect") from error
        if status is None or status >= 500:
            raise TransientError("YouTube Music failed; trying again") from error
        raise PermanentError(f"YouTube Music refused the request ({status})") from error
    except YTMusicUserError as error:
        raise PermanentError(f"YouTube Music: {error}") from error
    except YTMusicError as error:
        raise TransientError(f"YouTube Music: {error}") from error
    except (requests.ConnectionError, requests.Timeout) as error:
        raise TransientError("YouTube Music could not be reached") from error
    except requests.RequestException as error:
        raise TransientError(
            f"the request to YouTube Music failed: {type(error).__name__}"
        ) from error
    except ServiceError:
        raise
    except (ValueError, KeyError, TypeError, IndexError) as error:
        # ytmusicapi parses YouTube's page structure; a changed page breaks its parser.
        raise TransientError("YouTube Music sent an answer that could not be read") from error


def _seconds(item: dict[str, Any]) -> int | None:
    value = item.get("duration_seconds")
    if isinstance(value, int | float) and value > 0:
        return int(value)
    text = item.get("duration") or item.get("length")
    if isinstance(text, str) and re.fullmatch(r"\d+(:\d{1,2}){1,2}", text.strip()):
        seconds = 0
        for part in text.strip().split(":"):
            seconds = seconds * 60 + int(part)
        return seconds
    return None


def kind_of(item: dict[str, Any]) -> TrackKind:
    result_type = item.get("resultType")
    if result_type in ("episode", "podcast"):
        return TrackKind.EPISODE
    if result_type == "song":
        return TrackKind.SONG
    kind = _VIDEO_KINDS.get(str(item.get("videoType")))
    if kind is not None:
        return kind
    return TrackKind.UPLOAD if result_type == "video" else TrackKind.SONG


def track_from_ytmusic(item: Any) -> Track:
    """A core track from a search result or a playlist entry."""
    if not isinstance(item, dict):
        return Track(ServiceId.YTMUSIC, None, "", kind=TrackKind.UNAVAILABLE)
    kind = kind_of(item)
    if item.get("isAvailable") is False or not item.get("videoId"):
        kind = TrackKind.UNAVAILABLE if kind is not TrackKind.EPISODE else kind
    album = item.get("album") if isinstance(item.get("album"), dict) else None
    seconds = _seconds(item)
    return Track(
        service=ServiceId.YTMUSIC,
        id=item.get("videoId") or None,
        title=str(item.get("title") or ""),
        artists=tuple(
            str(a["name"])
            for a in item.get("artists") or ()
            if isinstance(a, dict) and a.get("name")
        ),
        album=str(album["name"]) if album and album.get("name") else None,
        duration_ms=seconds * 1000 if seconds else None,
        isrc=None,  # YouTube Music does not say
        explicit=bool(item.get("isExplicit")),
        kind=kind,
    )


class YTMusicService:
    """The `MusicService` adapter over a ready `ytmusicapi.YTMusic` client."""

    service_id = ServiceId.YTMUSIC
    limits = ServiceLimits(add_batch_size=25, playlist_cap=5000)

    def __init__(self, client: YTMusic) -> None:
        self.client = client

    def _remote_id(self, playlist: Playlist) -> str:
        return LIKED_MUSIC if playlist.is_liked else playlist.id

    def list_playlists(self) -> list[Playlist]:
        rows = translate_errors(lambda: self.client.get_library_playlists(limit=None)) or []
        liked = Playlist(
            ServiceId.YTMUSIC, LIKED_PLAYLIST_ID, "Liked Music", "", None, PlaylistKind.LIKED
        )
        playlists = [liked]
        for row in rows:
            if (
                not isinstance(row, dict)
                or not row.get("playlistId")
                or row["playlistId"] == LIKED_MUSIC
            ):
                continue
            count = row.get("count")
            authors = row.get("author") or []
            owner = authors[0].get("name", "") if authors and isinstance(authors[0], dict) else ""
            playlists.append(
                Playlist(
                    ServiceId.YTMUSIC,
                    str(row["playlistId"]),
                    str(row.get("title") or "(no name)"),
                    str(owner),
                    _count(count),
                )
            )
        return playlists

    def playlist_tracks(self, playlist: Playlist) -> list[Track]:
        answer = translate_errors(
            lambda: self.client.get_playlist(self._remote_id(playlist), limit=None)
        )
        entries = (answer or {}).get("tracks") or []
        return [track_from_ytmusic(entry) for entry in entries]

    def search_queries(self, track: Track) -> list[SearchQuery]:
        parsed = parse_title(track.title)
        words = " ".join([parsed.base or track.title, *sorted(parsed.versions), *track.artists[:2]])
        text = " ".join(words.split())
        return [SearchQuery(text, "songs"), SearchQuery(text, "videos")]

    def search(self, query: SearchQuery) -> list[Track]:
        search_filter: Literal["songs", "videos"] | None = (
            "videos" if query.kind == "videos" else "songs" if query.kind == "songs" else None
        )
        rows = translate_errors(
            lambda: self.client.search(query.text, filter=search_filter, limit=SEARCH_LIMIT)
        )
        tracks = [track_from_ytmusic(row) for row in rows or ()]
        return [
            t
            for t in tracks
            if t.id and t.kind in (TrackKind.SONG, TrackKind.MUSIC_VIDEO, TrackKind.UPLOAD)
        ]

    def create_playlist(self, name: str, description: str) -> Playlist:
        answer = translate_errors(
            lambda: self.client.create_playlist(name, description, privacy_status="PRIVATE")
        )
        if not isinstance(answer, str) or not answer:
            raise PermanentError("YouTube Music did not create the playlist")
        return Playlist(ServiceId.YTMUSIC, answer, name, "", 0)

    def add_tracks(self, playlist: Playlist, track_ids: Sequence[str]) -> None:
        ids = list(track_ids)
        if playlist.is_liked:
            for video_id in ids:

                def like(v: str = video_id) -> object:
                    return self.client.rate_song(v, LikeStatus.LIKE)

                translate_errors(like)
            return
        answer = translate_errors(
            lambda: self.client.add_playlist_items(playlist.id, ids, duplicates=False)
        )
        status = answer.get("status") if isinstance(answer, dict) else None
        if not isinstance(status, str) or "SUCCEEDED" not in status:
            # One bad video fails the whole batch; the writer splits it to find that one.
            raise PermanentError(f"YouTube Music refused to add {len(ids)} track(s) ({status})")


def _count(value: Any) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        digits = re.sub(r"[^\d]", "", value)
        return int(digits) if digits else None
    return None
