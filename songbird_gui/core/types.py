"""Domain types shared by every layer: tracks, playlists, candidates, match results, plans.

All of them are frozen dataclasses or enums so that they can cross threads freely: a worker
thread builds a `MatchResult` and hands it to the GUI thread without copying or locking.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum


class ServiceId(StrEnum):
    """Where playlists come from: the music services Songbird syncs between, and playlist
    files (a Spotify data export, a CSV, M3U, XSPF or JSPF file), read by the file source
    (`services/file_source.py`) as a service that can be synced from but never written to.

    A file is a member here, not a case beside the services, so that stores, pairs and the
    engine key it as they key a service and need no special case for it.
    """

    SPOTIFY = "spotify"
    YTMUSIC = "ytmusic"
    FILE = "file"

    @property
    def display_name(self) -> str:
        return _DISPLAY_NAMES[self]

    @property
    def is_online(self) -> bool:
        """A music service with an account (not a file): it can be searched and written."""
        return self in ONLINE_SERVICES


_DISPLAY_NAMES = {
    ServiceId.SPOTIFY: "Spotify",
    ServiceId.YTMUSIC: "YouTube Music",
    ServiceId.FILE: "playlist file",
}
# The services a person connects an account to, searches and writes; a file is only read.
ONLINE_SERVICES = (ServiceId.SPOTIFY, ServiceId.YTMUSIC)


class TrackKind(StrEnum):
    """What a playlist entry or search result really is.

    Only songs, music videos and uploads can be synced; the rest are shown with a reason.
    """

    SONG = "song"
    MUSIC_VIDEO = "music video"
    UPLOAD = "upload"
    EPISODE = "episode"
    AUDIOBOOK = "audiobook"  # a chapter in a playlist (Spotify's data export lists them)
    LOCAL_FILE = "local file"
    UNAVAILABLE = "unavailable"


_UNSYNCABLE_REASONS = {
    TrackKind.EPISODE: "podcast episode: only music is synced",
    TrackKind.AUDIOBOOK: "audiobook: only music is synced",
    TrackKind.LOCAL_FILE: "local file: it exists only on the owner's device",
    TrackKind.UNAVAILABLE: "removed or unavailable on the service",
}


@dataclass(frozen=True, slots=True)
class Track:
    """One recording as a service knows it."""

    service: ServiceId
    id: str | None
    title: str
    artists: tuple[str, ...] = ()
    album: str | None = None
    duration_ms: int | None = None
    isrc: str | None = None
    # None: unknown (a Spotify data export says nothing of it), which the scorer leaves out
    # rather than taking for "clean".
    explicit: bool | None = False
    kind: TrackKind = TrackKind.SONG

    @property
    def key(self) -> str:
        """A string that identifies the track across services, for stores and dicts."""
        return f"{self.service}:{self.id}"

    @property
    def unsyncable_reason(self) -> str | None:
        """Why this entry cannot be synced, or None when it can."""
        if self.kind in _UNSYNCABLE_REASONS:
            return _UNSYNCABLE_REASONS[self.kind]
        if not self.id:
            return "the service gives no id for this entry"
        if not self.title.strip():
            return "the entry has no title"
        return None

    @property
    def duration_text(self) -> str:
        if self.duration_ms is None:
            return ""
        seconds = round(self.duration_ms / 1000)
        return f"{seconds // 60}:{seconds % 60:02d}"

    def describe(self) -> str:
        """A one-line description for tables and logs: title · artists · duration · kind."""
        parts = [self.title or "(no title)", ", ".join(self.artists) or "(no artist)"]
        if self.duration_ms is not None:
            parts.append(self.duration_text)
        if self.kind is not TrackKind.SONG:
            parts.append(str(self.kind))
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class Entry:
    """One occurrence of a track in a playlist, as the service holds it.

    A playlist may list a track twice; `handle` is the service's own name for this very
    occurrence where it has one (YouTube Music's setVideoId). Where it has none (Spotify), the
    entry is its track at its position.
    """

    track: Track
    handle: str | None = None


class SyncMode(StrEnum):
    """What a sync pair keeps in step (see `core/mirror.py`)."""

    ADD = "add"  # add what the target lacks; never remove or reorder (the default)
    MIRROR = "mirror"  # also remove what left the source, and follow its order
    EXACT = "exact"  # the target becomes the source: what else it holds is removed too

    @property
    def words(self) -> str:
        return {
            SyncMode.ADD: "add only",
            SyncMode.MIRROR: "mirror",
            SyncMode.EXACT: "exact mirror",
        }[self]


class PlaylistKind(StrEnum):
    NORMAL = "playlist"
    LIKED = "liked"
    # Someone else's playlist the person follows. Since February 2026 Spotify lets an app in
    # development mode read the items of only the playlists the person owns or collaborates
    # on: a followed one can be listed, never read, so it is never a source nor a target.
    FOLLOWED = "followed"


LIKED_PLAYLIST_ID = "liked"


@dataclass(frozen=True, slots=True)
class Playlist:
    """A playlist, or a person's liked songs (kind LIKED, id `LIKED_PLAYLIST_ID`)."""

    service: ServiceId
    id: str
    name: str
    owner: str = ""
    track_count: int | None = None
    kind: PlaylistKind = PlaylistKind.NORMAL

    @property
    def is_liked(self) -> bool:
        return self.kind is PlaylistKind.LIKED

    @property
    def is_followed(self) -> bool:
        return self.kind is PlaylistKind.FOLLOWED


@dataclass(frozen=True, slots=True)
class ScorePart:
    """One named piece of evidence in a score, so the UI can explain a decision.

    `value` is the similarity in [0, 1]; `weight` how much it counts. A part with weight 0
    only explains (e.g. a penalty applied as a cap rather than a weighted term).
    """

    name: str
    value: float
    weight: float
    note: str = ""

    def explain(self) -> str:
        return self.note or f"{self.name} {self.value:.2f}"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A search result scored against the source track."""

    track: Track
    score: float
    parts: tuple[ScorePart, ...] = ()

    def explain(self) -> str:
        return " · ".join(part.explain() for part in self.parts)


class Decision(StrEnum):
    """The matcher's verdict for one source track."""

    ACCEPT = "accept"
    REVIEW = "review"
    NOT_FOUND = "not found"
    SKIPPED = "skipped"  # a person chose to leave the track out


class MatchOrigin(StrEnum):
    """Where a decision came from; the UI and the report say so."""

    SCORED = "scored"
    REMEMBERED = "remembered"
    PERSON = "person"


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The outcome of matching one source track on the target service.

    `others_in_store`: `candidates` holds only the best; the others are in the match store
    (see `slim`).
    """

    source: Track
    decision: Decision
    best: Candidate | None = None
    candidates: tuple[Candidate, ...] = ()
    searches: int = 0
    origin: MatchOrigin = MatchOrigin.SCORED
    others_in_store: bool = False

    def slim(self) -> MatchResult:
        """This result as it is kept in memory once the match store holds it.

        A sure match (the matcher's accept) keeps only its best candidate: nobody looks at
        the others unless they open the track, and then they are read back from the store
        (`MatchStore.candidates_left`). Most rows of a big run are sure matches, and their
        candidates were most of its memory. Anything else, the person's decisions included,
        is kept whole.
        """
        sure = self.decision is Decision.ACCEPT and self.origin is not MatchOrigin.PERSON
        if not sure or self.best is None or len(self.candidates) < 2:
            return self
        if self.best not in self.candidates:
            return self  # the store could not give its best back among the others
        return replace(self, candidates=(self.best,), others_in_store=True)


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """One search request on a service; `kind` is the adapter's own (a filter, a syntax)."""

    text: str
    kind: str = ""


class TrackStatus(StrEnum):
    """The per-track status a person watches in the table; each word means one thing."""

    QUEUED = "queued"
    SEARCHING = "searching"
    WAITING = "waiting"
    MATCHED = "matched"  # a confident match, not written yet
    REVIEW = "needs review"
    NOT_FOUND = "not found"
    FAILED = "failed"
    PRESENT = "already there"
    UNSYNCABLE = "not syncable"
    ADDED = "added"  # matched, and read back from the target after the write
    SKIPPED = "skipped by you"
    NOT_SEARCHED = "not searched"  # the search was stopped before this track's turn
    DUPLICATE = "listed twice"  # the source lists it again: its first entry counts

    @property
    def is_final(self) -> bool:
        return self not in (TrackStatus.QUEUED, TrackStatus.SEARCHING, TrackStatus.WAITING)


class EntryState(StrEnum):
    """What the planner decided for one source entry before any search."""

    PRESENT = "present"  # the target already holds it (by id or by a remembered match)
    REMEMBERED = "remembered"  # an earlier decision stands (see `PlanEntry.result`)
    SEARCH = "search"  # must be searched on the target
    UNSYNCABLE = "unsyncable"  # episode, local file, removed track…
    DUPLICATE = "duplicate"  # the source lists it twice; the first one counts
    FAILED = "failed earlier"  # the service refused its search; tried again later


@dataclass(frozen=True, slots=True)
class PlanEntry:
    position: int
    source: Track
    state: EntryState
    result: MatchResult | None = None  # for PRESENT and REMEMBERED entries
    reason: str = ""


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """What a sync of one playlist will do, before any search or write."""

    source: Playlist
    target_service: ServiceId
    target_name: str
    target: Playlist | None  # None: the target playlist will be created
    entries: tuple[PlanEntry, ...]
    target_ids: frozenset[str] = field(default_factory=frozenset)  # ids the target holds now

    def count(self, state: EntryState) -> int:
        return sum(1 for entry in self.entries if entry.state is state)

    @property
    def to_search(self) -> tuple[PlanEntry, ...]:
        return tuple(e for e in self.entries if e.state is EntryState.SEARCH)
