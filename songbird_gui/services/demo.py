"""The demo library's adapter: `DemoService` turns a `DemoServer`'s dicts into core types.

The engine talks to it exactly as it talks to the real services: each server call is one
request through the service's `Throttle` (the same pacing and retries as a real HTTP
request), the server's status codes become core errors, and the server's dicts never leave
this module. `demo_services` builds both simulated services for the composition root.

The 2026 refusals the demo can model (`demo_quirks`) become the very core errors, and the
very sentences, that the real adapters make of them: a person watching the demo meets what
they would meet on their own accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from songbird_gui.core.errors import (
    AuthExpired,
    CreationRefused,
    NotFound,
    PermanentError,
    PlaylistNotReady,
    RateLimited,
    TransientError,
    WritesGated,
)
from songbird_gui.core.kept_file import Notices, not_a_file
from songbird_gui.core.normalize import fold, parse_title, song_title
from songbird_gui.core.service import ServiceLimits
from songbird_gui.core.throttle import Throttle, writing
from songbird_gui.core.types import (
    LIKED_PLAYLIST_ID,
    ONLINE_SERVICES,
    Entry,
    Playlist,
    PlaylistKind,
    SearchQuery,
    ServiceId,
    Track,
    TrackKind,
)
from songbird_gui.services.demo_quirks import Quirk, of_service, parse_quirks
from songbird_gui.services.demo_server import (
    DemoHTTPError,
    DemoServer,
    DemoServerConfig,
    load_catalogue,
)
from songbird_gui.services.page_size import PageSize, PageSizeRefused
from songbird_gui.services.refusal_words import (
    NOT_OWNED,
    NOT_READY,
    NOT_READY_WORDS,
    TOO_MANY,
    TOO_MANY_WORDS,
    gated_words,
)

__all__ = [
    "DemoConfig",
    "DemoServerConfig",
    "DemoService",
    "demo_services",
    "forget_demo_state",
    "load_catalogue",
    "with_quirks",
]

# The demo's "connect again": there are no headers to paste, the demo signs in anew.
DEMO_SIGNED_OUT = (
    "The demo YouTube Music's sign-in has expired, as browser sign-ins do after minutes to "
    "days: connect again (on the demo library that signs it in anew), and the sync goes on "
    "from where it stopped."
)

T = TypeVar("T")

# As the real services: Spotify removes every copy of a track, YouTube Music one by its handle.
LIMITS = {
    ServiceId.SPOTIFY: ServiceLimits(
        add_batch_size=100, remove_batch_size=100, removes_every_occurrence=True
    ),
    ServiceId.YTMUSIC: ServiceLimits(add_batch_size=25, playlist_cap=5000, remove_batch_size=25),
}


class DemoService:
    """The `MusicService` adapter over one `DemoServer`."""

    def __init__(self, server: DemoServer, throttle: Throttle) -> None:
        self.server = server
        self.service_id = server.service_id
        self.limits = LIMITS[server.service_id]
        self.throttle = throttle
        self.page_size = PageSize(f"The demo {server.service_id.display_name}")

    def _request(self, call: Callable[[], T]) -> T:
        """One request to the server, paced and retried like an HTTP request."""
        return self.throttle.send(lambda: _translate(call, self.service_id))

    def list_playlists(self) -> list[Playlist]:
        rows = self._request(self.server.get_playlists)
        liked = Playlist(
            self.service_id,
            LIKED_PLAYLIST_ID,
            "Liked Songs" if self.service_id is ServiceId.SPOTIFY else "Liked Music",
            self.server.user,
            self.server.liked_count(),
            PlaylistKind.LIKED,
        )
        return [liked, *(self._playlist(row) for row in rows)]

    def sign_in_again(self) -> None:
        """The demo's "connect again" after its sign-in expired (the expired-session quirk)."""
        self.server.sign_in_again()

    def playlist_tracks(self, playlist: Playlist) -> list[Track]:
        return [entry.track for entry in self.playlist_entries(playlist)]

    def playlist_entries(self, playlist: Playlist) -> list[Entry]:
        """Page by page, as the services serve long lists (the page size as Spotify allows)."""
        if playlist.is_followed:
            raise PermanentError(NOT_OWNED)  # as the Spotify adapter: never asked
        rows: list[dict[str, Any]] = []
        offset: int | None = 0
        while offset is not None:
            page = self._page(playlist.id, offset)
            rows.extend(page["items"])
            offset = page["next"]
        # The Spotify-like side keeps its handles to itself, as Spotify has none to show.
        shown = self.service_id is ServiceId.YTMUSIC
        return [Entry(self._track(row), row["handle"] if shown else None) for row in rows]

    def _page(self, playlist_id: str, offset: int) -> dict[str, Any]:
        def page(size: int) -> dict[str, Any]:
            return self._request(lambda: self.server.get_playlist_page(playlist_id, offset, size))

        return self.page_size.read(page)

    def search_queries(self, track: Track) -> list[SearchQuery]:
        title = song_title(track.title, track.artists)
        versions = " ".join(sorted(parse_title(track.title).versions))
        artist = fold(track.artists[0]) if track.artists else ""
        words = " ".join(w for w in (title, versions, artist) if w)
        if self.service_id is ServiceId.SPOTIFY:
            if track.kind is TrackKind.UPLOAD:  # as the real Spotify's: the channel is no artist
                return [SearchQuery(words, "free")]
            field_query = f'track:"{title}" artist:"{artist}" {versions}'.strip()
            return [SearchQuery(field_query, "field"), SearchQuery(words, "free")]
        return [SearchQuery(words, "songs"), SearchQuery(words, "videos")]

    def search(self, query: SearchQuery) -> list[Track]:
        kind = query.kind if query.kind in ("songs", "videos") else ""
        rows = self._request(lambda: self.server.search(query.text, kind))
        return [self._track(row) for row in rows]

    def create_playlist(self, name: str, description: str) -> Playlist:
        with writing():
            row = self._request(lambda: self.server.create_playlist(name, description))
        if "gated" in row:
            raise WritesGated(gated_words(str(row["gated"])))
        return self._playlist(row)

    def add_tracks(
        self, playlist: Playlist, track_ids: Sequence[str], position: int | None = None
    ) -> None:
        if position is not None and not self.limits.removes_every_occurrence:
            raise PermanentError("the demo YouTube Music adds at the end only")
        with writing():
            answer = self._request(
                lambda: self.server.add_items(playlist.id, list(track_ids), position)
            )
        if answer.get("status") != "STATUS_SUCCEEDED":
            # As YouTube Music's STATUS_FAILED: no reason, and maybe landed in part.
            raise PermanentError(
                f"the demo service did not add {len(track_ids)} track(s) ({answer.get('status')})"
            )

    def _handles(self, playlist: Playlist, entries: Sequence[Entry]) -> list[str]:
        """The server's handles of `entries` (read again where the client was not shown them,
        the way Spotify's positions name entries), checking the list is still as read."""
        if self.service_id is ServiceId.YTMUSIC:
            if any(e.handle is None for e in entries):
                raise PermanentError("an entry has no handle: read the playlist again")
            return [str(e.handle) for e in entries]
        return self.server.handles_at(playlist.id, [e.track.id for e in entries])

    def remove_entries(
        self, playlist: Playlist, entries: Sequence[Entry], indices: Sequence[int]
    ) -> None:
        if len(indices) > self.limits.remove_batch_size:
            raise PermanentError("too many entries in one removal")
        with writing():

            def remove() -> None:
                handles = self._handles(playlist, entries)
                self.server.remove_items(playlist.id, [handles[i] for i in indices])

            self._request(remove)

    def move_entry(
        self, playlist: Playlist, entries: Sequence[Entry], index: int, before: int | None
    ) -> None:
        with writing():

            def move() -> None:
                handles = self._handles(playlist, entries)
                after = None if before is None else handles[before]
                self.server.move_item(playlist.id, handles[index], after)

            self._request(move)

    def _playlist(self, row: dict[str, Any]) -> Playlist:
        # Someone else's (the "followed" quirk): Spotify lets apps read only one's own.
        followed = self.service_id is ServiceId.SPOTIFY and row["owner"] != self.server.user
        kind = PlaylistKind.FOLLOWED if followed else PlaylistKind.NORMAL
        return Playlist(self.service_id, row["id"], row["name"], row["owner"], row["count"], kind)

    def _track(self, row: dict[str, Any]) -> Track:
        return Track(
            service=self.service_id,
            id=row["id"],
            title=row["title"],
            artists=tuple(row["artists"]),
            album=row.get("album"),
            duration_ms=row.get("duration_ms"),
            isrc=row.get("isrc"),
            explicit=bool(row.get("explicit")),
            kind=TrackKind(row.get("kind", "song")),
        )


