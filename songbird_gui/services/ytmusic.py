"""The YouTube Music adapter: ytmusicapi's dicts in, core types out; its errors, core errors.

The client must use language "en": ytmusicapi 1.12 recognises a filtered search's result
shelf by its English title and returns nothing for some other languages. Results are sorted
into kinds, because the same recording appears as the official song (an "ATV" track), its
official music video ("OMV") and other videos, fans' uploads ("UGC") among them; the matcher
prefers them in that order. Liked Music is the playlist "LM"; liking a song is how a track is
"added" to it.

ytmusicapi reads the body of an error answer before it looks at the status, so a 429 or 5xx
with an HTML body (or a JSON body without a message) surfaces as a parse error that carries
no status. The adapter therefore notes the status and Retry-After of each answer on the
client's session (per thread) and sorts failures by that.

What YouTube Music refuses in 2025–2026, each told apart by its own words so that the writer
can do the right thing: a playlist created seconds ago refuses edits for up to about 20 s
("Precondition check failed": `PlaylistNotReady`, waited out); too many creations ("You are
creating too many playlists", as a 400 or a 429: `CreationRefused`, never asked again this
run, since people report their channel removed after hitting it); a write answered with a
dialog to answer in the web app instead of done (ytmusicapi 1.12.2's `YTMusicGatedError`:
`WritesGated`); a browser sign-in that has expired (401 "You must be signed in to perform
this operation.", or 403: `AuthExpired`, one "connect again").
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

import requests
from ytmusicapi import LikeStatus, YTMusic
from ytmusicapi.exceptions import (
    YTMusicError,
    YTMusicGatedError,
    YTMusicServerError,
    YTMusicUserError,
)

from songbird_gui.core.errors import (
    AuthExpired,
    CreationRefused,
    NotFound,
    PermanentError,
    PlaylistNotReady,
    RateLimited,
    ServiceError,
    TransientError,
    WritesGated,
)
from songbird_gui.core.normalize import (
    SOFT_VERSIONS,
    clean_artist,
    fold,
    parse_title,
    song_title,
)
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
    duration_from_clock,
    duration_from_seconds,
    flag,
    mapping,
    names_of,
    text,
    text_or_none,
)
from songbird_gui.services.http_session import status_problem, unreadable
from songbird_gui.services.refusal_words import (
    NOT_READY,
    NOT_READY_WORDS,
    SIGNED_OUT,
    TOO_MANY,
    TOO_MANY_WORDS,
    gated_words,
)

T = TypeVar("T")
LIKED_MUSIC = "LM"
EPISODES_FOR_LATER = "SE"  # a library entry of podcast episodes, never music to sync
SEARCH_LIMIT = 20
# Entries per remove request. Neither YouTube nor ytmusicapi names a maximum: ytmusicapi puts
# every entry it is given in one edit_playlist request, and its own live test
# (tests/mixins/test_playlists.py, test_end2end) removes 46 entries at once. 25, like adds,
# stays well inside what is known to work, and a refused batch costs less to split.
REMOVE_BATCH = 25
LIKED_ORDER = "YouTube Music orders Liked Music itself: a song cannot be moved there."
_STATUS_RE = re.compile(r"HTTP (\d{3})")
_SYNCABLE = (TrackKind.SONG, TrackKind.MUSIC_VIDEO, TrackKind.UPLOAD)

# Every other video type (UGC, OFFICIAL_SOURCE_MUSIC, PRIVATELY_OWNED_TRACK, …) is an upload.
_VIDEO_KINDS = {
    "MUSIC_VIDEO_TYPE_ATV": TrackKind.SONG,  # the official audio track ("Topic" channel)
    "MUSIC_VIDEO_TYPE_OMV": TrackKind.MUSIC_VIDEO,
    "MUSIC_VIDEO_TYPE_PODCAST_EPISODE": TrackKind.EPISODE,
}


class _LastAnswer(threading.local):
    """The status and Retry-After of the last HTTP answer seen by this thread."""

    status: int | None = None
    retry_after: float | None = None


def _retry_after(value: str | None) -> float | None:
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None  # an HTTP date: rare enough to fall back to the default pause


def _error_text(error: Exception) -> str:
    """Google's own message from a ytmusicapi error (its second line), as a sentence."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = (lines[1] if len(lines) > 1 else lines[0] if lines else "")[:200]
    return text if not text or text.endswith((".", "!", "?")) else text + "."


