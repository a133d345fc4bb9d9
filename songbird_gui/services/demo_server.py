"""The demo library's simulated remote services: `DemoServer`, over a bundled catalogue.

`DemoServer` plays the part of a remote service (one shaped like Spotify, one like YouTube
Music): every request costs real latency, passes a server-side token bucket (over it: 429 with
Retry-After), may fail transiently at a configured rate, and is counted. Writes persist in a
JSON state file, so a second sync sees the first one's result. It answers in dicts and
status codes, as a web API does; `services/demo.py` is the adapter the engine talks to.
"""

from __future__ import annotations

import json
import math
import random
import re
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from rapidfuzz import fuzz

from songbird_gui import resources_path
from songbird_gui.core.atomic import write_text_atomically
from songbird_gui.core.normalize import fold
from songbird_gui.core.ratelimit import TokenBucket
from songbird_gui.core.types import LIKED_PLAYLIST_ID, ServiceId

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
    """How one simulated service behaves."""

    latency_s: float = 0.25
    limit: float = 10.0  # requests per second the server accepts
    burst: int = 10
    fault_rate: float = 0.0  # share of requests that fail with a 503
    seed: int | None = None  # for the fault dice; None: random


class DemoHTTPError(Exception):
    """What the simulated server answers instead of a body."""

    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


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
    ) -> None:
        self.service_id = service_id
        self.config = config
        self.state_path = state_path
        self.counters = ServerCounters()
        self._lock = threading.Lock()
        self._bucket = TokenBucket(config.limit, config.burst, clock=clock)
        self._dice = random.Random(config.seed)
        side = (catalogue or load_catalogue())["services"][str(service_id)]
        self.user: str = side.get("user", "Demo Listener")
        self._tracks: dict[str, dict[str, Any]] = {t["id"]: t for t in side["tracks"]}
        self._playlists: dict[str, dict[str, Any]] = {
            p["id"]: {**p, "tracks": list(p["tracks"])} for p in side["playlists"]
        }
        self._liked: list[str] = list(side["liked"])
        self._index: _SearchIndex | None = None  # built at the first search, off the GUI thread
        self._load_state()

    # -- the request boundary --------------------------------------------------------------

    def _request(self, endpoint: str, handler: Callable[[], T]) -> T:
        """Count, rate-limit, delay and maybe fail one request, then run `handler`."""
        with self._lock:
            self.counters.requests += 1
            self.counters.by_endpoint[endpoint] += 1
            wait = self._bucket.try_acquire()
            fault = wait == 0.0 and self._dice.random() < self.config.fault_rate
            if wait > 0.0:
                self.counters.rate_limited += 1
            elif fault:
                self.counters.faults += 1
        time.sleep(self.config.latency_s)
        if wait > 0.0:
            # HTTP's Retry-After is whole seconds, as the real services send it.
            raise DemoHTTPError(429, "rate limit exceeded", retry_after=max(1, math.ceil(wait)))
        if fault:
            raise DemoHTTPError(503, "service unavailable (simulated fault)")
        with self._lock:
            return handler()

    # -- endpoints -------------------------------------------------------------------------

    def get_playlists(self) -> list[dict[str, Any]]:
        return self._request(
            "playlists",
            lambda: [
                {"id": p["id"], "name": p["name"], "owner": p["owner"], "count": len(p["tracks"])}
                for p in self._playlists.values()
            ],
        )

    def get_playlist_items(self, playlist_id: str) -> list[dict[str, Any]]:
        def handler() -> list[dict[str, Any]]:
            if playlist_id == LIKED_PLAYLIST_ID:
                ids = self._liked
            elif playlist_id in self._playlists:
                ids = self._playlists[playlist_id]["tracks"]
            else:
                raise DemoHTTPError(404, "playlist not found")
            return [self._tracks[i] for i in ids]

        return self._request("playlist_items", handler)

    def liked_count(self) -> int:
        with self._lock:
            return len(self._liked)

    def search(self, text: str, kind: str) -> list[dict[str, Any]]:
        def handler() -> list[dict[str, Any]]:
            self.counters.searches += 1
            if self._index is None:
                self._index = _SearchIndex(self._tracks.values())
            return self._index.search(text, kind)

        return self._request("search", handler)

    def create_playlist(self, name: str, description: str) -> dict[str, Any]:
        def handler() -> dict[str, Any]:
            if not name.strip():
                raise DemoHTTPError(400, "a playlist needs a name")
            playlist_id = self._new_playlist_id()
            self._playlists[playlist_id] = {
                "id": playlist_id,
                "name": name,
                "owner": self.user,
                "description": description,
                "tracks": [],
            }
            self._save_state()
            return {"id": playlist_id, "name": name, "owner": self.user, "count": 0}

        return self._request("create_playlist", handler)

    def add_items(self, playlist_id: str, ids: Sequence[str]) -> None:
        def handler() -> None:
            unknown = [i for i in ids if i not in self._tracks]
            if unknown:
                raise DemoHTTPError(400, f"invalid track id {unknown[0]}")
            if playlist_id == LIKED_PLAYLIST_ID:
                self._liked.extend(i for i in ids if i not in self._liked)
            elif playlist_id in self._playlists:
                self._playlists[playlist_id]["tracks"].extend(ids)
            else:
                raise DemoHTTPError(404, "playlist not found")
            self._save_state()

        self._request("add_items", handler)

    # -- persistence -----------------------------------------------------------------------

    def _new_playlist_id(self) -> str:
        if self.service_id is ServiceId.YTMUSIC:
            return "PL" + secrets.token_urlsafe(24)[:32]
        return secrets.token_hex(11)

    def _load_state(self) -> None:
        if self.state_path is None or not self.state_path.exists():
            return
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # a damaged state file: start from the catalogue again
        known = self._tracks
        for playlist in state.get("playlists", []):
            playlist["tracks"] = [i for i in playlist.get("tracks", []) if i in known]
            self._playlists[playlist["id"]] = playlist
        self._liked = [i for i in state.get("liked", self._liked) if i in known]

    def _save_state(self) -> None:
        if self.state_path is None:
            return
        state = {"playlists": list(self._playlists.values()), "liked": self._liked}
        write_text_atomically(self.state_path, json.dumps(state, ensure_ascii=False))


