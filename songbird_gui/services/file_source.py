"""The file source: playlist files as a service the engine syncs from, read-only.

A person without a Spotify developer app (since March 2026, anyone without Premium, and
anyone wanting a playlist they only follow) can still download their Spotify data export or
an Exportify CSV. `FileSource` offers the playlists of the files they open (`open`) behind
the same protocol as Spotify and YouTube Music (`core/service.py`), under `ServiceId.FILE`:
the engine plans, searches, reviews and applies them exactly like a service's, and the
store and the pairs key them like a service's playlists and tracks. Nothing here is ever
written: every write method refuses.

A file playlist's id is its folder and its name (`playlist_id`): syncing it again re-reads
the file, or the newer export the person points Songbird to in the same folder (a newer
`my_spotify_data.zip` replaces the older one), and a remembered pair whose file was not
opened in this run is looked for in its folder (the playlist files there, and Spotify's
zips). A track with a Spotify URI is that Spotify track (see `core/playlist_files`), so it
shares what Songbird remembers of the Spotify track.

Files are read on the worker that asks (inside its request scope, whose Stop ends a long
read), one at a time, and a read is kept while the file is unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit
from urllib.request import url2pathname

from songbird_gui.core.errors import NotFound, PermanentError
from songbird_gui.core.playlist_files import FilePlaylist, PlaylistFileError, ReadResult, read_path
from songbird_gui.core.ratelimit import limiter_for
from songbird_gui.core.retry import RetryPolicy
from songbird_gui.core.service import ServiceLimits
from songbird_gui.core.settings import RateSettings, RetrySettings
from songbird_gui.core.throttle import Throttle, current_scope
from songbird_gui.core.types import (
    Entry,
    Playlist,
    PlaylistKind,
    SearchQuery,
    ServiceId,
    Track,
)

# Never used to pace anything (a file is read, not requested); the protocol's attribute.
_NO_LIMIT = RateSettings(rate=1000.0, burst=1000)
# Spotify names its export so; a zip of another name in a remembered folder is not looked in.
_SPOTIFY_ZIP_PREFIX = "my_spotify_data"
_READ_ONLY = "Songbird reads playlist files and never writes to them: export instead."


def idle_throttle() -> Throttle:
    """The file source's throttle: the protocol asks for one, and no request passes it."""
    return Throttle(ServiceId.FILE, limiter_for(_NO_LIMIT), RetryPolicy(RetrySettings()))


def folder_of(path: Path) -> Path:
    """The folder a file playlist belongs to: an opened folder itself, else the folder of
    the file or zip."""
    path = path.expanduser().resolve()
    return path if path.is_dir() else path.parent


def playlist_id(folder: Path, playlist: FilePlaylist, copy: int = 1) -> str:
    """`file:///…/folder#playlist=Road%20Trip` (`&copy=2` for a second of that name in one
    export), `#liked` for the liked songs: the folder and the name."""
    base = folder.as_uri()
    if playlist.kind is PlaylistKind.LIKED:
        return f"{base}#liked"
    query = {"playlist": playlist.name, **({"copy": str(copy)} if copy > 1 else {})}
    return f"{base}#{urlencode(query, quote_via=quote)}"


def folder_in(playlist_id_text: str) -> Path | None:
    """The folder a file playlist's id names, or None for an id that is not one."""
    parts = urlsplit(playlist_id_text)
    if parts.scheme != "file" or not parts.fragment:
        return None
    return Path(url2pathname(parts.path))


def name_in(playlist_id_text: str) -> str:
    """The playlist's name an id carries ("" for the liked songs)."""
    return (parse_qs(urlsplit(playlist_id_text).fragment).get("playlist") or [""])[0]


@dataclass(frozen=True, slots=True)
class _Offered:
    """One playlist offered, and where it was read."""

    playlist: Playlist
    read: FilePlaylist
    location: Path


def _signature(path: Path) -> tuple[object, ...]:
    """What changes when the file (or a file in the folder) changes."""
    stat = path.stat()
    if not path.is_dir():
        return (stat.st_mtime_ns, stat.st_size)
    inside = [*path.iterdir(), *(p for d in path.iterdir() if d.is_dir() for p in d.iterdir())]
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in inside))


