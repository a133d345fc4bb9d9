"""The Spotify adapter: spotipy's dicts in, core types out; spotipy's errors, core errors.

It follows Spotify's 2026 Web API: playlist entries come from `playlist_items` (the /items
endpoint; /tracks is gone) and carry the track under `item` (older answers: `track`);
playlists are created with `current_user_playlist_create` (POST /me/playlists); a search
returns at most 10 results; saving to Liked Songs goes through /me/library, at most 40 URIs a
request. Entries that cannot be synced — removed tracks (no id, empty name, duration 0), local
files, podcast episodes, null items — become tracks of the matching kind, so the window shows
them with a reason instead of failing.

Every request spotipy sends, token refreshes included, passes the service's throttle in the
session it is given (`http_session`); `classify` tells the throttle what Spotify's answers
mean: a 429 whose body names a quota ("QUOTA_EXCEEDED", with a Retry-After of up to half a
day) is not a pause to wait out but the end of the run, with the time it may resume.
Since 2026 an app in development mode — every Songbird user's own — works only while its
owner has Premium, and only for the accounts added under its User Management; Spotify then
answers 403 with a sentence, which becomes its own message here, never a retry. Such an app
reads the items of only the playlists the person owns or collaborates on: the others are
listed as followed (`PlaylistKind.FOLLOWED`) and never read. Lists are read 50 entries a page
at most, fewer if Spotify answers "Invalid limit" (`page_size.PageSize`).

Spotify removed `/users/{id}/playlists`, the batch `/tracks` and the per-type library
endpoints in February 2026; nothing here may call them (tests/services/test_removed_endpoints.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, TypeVar

import requests
import spotipy

from songbird_gui.core.errors import (
    AccountNotAllowed,
    AuthExpired,
    NotFound,
    PermanentError,
    QuotaExceeded,
    RateLimited,
    ServiceError,
    TransientError,
)
from songbird_gui.core.normalize import (
    SOFT_VERSIONS,
    clean_artist,
    fold,
    parse_title,
    song_title,
)
from songbird_gui.core.retry import quota_words
from songbird_gui.core.service import ServiceLimits
from songbird_gui.core.throttle import Throttle, writing
from songbird_gui.core.types import (
    LIKED_PLAYLIST_ID,
    Entry,
    Playlist,
    PlaylistKind,
    SearchQuery,
    ServiceId,
    Track,
    TrackKind,
)
from songbird_gui.services.fields import (
    count_of,
    duration_from_ms,
    flag,
    isrc_of,
    mapping,
    names_of,
    text,
    text_or_none,
)
from songbird_gui.services.http_session import retry_after, status_problem, unreadable
from songbird_gui.services.page_size import PageSize, PageSizeRefused
from songbird_gui.services.refusal_words import NOT_OWNED

T = TypeVar("T")
SEARCH_LIMIT = 10  # Spotify's 2026 maximum per search request
LIBRARY_BATCH = 40  # PUT /me/library takes at most 40 URIs
PLAYLIST_REMOVE_MAX = 100  # DELETE /playlists/{id}/items: at most 100 items a request
LIKED_ORDER = "Spotify orders Liked Songs itself: a song cannot be put at a place there."
INVALID_LIMIT = "invalid limit"  # Spotify's 400 for a page size it refuses


def translate_errors(request: Callable[[], T], forbidden: str | None = None) -> T:
    """Run one spotipy call, turning its failures into core errors with readable messages.

    `forbidden` is the sentence to show for a 403, when the caller knows what it means there.
    """
    try:
        return request()
    except spotipy.SpotifyException as error:
        if error.http_status == 429 and _quota_reason({"reason": error.reason}):
            # Reached untrottled (tests): the throttle ends the run with the resume time.
            raise QuotaExceeded(QUOTA_USED_UP) from error
        raise _from_status(
            error.http_status, _reason(error.msg), error.headers, forbidden
        ) from error
    except spotipy.SpotifyOauthError as error:
        # Refreshing the token failed, or there is no token (spotify_auth never prompts).
        # The token endpoint's status is on the HTTPError spotipy was handling.
        context = error.__context__
        response = context.response if isinstance(context, requests.HTTPError) else None
        status = response.status_code if response is not None else None
        if status is not None and (status == 429 or status >= 500):
            raise TransientError(f"Spotify's login service failed ({status}).") from error
        raise AuthExpired(
            "Spotify no longer accepts the saved login. Connect Spotify again.", ServiceId.SPOTIFY
        ) from error
    except (requests.ConnectionError, requests.Timeout) as error:
        raise TransientError("Spotify could not be reached.") from error
    except requests.RequestException as error:
        raise TransientError(f"The request to Spotify failed ({type(error).__name__}).") from error
    except ServiceError:
        raise
    except (ValueError, KeyError, TypeError) as error:
        raise TransientError("Spotify sent an answer that could not be read.") from error


QUOTA_USED_UP = quota_words("Spotify", None, 0.0)  # when Spotify says no time
PREMIUM_NEEDED = (
    "Spotify refuses your app because its owner has no Premium subscription: since 2026 an "
    "app in development mode works only while its owner has Premium. Renew Premium on the "
    "account that created the app (it can take a few hours to count), then sync again."
)
USER_NOT_REGISTERED = (
    "Spotify refuses this account for your app: add it under User Management on your app's "
    "page at developer.spotify.com/dashboard (its e-mail and name; at most five accounts), "
    "then connect Spotify again."
)


def account_refusal(reason: str) -> AccountNotAllowed | None:
    """Spotify's 2026 refusals of a development-mode app, by the words of its 403."""
    words = reason.casefold()
    if "premium" in words:
        return AccountNotAllowed(PREMIUM_NEEDED)
    if "not be registered" in words or "not registered" in words:
        return AccountNotAllowed(USER_NOT_REGISTERED)
    return None


