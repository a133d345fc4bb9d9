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
from songbird_gui.core.types import Entry, Playlist, SearchQuery, ServiceId, Track


@dataclass(frozen=True, slots=True)
class ServiceLimits:
    add_batch_size: int  # tracks per add request
    playlist_cap: int | None = None  # most tracks a playlist may hold, if the service caps it
    remove_batch_size: int = 100  # entries per remove request
    # Spotify removes every occurrence of a track whatever positions are sent (since 2024):
    # to remove one copy of a track listed twice, the writer removes all, then puts the
    # copies that stay back at their places (`add_tracks(..., position=)`).
    removes_every_occurrence: bool = False


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

    def playlist_entries(self, playlist: Playlist) -> list[Entry]:
        """The same, each entry with the service's handle of that occurrence (if it has one)."""
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

    def add_tracks(
        self, playlist: Playlist, track_ids: Sequence[str], position: int | None = None
    ) -> None:
        """Add one batch (at most `limits.add_batch_size`); raises if the batch failed.

        At the end, or at `position` (0-based) where the service can (those whose
        `limits.removes_every_occurrence`; others raise PermanentError for a position).
        Sent as a write (`throttle.writing`): a lost answer is raised, not re-sent.
        """
        ...

    def remove_entries(
        self, playlist: Playlist, entries: Sequence[Entry], indices: Sequence[int]
    ) -> None:
        """Remove `entries[i]` for each i in `indices` (at most `limits.remove_batch_size`).

        `entries` is the playlist as it is now, in order. One request, sent as a write. Where
        `limits.removes_every_occurrence`, every copy of those tracks goes.
        """
        ...

    def move_entry(
        self, playlist: Playlist, entries: Sequence[Entry], index: int, before: int | None
    ) -> None:
        """Move `entries[index]` to just before `entries[before]` (None: to the end).

        `entries` is the playlist as it is now, in order. One request, sent as a write.
        """
        ...