def _from_status(status: int, retry_after: float | None, detail: str) -> ServiceError:
    words = detail.casefold()
    if status in (400, 429) and TOO_MANY_WORDS in words:
        return CreationRefused(TOO_MANY)
    if status == 429:
        return RateLimited("YouTube Music asked Songbird to slow down.", retry_after)
    if status in (401, 403):
        # An expired or signed-out browser session answers 401 "You must be signed in to
        # perform this operation." (reported 2023-2025), or 403 "The caller does not have
        # permission" (ytmusicapi issue #136); either way the headers must be pasted again.
        return AuthExpired(SIGNED_OUT, ServiceId.YTMUSIC)
    if status == 400 and NOT_READY_WORDS in words:
        return PlaylistNotReady(NOT_READY)
    if status >= 500:
        return TransientError(f"YouTube Music had a problem answering ({status}).")
    if status == 404:
        return NotFound(f"YouTube Music has no such playlist any more. {detail}".strip())
    return PermanentError(f"YouTube Music refused the request ({status}). {detail}".strip())


def kind_of(item: dict[str, Any]) -> TrackKind:
    result_type = item.get("resultType")
    if result_type in ("episode", "podcast"):
        return TrackKind.EPISODE
    if result_type == "song":
        return TrackKind.SONG
    video_type = item.get("videoType")
    if not isinstance(video_type, str):
        # Playlist entries without a video type, and results that are not videos, are songs.
        return TrackKind.UPLOAD if result_type == "video" else TrackKind.SONG
    return _VIDEO_KINDS.get(video_type, TrackKind.UPLOAD)


def _duration_ms(item: dict[str, Any]) -> int | None:
    """The length in ms: `duration_seconds`, else the clock text ("4:09") of `duration`/`length`."""
    return (
        duration_from_seconds(item.get("duration_seconds"))
        or duration_from_clock(item.get("duration"))
        or duration_from_clock(item.get("length"))
    )


def track_from_ytmusic(item: Any) -> Track:
    """A core track from a search result or a playlist entry.

    Fields of an odd type or value (inf seconds, a list for a title, "99:99") are read as
    unknown; the conversion itself never fails.
    """
    if not isinstance(item, dict):
        return Track(ServiceId.YTMUSIC, None, "", kind=TrackKind.UNAVAILABLE)
    kind = kind_of(item)
    video_id = text_or_none(item.get("videoId"))
    if item.get("isAvailable") is False or not video_id:
        kind = TrackKind.UNAVAILABLE if kind is not TrackKind.EPISODE else kind
    return Track(
        service=ServiceId.YTMUSIC,
        id=video_id,
        title=text(item.get("title")),
        artists=names_of(item.get("artists")),
        album=text_or_none(mapping(item.get("album")).get("name")),
        duration_ms=_duration_ms(item),
        isrc=None,  # YouTube Music does not say
        explicit=flag(item.get("isExplicit")),
        kind=kind,
    )


def classify(response: requests.Response) -> ServiceError | None:
    """What an answer means to the throttle (see `http_session.Classify`).

    Only the innertube API (`/youtubei/`) answers JSON; the home page ytmusicapi reads once
    for a visitor id is HTML.
    """
    if response.status_code == 429 and TOO_MANY_WORDS in response.text.casefold():
        # A 429 that is about creations, not the request rate: waiting out its pause and
        # asking again is the loop that gets channels removed. Never retried.
        return CreationRefused(TOO_MANY)
    problem = status_problem(response, "YouTube Music")
    request = getattr(response, "request", None)
    if problem is None and request is not None and "/youtubei/" in (request.url or ""):
        problem = unreadable(response, "YouTube Music")
    return problem


