"""A service track's link, and the track a link or URI in a playlist file names.

A playlist file that names a service's track (a Spotify data export's `trackUri`, an
Exportify CSV's "Track URI", a link in an M3U, XSPF or JSPF file, or one Songbird wrote) is
read as that service's track, so that it shares what Songbird remembers of it; the files
Songbird writes carry these links for the same reason, and so that a person can open them.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from songbird_gui.core.types import ServiceId, Track

_SPOTIFY_ID = re.compile(r"[0-9A-Za-z]{22}")
_YOUTUBE_ID = re.compile(r"[0-9A-Za-z_-]{11}")
_SPOTIFY_HOSTS = frozenset({"open.spotify.com", "play.spotify.com"})
_YOUTUBE_HOSTS = frozenset(
    {"music.youtube.com", "www.youtube.com", "youtube.com", "m.youtube.com", "youtu.be"}
)


def track_link(track: Track) -> str | None:
    """The web address of a service's track, or None (a file's track, no id)."""
    if not track.id:
        return None
    if track.service is ServiceId.SPOTIFY:
        return f"https://open.spotify.com/track/{track.id}"
    if track.service is ServiceId.YTMUSIC:
        return f"https://music.youtube.com/watch?v={track.id}"
    return None


def spotify_uri(track: Track) -> str | None:
    """`spotify:track:ID` for a Spotify track (what Spotify's own files and Exportify use)."""
    if track.service is ServiceId.SPOTIFY and track.id:
        return f"spotify:track:{track.id}"
    return None


def named_track(text: str) -> tuple[ServiceId, str] | None:
    """The service and id a URI or link names: `spotify:track:ID`, an open.spotify.com
    track link, a music.youtube.com, youtube.com or youtu.be video link; else None."""
    text = text.strip()
    if text.startswith("spotify:track:"):
        found = text.removeprefix("spotify:track:")
        return (ServiceId.SPOTIFY, found) if _SPOTIFY_ID.fullmatch(found) else None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https"):
        return None
    if host in _SPOTIFY_HOSTS:
        segments = [s for s in parts.path.split("/") if s]
        # "/track/ID", or with a locale first ("/intl-de/track/ID")
        if len(segments) >= 2 and segments[-2] == "track" and _SPOTIFY_ID.fullmatch(segments[-1]):
            return ServiceId.SPOTIFY, segments[-1]
        return None
    if host in _YOUTUBE_HOSTS:
        if host == "youtu.be":
            found = parts.path.strip("/")
        else:
            found = (parse_qs(parts.query).get("v") or [""])[0]
        return (ServiceId.YTMUSIC, found) if _YOUTUBE_ID.fullmatch(found) else None
    return None


def spotify_id(text: str) -> str | None:
    """A bare Spotify track id (an old Exportify "Spotify ID" column), or a URI or link's."""
    text = text.strip()
    if _SPOTIFY_ID.fullmatch(text):
        return text
    named = named_track(text)
    return named[1] if named and named[0] is ServiceId.SPOTIFY else None
