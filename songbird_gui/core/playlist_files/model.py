"""What a playlist file holds once read, and the one error a file that cannot be read gives.

Every reader gives `FilePlaylist`s of the project's own `Track`s, so that a file's playlist
is planned, matched and remembered exactly as a service's is. A track that names a service's
track (a Spotify URI, a YouTube Music link) is that service's track; any other is a file
track (`ServiceId.FILE`), known by its words (`file_track_id`), so that reading the same
file again, or another file listing the same song, finds what Songbird remembers of it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from songbird_gui.core.errors import PermanentError
from songbird_gui.core.normalize import fold
from songbird_gui.core.track_links import named_track
from songbird_gui.core.types import PlaylistKind, ServiceId, Track, TrackKind

# A bigger file is refused without being read: no person's playlists come near it, and the
# readers keep what they read of it (see README, "Playlists from files").
MAX_FILE_BYTES = 500 * 1024 * 1024


class PlaylistFileError(PermanentError):
    """A playlist file that cannot be read or written; `str(error)` is one sentence saying
    which file and why (unreadable, not a playlist format, no playlists in it, not UTF-8,
    too large). Nothing is written when it is raised."""


class FileFormat(StrEnum):
    """The formats Songbird reads (all) and writes (all but the Spotify data export)."""

    SPOTIFY_EXPORT = "spotify-export"  # Spotify's account data: Playlist*.json, YourLibrary.json
    CSV = "csv"  # Exportify's and others', read by header names
    M3U8 = "m3u8"  # also .m3u
    XSPF = "xspf"
    JSPF = "jspf"

    @property
    def suffix(self) -> str:
        return ".json" if self is FileFormat.SPOTIFY_EXPORT else f".{self.value}"


WRITABLE_FORMATS = (FileFormat.CSV, FileFormat.JSPF, FileFormat.XSPF, FileFormat.M3U8)


@dataclass(frozen=True, slots=True)
class FilePlaylist:
    """One playlist read from a file: its tracks in order, unsyncable entries included.

    `kind` is LIKED for the liked songs of a Spotify data export (YourLibrary.json).
    `file` is the name of the file it was read from (inside the zip, for a zip).
    """

    name: str
    tracks: tuple[Track, ...]
    file: str
    kind: PlaylistKind = PlaylistKind.NORMAL
    description: str = ""
    modified: str = ""  # the date the file gives, as it gives it ("2024-03-01"), or ""


def file_track_id(title: str, artists: tuple[str, ...], album: str | None) -> str:
    """A file track's id: the same words give the same id, in any file, at any reading.

    Folded, so that case and punctuation do not matter; the album is part of it, since two
    songs of one title and artist on two albums ("Intro") are two songs.
    """
    words = "\x1f".join([fold(title), *(fold(a) for a in artists), fold(album or "")])
    return hashlib.blake2b(words.encode("utf-8"), digest_size=10).hexdigest()


def file_track(
    title: str,
    artists: tuple[str, ...] = (),
    album: str | None = None,
    duration_ms: int | None = None,
    *,
    isrc: str | None = None,
    explicit: bool | None = None,
    names: tuple[str, ...] = (),
) -> Track:
    """A track as a file describes it; `names` are the URIs or links the file gives for it.

    The first name that is a service's track makes it that service's track; otherwise it is
    a file track known by its words. What the file does not say is unknown (None).
    """
    title = title.strip()
    artists = tuple(a.strip() for a in artists if a and a.strip())
    album = (album or "").strip() or None
    for name in names:
        named = named_track(name) if name else None
        if named:
            service, track_id = named
            return Track(service, track_id, title, artists, album, duration_ms, isrc, explicit)
    kind = TrackKind.SONG if title else TrackKind.UNAVAILABLE
    own_id = file_track_id(title, artists, album) if title else None
    return Track(ServiceId.FILE, own_id, title, artists, album, duration_ms, isrc, explicit, kind)


def unsyncable_entry(kind: TrackKind, title: str = "", artists: tuple[str, ...] = ()) -> Track:
    """An entry that is not a song (an episode, an audiobook, a local file, nothing at all):
    listed with its reason, never searched."""
    return Track(ServiceId.FILE, None, title, artists, kind=kind)