class YTMusicService:
    """The `MusicService` adapter over a ready `ytmusicapi.YTMusic` client."""

    service_id = ServiceId.YTMUSIC
    limits = ServiceLimits(add_batch_size=25, playlist_cap=5000, remove_batch_size=REMOVE_BATCH)

    def __init__(self, client: YTMusic, throttle: Throttle) -> None:
        self.client = client
        self.throttle = throttle  # in the session `client` sends its requests through
        self._last = _LastAnswer()
        # ytmusicapi keeps its requests.Session as `_session` (the one passed to YTMusic or its
        # own); a response hook is how the status of a failed answer survives its parser.
        session = getattr(client, "_session", None)
        if isinstance(session, requests.Session):
            session.hooks["response"].append(self._note_answer)

    def _note_answer(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._last.status = response.status_code
        self._last.retry_after = _retry_after(response.headers.get("Retry-After"))

    def _call(self, request: Callable[[], T]) -> T:
        """Run one ytmusicapi call, turning its failures into core errors."""
        self._last.status = None
        try:
            return request()
        except YTMusicGatedError as error:
            raise WritesGated(gated_words(_dialog_of(str(error)))) from error
        except YTMusicUserError as error:
            if "authentication" in str(error).lower():
                raise AuthExpired(
                    "YouTube Music is not connected. Connect it first.", ServiceId.YTMUSIC
                ) from error
            raise PermanentError(f"YouTube Music: {_error_text(error)}") from error
        except (requests.ConnectionError, requests.Timeout) as error:
            raise TransientError("YouTube Music could not be reached.") from error
        except requests.RequestException as error:
            raise TransientError(
                f"The request to YouTube Music failed ({type(error).__name__})."
            ) from error
        except ServiceError:
            raise
        except (YTMusicError, ValueError, KeyError, TypeError, IndexError) as error:
            match = _STATUS_RE.search(str(error)) if isinstance(error, YTMusicError) else None
            status = int(match.group(1)) if match else self._last.status
            if status is not None and status >= 400:
                raise _from_status(status, self._last.retry_after, _error_text(error)) from error
            if isinstance(error, YTMusicServerError):
                # A server error ytmusicapi raises without a status: refused, in its words.
                raise PermanentError(f"YouTube Music: {_error_text(error)}") from error
            # ytmusicapi parses YouTube's page structure; a changed page breaks its parser, and
            # a signed-out session answers 200 with a page that lacks the library.
            raise TransientError(
                "YouTube Music sent an answer that could not be read. If this keeps "
                "happening, connect YouTube Music again."
            ) from error

    def _remote_id(self, playlist: Playlist) -> str:
        return LIKED_MUSIC if playlist.is_liked else playlist.id

    # -- reading ---------------------------------------------------------------------------

    def list_playlists(self) -> list[Playlist]:
        rows = self._call(lambda: self.client.get_library_playlists(limit=None)) or []
        liked = Playlist(
            ServiceId.YTMUSIC, LIKED_PLAYLIST_ID, "Liked Music", "", None, PlaylistKind.LIKED
        )
        playlists = [liked]
        for row in rows:
            if (
                not isinstance(row, dict)
                or not row.get("playlistId")
                or row["playlistId"] in (LIKED_MUSIC, EPISODES_FOR_LATER)
            ):
                continue
            authors = row.get("author") or []
            owner = authors[0].get("name", "") if authors and isinstance(authors[0], dict) else ""
            playlists.append(
                Playlist(
                    ServiceId.YTMUSIC,
                    str(row["playlistId"]),
                    str(row.get("title") or "(no name)"),
                    str(owner),
                    _count(row.get("count")),
                )
            )
        return playlists

    def playlist_tracks(self, playlist: Playlist) -> list[Track]:
        return [entry.track for entry in self.playlist_entries(playlist)]

    def playlist_entries(self, playlist: Playlist) -> list[Entry]:
        """Each entry with its setVideoId, YouTube Music's name for that occurrence.

        Only playlists the person may edit carry one (their own, Liked Music where present).
        """
        remote_id = self._remote_id(playlist)
        answer = self._call(lambda: self.client.get_playlist(remote_id, limit=None))
        rows = (answer or {}).get("tracks") or []
        return [
            Entry(track_from_ytmusic(row), text_or_none(mapping(row).get("setVideoId")))
            for row in rows
        ]

    # -- searching -------------------------------------------------------------------------

    def search_queries(self, track: Track) -> list[SearchQuery]:
        """The same words twice: the songs filter first, then the videos filter."""
        parsed = parse_title(track.title)
        versions = parsed.versions - SOFT_VERSIONS - {"other version"}
        artists = [clean_artist(a) for a in track.artists[:2]]
        title = song_title(track.title, track.artists) or fold(track.title)
        words = [title, *sorted(versions), *artists]
        text = " ".join(" ".join(words).split())
        if not text:
            return []
        return [SearchQuery(text, "songs"), SearchQuery(text, "videos")]

    def search(self, query: SearchQuery) -> list[Track]:
        search_filter: Literal["songs", "videos"] | None = (
            "videos" if query.kind == "videos" else "songs" if query.kind == "songs" else None
        )
        rows = self._call(
            lambda: self.client.search(query.text, filter=search_filter, limit=SEARCH_LIMIT)
        )
        tracks = [track_from_ytmusic(row) for row in rows or ()]
        return [t for t in tracks if t.id and t.kind in _SYNCABLE]

    # -- writing ---------------------------------------------------------------------------

    def create_playlist(self, name: str, description: str) -> Playlist:
        with writing():
            answer = self._call(
                lambda: self.client.create_playlist(name, description, privacy_status="PRIVATE")
            )
        if not isinstance(answer, str) or not answer:
            # It may have been created all the same: the writer looks before it asks again.
            raise TransientError("YouTube Music's answer to creating the playlist was unclear.")
        return Playlist(ServiceId.YTMUSIC, answer, name, "", 0)

    def add_tracks(
        self, playlist: Playlist, track_ids: Sequence[str], position: int | None = None
    ) -> None:
        if position is not None:
            raise PermanentError(
                "YouTube Music adds at the end of a playlist: a track cannot be added at a place."
            )
        ids = list(track_ids)
        if playlist.is_liked:
            # One request per song: YouTube Music has no batch "like". Liking is idempotent,
            # so a batch re-sent after a failure half-way does no harm.
            for video_id in ids:

                def like(v: str = video_id) -> object:
                    return self.client.rate_song(v, LikeStatus.LIKE)

                self._call(like)
            return
        with writing():
            answer = self._call(
                lambda: self.client.add_playlist_items(playlist.id, ids, duplicates=False)
            )
        status = answer.get("status") if isinstance(answer, dict) else None
        if not isinstance(status, str) or "SUCCEEDED" not in status:
            gate = _gate_of(answer)
            if gate is not None:
                raise WritesGated(gated_words(gate))
            # One bad video fails the whole batch (STATUS_FAILED, no reason given), and an
            # answer without a status is unclear: the writer reads what landed, then splits
            # what did not to find the one refused.
            raise PermanentError(
                f"YouTube Music did not add {len(ids)} track(s) ({status or 'no status'})."
            )

    def remove_entries(
        self, playlist: Playlist, entries: Sequence[Entry], indices: Sequence[int]
    ) -> None:
        """One edit_playlist request of ACTION_REMOVE_VIDEO actions (Liked Music: un-likes)."""
        if len(indices) > self.limits.remove_batch_size:
            raise PermanentError(
                f"YouTube Music removes at most {self.limits.remove_batch_size} entries "
                "in one request."
            )
        chosen = [(index, _entry_at(entries, index)) for index in dict.fromkeys(indices)]
        if not chosen:
            return
        if playlist.is_liked:
            # One request per song, as for likes; taking a like back is idempotent too.
            for index, entry in chosen:
                video_id = _video_id(entry, index)

                def unlike(v: str = video_id) -> object:
                    return self.client.rate_song(v, LikeStatus.INDIFFERENT)

                self._call(unlike)
            return
        # ytmusicapi drops, without a word, every item that lacks videoId or setVideoId:
        # each is checked here, so a batch is removed whole or not at all.
        videos = [
            {"videoId": _video_id(entry, index), "setVideoId": _handle(entry, index)}
            for index, entry in chosen
        ]
        with writing():
            answer = self._call(lambda: self.client.remove_playlist_items(playlist.id, videos))
        _check_status(
            answer, f"did not remove {len(videos)} entr{'y' if len(videos) == 1 else 'ies'}"
        )

    def move_entry(
        self, playlist: Playlist, entries: Sequence[Entry], index: int, before: int | None
    ) -> None:
        """One ACTION_MOVE_VIDEO_BEFORE: the entry's setVideoId, and its new successor's.

        Without a successor YouTube Music moves the entry to the end (ytmusicapi takes a bare
        setVideoId for that: sigma67/ytmusicapi#601). A move that changes nothing sends nothing.
        """
        if playlist.is_liked:
            raise PermanentError(LIKED_ORDER)
        moved = _handle(_entry_at(entries, index), index)
        if before is None:
            if index == len(entries) - 1:
                return
            move: str | tuple[str, str] = moved
        else:
            if before in (index, index + 1):
                _entry_at(entries, before)
                return
            move = (moved, _handle(_entry_at(entries, before), before))
        with writing():
            answer = self._call(lambda: self.client.edit_playlist(playlist.id, moveItem=move))
        _check_status(answer, "did not move the entry")


def _entry_at(entries: Sequence[Entry], index: int) -> Entry:
    """`entries[index]`, or a PermanentError in words: a stale plan must not crash a run."""
    if not 0 <= index < len(entries):
        raise PermanentError(
            f"Songbird asked for entry {index + 1} of a YouTube Music playlist of "
            f"{len(entries)}; read the playlist again."
        )
    return entries[index]


def _video_id(entry: Entry, index: int) -> str:
    if not entry.track.id:
        raise PermanentError(
            f"YouTube Music gives no video id for entry {index + 1} ({entry.track.describe()}), "
            "so Songbird cannot remove it; remove it in YouTube Music itself."
        )
    return entry.track.id


def _handle(entry: Entry, index: int) -> str:
    """The entry's setVideoId: without it YouTube Music cannot tell which copy is meant."""
    if not entry.handle:
        raise PermanentError(
            f"YouTube Music names no entry {index + 1} ({entry.track.describe()}) for editing "
            "(no setVideoId): only playlists you own can be changed. Read the playlist again, "
            "or change it in YouTube Music itself."
        )
    return entry.handle


def _check_status(answer: Any, failed: str) -> None:
    """ytmusicapi answers an edit with its status text, or the whole answer without one."""
    status = answer if isinstance(answer, str) else mapping(answer).get("status")
    if not isinstance(status, str) or "SUCCEEDED" not in status:
        raise PermanentError(f"YouTube Music {failed} ({status or 'no status'}).")


def _gate_of(answer: Any) -> str | None:
    """The dialog a write was answered with instead of being done (None: not gated).

    The shape ytmusicapi 1.12.2 checks after a creation (`validate_write_response`): only a
    `showEngagementPanelEndpoint` action, which the web app replays once the dialog is
    answered. ytmusicapi checks only creations; an add answered so is caught here.
    """
    actions = mapping(answer).get("actions")
    first = actions[0] if isinstance(actions, list) and actions else None
    panel = mapping(first).get("showEngagementPanelEndpoint")
    if not isinstance(panel, dict):
        return None
    return text(mapping(panel.get("identifier")).get("tag"))


def _dialog_of(message: str) -> str:
    """The dialog's name in YTMusicGatedError's message ("… with its 'X' dialog …")."""
    found = re.search(r"'([^']+)' dialog", message)
    return found.group(1) if found else ""


def _count(value: Any) -> int | None:
    """A library row's track count: a number, or text such as "1,234" (see `count_of`)."""
    return count_of(value)
