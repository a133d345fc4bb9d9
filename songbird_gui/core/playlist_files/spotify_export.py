"""Spotify's account data export (Account privacy ▸ Download your data): read, and written
for the demo library.

Every Spotify user can download it, with or without Premium or a developer app. Its
playlists are in `Playlist1.json` (`Playlist2.json`… when there are many), its liked songs in
`YourLibrary.json`:

    {"playlists": [{"name", "lastModifiedDate", "description", "numberOfFollowers",
                    "items": [{"track": {"trackName", "artistName", "albumName", "trackUri"},
                               "episode", "audiobook", "localTrack", "addedDate"}]}]}
    {"tracks": [{"artist", "album", "track", "uri"}], "albums": [...], "shows": [...], ...}

As seen in public samples (tests/fixtures/playlist_files/README.md): one of `track`,
`episode`, `audiobook` (2025 on) or `localTrack` is set and the others are null; exports
before about 2021 have no `trackUri` and no `addedDate`; `artistName` joins several artists
with ", " (kept as written: where one name ends is not known); `albumName` may be empty;
`description` may be null and is HTML-escaped ("i&#x27;m"); a local file is
`{"uri": "spotify:local:Artist:Album:Title:Seconds"}` with `+` for spaces. There is no length,
no ISRC and no explicit flag: they stay unknown.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from typing import Any, TextIO
from urllib.parse import quote_plus, unquote_plus

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.playlist_files.json_stream import JsonStream, MissingMember
from songbird_gui.core.playlist_files.model import FilePlaylist, file_track, unsyncable_entry
from songbird_gui.core.track_links import spotify_uri
from songbird_gui.core.types import PlaylistKind, Track, TrackKind

_PLAYLIST_FILE = re.compile(r"playlist\d*\.json", re.IGNORECASE)
LIBRARY_FILE = "YourLibrary.json"
LIKED_SONGS = "Liked Songs"
# Where Spotify's zip puts the files.
EXPORT_FOLDER = "Spotify Account Data"


def is_playlist_file(name: str) -> bool:
    return bool(_PLAYLIST_FILE.fullmatch(PurePosixPath(name).name))


def is_library_file(name: str) -> bool:
    return PurePosixPath(name).name.casefold() == LIBRARY_FILE.casefold()


def export_order(name: str) -> tuple[int, int]:
    """Playlist1.json, Playlist2.json, … Playlist10.json, then YourLibrary.json."""
    digits = re.sub(r"\D", "", PurePosixPath(name).name)
    return (1, 0) if is_library_file(name) else (0, int(digits or 0))


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _local_file(local: dict[str, Any]) -> Track:
    """A file the person added to Spotify from their own disk: listed, never synced."""
    title, artist = _text(local.get("trackName")), _text(local.get("artistName"))
    uri = _text(local.get("uri"))
    if uri.startswith("spotify:local:") and not title:
        fields = [unquote_plus(part) for part in uri.removeprefix("spotify:local:").split(":")]
        artist = fields[0] if fields else ""
        title = fields[2] if len(fields) > 2 else ""
    return unsyncable_entry(TrackKind.LOCAL_FILE, title, (artist,) if artist else ())


def _entry(item: Any) -> Track:
    item = _mapping(item)
    track = _mapping(item.get("track"))
    if track:
        artist = _text(track.get("artistName"))
        return file_track(
            _text(track.get("trackName")),
            (artist,) if artist else (),
            _text(track.get("albumName")) or None,
            names=(_text(track.get("trackUri")),),
        )
    if episode := _mapping(item.get("episode")):
        show = _text(episode.get("showName"))
        return unsyncable_entry(
            TrackKind.EPISODE, _text(episode.get("episodeName")), (show,) if show else ()
        )
    if audiobook := _mapping(item.get("audiobook")):
        names = (_text(v) for k, v in audiobook.items() if k.endswith("Name"))
        return unsyncable_entry(TrackKind.AUDIOBOOK, next((n for n in names if n), ""))
    if local := _mapping(item.get("localTrack")):
        return _local_file(local)
    return unsyncable_entry(TrackKind.UNAVAILABLE)


def _playlist(raw: Any, file: str) -> FilePlaylist | None:
    raw = _mapping(raw)
    name = html.unescape(_text(raw.get("name")))
    if not name:
        return None
    items = raw.get("items")
    return FilePlaylist(
        name=name,
        tracks=tuple(_entry(item) for item in (items if isinstance(items, list) else ())),
        file=file,
        description=html.unescape(_text(raw.get("description"))),
        modified=_text(raw.get("lastModifiedDate")),
    )


def read_playlists(
    stream: TextIO, file: str, cancel: CancelToken | None = None
) -> Iterator[FilePlaylist]:
    """The playlists of one Playlist*.json, one at a time (JsonShapeError if it is not one)."""
    reader = JsonStream(stream, cancel)
    found = False
    for key in reader.members():
        if key == "playlists" and reader.peek() == "[":
            found = True
            for raw in reader.items():
                playlist = _playlist(raw, file)
                if playlist is not None:
                    yield playlist
        else:
            reader.value()
    reader.end()
    if not found:
        raise MissingMember('it has no "playlists" list')


def _liked(raw: Any) -> Track:
    raw = _mapping(raw)
    artist = _text(raw.get("artist"))
    return file_track(
        _text(raw.get("track")),
        (artist,) if artist else (),
        _text(raw.get("album")) or None,
        names=(_text(raw.get("uri")),),
    )


def read_liked(stream: TextIO, file: str, cancel: CancelToken | None = None) -> FilePlaylist:
    """YourLibrary.json's liked songs, as the playlist "Liked Songs" (kind LIKED)."""
    reader = JsonStream(stream, cancel)
    tracks: list[Track] | None = None
    for key in reader.members():
        if key == "tracks" and reader.peek() == "[":
            tracks = [_liked(raw) for raw in reader.items()]
        else:
            reader.value()
    reader.end()
    if tracks is None:
        raise MissingMember('it has no "tracks" list')
    return FilePlaylist(LIKED_SONGS, tuple(tracks), file, PlaylistKind.LIKED)


