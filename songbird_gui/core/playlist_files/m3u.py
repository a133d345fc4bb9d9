"""M3U and M3U8 playlists: read, and written as M3U8 (UTF-8).

A line `#EXTINF:<seconds>,<Artist> - <Title>` describes the location on the next line (a
path or a link); `#PLAYLIST:` names the playlist, `#EXTALB:` and `#EXTART:` give album and
artist. An entry without `#EXTINF` is known by its file name ("Artist - Title.mp3"). A link
to a service's track makes the entry that track. `-1` seconds is an unknown length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import TextIO
from urllib.parse import unquote, urlsplit

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import Cancelled
from songbird_gui.core.playlist_files.model import FilePlaylist, file_track
from songbird_gui.core.track_links import track_link
from songbird_gui.core.types import Track

_EXTINF = re.compile(r"#EXTINF:\s*(-?\d+(?:\.\d+)?)[^,]*,(.*)", re.IGNORECASE)


_ARTIST_DASH = re.compile(r"\s[-–—]\s")  # "Artist - Title", or with an en or em dash


def split_artist_title(text: str) -> tuple[tuple[str, ...], str]:
    """ "Artist - Title" as (("Artist",), "Title"); a text without such a dash is all title."""
    parts = _ARTIST_DASH.split(text, maxsplit=1)
    if len(parts) == 2 and parts[0].strip() and parts[1].strip():
        return (parts[0].strip(),), parts[1].strip()
    return (), text.strip()


@dataclass
class _Pending:
    """What the lines before a location said of it."""

    seconds: float | None = None
    words: str = ""
    album: str = ""
    artist: str = ""

    def track(self, location: str) -> Track:
        words = self.words
        if not words and location:
            path = unquote(urlsplit(location).path) if "://" in location else location
            words = PurePath(path.replace("\\", "/")).stem
        artists, title = split_artist_title(words)
        if self.artist:
            artists = (self.artist,)
        duration = round(self.seconds * 1000) if self.seconds and self.seconds > 0 else None
        return file_track(title, artists, self.album or None, duration, names=(location,))


def _entries(stream: TextIO, cancel: CancelToken | None) -> Iterator[str | Track]:
    """The file's tracks in order, and the playlist's name (a str) where `#PLAYLIST:` is."""
    pending = _Pending()
    for number, raw in enumerate(stream):
        if number % 5000 == 0 and cancel is not None and cancel.cancelled:
            raise Cancelled()
        line = raw.strip()
        if not line:
            continue
        upper = line[:10].upper()
        if upper.startswith("#EXTINF:"):
            if pending.words:  # the one before had no location
                yield pending.track("")
                pending = _Pending()
            found = _EXTINF.match(line)
            if found:
                pending.seconds = float(found.group(1))
                pending.words = found.group(2)
        elif upper.startswith("#PLAYLIST:"):
            yield line[len("#PLAYLIST:") :].strip()
        elif upper.startswith("#EXTALB:"):
            pending.album = line[len("#EXTALB:") :].strip()
        elif upper.startswith("#EXTART:"):
            pending.artist = line[len("#EXTART:") :].strip()
        elif not line.startswith("#"):
            yield pending.track(line)
            pending = _Pending()
    if pending.words:
        yield pending.track("")


def read_playlist(
    stream: TextIO, name: str, file: str, cancel: CancelToken | None = None
) -> FilePlaylist:
    tracks: list[Track] = []
    for value in _entries(stream, cancel):
        if isinstance(value, str):
            name = value or name
        else:
            tracks.append(value)
    return FilePlaylist(name, tuple(tracks), file)


def write_playlist(out: TextIO, name: str, tracks: Iterable[Track]) -> None:
    """#EXTM3U, the playlist's name, and each track's length, artists, title, album and link
    (a track without a link keeps its #EXTINF line alone)."""
    out.write(f"#EXTM3U\n#PLAYLIST:{_one_line(name)}\n")
    for track in tracks:
        seconds = round(track.duration_ms / 1000) if track.duration_ms else -1
        words = " - ".join(p for p in (", ".join(track.artists), track.title) if p)
        out.write(f"#EXTINF:{seconds},{_one_line(words)}\n")
        if track.album:
            out.write(f"#EXTALB:{_one_line(track.album)}\n")
        if link := track_link(track):
            out.write(link + "\n")


def _one_line(text: str) -> str:
    return " ".join(text.split())