class FileSource:
    """The `MusicService` adapter over the playlist files a person opened.

    Attributes:
        skipped: the sentences of the files the last `open` set aside (in a folder or zip, a
            file that could not be read while the others were), for the window or the CLI.
    """

    service_id = ServiceId.FILE
    limits = ServiceLimits(add_batch_size=1)

    def __init__(
        self,
        throttle: Throttle | None = None,
        remembered: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        """`remembered` gives the ids of file playlists with a pair (the composition root
        reads them from the pair store), so that a pair syncs on without its file opened."""
        self.throttle = throttle or idle_throttle()
        self._remembered = remembered
        self._opened: list[Path] = []  # oldest first: a later one wins a playlist id
        self._lock = threading.RLock()
        self._reads: dict[Path, tuple[tuple[object, ...], ReadResult]] = {}
        self.skipped: list[str] = []

    # -- what is offered --------------------------------------------------------------------

    def open(self, path: Path) -> list[Playlist]:
        """Read `path` (a playlist file, a folder, a zip) and offer its playlists from now on;
        a later export opened in the same folder takes the place of an earlier one's
        playlists of the same names. Raises PlaylistFileError (one sentence)."""
        path = path.expanduser().resolve()
        offered = self._offered_at(path)
        with self._lock:
            self.skipped = list(self._read(path).skipped)
            if path in self._opened:
                self._opened.remove(path)
            self._opened.append(path)
        return [o.playlist for o in offered]

    def opened(self) -> list[Path]:
        with self._lock:
            return list(self._opened)

    def forget(self, path: Path) -> None:
        """Offer `path`'s playlists no more (the files are left alone)."""
        with self._lock:
            resolved = path.expanduser().resolve()
            if resolved in self._opened:
                self._opened.remove(resolved)

    def _read(self, path: Path) -> ReadResult:
        with self._lock:
            try:
                signature = _signature(path)
            except OSError as error:
                raise PlaylistFileError(
                    f"“{path}” could not be read: {error.strerror or error}."
                ) from None
            kept = self._reads.get(path)
            if kept is not None and kept[0] == signature:
                return kept[1]
            result = read_path(path, current_scope().cancel)
            self._reads[path] = (signature, result)
            return result

    def _offered_at(self, path: Path) -> list[_Offered]:
        result = self._read(path)
        folder = folder_of(path)
        copies: dict[str, int] = {}
        offered = []
        for read in result.playlists:
            copies[read.name] = copies.get(read.name, 0) + 1
            copy = copies[read.name]
            name = read.name if copy == 1 else f"{read.name} ({copy})"
            playlist = Playlist(
                ServiceId.FILE,
                playlist_id(folder, read, copy),
                name,
                owner=read.file,
                track_count=len(read.tracks),
                kind=read.kind,
            )
            offered.append(_Offered(playlist, read, path))
        return offered

    def _rediscovered(self, wanted: set[str]) -> list[Path]:
        """Where remembered playlists not offered now may be: their folders, and the
        Spotify export zips in them (newest last, so that the newest wins)."""
        folders = {folder_in(i) for i in wanted} - {None}
        found: list[Path] = []
        for folder in sorted(f for f in folders if f is not None):
            if not folder.is_dir():
                continue
            zips = sorted(
                (
                    p
                    for p in folder.iterdir()
                    if p.suffix.casefold() == ".zip" and p.name.startswith(_SPOTIFY_ZIP_PREFIX)
                ),
                key=lambda p: p.stat().st_mtime_ns,
            )
            found.extend([folder, *zips])
        return found

    def _all_offered(self) -> dict[str, _Offered]:
        """Every playlist offered, by id: of the opened paths (a later one wins an id), then
        of the remembered pairs found in their folders."""
        by_id: dict[str, _Offered] = {}
        for path in self.opened():
            for offer in self._offered_at(path):
                by_id[offer.playlist.id] = offer
        wanted = set(self._remembered()) - set(by_id)
        found: dict[str, _Offered] = {}
        for path in self._rediscovered(wanted):
            try:
                offers = self._offered_at(path)
            except PlaylistFileError:
                continue  # a folder with no playlist file in it, a damaged zip: not there
            found.update((o.playlist.id, o) for o in offers if o.playlist.id in wanted)
        return by_id | found

    # -- the protocol ------------------------------------------------------------------------

    def list_playlists(self) -> list[Playlist]:
        """The opened files' playlists (liked songs first), and the remembered ones found."""
        offered = [o.playlist for o in self._all_offered().values()]
        return sorted(offered, key=lambda p: not p.is_liked)

    def playlist_tracks(self, playlist: Playlist) -> list[Track]:
        offer = self._all_offered().get(playlist.id)
        if offer is None:
            folder = folder_in(playlist.id)
            where = f" in {folder}" if folder else ""
            raise NotFound(f"“{playlist.name}” is no longer in a playlist file{where}.")
        return list(offer.read.tracks)

    def playlist_entries(self, playlist: Playlist) -> list[Entry]:
        return [Entry(track) for track in self.playlist_tracks(playlist)]

    def search_queries(self, track: Track) -> list[SearchQuery]:
        return []  # a file is never a target: there is nothing to search in it

    def search(self, query: SearchQuery) -> list[Track]:
        raise PermanentError("A playlist file cannot be searched.")

    def create_playlist(self, name: str, description: str) -> Playlist:
        raise PermanentError(_READ_ONLY)

    def add_tracks(
        self, playlist: Playlist, track_ids: Sequence[str], position: int | None = None
    ) -> None:
        raise PermanentError(_READ_ONLY)

    def remove_entries(
        self, playlist: Playlist, entries: Sequence[Entry], indices: Sequence[int]
    ) -> None:
        raise PermanentError(_READ_ONLY)

    def move_entry(
        self, playlist: Playlist, entries: Sequence[Entry], index: int, before: int | None
    ) -> None:
        raise PermanentError(_READ_ONLY)