def _quota_reason(body: Any) -> bool:
    """Whether an error body names a quota ({"error": {"reason": "QUOTA_EXCEEDED"}})."""
    error = body.get("error") if isinstance(body, dict) else None
    fields = [body, error] if isinstance(error, dict) else [body]
    return any(
        "quota" in str(f.get("reason") or "").casefold() for f in fields if isinstance(f, dict)
    )


def _body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def classify(response: requests.Response) -> ServiceError | None:
    """What an answer means to the throttle (see `http_session.Classify`)."""
    if response.status_code == 429 and _quota_reason(_body(response)):
        # Not retried: the throttle ends the run with the time the Retry-After gives.
        return RateLimited(
            "Spotify's quota for your app is used up.", retry_after(response.headers), quota=True
        )
    return status_problem(response, "Spotify") or unreadable(response, "Spotify")


def _from_status(
    status: int | None, reason: str, headers: Any, forbidden: str | None
) -> ServiceError:
    if status == 429:
        return RateLimited("Spotify asked Songbird to slow down.", _retry_after(headers))
    if status == 401:
        return AuthExpired(
            "The Spotify login has expired. Connect Spotify again.", ServiceId.SPOTIFY
        )
    if status is not None and status >= 500:
        return TransientError(f"Spotify had a problem answering ({status}).")
    if status == 403 and (refusal := account_refusal(reason)):
        return refusal
    if status == 403 and forbidden:
        return PermanentError(forbidden)
    if status == 404:
        # Only playlist endpoints answer 404 here: an unknown track in a batch is a 400.
        return NotFound(f"Spotify has no such playlist any more: {reason}")
    if status == 400 and reason.casefold().startswith(INVALID_LIMIT):
        return PageSizeRefused(f"Spotify refused the page size asked for: {reason}")
    return PermanentError(f"Spotify refused the request ({status}): {reason}")


def read_answer(request: Callable[[], Any], forbidden: str | None = None) -> dict[str, Any]:
    """A read whose answer must be a JSON object.

    spotipy answers None when a 200's body is not JSON (cut short, or garbled on the way);
    read as "no items", that would make a whole playlist look empty and every track look
    missing, so it is a transient failure instead.
    """
    answer = translate_errors(request, forbidden)
    if not isinstance(answer, dict):
        raise TransientError("Spotify sent an answer that could not be read.")
    return answer