# -- writing (the demo library's own export) --------------------------------------------------


def _export_item(track: Track, added: str) -> dict[str, Any]:
    item: dict[str, Any] = {"track": None, "episode": None, "audiobook": None, "localTrack": None}
    artists = ", ".join(track.artists)
    if track.kind is TrackKind.EPISODE:
        item["episode"] = {
            "episodeName": track.title,
            "showName": artists,
            "episodeUri": f"spotify:episode:{track.id}" if track.id else "",
        }
    elif track.kind is TrackKind.LOCAL_FILE:
        fields = [artists, track.album or "", track.title, str((track.duration_ms or 0) // 1000)]
        item["localTrack"] = {"uri": "spotify:local:" + ":".join(quote_plus(f) for f in fields)}
    elif track.kind is not TrackKind.UNAVAILABLE:
        item["track"] = {
            "trackName": track.title,
            "artistName": artists,
            "albumName": track.album or "",
            "trackUri": spotify_uri(track) or "",
        }
    return {**item, "addedDate": added}


def export_files(
    playlists: Iterable[tuple[str, str, Iterable[Track]]],
    liked: Iterable[Track],
    date: str,
    per_file: int = 200,
) -> dict[str, str]:
    """The files of a Spotify data export holding `playlists` ((name, description, tracks)
    each) and the `liked` songs, as Spotify writes them: file name -> JSON text.

    No length, ISRC or explicit flag, as in Spotify's own; `per_file` playlists a file, as
    Spotify splits a large account into Playlist1.json, Playlist2.json, …
    """
    rows = [
        {
            "name": name,
            "lastModifiedDate": date,
            "collaborators": [],
            "items": [_export_item(track, date) for track in tracks],
            "description": html.escape(description) if description else None,
            "numberOfFollowers": 0,
        }
        for name, description, tracks in playlists
    ]
    files = {}
    for number, start in enumerate(range(0, max(len(rows), 1), per_file), start=1):
        body = {"playlists": rows[start : start + per_file]}
        files[f"Playlist{number}.json"] = json.dumps(body, ensure_ascii=False, indent=2)
    library = {
        "tracks": [
            {
                "artist": t.artists[0] if t.artists else "",  # the first only, as Spotify's
                "album": t.album or "",
                "track": t.title,
                "uri": spotify_uri(t) or "",
            }
            for t in liked
        ],
        "albums": [],
        "shows": [],
        "episodes": [],
        "bannedTracks": [],
        "artists": [],
        "bannedArtists": [],
        "other": [],
    }
    files[LIBRARY_FILE] = json.dumps(library, ensure_ascii=False, indent=2)
    return files