def _translate(request: Callable[[], T], service: ServiceId) -> T:
    """Run one server request, turning its status codes into core errors."""
    try:
        return request()
    except DemoHTTPError as error:
        words = str(error).casefold()
        if error.status == 429 and error.reason == "QUOTA_EXCEEDED":
            raise RateLimited(
                "the demo service's quota is used up", error.retry_after, quota=True
            ) from error
        if error.status == 429:
            raise RateLimited(
                "the demo service asked us to slow down", float(error.retry_after or 1)
            ) from error
        if error.status == 400 and TOO_MANY_WORDS in words:
            raise CreationRefused(TOO_MANY) from error
        if error.status == 400 and NOT_READY_WORDS in words:
            raise PlaylistNotReady(NOT_READY) from error
        if error.status == 400 and words.startswith("invalid limit"):
            raise PageSizeRefused(f"the demo service refused the page size: {error}") from error
        if error.status >= 500:
            raise TransientError(f"the demo service failed ({error.status}): {error}") from error
        if error.status == 409:  # a stale list: read it again and plan what is left
            raise TransientError(f"the demo service says: {error}") from error
        if error.status == 401 and "signed in" in words:
            raise AuthExpired(DEMO_SIGNED_OUT, service) from error
        if error.status == 401:
            raise AuthExpired(f"the demo service's login has ended: {error}", service) from error
        if error.status == 404:
            raise NotFound(f"the demo service has no such thing: {error}") from error
        raise PermanentError(f"the demo service refused the request: {error}") from error


