"""Fakes shared by the core tests (imported by conftest.py and by test modules).

`FakeClock` stands in for `time.monotonic` / `time.time` wherever the core takes a clock.
`FakeService` is a small in-memory implementation of our own `MusicService` protocol
(songbird_gui/core/service.py): playlists are lists of tracks, adds are checked the way a real
service checks them (batch size, playlist cap, ids it refuses), and every call is counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from songbird_gui.core.errors import PermanentError
from songbird_gui.core.normalize import fold
from songbird_gui.core.service import ServiceLimits
from songbird_gui.core.types import Playlist, SearchQuery, ServiceId, Track


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
    ) -> None:
        self.service_id = service_id
        self.limits = limits or ServiceLimits(add_batch_size=100)
        self.catalogue = {t.id: t for t in catalogue}
        self.refused = set(refused)  # ids whose presence in a batch makes the service refuse it
        self.playlists: dict[str, tuple[Playlist, list[Track]]] = {}
        self.calls: Counter[str] = Counter()
        self.add_batches: list[list[str]] = []

    # -- set-up helpers ------------------------------------------------------------------

    def make_playlist(self, name: str, tracks: Sequence[Track] = ()) -> Playlist:
        playlist = Playlist(self.service_id, f"pl{len(self.playlists) + 1}", name)
        self.playlists[playlist.id] = (playlist, list(tracks))
        return playlist

    def ids_in(self, playlist: Playlist) -> list[str | None]:
        return [t.id for t in self.playlists[playlist.id][1]]

    # -- the MusicService protocol -------------------------------------------------------

    def list_playlists(self) -> list[Playlist]:
        self.calls["list_playlists"] += 1
        return [p for p, _ in self.playlists.values()]

    def playlist_tracks(self, playlist: Playlist) -> list[Track]:
        self.calls["playlist_tracks"] += 1
        return list(self.playlists[playlist.id][1])

    def search_queries(self, track: Track) -> list[SearchQuery]:
        return [SearchQuery(f"{track.title} {' '.join(track.artists)}")]

    def search(self, query: SearchQuery) -> list[Track]:
        self.calls["search"] += 1
        text = fold(query.text)
        return [t for t in self.catalogue.values() if fold(t.title) in text]

    def create_playlist(self, name: str, description: str) -> Playlist:
        self.calls["create_playlist"] += 1
        return self.make_playlist(name)

    def add_tracks(self, playlist: Playlist, track_ids: Sequence[str]) -> None:
        self.calls["add_tracks"] += 1
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
        for track_id in track_ids:
            entries.append(self.catalogue.get(track_id) or Track(self.service_id, track_id, "?"))
