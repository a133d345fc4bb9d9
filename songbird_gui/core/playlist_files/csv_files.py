"""Playlists as CSV: Exportify's files (and others alike) read by their header names, and
Songbird's own written with Exportify's names, so that tools that read Exportify read them.

Exportify's columns changed over the years, and its two main lines differ (see
tests/fixtures/playlist_files/README.md): watsonbox/exportify wrote "Spotify URI", "Name",
"Artist Name" in 2015, "Track URI", "Track Name", "Artist URI(s)", "Artist Name(s)",
"Track Duration (ms)", "Explicit", "ISRC" since 2021, joins artists with ", " and escapes a
comma inside a name as "\\,", and since 2024 translates its headers (German "Track-Name",
French "Nom du titre"…); pavelkomarov/exportify wrote "Spotify ID" (a bare id), "Artist
IDs", "Duration (ms)", then "Track URI", and joins artists with ";". Columns are found by
name whatever their order; a column Songbird does not know is ignored. A CSV with a
"Playlist Name" column holds several playlists; otherwise the file's name is the playlist's.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from itertools import islice
from typing import TextIO

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import Cancelled
from songbird_gui.core.playlist_files.model import FilePlaylist, file_track
from songbird_gui.core.track_links import spotify_id, spotify_uri, track_link
from songbird_gui.core.types import Track

# Each column Songbird reads, and the names it goes by (compared folded: case, "_" and "-"
# as spaces). The translated names are Exportify's own (its src/i18n/locales).
_COLUMNS: dict[str, frozenset[str]] = {
    "uri": frozenset(
        [
            "track uri", "spotify uri", "uri", "spotify id", "spotify track uri", "link", "url",
            "track link", "track url", "رابط الأغنية (uri)", "uri κομματιού", "uri de la canción",
            "uri du titre", "uri della traccia", "トラックuri", "nummer uri", "uri da faixa",
            "låtens uri", "parça uri",
        ]
    ),
    "title": frozenset(
        [
            "track name", "name", "title", "track", "song", "song name", "track title",
            "song title", "اسم الأغنية", "όνομα κομματιού", "nombre de la canción",
            "nom du titre", "nome della traccia", "トラック名", "nummernaam", "nome da faixa",
            "låtens namn", "parça adı",
        ]
    ),
    "artists": frozenset(
        [
            "artist name(s)", "artist name", "artist names", "artist", "artists", "artist(s)",
            "creator", "künstlername(n)", "أسماء الفنانين", "όνομα/τα καλλιτέχνη",
            "nombre(s) del artista", "nom(s) de lartiste", "nome dellartista", "アーティスト名",
            "naam van artiest", "nome(s) do artista", "artistens namn", "sanatçı adı",
        ]
    ),
    "album": frozenset(
        [
            "album name", "album", "album title", "اسم الألبوم", "όνομα άλμπουμ",
            "nombre del álbum", "nom de lalbum", "nome dellalbum", "アルバム名",
            "naam van album", "nome do álbum", "albumets namn", "albüm adı",
        ]
    ),
    "duration_ms": frozenset(
        [
            "track duration (ms)", "duration (ms)", "duration ms", "length (ms)",
            "track dauer (ms)", "مدة الأغنية (بالمللي ثانية)", "διάρκεια κομματιού (ms)",
            "duración de la canción (ms)", "durée du titre (ms)", "durata della traccia (ms)",
            "トラックの長さ(ミリ秒)", "nummerduur (ms)", "duração da faixa (ms)",
            "låtlängd (ms)", "parça süresi (ms)",
        ]
    ),
    "duration": frozenset(["duration", "length", "time"]),  # "3:45", or seconds
    "isrc": frozenset(["isrc"]),
    "explicit": frozenset(
        [
            "explicit", "explicit?", "explizit", "صريح", "ακατάλληλο", "explícito", "explicite",
            "esplicito", "明示的な内容", "expliciet", "explícita", "açık i̇çerik", "açık içerik",
        ]
    ),
    "playlist": frozenset(["playlist name", "playlist", "playlist title"]),
}  # fmt: skip

_DELIMITERS = ",;\t"
_UNESCAPED_COMMA = re.compile(r"(?<!\\),")


def _header(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold().replace("_", " ").replace("-", " ")
    return " ".join(text.replace("'", "").replace("’", "").split())


_BY_HEADER = {name: column for column, names in _COLUMNS.items() for name in names}


def split_artists(text: str) -> tuple[str, ...]:
    """Exportify's "A, B" (a comma in a name escaped "\\,") or its fork's "A;B"."""
    if ";" in text:
        parts = text.split(";")
    else:
        parts = [p.replace("\\,", ",") for p in _UNESCAPED_COMMA.split(text)]
    return tuple(p.strip() for p in parts if p.strip())


def _whole_number(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and 0 < int(text) < 24 * 3600 * 1000 else None


def _duration_ms(row: dict[str, str]) -> int | None:
    if ms := _whole_number(row.get("duration_ms", "")):
        return ms
    text = row.get("duration", "").strip()
    if re.fullmatch(r"\d{1,3}(:\d{2}){1,2}", text):
        clock = 0
        for part in text.split(":"):
            clock = clock * 60 + int(part)
        return clock * 1000 or None
    seconds = _whole_number(text)
    return seconds * 1000 if seconds else None


def _explicit(text: str) -> bool | None:
    folded = text.strip().casefold()
    if folded in ("true", "yes", "1"):
        return True
    if folded in ("false", "no", "0"):
        return False
    return None


def _track(row: dict[str, str]) -> Track:
    uri = row.get("uri", "").strip()
    bare = spotify_id(uri)
    names = (f"spotify:track:{bare}",) if bare else (uri,)
    isrc = row.get("isrc", "").strip().upper() or None
    return file_track(
        row.get("title", ""),
        split_artists(row.get("artists", "")),
        row.get("album") or None,
        _duration_ms(row),
        isrc=isrc if isrc and re.fullmatch(r"[A-Z0-9]{12}", isrc) else None,
        explicit=_explicit(row.get("explicit", "")),
        names=names,
    )


class CsvShapeError(ValueError):
    """Not a playlist CSV; `str(error)` says what is missing."""


def read_playlists(
    stream: TextIO, name: str, file: str, cancel: CancelToken | None = None
) -> list[FilePlaylist]:
    """The playlists of one CSV: one named `name`, or one per "Playlist Name" value."""
    head = stream.readline()
    delimiter = max(_DELIMITERS, key=head.count)
    header = next(csv.reader([head], delimiter=delimiter), [])
    columns = [_BY_HEADER.get(_header(h)) for h in header]
    if "title" not in columns or not ({"artists", "uri"} & set(columns)):
        raise CsvShapeError("it has no columns of track names and artists or track links")
    grouped: dict[str, list[Track]] = {}
    rows = csv.reader(stream, delimiter=delimiter)
    while batch := list(islice(rows, 2000)):
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        for cells in batch:
            row: dict[str, str] = {}
            for column, cell in zip(columns, cells, strict=False):
                if column and cell:
                    row.setdefault(column, cell)  # the first of two alike ("Track URI", "Link")
            if not row:
                continue
            playlist = row.get("playlist", "").strip() or name
            grouped.setdefault(playlist, []).append(_track(row))
    if not grouped:
        grouped[name] = []
    return [FilePlaylist(n, tuple(tracks), file) for n, tracks in grouped.items()]


# -- writing ---------------------------------------------------------------------------------

HEADER = (
    "Track URI",
    "Track Name",
    "Artist Name(s)",
    "Album Name",
    "Track Duration (ms)",
    "Explicit",
    "ISRC",
    "Service",
    "Track ID",
    "Link",
)


def _row(track: Track) -> list[str]:
    link = track_link(track) or ""
    explicit = "" if track.explicit is None else str(track.explicit).lower()
    return [
        spotify_uri(track) or link,
        track.title,
        ", ".join(a.replace(",", "\\,") for a in track.artists),
        track.album or "",
        str(track.duration_ms or ""),
        explicit,
        track.isrc or "",
        str(track.service),
        track.id or "",
        link,
    ]


def write_playlist(out: TextIO, tracks: Iterable[Track]) -> None:
    """Exportify's column names (a tool that reads Exportify reads this), and the service,
    id and link of each track."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for track in tracks:
        writer.writerow(_row(track))
