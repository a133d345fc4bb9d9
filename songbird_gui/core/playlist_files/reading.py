"""Reading what a person points Songbird at: one playlist file, a folder of them, or a zip
(Spotify's data export as downloaded, Exportify's "Export All").

The format is known by the file's name (`Playlist1.json`, `YourLibrary.json`, `.csv`, `.m3u`,
`.m3u8`, `.xspf`, `.jspf`; another `.json` by what it holds). Every file is read as a
stream: a JSON file one playlist at a time, a CSV or M3U line by line, an XSPF file element
by element, a zip member straight out of the zip (nothing is unpacked to disk). Text must be
UTF-8 (a byte-order mark is allowed). Whatever goes wrong is one `PlaylistFileError` with a
sentence naming the file; in a folder or a zip, a file that cannot be read is set aside with
its sentence (`ReadResult.skipped`) while the others are read, and only a folder or zip with
no playlist at all is an error.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, TextIO

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.playlist_files import csv_files, jspf, m3u, spotify_export, xspf
from songbird_gui.core.playlist_files.json_stream import JsonShapeError, MissingMember
from songbird_gui.core.playlist_files.model import (
    MAX_FILE_BYTES,
    FileFormat,
    FilePlaylist,
    PlaylistFileError,
)
from songbird_gui.core.types import PlaylistKind

_SUFFIXES = {
    ".csv": FileFormat.CSV,
    ".m3u": FileFormat.M3U8,
    ".m3u8": FileFormat.M3U8,
    ".xspf": FileFormat.XSPF,
    ".jspf": FileFormat.JSPF,
}
_WHAT_IS_READ = (
    "a Spotify data export (its zip, its folder, Playlist1.json or YourLibrary.json), or a "
    "playlist file ending in .csv, .m3u8, .m3u, .xspf or .jspf"
)


@dataclass(frozen=True, slots=True)
class ReadResult:
    """The playlists found, in order (liked songs first), and the files set aside, each
    with the sentence saying why."""

    playlists: tuple[FilePlaylist, ...]
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Member:
    """One file to read: its name as shown to the person, its size, how to open it."""

    shown: str
    name: str  # its own name (inside the zip, for a zip), for its format
    size: int
    open: Callable[[], IO[bytes]]


def format_of(name: str, alone: bool = False) -> FileFormat | None:
    """The format a file's name says, or None.

    A `.json` file other than Spotify's is known by what it holds (JSPF, or Spotify's under
    another name: see `_read_json`), but only when it was opened `alone`: in a folder or a
    zip (Spotify's export holds a dozen other .json files) it is not a playlist file.
    """
    if spotify_export.is_playlist_file(name) or spotify_export.is_library_file(name):
        return FileFormat.SPOTIFY_EXPORT
    suffix = PurePosixPath(name).suffix.casefold()
    if suffix == ".json" and alone:
        return FileFormat.JSPF  # tried as JSPF first, then as Spotify's
    return _SUFFIXES.get(suffix)


def playlist_name(file_name: str) -> str:
    """A playlist's name from its file's: Exportify writes "road_trip.csv"."""
    stem = PurePosixPath(file_name).stem
    return " ".join(stem.replace("_", " ").split()) or stem


class _NotUtf8(Exception):
    pass


@contextmanager
def _text(member: _Member, newline: str | None = None) -> Iterator[TextIO]:
    with member.open() as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline=newline)
        try:
            yield text
        except UnicodeDecodeError as error:
            raise _NotUtf8() from error
        finally:
            text.detach()


def _read_json(member: _Member, cancel: CancelToken | None) -> list[FilePlaylist]:
    name = playlist_name(member.name)
    if spotify_export.is_library_file(member.name):
        with _text(member) as text:
            return [spotify_export.read_liked(text, member.shown, cancel)]
    if not spotify_export.is_playlist_file(member.name):
        try:
            with _text(member) as text:
                return [jspf.read_playlist(text, name, member.shown, cancel)]
        except MissingMember:
            pass  # well-formed, and not JSPF: Spotify's, under another name?
    with _text(member) as text:
        return list(spotify_export.read_playlists(text, member.shown, cancel))


def _read_member(member: _Member, cancel: CancelToken | None) -> list[FilePlaylist]:
    """The playlists of one file, or PlaylistFileError saying why it cannot be read."""
    shown = f"“{member.shown}”"
    if member.size > MAX_FILE_BYTES:
        raise PlaylistFileError(
            f"{shown} is over {MAX_FILE_BYTES // (1024 * 1024)} MB: too large for a playlist "
            "file, so it was not read."
        )
    kind = format_of(member.name, alone=True)
    name = playlist_name(member.name)
    try:
        if kind in (FileFormat.SPOTIFY_EXPORT, FileFormat.JSPF):
            return _read_json(member, cancel)
        if kind is FileFormat.CSV:
            with _text(member, newline="") as text:
                return csv_files.read_playlists(text, name, member.shown, cancel)
        if kind is FileFormat.M3U8:
            with _text(member) as text:
                return [m3u.read_playlist(text, name, member.shown, cancel)]
        if kind is FileFormat.XSPF:
            with member.open() as raw:
                return [xspf.read_playlist(raw, name, member.shown, cancel)]
    except _NotUtf8:
        raise PlaylistFileError(
            f"{shown} is not UTF-8 text: save it as UTF-8 (most editors offer it under "
            "“Save as”) and open it again."
        ) from None
    except (JsonShapeError, csv_files.CsvShapeError, xspf.XspfShapeError) as error:
        what = {
            FileFormat.SPOTIFY_EXPORT: "a file of Spotify's data export",
            FileFormat.JSPF: "a JSPF playlist or a file of Spotify's data export",
            FileFormat.CSV: "a playlist CSV",
            FileFormat.XSPF: "an XSPF playlist",
        }.get(kind or FileFormat.CSV, "a playlist file")
        raise PlaylistFileError(f"{shown} is not {what}: {error}.") from None
    except (OSError, zipfile.BadZipFile, EOFError) as error:
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        raise PlaylistFileError(f"{shown} could not be read: {reason}.") from None
    raise PlaylistFileError(f"{shown} is not a file Songbird reads: it reads {_WHAT_IS_READ}.")


def _folder_members(folder: Path) -> list[_Member]:
    """The playlist files in `folder` and in the folders right inside it (the zip's
    "Spotify Account Data" folder, once unpacked)."""
    found = []
    inside = [p for d in folder.iterdir() if d.is_dir() for p in d.iterdir()]
    for path in sorted([*folder.iterdir(), *inside]):
        if path.is_file() and format_of(path.name):
            shown = str(path.relative_to(folder.parent))
            found.append(_Member(shown, path.name, path.stat().st_size, _opener(path)))
    return found


def _opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: path.open("rb")


def _zip_members(archive: zipfile.ZipFile, shown: str) -> list[_Member]:
    found = []
    for info in archive.infolist():
        name = PurePosixPath(info.filename)
        if info.is_dir() or name.name.startswith(".") or "__MACOSX" in name.parts:
            continue
        if format_of(name.name):

            def opener(info: zipfile.ZipInfo = info) -> IO[bytes]:
                return archive.open(info)

            found.append(_Member(f"{shown}: {info.filename}", name.name, info.file_size, opener))
    return found


def _in_order(members: list[_Member]) -> list[_Member]:
    """Spotify's files in its order (Playlist1, Playlist2, …, YourLibrary), then the rest."""

    def key(member: _Member) -> tuple[int, tuple[int, int], str]:
        spotify = spotify_export.is_playlist_file(member.name) or (
            spotify_export.is_library_file(member.name)
        )
        order = spotify_export.export_order(member.name) if spotify else (0, 0)
        return (0 if spotify else 1), order, member.shown

    return sorted(members, key=key)


def _read_all(members: list[_Member], where: str, cancel: CancelToken | None) -> ReadResult:
    if not members:
        raise PlaylistFileError(f"“{where}” holds no playlists: Songbird reads {_WHAT_IS_READ}.")
    playlists: list[FilePlaylist] = []
    skipped: list[str] = []
    for member in _in_order(members):
        try:
            playlists.extend(_read_member(member, cancel))
        except PlaylistFileError as error:
            skipped.append(str(error))
    if not playlists:
        if skipped:
            raise PlaylistFileError(skipped[0])
        raise PlaylistFileError(f"“{where}” holds no playlists: its files list none.")
    liked = [p for p in playlists if p.kind is PlaylistKind.LIKED]
    others = [p for p in playlists if p.kind is not PlaylistKind.LIKED]
    return ReadResult(tuple(liked + others), tuple(skipped))


def read_path(path: Path, cancel: CancelToken | None = None) -> ReadResult:
    """Every playlist in `path`: a playlist file, a folder of them, or a zip of them.

    Raises PlaylistFileError (one sentence) when nothing can be read from it.
    """
    try:
        size = path.stat().st_size
        if path.is_dir():
            return _read_all(_folder_members(path), path.name, cancel)
        if path.suffix.casefold() == ".zip" or zipfile.is_zipfile(path):
            try:
                with zipfile.ZipFile(path) as archive:
                    return _read_all(_zip_members(archive, path.name), path.name, cancel)
            except zipfile.BadZipFile:
                raise PlaylistFileError(
                    f"“{path.name}” is not a zip file that can be opened (damaged, or only "
                    "partly downloaded): download it again."
                ) from None
        member = _Member(path.name, path.name, size, _opener(path))
        return ReadResult(tuple(_read_member(member, cancel)))
    except OSError as error:
        raise PlaylistFileError(f"“{path}” could not be read: {error.strerror or error}.") from None
