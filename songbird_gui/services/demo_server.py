"""The demo library's simulated remote services: `DemoServer`, over a bundled catalogue.

`DemoServer` plays the part of a remote service (one shaped like Spotify, one like YouTube
Music): every request costs real latency (half of it to reach the server, give or take a
jitter, and half to come back), is counted at its arrival against the service's window
(`demo_limits.SlidingWindowLimit`; over it: 429 with a Retry-After in whole seconds), may
fail transiently at a configured rate, and is counted. The limit model is written apart from
Songbird's own limiter, so the client is measured against rules it did not write. It answers
in dicts and status codes, as a web API does; `services/demo.py` is the adapter the engine
talks to.

Its playlists live in a JSON state file shared by every process that opens it, as a real
service's are: each request first takes the file's lock and reads what another process
(`songbird demo-change` in a terminal, a sync from cron) wrote since, and a write saves
before it lets go of the lock, so no two processes lose each other's writes. A state file or a
lock that cannot be used (garbage, cut short, another shape, a folder in its place) is a
damaged kept file: set aside and said (`core/kept_file.py`), the playlists starting again
from the catalogue, never overwritten unseen. Each entry has
a handle of its own (the Spotify-like side keeps it to itself, the YouTube Music-like side
shows it, as setVideoId), and the Spotify-like side removes every copy of a track it is
asked to remove, as Spotify does since 2024.

The refusals Spotify and YouTube Music answer in 2026 (a followed playlist, a page size, a
quota, a new playlist not ready, too many creations, a gated write, an expired sign-in, a
failed add) are modelled here when switched on (`demo_quirks.Quirk`, in `quirks`); each
answers as the service does, and none of them is saved in the state file.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import re
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from rapidfuzz import fuzz

from songbird_gui import resources_path
from songbird_gui.core.atomic import write_text_atomically
from songbird_gui.core.kept_file import Damaged, Notices, keep_aside, not_a_file, open_json
from songbird_gui.core.normalize import fold
from songbird_gui.core.settings import range_of, within
from songbird_gui.core.types import LIKED_PLAYLIST_ID, ServiceId
from songbird_gui.services import demo_quirks
from songbird_gui.services.demo_limits import (
    DEFAULT_JITTER,
    SPOTIFY_WINDOW_S,
    YTMUSIC_WINDOW_S,
    OneWayDelays,
    SlidingWindowLimit,
)
from songbird_gui.services.demo_quirks import Quirk

T = TypeVar("T")

SEARCH_LIMIT = 10


def catalogue_path() -> Path:
    return resources_path() / "demo" / "catalogue.json"


@lru_cache(maxsize=2)
def load_catalogue(path: Path | None = None) -> dict[str, Any]:
    """The bundled catalogue (parsed once per process; treat it as read-only)."""
    with (path or catalogue_path()).open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


@dataclass(frozen=True, slots=True)
class DemoServerConfig:
    """How one simulated service behaves.

    Its limit is a sliding window counted at arrival: `limit` requests per second on
    average over `window_s` seconds, i.e. at most round(limit × window_s) requests in any
    `window_s` seconds. With no `window_s` (0), the window holds `burst` requests and lasts
    burst / limit seconds (`--demo-limit R` thus means R requests in any second).
    """

    # round trip: half to reach the server (± jitter), half back
    latency_s: float = field(default=0.25, metadata=within(0.0, 10.0))
    # requests per second the server accepts, on average over its window
    limit: float = field(default=10.0, metadata=within(0.1, 1e6))
    # the window's size in requests when `window_s` is 0
    burst: int = field(default=10, metadata=within(1, 1_000_000))
    # share of requests that fail with a 503
    fault_rate: float = field(default=0.0, metadata=within(0.0, 1.0))
    seed: int | None = None  # for the fault and latency dice; None: random
    # the counting window; 0: burst / limit seconds
    window_s: float = field(default=0.0, metadata=within(0.0, 3600.0))
    # ± this share of the way there (uniform, per request)
    jitter: float = field(default=DEFAULT_JITTER, metadata=within(0.0, 1.0))
    count_refused: bool = True  # a refused request takes a place in the window too
    name: str = ""  # what the benchmarks call the model ("Spotify-like"); "" names it by size
    quirks: frozenset[Quirk] = frozenset()  # the 2026 refusals it answers (demo_quirks.py)

    def __post_init__(self) -> None:
        """Refuse what no service could be (a latency of NaN or 1e308 s, a limit of 1e-300
        requests a second that answers nothing for minutes): ValueError naming the value."""
        for name in ("latency_s", "limit", "burst", "fault_rate", "window_s", "jitter"):
            value = getattr(self, name)
            low, high = range_of(DemoServerConfig, name)
            if not (isinstance(value, int | float) and low <= value <= high):
                raise ValueError(f"the demo's {name} must be from {low:g} to {high:g}, not {value}")

    @classmethod
    def spotify_like(cls, limit: float = 3.0, **fields: Any) -> DemoServerConfig:
        """A rolling 30 s window holding `limit` × 30 requests (`demo_limits.spotify_like`)."""
        return cls(
            limit=limit, burst=max(1, round(limit)), window_s=SPOTIFY_WINDOW_S, **fields
        ).named("Spotify-like")

    @classmethod
    def ytmusic_like(cls, limit: float = 10.0, **fields: Any) -> DemoServerConfig:
        """A shorter window (`demo_limits.YTMUSIC_WINDOW_S`), its limit untold to the client."""
        return cls(
            limit=limit, burst=max(1, round(limit)), window_s=YTMUSIC_WINDOW_S, **fields
        ).named("YouTube Music-like")

    def named(self, name: str) -> DemoServerConfig:
        return replace(self, name=self.name or name)

    def window_limit(self) -> SlidingWindowLimit:
        """The server's limit as a window model (a fresh one: it holds the arrivals)."""
        if self.window_s > 0:
            window = self.window_s
            limit = max(1, round(self.limit * window))
        else:
            limit = max(1, self.burst)
            window = limit / self.limit
        return SlidingWindowLimit(limit, window, count_refused=self.count_refused, name=self.name)