def _reason(msg: str | None) -> str:
    """Spotify's own words from a SpotifyException message ("<url>:\\n <message>")."""
    text = (msg or "").rsplit(":\n", 1)[-1].strip()
    text = text[:200] or "no reason given"
    return text if text.endswith((".", "!", "?")) else text + "."


def _retry_after(headers: Any) -> float | None:
    try:
        value = (headers or {}).get("Retry-After")
        return max(float(value), 0.0) if value is not None else None
    except (TypeError, ValueError):
        return None


def track_from_spotify(item: Any, is_local: bool = False) -> Track:
    """A core track from a Spotify track or episode object (or None for a null entry).

    Fields of an odd type or value (a nan or a string for `duration_ms`, a list for a name)
    are read as unknown; the conversion itself never fails.
    """
    if not isinstance(item, dict):
        return Track(ServiceId.SPOTIFY, None, "", kind=TrackKind.UNAVAILABLE)
    title = text(item.get("name"))
    artists = names_of(item.get("artists"))
    reported_duration = item.get("duration_ms")
    track_id = text_or_none(item.get("id"))
    if item.get("type") == "episode":
        kind = TrackKind.EPISODE
        show = mapping(item.get("show"))
        publisher = text_or_none(show.get("publisher")) or text_or_none(show.get("name"))
        artists = artists or ((publisher,) if publisher else ())
    elif is_local or flag(item.get("is_local")):
        kind = TrackKind.LOCAL_FILE
        track_id = None
    elif not track_id or not title or not reported_duration:
        kind = TrackKind.UNAVAILABLE  # removed from Spotify: no id, no name, duration 0
    else:
        kind = TrackKind.SONG
    return Track(
        service=ServiceId.SPOTIFY,
        id=track_id,
        title=title,
        artists=artists,
        album=text_or_none(mapping(item.get("album")).get("name")),
        duration_ms=duration_from_ms(reported_duration),
        isrc=isrc_of(mapping(item.get("external_ids")).get("isrc")),
        explicit=flag(item.get("explicit")),
        kind=kind,
    )


def entry_to_track(entry: Any) -> Track:
    """A playlist or saved-tracks entry: the 2026 `item`, or the older `track`."""
    if not isinstance(entry, dict):
        return track_from_spotify(None)
    item = next(
        (v for v in (entry.get("item"), entry.get("track")) if v and isinstance(v, dict)), None
    )
    return track_from_spotify(item, flag(entry.get("is_local")))


def version_words(title: str) -> str:
    """The version tags of a title that name another recording ("live", "remix"), as words.

    Soft tags (a remaster is the same performance) and the catch-all "other version" are left
    out: as search words they would only hide the plain recording.
    """
    tags = parse_title(title).versions - SOFT_VERSIONS - {"other version"}
    return " ".join(sorted(tags))


