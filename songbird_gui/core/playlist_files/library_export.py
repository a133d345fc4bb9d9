"""A service's playlists written out as files: one playlist, a whole library (one file per
playlist, named after it), or a library as Spotify's own data export (for the demo, so that
the whole path from a data export to YouTube Music can be tried offline).

The playlists are read through the service's adapter (`core/service.py`), each read paced by
its throttle, inside the caller's request scope; the files are written whole or not at all.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from songbird_gui.core.atomic import writing_atomically
from songbird_gui.core.playlist_files.model import FileFormat, PlaylistFileError
from songbird_gui.core.playlist_files.spotify_export import EXPORT_FOLDER, export_files
from songbird_gui.core.playlist_files.writing import file_names_for, write_playlist
from songbird_gui.core.service import MusicService
from songbird_gui.core.throttle import gather
from songbird_gui.core.types import Playlist, Track


def read_library(
    service: MusicService, playlists: Sequence[Playlist] | None = None
) -> list[tuple[Playlist, list[Track]]]:
    """`playlists` (every one of the service's, liked songs first, when None) with their
    tracks, read at once (each read paced by the service's throttle)."""
    chosen = list(playlists) if playlists is not None else service.list_playlists()
    tracks = gather([partial(service.playlist_tracks, p) for p in chosen])
    return list(zip(chosen, tracks, strict=True))


def export_playlists(
    service: MusicService,
    playlists: Sequence[Playlist],
    file_format: FileFormat,
    folder: Path,
) -> list[Path]:
    """Each playlist to its own file in `folder`, named after it; the paths written.

    The playlists are all read before anything is written: a read that fails writes nothing.
    """
    library = read_library(service, playlists)
    names = file_names_for([p.name for p, _ in library], file_format)
    written = []
    for (playlist, tracks), name in zip(library, names, strict=True):
        path = folder / name
        write_playlist(path, file_format, playlist.name, tracks)
        written.append(path)
    return written


def write_spotify_export(service: MusicService, destination: Path, date: str) -> Path:
    """The service's playlists and liked songs as Spotify's data export: a zip like the one
    Spotify sends (`Spotify Account Data/Playlist1.json`, …) when `destination` ends in
    `.zip`, else those files in the folder `destination`. Without lengths, ISRCs or explicit
    flags, as Spotify writes it; `date` is every playlist's and entry's date."""
    library = read_library(service)
    liked = [t for p, tracks in library if p.is_liked for t in tracks]
    playlists = [(p.name, "", tracks) for p, tracks in library if not p.is_liked]
    files = export_files(playlists, liked, date)
    try:
        if destination.suffix.casefold() == ".zip":
            destination.parent.mkdir(parents=True, exist_ok=True)
            partial_zip = destination.with_name(f".{destination.name}.part")
            with zipfile.ZipFile(partial_zip, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, text in files.items():
                    # A fixed date in the zip too: the same library gives the same bytes.
                    info = zipfile.ZipInfo(f"{EXPORT_FOLDER}/{name}", (2026, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, text)
            partial_zip.replace(destination)
        else:
            for name, text in files.items():
                with writing_atomically(destination / name) as out:
                    out.write(text)
    except OSError as error:
        raise PlaylistFileError(
            f"“{destination}” could not be written: {error.strerror or error}."
        ) from None
    return destination