class _SearchIndex:
    """A small search engine over one side's tracks: token look-up, then fuzzy ranking."""

    def __init__(self, tracks: Any) -> None:
        self._docs: dict[str, tuple[str, str, str, dict[str, Any]]] = {}
        self._postings: dict[str, set[str]] = defaultdict(set)
        for track in tracks:
            title = fold(track["title"])
            artists = fold(" ".join(track["artists"]))
            doc = f"{title} {artists}"
            self._docs[track["id"]] = (title, artists, doc, track)
            for token in set(doc.split()):
                self._postings[token].add(track["id"])

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
            pool |= self._postings[token]
        scored: list[tuple[float, str]] = []
        for track_id in pool:
            title, artists, doc, track = self._docs[track_id]
            if not _kind_matches(track["kind"], kind):
                continue
            if "track" in fields and not _contains(title, fold(fields["track"])):
                continue
            if "artist" in fields and not _contains(artists, fold(fields["artist"])):
                continue
            scored.append(
                (fuzz.token_set_ratio(query, doc) + fuzz.ratio(query, doc) / 10, track_id)
            )
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [self._docs[track_id][3] for _, track_id in scored[:SEARCH_LIMIT]]


def _kind_matches(track_kind: str, wanted: str) -> bool:
    if wanted == "songs":
        return track_kind == "song"
    if wanted == "videos":
        return track_kind in ("music video", "upload")
    return True


def _contains(haystack: str, needle: str) -> bool:
    return all(word in haystack.split() for word in needle.split())