class SpotifyService:
    """The `MusicService` adapter over a ready `spotipy.Spotify` client."""

    service_id = ServiceId.SPOTIFY
    # Spotify removes every occurrence of a track whatever positions are sent (since 2024).
    limits = ServiceLimits(
        add_batch_size=100,
        remove_batch_size=PLAYLIST_REMOVE_MAX,
        removes_every_occurrence=True,
    )

    def __init__(self, client: spotipy.Spotify, throttle: Throttle) -> None:
        self.client = client
        self.throttle = throttle  # in the session `client` sends its requests through
        self._user: dict[str, Any] | None = None
        self.page_size = PageSize("Spotify")

    # -- reading ---------------------------------------------------------------------------

    def _pages(
        self, first: Callable[[int], Any], forbidden: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of a list, its first page asked with the page size Spotify accepts
        (the next pages' addresses carry the same size)."""
        page = self.page_size.read(lambda size: read_answer(partial(first, size), forbidden))
        while True:
            yield from page.get("items") or ()
            if not page.get("next"):
                return
            page = read_answer(partial(self.client.next, page), forbidden)

    def _me(self) -> dict[str, Any]:
        if self._user is None:
            self._user = read_answer(self.client.me)
        return self._user

    def list_playlists(self) -> list[Playlist]:
        """Liked Songs, then the playlists; those of someone else that the person only
        follows are marked FOLLOWED (Spotify lets apps read only their own)."""
        me = self._me()
        my_id = text(me.get("id"))
        owner_name = text(me.get("display_name")) or my_id
        playlists = [
            Playlist(
                ServiceId.SPOTIFY,
                LIKED_PLAYLIST_ID,
                "Liked Songs",
                owner_name,
                None,
                PlaylistKind.LIKED,
            )
        ]
        pages = self._pages(lambda size: self.client.current_user_playlists(limit=size))
        for entry in pages:
            playlist_id = text_or_none(mapping(entry).get("id"))
            if playlist_id is None:
                continue
            counts = mapping(entry.get("items")) or mapping(entry.get("tracks"))
            owner = mapping(entry.get("owner"))
            owner_id = text(owner.get("id"))
            # A collaborative playlist may be one the person collaborates on: readable.
            followed = bool(my_id and owner_id and owner_id != my_id) and not flag(
                entry.get("collaborative")
            )
            playlists.append(
                Playlist(
                    ServiceId.SPOTIFY,
                    playlist_id,
                    text(entry.get("name")) or "(no name)",
                    text(owner.get("display_name")) or owner_id,
                    count_of(counts.get("total")),
                    PlaylistKind.FOLLOWED if followed else PlaylistKind.NORMAL,
                )
            )
        return playlists

    def playlist_tracks(self, playlist: Playlist) -> list[Track]:
        return [entry.track for entry in self.playlist_entries(playlist)]

    def playlist_entries(self, playlist: Playlist) -> list[Entry]:
        """Spotify names no occurrence: an entry is its track at its position (no handle).

        A followed playlist is refused here, without a request: Spotify would answer 403, or
        (for some apps) a page with no items, which would read as an emptied playlist.
        """
        if playlist.is_followed:
            raise PermanentError(NOT_OWNED)
        if playlist.is_liked:
            pages = self._pages(lambda size: self.client.current_user_saved_tracks(limit=size))
        else:
            pages = self._pages(
                lambda size: self.client.playlist_items(playlist.id, limit=size), NOT_OWNED
            )
        return [Entry(entry_to_track(entry)) for entry in pages]

    # -- searching -------------------------------------------------------------------------

    def search_queries(self, track: Track) -> list[SearchQuery]:
        """A field query (title and first artist) first, then the same words as free text.

        Without an artist (a hand search: the person's own words) only the free text is
        sent: a `track:` field would demand that every word be in the title. Nor for an
        upload, whose "artist" is the channel that uploaded it, seldom the one who sings:
        an `artist:` field naming it would find nothing, a request spent for no answer.
        """
        title = song_title(track.title, track.artists) or fold(track.title)
        versions = version_words(track.title)
        artist = clean_artist(track.artists[0]) if track.artists else ""
        free = " ".join(w for w in (title, versions, artist) if w)
        if not artist or not title or track.kind is TrackKind.UPLOAD:
            return [SearchQuery(free, "free")] if free else []
        field = f'track:"{title}" artist:"{artist}" {versions}'.strip()
        return [SearchQuery(field, "field"), SearchQuery(free, "free")]

    def search(self, query: SearchQuery) -> list[Track]:
        answer = read_answer(
            lambda: self.client.search(query.text, limit=SEARCH_LIMIT, type="track")
        )
        items = (answer.get("tracks") or {}).get("items") or ()
        tracks = [track_from_spotify(item) for item in items]
        return [t for t in tracks if t.kind is TrackKind.SONG]

    # -- writing ---------------------------------------------------------------------------

    def create_playlist(self, name: str, description: str) -> Playlist:
        with writing():
            created = translate_errors(
                lambda: self.client.current_user_playlist_create(
                    name, public=False, description=description
                )
            )
        if not isinstance(created, dict) or not created.get("id"):
            # It may have been created all the same: the writer looks before it asks again.
            raise TransientError("Spotify's answer to creating the playlist could not be read.")
        owner = created.get("owner") or {}
        return Playlist(
            ServiceId.SPOTIFY,
            str(created["id"]),
            str(created.get("name") or name),
            str(owner.get("display_name") or owner.get("id") or ""),
            0,
        )

    def add_tracks(
        self, playlist: Playlist, track_ids: Sequence[str], position: int | None = None
    ) -> None:
        if len(track_ids) > self.limits.add_batch_size:
            raise PermanentError(
                f"Spotify takes at most {self.limits.add_batch_size} tracks in one request."
            )
        uris = [f"spotify:track:{i}" for i in track_ids]
        if playlist.is_liked:
            if position is not None:
                raise PermanentError(LIKED_ORDER)
            # Saving is idempotent: if a later chunk fails, re-sending the whole batch is safe.
            for start in range(0, len(uris), LIBRARY_BATCH):
                chunk = uris[start : start + LIBRARY_BATCH]
                translate_errors(partial(self.client.current_user_saved_tracks_add, chunk))
            return
        with writing():
            translate_errors(
                lambda: self.client.playlist_add_items(playlist.id, uris, position=position)
            )

    def remove_entries(
        self, playlist: Playlist, entries: Sequence[Entry], indices: Sequence[int]
    ) -> None:
        """One DELETE of the entries' URIs with their positions (Liked Songs: by URI).

        The positions go as spotipy sends them, but Spotify removes every occurrence of those
        tracks whatever positions are sent (`limits.removes_every_occurrence`).
        """
        if len(indices) > self.limits.remove_batch_size:
            raise PermanentError(
                f"Spotify removes at most {self.limits.remove_batch_size} entries in one request."
            )
        positions: dict[str, list[int]] = {}  # URI → its positions, in the order first met
        for index in indices:
            positions.setdefault(_uri_of(_entry_at(entries, index), index), []).append(index)
        if not positions:
            return
        if playlist.is_liked:
            # DELETE /me/library, at most 40 URIs a request as for saving. Removing from the
            # library is idempotent, like saving: re-sending a request whose answer was lost
            # does no harm, so these are not marked as writes.
            uris = list(positions)
            for start in range(0, len(uris), LIBRARY_BATCH):
                chunk = uris[start : start + LIBRARY_BATCH]
                translate_errors(partial(self.client.current_user_saved_tracks_delete, chunk))
            return
        items = [{"uri": uri, "positions": sorted(set(at))} for uri, at in positions.items()]
        with writing():
            translate_errors(
                lambda: self.client.playlist_remove_specific_occurrences_of_items(
                    playlist.id, items
                )
            )

    def move_entry(
        self, playlist: Playlist, entries: Sequence[Entry], index: int, before: int | None
    ) -> None:
        """One reorder: `range_start` the entry's position, `insert_before` where it goes.

        Spotify reads `insert_before` in the order before the move, as `before` is meant;
        the end is `len(entries)`. A move that changes nothing sends nothing.
        """
        if playlist.is_liked:
            raise PermanentError(LIKED_ORDER)
        _entry_at(entries, index)
        insert_before = len(entries) if before is None else before
        if before is not None:
            _entry_at(entries, before)
        if insert_before in (index, index + 1):
            return
        with writing():
            translate_errors(
                lambda: self.client.playlist_reorder_items(
                    playlist.id, range_start=index, insert_before=insert_before, range_length=1
                )
            )


def _entry_at(entries: Sequence[Entry], index: int) -> Entry:
    """`entries[index]`, or a PermanentError in words: a stale plan must not crash a run."""
    if not 0 <= index < len(entries):
        raise PermanentError(
            f"Songbird asked for entry {index + 1} of a Spotify playlist of {len(entries)}; "
            "read the playlist again."
        )
    return entries[index]


def _uri_of(entry: Entry, index: int) -> str:
    """The URI Spotify names an entry by: a track's, or an episode's."""
    track = entry.track
    if not track.id:
        raise PermanentError(
            f"Spotify gives no id for entry {index + 1} ({track.describe()}), "
            "so Songbird cannot remove it; remove it in Spotify itself."
        )
    kind = "episode" if track.kind is TrackKind.EPISODE else "track"
    return f"spotify:{kind}:{track.id}"
