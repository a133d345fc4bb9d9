"""The one small protocol every music service adapter implements (demo, Spotify, YouTube Music).

It lives in core so that the planner and the engine can be written against it without knowing
which service they talk to. Adapters speak only core types; no library dict crosses it. Every
method may raise the errors of `songbird_gui.core.errors` (and `Cancelled`), nothing else.

Each request a method sends passes the service's `throttle` (paced, retried where that is
safe), so a method may send many requests: callers never pace or retry reads themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from songbird_gui.core.throttle import Throttle
from songbird_gui.core.types import Playlist, SearchQuery, ServiceId, Track


@dataclass(frozen=True, slots=True)
class ServiceLimits:
    add_batch_size: int  # tracks per add request
    playlist_cap: int | None = None  # most tracks a playlist may hold, if the service caps it


class MusicService(Protocol):
    service_id: ServiceId
    limits: ServiceLimits
    throttle: Throttle  # every request of this service passes it

    def list_playlists(self) -> list[Playlist]:
        """The person's playlists, Liked Songs first (kind LIKED)."""
        ...

    def playlist_tracks(self, playlist: Playlist) -> list[Track]:
        """Every entry of a playlist in order, unsyncable ones included (with their kind)."""
        ...

    def search_queries(self, track: Track) -> list[SearchQuery]:
        """The searches to try for `track`, best first; the later ones are wider."""
        ...

    def search(self, query: SearchQuery) -> list[Track]:
        """One search request."""
        ...

    def create_playlist(self, name: str, description: str) -> Playlist:
        """Sent as a write (`throttle.writing`): a lost answer is raised, not re-sent."""
        ...

    def add_tracks(self, playlist: Playlist, track_ids: Sequence[str]) -> None:
        """Add one batch (at most `limits.add_batch_size`); raises if the batch failed.

        Sent as a write (`throttle.writing`): a lost answer is raised, not re-sent.
        """
        ...
