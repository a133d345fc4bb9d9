"""Writing a playlist to a file (CSV, JSPF, XSPF or M3U8): a backup a person can keep, and
what another tool can read.

Each track is written with its title, artists, album, length (where known), and its
service, id and link, so that Songbird (or anyone) reading the file back finds the very
track. A file is written whole or not at all: through a temporary file and a rename.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from songbird_gui.core.atomic import writing_atomically
from songbird_gui.core.playlist_files import csv_files, jspf, m3u, xspf
from songbird_gui.core.playlist_files.model import FileFormat, PlaylistFileError
from songbird_gui.core.types import Track

_NOT_IN_FILE_NAMES = re.compile(r'[\x00-\x1f<>:"/\\|?*]+')
# Names Windows keeps for devices, whatever the extension.
_RESERVED = frozenset(
    ["con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10))]
)


def write_playlist(
    path: Path,
    file_format: FileFormat,
    name: str,
    tracks: Iterable[Track],
    description: str = "",
) -> None:
    """Write one playlist to `path`; PlaylistFileError (one sentence) when it cannot be, and
    then nothing is written (an older file at `path` stays as it was)."""
    if file_format is FileFormat.SPOTIFY_EXPORT:
        raise PlaylistFileError("Songbird writes CSV, JSPF, XSPF or M3U8 files, not Spotify's.")
    try:
        newline = "" if file_format is FileFormat.CSV else None
        with writing_atomically(path, newline=newline) as out:
            if file_format is FileFormat.CSV:
                csv_files.write_playlist(out, tracks)
            elif file_format is FileFormat.JSPF:
                jspf.write_playlist(out, name, description, tracks)
            elif file_format is FileFormat.XSPF:
                xspf.write_playlist(out, name, description, tracks)
            else:
                m3u.write_playlist(out, name, tracks)
    except OSError as error:
        raise PlaylistFileError(
            f"“{path}” could not be written: {error.strerror or error}."
        ) from None


def file_name_for(name: str, file_format: FileFormat) -> str:
    """A file name that says which playlist it holds, valid on every system."""
    stem = _NOT_IN_FILE_NAMES.sub("_", name).strip().rstrip(". ")[:150] or "playlist"
    if stem.casefold() in _RESERVED:
        stem = f"_{stem}"
    return stem + file_format.suffix


def file_names_for(names: Sequence[str], file_format: FileFormat) -> list[str]:
    """One file name per playlist, none twice (two playlists of one name: "Mix", "Mix (2)";
    names compared as a case-insensitive file system compares them)."""
    taken: set[str] = set()
    chosen = []
    for name in names:
        candidate = file_name_for(name, file_format)
        number = 1
        while candidate.casefold() in taken:
            number += 1
            candidate = file_name_for(f"{name} ({number})", file_format)
        taken.add(candidate.casefold())
        chosen.append(candidate)
    return chosen