@dataclass(frozen=True, slots=True)
class DemoConfig:
    """Both simulated services; `state_dir` holds their writes between runs (None: memory)."""

    # Spotify-like: a rolling 30 s window (its documented shape), 150 requests in it;
    # Songbird is told less (90 per 30 s), as it would be of the real one.
    spotify: DemoServerConfig = field(default_factory=lambda: DemoServerConfig.spotify_like(5.0))
    # YouTube Music-like: a shorter window and a limit Songbird is not told (it learns it).
    ytmusic: DemoServerConfig = field(default_factory=lambda: DemoServerConfig.ytmusic_like(10.0))
    state_dir: Path | None = None
    catalogue: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def quirks(self) -> frozenset[Quirk]:
        return self.spotify.quirks | self.ytmusic.quirks


def with_quirks(config: DemoConfig, text: str) -> DemoConfig:
    """`config` with the 2026 refusals named in `text` switched on, each on its side.

    For `--demo-quirks followed,invalid-limit,quota,precondition,too-many-playlists,gated,
    expired-session,status-failed` (or "all"); raises ValueError with one sentence naming the
    known ones.
    """
    quirks = parse_quirks(text)
    return replace(
        config,
        spotify=replace(config.spotify, quirks=of_service(quirks, ServiceId.SPOTIFY)),
        ytmusic=replace(config.ytmusic, quirks=of_service(quirks, ServiceId.YTMUSIC)),
    )


def state_file(state_dir: Path, service_id: ServiceId) -> Path:
    """Where the demo service `service_id` keeps its playlists between runs."""
    return state_dir / f"demo-{service_id}.json"


def demo_services(
    config: DemoConfig, throttles: dict[ServiceId, Throttle], notices: Notices | None = None
) -> dict[ServiceId, DemoService]:
    """Build the two demo services on the program's throttles (the composition root does);
    `notices` hears of a state file set aside."""
    services = {}
    for service_id in ONLINE_SERVICES:
        server_config = config.spotify if service_id is ServiceId.SPOTIFY else config.ytmusic
        state = state_file(config.state_dir, service_id) if config.state_dir else None
        server = DemoServer(
            service_id, server_config, state, config.catalogue, notices=notices or Notices()
        )
        services[service_id] = DemoService(server, throttles[service_id])
    return services


def forget_demo_state(state_dir: Path) -> None:
    """`--demo-reset`: the demo's playlists and its memory (decisions, pairs) start again.

    Its state files with their locks and its match store with SQLite's files go. Copies
    kept aside as damaged stay, as every kept copy does, and so does anything other than a
    file found in their place: opening the demo sets that aside, and says so.
    """
    kept = [state_dir / "matches.sqlite3", *(state_file(state_dir, s) for s in ONLINE_SERVICES)]
    for path in kept:
        for suffix in ("", ".lock", "-wal", "-shm"):
            gone = path.with_name(path.name + suffix)
            if not_a_file(gone) is None:
                gone.unlink(missing_ok=True)