class DemoHTTPError(Exception):
    """What the simulated server answers instead of a body."""

    def __init__(
        self, status: int, message: str, retry_after: int | None = None, reason: str = ""
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.reason = reason  # a machine-readable reason, as Spotify's "QUOTA_EXCEEDED"


@dataclass
class QuirkState:
    """What the switched-on quirks count (in memory only: a new demo starts afresh)."""

    quota_from: float | None = None  # server clock: the quota ran out then
    creations: int = 0
    created_at: dict[str, float] = field(default_factory=dict)  # playlist id -> server clock
    requests_signed_in: int = 0
    signed_in: bool = True
    failed_first_add: set[str] = field(default_factory=set)


@dataclass
class ServerCounters:
    requests: int = 0
    rate_limited: int = 0
    faults: int = 0
    searches: int = 0
    by_endpoint: dict[str, int] = field(default_factory=lambda: defaultdict(int))


_FIELD_RE = re.compile(r'(track|artist):"([^"]*)"')


class DemoServer:
    """One simulated remote service. Thread-safe; every public method is one request."""

    def __init__(
        self,
        service_id: ServiceId,
        config: DemoServerConfig,
        state_path: Path | None,
        catalogue: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
        notices: Notices | None = None,
    ) -> None:
        """`notices` hears of a state file or lock set aside (the composition root's)."""
        self.service_id = service_id
        self.config = config
        self.state_path = state_path
        self.counters = ServerCounters()
        self.notices = notices or Notices()
        self._lock = threading.Lock()
        self._clock = clock
        self.window = config.window_limit()
        self._dice = random.Random(config.seed)
        self._delay_dice = random.Random(None if config.seed is None else config.seed + 1)
        self._side = (catalogue or load_catalogue())["services"][str(service_id)]
        self.user: str = self._side.get("user", "Demo Listener")
        self._tracks: dict[str, dict[str, Any]] = {t["id"]: t for t in self._side["tracks"]}
        self._from_catalogue()
        self._index: _SearchIndex | None = None  # built at the first request (`_request`)
        self.quirk_state = QuirkState()
        # Someone else's playlists the person follows (the "followed" quirk): listed, never
        # readable, never saved.
        self._followed: dict[str, dict[str, Any]] = {
            f"followed{number}": {
                "id": f"followed{number}",
                "name": name,
                "owner": demo_quirks.FOLLOWED_OWNER,
                "tracks": list(self._tracks)[number::7][: demo_quirks.FOLLOWED_LENGTH],
            }
            for number, name in enumerate(demo_quirks.FOLLOWED_NAMES)
        }
        self._seen: tuple[int, int] | None = None  # the state file as last read or written
        with self._shared():
            pass

    def _from_catalogue(self) -> None:
        """The playlists as the catalogue has them, before any write."""
        side = self._side
        self._playlists: dict[str, dict[str, Any]] = {
            p["id"]: _with_handles({**p, "tracks": list(p["tracks"])}) for p in side["playlists"]
        }
        # Liked songs are a list like any other, under LIKED_PLAYLIST_ID, never listed.
        self._liked = _with_handles(
            {"id": LIKED_PLAYLIST_ID, "name": "Liked", "tracks": list(side["liked"])}
        )

    # -- the request boundary --------------------------------------------------------------

    def _request(self, endpoint: str, handler: Callable[[], T]) -> T:
        """Carry one request there, count it against the window, answer it, carry it back.

        The request is admitted (or refused) and handled at its arrival; the answer then
        takes the other half of the latency to come back.
        """
        with self._lock:
            config = self.config  # a test may swap it mid-run
            if self._index is None:
                # A real service's index exists before anyone searches. Built here, at the
                # first request (reading the playlists, on a worker), it is ready before the
                # first search; built then, it held the interpreter as a big run's searches
                # started and the window drew its rows.
                self._index = _SearchIndex(self._tracks)
            there, back = OneWayDelays(config.latency_s, config.jitter, self._delay_dice).legs()
        time.sleep(there)
        error: Exception | None = None
        answer: list[T] = []
        with self._lock:
            self.counters.requests += 1
            self.counters.by_endpoint[endpoint] += 1
            retry_after = self.window.admit(self._clock())
            if retry_after is not None:
                self.counters.rate_limited += 1
                # HTTP's Retry-After is whole seconds, as the real services send it.
                error = DemoHTTPError(429, "rate limit exceeded", retry_after=retry_after)
            elif self._dice.random() < config.fault_rate:
                self.counters.faults += 1
                error = DemoHTTPError(503, "service unavailable (simulated fault)")
            elif (refusal := self._refused_by_quirk(config.quirks, endpoint)) is not None:
                error = refusal
            else:
                try:
                    with self._shared():
                        answer.append(handler())
                except Exception as failure:  # the answer (a 404, a 400) travels back too
                    error = failure
        time.sleep(back)
        if error is not None:
            raise error
        return answer[0]

    def _refused_by_quirk(self, quirks: frozenset[Quirk], endpoint: str) -> Exception | None:
        """A refusal of every request that a switched-on quirk answers now (under the lock)."""
        state = self.quirk_state
        if Quirk.EXPIRED_SESSION in quirks:
            if state.signed_in:
                state.requests_signed_in += 1
                state.signed_in = state.requests_signed_in <= demo_quirks.EXPIRES_AFTER_REQUESTS
            if not state.signed_in:
                return DemoHTTPError(401, "You must be signed in to perform this operation.")
        if Quirk.QUOTA in quirks:
            now = self._clock()
            spent = self.counters.searches >= demo_quirks.QUOTA_AFTER_SEARCHES
            if state.quota_from is None and spent and endpoint == "search":
                state.quota_from = now
            if state.quota_from is not None:
                left = state.quota_from + demo_quirks.QUOTA_RETRY_AFTER_S - now
                if left > 0:
                    return DemoHTTPError(
                        429, "Quota exceeded", retry_after=math.ceil(left), reason="QUOTA_EXCEEDED"
                    )
        return None

    def sign_in_again(self) -> None:
        """The demo's "connect again": a new sign-in, which expires like the last one."""
        with self._lock:
            self.quirk_state.signed_in = True
            self.quirk_state.requests_signed_in = 0

    def _not_ready(self, playlist_id: str) -> None:
        """A playlist created moments ago refuses edits (the "precondition" quirk)."""
        created = self.quirk_state.created_at.get(playlist_id)
        if Quirk.PRECONDITION not in self.config.quirks or created is None:
            return
        if self._clock() - created < demo_quirks.NEW_PLAYLIST_SETTLES_S:
            raise DemoHTTPError(400, "Precondition check failed.")

    # -- endpoints -------------------------------------------------------------------------

    def get_playlists(self) -> list[dict[str, Any]]:
        def handler() -> list[dict[str, Any]]:
            followed = Quirk.FOLLOWED in self.config.quirks
            shown = [*self._playlists.values(), *(self._followed.values() if followed else ())]
            return [
                {"id": p["id"], "name": p["name"], "owner": p["owner"], "count": len(p["tracks"])}
                for p in shown
            ]

        return self._request("playlists", handler)

    def _list(self, playlist_id: str) -> dict[str, Any]:
        if playlist_id == LIKED_PLAYLIST_ID:
            return self._liked
        if playlist_id in self._followed and Quirk.FOLLOWED in self.config.quirks:
            raise DemoHTTPError(403, "Forbidden")  # someone else's: apps may not read it
        if playlist_id not in self._playlists:
            raise DemoHTTPError(404, "playlist not found")
        return self._playlists[playlist_id]

    def get_playlist_items(self, playlist_id: str) -> list[dict[str, Any]]:
        """Each entry: its track's fields, and "handle" (the entry's own name)."""

        def handler() -> list[dict[str, Any]]:
            entries = self._list(playlist_id)
            return [
                {**self._tracks[i], "handle": h}
                for i, h in zip(entries["tracks"], entries["handles"], strict=True)
            ]

        return self._request("playlist_items", handler)

    def get_playlist_page(self, playlist_id: str, offset: int, limit: int) -> dict[str, Any]:
        """A page of entries, as `get_playlist_items` gives them, and the `next` offset.

        Served whole (`next` None) unless the "invalid-limit" quirk is on: then in pages of
        `limit`, and a `limit` over 20 is refused as Spotify refuses it.
        """

        def handler() -> dict[str, Any]:
            entries = self._list(playlist_id)
            rows = [
                {**self._tracks[i], "handle": h}
                for i, h in zip(entries["tracks"], entries["handles"], strict=True)
            ]
            if Quirk.INVALID_LIMIT not in self.config.quirks:
                return {"items": rows, "next": None}
            if limit > demo_quirks.INVALID_LIMIT_ABOVE:
                raise DemoHTTPError(400, "Invalid limit")
            end = offset + limit
            return {"items": rows[offset:end], "next": end if end < len(rows) else None}

        return self._request("playlist_items", handler)

    def liked_count(self) -> int:
        with self._lock, self._shared():
            return len(self._liked["tracks"])

    def search(self, text: str, kind: str) -> list[dict[str, Any]]:
        def handler() -> list[dict[str, Any]]:
            self.counters.searches += 1
            assert self._index is not None  # built at the first request
            return self._index.search(text, kind)

        return self._request("search", handler)

    def create_playlist(self, name: str, description: str) -> dict[str, Any]:
        """The new playlist's row; or, gated, the dialog the web app would show instead."""

        def handler() -> dict[str, Any]:
            if not name.strip():
                raise DemoHTTPError(400, "a playlist needs a name")
            quirks, state = self.config.quirks, self.quirk_state
            if Quirk.GATED in quirks:
                return {"gated": demo_quirks.GATE_DIALOG}  # answered, not done
            too_many = state.creations >= demo_quirks.CREATIONS_ALLOWED
            if Quirk.TOO_MANY_PLAYLISTS in quirks and too_many:
                raise DemoHTTPError(
                    400,
                    "You are creating too many playlists. Please wait a while before "
                    "creating further playlists.",
                )
            state.creations += 1
            playlist_id = self._new_playlist_id()
            state.created_at[playlist_id] = self._clock()
            self._playlists[playlist_id] = {
                "id": playlist_id,
                "name": name,
                "owner": self.user,
                "description": description,
                "tracks": [],
                "handles": [],
            }
            self._save_state()
            return {"id": playlist_id, "name": name, "owner": self.user, "count": 0}

        return self._request("create_playlist", handler)

    def add_items(
        self, playlist_id: str, ids: Sequence[str], position: int | None = None
    ) -> dict[str, str]:
        """Add at the end, or at `position`; Liked keeps each song once. The answer's status
        is STATUS_FAILED when the "status-failed" quirk made it land only in part."""

        def handler() -> dict[str, str]:
            unknown = [i for i in ids if i not in self._tracks]
            if unknown:
                raise DemoHTTPError(400, f"invalid track id {unknown[0]}")
            entries = self._list(playlist_id)
            self._not_ready(playlist_id)
            state = self.quirk_state
            if (
                Quirk.STATUS_FAILED in self.config.quirks
                and len(ids) > 1
                and playlist_id not in state.failed_first_add
            ):
                state.failed_first_add.add(playlist_id)
                landed = list(ids[: len(ids) // 2])
                entries["tracks"].extend(landed)
                entries["handles"].extend(_new_handle() for _ in landed)
                self._save_state()
                return {"status": "STATUS_FAILED"}
            if playlist_id == LIKED_PLAYLIST_ID:
                ids_now = [i for i in dict.fromkeys(ids) if i not in entries["tracks"]]
            else:
                ids_now = list(ids)
            at = len(entries["tracks"]) if position is None else position
            if not 0 <= at <= len(entries["tracks"]):
                raise DemoHTTPError(400, f"position {at} is out of range")
            entries["tracks"][at:at] = ids_now
            entries["handles"][at:at] = [_new_handle() for _ in ids_now]
            self._save_state()
            return {"status": "STATUS_SUCCEEDED"}

        return self._request("add_items", handler)

    def remove_items(self, playlist_id: str, handles: Sequence[str]) -> None:
        """Remove these entries. The Spotify-like side removes every copy of their tracks."""

        def handler() -> None:
            entries = self._list(playlist_id)
            self._not_ready(playlist_id)
            pairs = list(zip(entries["tracks"], entries["handles"], strict=True))
            unknown = set(handles) - set(entries["handles"])
            if unknown:
                raise DemoHTTPError(400, "an entry to remove is not in the playlist")
            if self.service_id is ServiceId.SPOTIFY:
                gone_tracks = {t for t, h in pairs if h in set(handles)}
                kept = [(t, h) for t, h in pairs if t not in gone_tracks]
            else:
                kept = [(t, h) for t, h in pairs if h not in set(handles)]
            entries["tracks"] = [t for t, _ in kept]
            entries["handles"] = [h for _, h in kept]
            self._save_state()

        self._request("remove_items", handler)

    def move_item(self, playlist_id: str, handle: str, before: str | None) -> None:
        """Move one entry just before another (None: to the end)."""

        def handler() -> None:
            entries = self._list(playlist_id)
            self._not_ready(playlist_id)
            if playlist_id == LIKED_PLAYLIST_ID:
                raise DemoHTTPError(400, "liked songs are in the order they were liked")
            handles = entries["handles"]
            if handle not in handles or (before is not None and before not in handles):
                raise DemoHTTPError(400, "an entry to move is not in the playlist")
            index = handles.index(handle)
            track = entries["tracks"].pop(index)
            handles.pop(index)
            at = len(handles) if before is None else handles.index(before)
            entries["tracks"].insert(at, track)
            handles.insert(at, handle)
            self._save_state()

        self._request("move_item", handler)

    def edit_as_a_person(self, playlist_id: str, edit: Callable[[list[str]], list[str]]) -> None:
        """Change a playlist as its owner would in the service's own app (not a request of
        Songbird's: no latency, no limit): `edit` gets the track ids and returns the new
        ones. Entries that stay keep their handles."""
        with self._lock, self._shared():
            entries = self._list(playlist_id)
            old = list(zip(entries["tracks"], entries["handles"], strict=True))
            new_ids = edit(list(entries["tracks"]))
            pool: dict[str, list[str]] = defaultdict(list)
            for track_id, handle in old:
                pool[track_id].append(handle)
            unknown = [i for i in new_ids if i not in self._tracks]
            if unknown:
                raise ValueError(f"no track {unknown[0]} in the demo catalogue")
            entries["tracks"] = new_ids
            entries["handles"] = [pool[i].pop(0) if pool[i] else _new_handle() for i in new_ids]
            self._save_state()

    def handles_at(self, playlist_id: str, expected: Sequence[str | None]) -> list[str]:
        """The handles of a playlist's entries, checked against the ids the client holds.

        Not a request: a Spotify request names entries by position, and this is the server
        knowing which entries those positions are (a list changed since it was read is
        refused, as Spotify refuses a stale snapshot).
        """
        with self._lock, self._shared():
            entries = self._list(playlist_id)
            if list(entries["tracks"]) != list(expected):
                raise DemoHTTPError(409, "the playlist changed since it was read")
            return list(entries["handles"])

    def track(self, track_id: str) -> dict[str, Any]:
        return self._tracks[track_id]

    def track_ids(self) -> list[str]:
        return list(self._tracks)

    # -- persistence -----------------------------------------------------------------------

    def _new_playlist_id(self) -> str:
        if self.service_id is ServiceId.YTMUSIC:
            return "PL" + secrets.token_urlsafe(24)[:32]
        return secrets.token_hex(11)

    @contextlib.contextmanager
    def _shared(self) -> Iterator[None]:
        """Hold the state file's lock, with what other processes wrote since read in."""
        if self.state_path is None:
            yield
            return
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.state_path.with_name(self.state_path.name + ".lock")
        problem = not_a_file(lock_path)
        if problem is not None:
            what = f"The demo {self.service_id.display_name}'s lock file"
            # Another process may have set it aside a moment ago: then there is nothing to say.
            with contextlib.suppress(FileNotFoundError):
                self.notices.add(keep_aside(lock_path, what, problem, "made a new one"))
        with _file_lock(lock_path):
            self._load_state()
            yield

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.state_path.stat() if self.state_path else None
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size) if stat else None

    def _load_state(self) -> None:
        stamp = self._stamp()
        if stamp is None or stamp == self._seen:
            return
        assert self.state_path is not None
        opened = open_json(
            self.state_path,
            f"The demo {self.service_id.display_name}'s state",
            read_state,
            "its playlists start again from the demo catalogue",
        )
        if opened.value is None:
            if opened.set_aside is not None:
                self.notices.add(opened.set_aside)
                self._from_catalogue()
                self._seen = None
            return
        state = opened.value
        self._seen = stamp
        known = self._tracks
        for playlist in state["playlists"]:
            playlist["tracks"] = [i for i in playlist["tracks"] if i in known]
            self._playlists[playlist["id"]] = _with_handles(playlist)
        liked = state["liked"]
        if liked is not None:
            self._liked["tracks"] = [i for i in liked["tracks"] if i in known]
            self._liked["handles"] = liked.get("handles")
            _with_handles(self._liked)

    def _save_state(self) -> None:
        if self.state_path is None:
            return
        state = {"playlists": list(self._playlists.values()), "liked": self._liked}
        write_text_atomically(self.state_path, json.dumps(state, ensure_ascii=False))
        self._seen = self._stamp()


def read_state(state: Any) -> dict[str, Any]:
    """A demo state file's parsed JSON, checked: {"playlists": [...], "liked": {...} or None}.

    Raises Damaged, in a few words, for anything this server could not serve from: another
    shape, a playlist without its id, name, owner or tracks, a track id that is not text.
    """
    if not isinstance(state, dict):
        raise Damaged("not the demo's state")
    playlists = state.get("playlists", [])
    if not isinstance(playlists, list) or not all(map(_is_playlist, playlists)):
        raise Damaged("a playlist in it is not one")
    liked = state.get("liked")
    if _are_ids(liked):  # the state of an earlier version: the ids alone
        liked = {"tracks": liked}
    if liked is not None and not _is_list(liked):
        raise Damaged("its liked songs are not a list")
    return {"playlists": playlists, "liked": liked}


def _are_ids(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, str) for i in value)


def _is_list(entries: Any) -> bool:
    """Track ids, and optionally one handle each (a list with other handles gets new ones)."""
    return (
        isinstance(entries, dict)
        and _are_ids(entries.get("tracks"))
        and (entries.get("handles") is None or _are_ids(entries.get("handles")))
    )


def _is_playlist(playlist: Any) -> bool:
    return _is_list(playlist) and all(
        isinstance(playlist.get(key), str) for key in ("id", "name", "owner")
    )


def _new_handle() -> str:
    return secrets.token_urlsafe(12)


def _with_handles(entries: dict[str, Any]) -> dict[str, Any]:
    """A list with a handle per entry (a state file from before handles gets new ones)."""
    handles = entries.get("handles")
    if not isinstance(handles, list) or len(handles) != len(entries["tracks"]):
        entries["handles"] = [_new_handle() for _ in entries["tracks"]]
    return entries


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes (fcntl where there is one, msvcrt on Windows)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl
        except ImportError:  # Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined]
            try:
                yield
            finally:
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class _SearchIndex:
    """A small search engine over one side's tracks: token look-up, then fuzzy ranking."""

    def __init__(self, tracks: dict[str, dict[str, Any]]) -> None:
        """`tracks` by id, as the server keeps them (the index holds no copy).

        Only which tracks hold each word is kept; a candidate's folded title and artists are
        made again when it is searched (`fold` keeps the recent ones). Keeping them took
        3.5 MB for each side of a big demo, both sides' indexes being built at the first
        request.
        """
        self._tracks = tracks
        postings: dict[str, list[str]] = defaultdict(list)
        for track_id, track in tracks.items():
            for token in set(_searched_text(track).split()):
                postings[token].append(track_id)
        # Tuples, not sets: most tokens name a handful of tracks, and a set of even one takes
        # four times the memory (the index of a 30,000-track demo library is kept all along).
        self._postings: dict[str, tuple[str, ...]] = {t: tuple(ids) for t, ids in postings.items()}

    def search(self, text: str, kind: str) -> list[dict[str, Any]]:
        fields = dict(_FIELD_RE.findall(text))
        free = fold(_FIELD_RE.sub(" ", text))
        query = fold(" ".join([fields.get("track", ""), fields.get("artist", ""), free]))
        tokens = [t for t in query.split() if t in self._postings]
        if not tokens:
            return []
        # Candidates share the query's rarest tokens; common words alone do not qualify.
        tokens.sort(key=lambda t: len(self._postings[t]))
        pool: set[str] = set()
        for token in tokens[:3]:
            pool.update(self._postings[token])
        scored: list[tuple[float, str]] = []
        for track_id in pool:
            track = self._tracks[track_id]
            if not _kind_matches(track["kind"], kind):
                continue
            title, artists = fold(track["title"]), fold(" ".join(track["artists"]))
            if "track" in fields and not _contains(title, fold(fields["track"])):
                continue
            if "artist" in fields and not _contains(artists, fold(fields["artist"])):
                continue
            doc = f"{title} {artists}"
            scored.append(
                (fuzz.token_set_ratio(query, doc) + fuzz.ratio(query, doc) / 10, track_id)
            )
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [self._tracks[track_id] for _, track_id in scored[:SEARCH_LIMIT]]


def _searched_text(track: dict[str, Any]) -> str:
    """A track's text as the index finds it: its title and artists, folded."""
    return f"{fold(track['title'])} {fold(' '.join(track['artists']))}"


def _kind_matches(track_kind: str, wanted: str) -> bool:
    if wanted == "songs":
        return track_kind == "song"
    if wanted == "videos":
        return track_kind in ("music video", "upload")
    return True


def _contains(haystack: str, needle: str) -> bool:
    return all(word in haystack.split() for word in needle.split())
