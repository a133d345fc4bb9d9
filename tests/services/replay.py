"""Replaying recorded real responses through the real spotipy and ytmusicapi.

A `requests.Session` gets a transport adapter that answers each request from a route table:
(method, host + path) → a list of answers, served in order (the last one repeats). A request
no route matches fails the test: nothing leaves the machine, nothing is answered by guess.
The answers are the files in ../shared/recorded, served with the status and headers that its
manifest gives.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any

import requests
import spotipy
from requests.adapters import BaseAdapter
from requests.models import PreparedRequest, Response
from ytmusicapi import YTMusic

from songbird_gui.core.ratelimit import limiter_for
from songbird_gui.core.retry import RetryPolicy
from songbird_gui.core.settings import RateSettings, RetrySettings
from songbird_gui.core.throttle import Throttle
from songbird_gui.core.types import ServiceId
from songbird_gui.services.http_session import Classify, ThrottledAdapter
from songbird_gui.services.spotify import SpotifyService
from songbird_gui.services.spotify import classify as spotify_classify
from songbird_gui.services.ytmusic import YTMusicService
from songbird_gui.services.ytmusic import classify as ytmusic_classify

RECORDED = Path(__file__).resolve().parents[3] / "shared" / "recorded"
SPOTIFY_API = "api.spotify.com/v1"
YT = "music.youtube.com"
YT_SEARCH = ("POST", f"{YT}/youtubei/v1/search")
YT_BROWSE = ("POST", f"{YT}/youtubei/v1/browse")


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@cache
def _manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RECORDED / "manifest.json").read_text(encoding="utf-8"))
    return data


def manifest_names() -> list[str]:
    """The name of every recorded file, as the manifest lists them."""
    return [str(entry["file"]) for entry in _manifest()["files"]]


def recorded(name: str) -> Answer:
    """The recorded file `name` with the status and headers its manifest says to serve."""
    entry = next(f for f in _manifest()["files"] if f["file"] == name)
    headers = {k: str(v) for k, v in (entry.get("response_headers") or {}).items() if k != "Date"}
    return Answer(int(entry.get("status") or 200), (RECORDED / name).read_bytes(), headers)


def made_up(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Answer:
    """An answer written in the test (each use says why no recording could serve)."""
    return Answer(status, json.dumps(body).encode(), headers or {})


Route = list[Answer] | Callable[[PreparedRequest], Answer]


class Replay(BaseAdapter):
    def __init__(self, routes: dict[tuple[str, str], Route]) -> None:
        super().__init__()
        self.routes = routes
        self.sent: list[PreparedRequest] = []

    def send(self, request: PreparedRequest, **kwargs: Any) -> Response:
        self.sent.append(request)
        url = urllib.parse.urlsplit(request.url or "")
        key = (request.method or "GET", url.netloc + url.path.rstrip("/"))
        if key not in self.routes:
            raise AssertionError(f"unexpected request {key}: no recording serves it")
        route = self.routes[key]
        answer = route(request) if callable(route) else route.pop(0) if len(route) > 1 else route[0]
        response = Response()
        response.status_code = answer.status
        response.url = request.url or ""
        response.request = request
        response._content = answer.body
        response.reason = HTTPStatus(answer.status).phrase
        response.headers.update({"Content-Type": "application/json", **answer.headers})
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass

    def paths(self) -> list[str]:
        return [f"{r.method} {urllib.parse.urlsplit(r.url or '').path}" for r in self.sent]


def session(routes: dict[tuple[str, str], Route]) -> tuple[requests.Session, Replay]:
    replay = Replay(routes)
    s = requests.Session()
    s.mount("https://", replay)
    s.mount("http://", replay)
    return s, replay


# -- the real clients over a replaying session ----------------------------------------------

# Without a login ytmusicapi first fetches the start page for a visitor id.
YT_HOME = Answer(
    200, b'<html>ytcfg.set({"VISITOR_DATA":"x"});</html>', {"Content-Type": "text/html"}
)
# Browser-auth headers of the recorded README's form: no real credentials are needed offline.
# ytmusicapi 1.12.3 takes a dict for `auth` as is (auth/auth_parse.py: parse_auth_str).
FAKE_YT_AUTH = {
    "cookie": "__Secure-3PAPISID=x",
    "authorization": "SAPISIDHASH 0_x",
    "x-goog-authuser": "0",
}


# A limit no replayed test comes near: its throttles never make it wait.
UNPACED = RateSettings(rate=1000.0, burst=1000)


def idle_throttle(service: ServiceId) -> Throttle:
    """A throttle for the adapter's `throttle` attribute only.

    The replaying session does not send through it (no pacing, no retry), so each recorded
    answer reaches the adapter as the library returns it.
    """
    return Throttle(service, limiter_for(UNPACED), RetryPolicy(RetrySettings()))


def spotify_service(routes: dict[tuple[str, str], Route]) -> tuple[SpotifyService, Replay]:
    """The Spotify adapter over the real spotipy, answered by `routes` (no retries)."""
    s, replay = session(routes)
    client = spotipy.Spotify(auth="x", requests_session=s, retries=0)
    return SpotifyService(client, idle_throttle(ServiceId.SPOTIFY)), replay


def ytmusic_client(
    routes: dict[tuple[str, str], Route], auth: bool = True
) -> tuple[YTMusic, Replay]:
    """The real ytmusicapi client (English), answered by `routes` and the start page."""
    s, replay = session({("GET", YT): [YT_HOME], **routes})
    return YTMusic(auth=FAKE_YT_AUTH if auth else None, requests_session=s, language="en"), replay


def ytmusic_service(
    routes: dict[tuple[str, str], Route], auth: bool = True
) -> tuple[YTMusicService, Replay]:
    """The YouTube Music adapter over the real ytmusicapi, answered by `routes`."""
    client, replay = ytmusic_client(routes, auth)
    return YTMusicService(client, idle_throttle(ServiceId.YTMUSIC)), replay


def ytmusic_search_rows(
    answers: list[Answer], search_filter: str | None, limit: int = 20
) -> list[dict[str, Any]]:
    """What ytmusicapi itself makes of recorded search answers: the oracle for the adapter.

    `answers` are served in order (page one, then a continuation); `{}` after them ends any
    further continuation, as the recorded README says.
    """
    client, _ = ytmusic_client({YT_SEARCH: [*answers, made_up({})]}, auth=False)
    rows: list[dict[str, Any]] = client.search("q", filter=search_filter, limit=limit)
    return rows


# -- the same clients behind Songbird's own transport: the throttle and its retries ---------


def throttled_session(
    routes: dict[tuple[str, str], Route], throttle: Throttle, classify: Classify
) -> tuple[requests.Session, Replay]:
    """A session as `http_session` builds it (the throttle's adapter), answered by `routes`.

    The throttle retries what it may (a lost answer of a read) with no wait between tries.
    """
    replay = Replay(routes)
    adapter = ThrottledAdapter(throttle, classify, replay)
    s = requests.Session()
    s.mount("https://", adapter)
    s.mount("http://", adapter)
    return s, replay


def retrying_throttle(service: ServiceId) -> Throttle:
    """A throttle whose retry policy retries at once (no backoff to sleep through)."""
    settings = RetrySettings(max_attempts=3, base_delay_s=0.0, max_delay_s=0.0)
    return Throttle(service, limiter_for(UNPACED), RetryPolicy(settings))


def throttled_spotify_service(
    routes: dict[tuple[str, str], Route],
) -> tuple[SpotifyService, Replay]:
    """The Spotify adapter as the app builds it: spotipy (its default retries) on a session
    whose transport is the throttle's, answered by `routes`."""
    throttle = retrying_throttle(ServiceId.SPOTIFY)
    s, replay = throttled_session(routes, throttle, spotify_classify)
    return SpotifyService(spotipy.Spotify(auth="x", requests_session=s), throttle), replay


def throttled_ytmusic_service(
    routes: dict[tuple[str, str], Route],
) -> tuple[YTMusicService, Replay]:
    """The YouTube Music adapter as the app builds it, answered by `routes`."""
    throttle = retrying_throttle(ServiceId.YTMUSIC)
    s, replay = throttled_session({("GET", YT): [YT_HOME], **routes}, throttle, ytmusic_classify)
    client = YTMusic(auth=FAKE_YT_AUTH, requests_session=s, language="en")
    return YTMusicService(client, throttle), replay
