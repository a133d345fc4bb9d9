"""Fakes shared by the core tests (imported by conftest.py and by test modules).

`FakeClock` stands in for `time.monotonic` / `time.time` wherever the core takes a clock.
`FakeService` is a small in-memory implementation of our own `MusicService` protocol
(songbird_gui/core/service.py): playlists are lists of tracks, adds are checked the way a real
service checks them (batch size, playlist cap, ids it refuses), and every request is counted.
Like a real adapter, each of its calls is one request through its throttle (writes marked as
writes), and a test injects a service's failures into the request itself (`fail`).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from songbird_gui.core.errors import PermanentError, ServiceError
from songbird_gui.core.normalize import fold
from songbird_gui.core.ratelimit import limiter_for
from songbird_gui.core.retry import RetryPolicy
from songbird_gui.core.service import ServiceLimits
from songbird_gui.core.settings import RateSettings, RetrySettings
from songbird_gui.core.throttle import Throttle, writing
from songbird_gui.core.types import Entry, Playlist, SearchQuery, ServiceId, Track

T = TypeVar("T")

QUICK_RETRY = RetrySettings(base_delay_s=0.001, max_delay_s=0.004)


def fast_throttle(service: ServiceId, policy: RetryPolicy | None = None) -> Throttle:
    """A throttle that never makes a test wait (a limit far above what a test asks)."""
    policy = policy or RetryPolicy(QUICK_RETRY, random.Random(7))
    return Throttle(service, limiter_for(RateSettings(10_000.0, 1_000)), policy)


@dataclass
class Fault:
    """What one request answers instead: `error`, before or (`lands`) after doing its work."""

    error: ServiceError
    lands: bool = False


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeService:
    """An in-memory music service holding a catalogue and the person's playlists."""

    def __init__(
        self,
        catalogue: Sequence[Track] = (),
        *,
        service_id: ServiceId = ServiceId.YTMUSIC,
        limits: ServiceLimits | None = None,
        refused: Sequence[str] = (),
        throttle: Throttle | None = None,
        handles: bool = False,
    ) -> None:
        self.service_id = service_id
        self.limits = limits or ServiceLimits(add_batch_size=100)
        self.throttle = throttle or fast_throttle(service_id)
        self.faults: dict[str, list[Fault]] = defaultdict(list)
        self.catalogue = {t.id: t for t in catalogue}
        self.refused = set(refused)  # ids whose presence in a batch makes the service refuse it
        self.playlists: dict[str, tuple[Playlist, list[Track]]] = {}
        self.calls: Counter[str] = Counter()
        self.add_batches: list[list[str]] = []
        # Like YouTube Music's setVideoIds: a name per occurrence, kept beside each playlist.
        self.with_handles = handles
        self.handles: dict[str, list[str]] = {}
        self._next_handle = 0

    # -- set-up helpers ------------------------------------------------------------------

    def make_playlist(self, name: str, tracks: Sequence[Track] = ()) -> Playlist:
        playlist = Playlist(self.service_id, f"pl{len(self.playlists) + 1}", name)
        self.playlists[playlist.id] = (playlist, list(tracks))
        self.handles[playlist.id] = [self._handle() for _ in tracks]
        return playlist

    def _handle(self) -> str:
        self._next_handle += 1
        return f"h{self._next_handle}"

    def ids_in(self, playlist: Playlist) -> list[str | None]:
        return [t.id for t in self.playlists[playlist.id][1]]

    def fail(self, request: str, *faults: ServiceError | Fault) -> None:
        """The next requests named `request` answer with these failures, in turn."""
        self.faults[request].extend(f if isinstance(f, Fault) else Fault(f) for f in faults)

    def _request(self, name: str, work: Callable[[], T]) -> T:
        """One request through the throttle: counted, maybe failed, else done."""

        def attempt() -> T:
            self.calls[name] += 1
            fault = self.faults[name].pop(0) if self.faults[name] else None
            if fault is not None and not fault.lands:
                raise fault.error
            result = work()
            if fault is not None:
                raise fault.error  # done, but the answer was lost on the way
            return result

        return self.throttle.send(attempt)

    # -- the MusicService protocol -------------------------------------------------------

    def list_playlists(self) -> list[Playlist]:
        return self._request("list_playlists", lambda: [p for p, _ in self.playlists.values()])

    def playlist_tracks(self, playlist: Playlist) -> list[Track]:
        return self._request("playlist_tracks", lambda: self._entries(playlist))

    def _entries(self, playlist: Playlist) -> list[Track]:
        return list(self.playlists[playlist.id][1])

    def playlist_entries(self, playlist: Playlist) -> list[Entry]:
        def read() -> list[Entry]:
            tracks = self.playlists[playlist.id][1]
            handles = self.handles[playlist.id] if self.with_handles else [None] * len(tracks)
            return [Entry(t, h) for t, h in zip(tracks, handles, strict=True)]

        return self._request("playlist_tracks", read)

    def remove_entries(
        self, playlist: Playlist, entries: Sequence[Entry], indices: Sequence[int]
    ) -> None:
        def remove() -> None:
            tracks, handles = self.playlists[playlist.id][1], self.handles[playlist.id]
            if len(indices) > self.limits.remove_batch_size:
                raise PermanentError("too many entries in one removal")
            if self.with_handles:
                gone = {entries[i].handle for i in indices}
                keep = [k for k, h in enumerate(handles) if h not in gone]
            elif self.limits.removes_every_occurrence:  # as Spotify does since 2024
                gone_ids = {entries[i].track.id for i in indices}
                keep = [k for k, t in enumerate(tracks) if t.id not in gone_ids]
            else:
                keep = [k for k in range(len(tracks)) if k not in set(indices)]
            tracks[:] = [tracks[k] for k in keep]
            handles[:] = [handles[k] for k in keep]

        with writing():
            self._request("remove_entries", remove)

    def move_entry(
        self, playlist: Playlist, entries: Sequence[Entry], index: int, before: int | None
    ) -> None:
        def move() -> None:
            tracks, handles = self.playlists[playlist.id][1], self.handles[playlist.id]
            track, handle = tracks.pop(index), handles.pop(index)
            at = len(tracks) if before is None else before if before < index else before - 1
            tracks.insert(at, track)
            handles.insert(at, handle)

        with writing():
            self._request("move_entry", move)

    def search_queries(self, track: Track) -> list[SearchQuery]:
        return [SearchQuery(f"{track.title} {' '.join(track.artists)}")]

    def search(self, query: SearchQuery) -> list[Track]:
        text = fold(query.text)
        return self._request(
            "search", lambda: [t for t in self.catalogue.values() if fold(t.title) in text]
        )

    def create_playlist(self, name: str, description: str) -> Playlist:
        with writing():
            return self._request("create_playlist", lambda: self.make_playlist(name))

    def add_tracks(
        self, playlist: Playlist, track_ids: Sequence[str], position: int | None = None
    ) -> None:
        with writing():
            self._request("add_tracks", lambda: self.add_now(playlist, track_ids, position))

    def add_now(
        self, playlist: Playlist, track_ids: Sequence[str], position: int | None = None
    ) -> None:
        """What an add request does on the service (tests call it to set a scene up)."""
        self.add_batches.append(list(track_ids))
        if len(track_ids) > self.limits.add_batch_size:
            raise PermanentError(f"at most {self.limits.add_batch_size} tracks per request")
        bad = [i for i in track_ids if i in self.refused]
        if bad:
            raise PermanentError(f"{bad[0]} is not available")
        entries = self.playlists[playlist.id][1]
        cap = self.limits.playlist_cap
        if cap is not None and len(entries) + len(track_ids) > cap:
            raise PermanentError(f"a playlist holds at most {cap} tracks")
        handles = self.handles.setdefault(playlist.id, [])
        at = len(entries) if position is None else position
        for offset, track_id in enumerate(track_ids):
            track = self.catalogue.get(track_id) or Track(self.service_id, track_id, "?")
            entries.insert(at + offset, track)
            handles.insert(at + offset, self._handle())
