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
from requests.adapters import BaseAdapter
from requests.models import PreparedRequest, Response

RECORDED = Path(__file__).resolve().parents[3] / "shared" / "recorded"


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@cache
def _manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RECORDED / "manifest.json").read_text(encoding="utf-8"))
    return data


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
