"""A fault-injecting HTTP server on 127.0.0.1, and the client side that reaches it.

`FaultServer` listens on loopback only, on a port the system picks, and answers with the fake
APIs of fake_apis.py, chosen by the Host header the client sent. Before answering it applies
the first `Fault` whose rule matches the request: a 429 with or without Retry-After, a 429
naming a quota, a 403 in Spotify's words, a 5xx, an answer that never comes before the
client gives up, a reset connection, a body cut short, a body that is not JSON, or the end of
the login. Every request is logged with its arrival time, so a test can check the rate the
server saw and that each Retry-After was honoured.

`LoopbackAdapter` is the client side: the transport adapter under Songbird's own throttled
session (`route_to` makes `http_session.transport_adapter` return it), which sends each
https://api.spotify.com/ and https://music.youtube.com/ request to the server instead, over a
real TCP connection, with the Host header of the real service. The libraries, the throttle
and the adapters above it run unchanged. It numbers each request (a header the server logs)
and notes on the server when it sent the request and when the answer (or the failure) came
back, on which thread: with the retry policy's recorded draws (`RecordingRandom`) that shows
exactly how long each retry waited.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import random
import re
import select
import socket
import struct
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from enum import Enum
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from songbird_gui.services import http_session
from songbird_gui.services.http_session import TimeoutAdapter
from tests.reliability.fake_apis import (
    SPOTIFY_HOST,
    YTMUSIC_HOST,
    FakeSpotify,
    FakeYouTubeMusic,
    Request,
)
from tests.services.replay import Answer, made_up, recorded


class FaultKind(Enum):
    RATE_LIMITED = "429 with Retry-After"
    RATE_LIMITED_BARE = "429 without Retry-After"
    ERROR_500 = "500"
    ERROR_502 = "502"
    ERROR_503 = "503"
    SLOW = "no answer before the client's timeout"
    RESET = "connection reset"
    TRUNCATED = "body cut short"
    MALFORMED = "body not JSON"
    EXPIRE = "login expired (401 from then on)"
    QUOTA = "429 naming a quota"
    REFUSED = "403 in words"
    # YouTube Music's 2025-2026 refusals (tests/services/test_2026_refusals_ytmusic.py says
    # where each answer's words come from).
    NOT_READY = "400 Precondition check failed"
    TOO_MANY_PLAYLISTS = "400 You are creating too many playlists"
    GATED = "200 with a dialog to answer instead"
    STATUS_FAILED = "200 STATUS_FAILED"


REQUEST_ID = "X-Fault-Test-Request"  # the client's number for a request, logged by the server
# How long a SLOW answer waits at most for the client to give up (it always does first).
HANGUP_WAIT_S = 60.0


@dataclass
class Fault:
    """Answer the matching requests with `kind` instead of the fake's answer.

    `label` is a regular expression searched in "METHOD /path" (and, for YouTube Music, the
    innertube endpoint is the path). The first `after` matching requests pass; the next
    `times` get the fault. `lands` says whether the request is carried out before its
    answer goes wrong (a write whose answer is lost) or not at all (the default). An EXPIRE
    fault ends the login of the service the request went to, from that request on. A SLOW
    answer comes only once the client has given up and closed the connection. `message` is
    the service's words in a REFUSED or QUOTA answer.
    """

    kind: FaultKind
    label: str
    times: int = 1
    after: int = 0
    retry_after: int = 1
    lands: bool = False
    message: str = ""
    seen: int = 0
    fired: int = 0

    def claims(self, request: Request) -> bool:
        if not re.search(self.label, request.label):
            return False
        self.seen += 1
        if self.seen <= self.after or self.fired >= self.times:
            return False
        self.fired += 1
        return True


@dataclass(frozen=True)
class Logged:
    at: float  # time.monotonic() on arrival
    host: str
    label: str
    status: int | None  # None: no answer (reset, or cut short)
    fault: FaultKind | None
    text: str  # a search's query, for "was this track searched again?"
    page: str = ""  # which page of a read: Spotify's offset, YouTube Music's browse or token
    request_id: int | None = None  # the client's number (see `Sent`)
    retry_after: float | None = None  # the Retry-After of a 429 the server sent


@dataclass(frozen=True)
class Sent:
    """One request as the client's transport saw it (clock: time.monotonic)."""

    request_id: int
    thread: int  # threading.get_ident() of the thread that sent it
    started: float  # before the request was sent
    ended: float  # once its answer was read whole, or the sending failed
    error: str | None  # the exception that ended it (a timeout, a reset, a body cut short)


@dataclass(frozen=True)
class Draw:
    """One backoff drawn by a retry policy: on which thread, when, how many seconds."""

    thread: int
    at: float
    seconds: float


class RecordingRandom(random.Random):
    """A retry policy's random source that keeps every backoff it draws (`draws`)."""

    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.draws: list[Draw] = []
        self._lock = threading.Lock()

    def uniform(self, a: float, b: float) -> float:
        seconds = super().uniform(a, b)
        with self._lock:
            self.draws.append(Draw(threading.get_ident(), time.monotonic(), seconds))
        return seconds


@dataclass
class FaultServer:
    """Start with `with FaultServer(spotify, ytmusic) as server:`; it stops at the end."""

    spotify: FakeSpotify
    ytmusic: FakeYouTubeMusic
    faults: list[Fault] = field(default_factory=list)
    log: list[Logged] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._stopped = False
        self._ids = itertools.count(1)
        self.sent: list[Sent] = []  # the client side of each request (`LoopbackAdapter`)
        # Written to when the server stops: wakes a SLOW answer still waiting for a hang-up.
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._httpd.server_address[:2]
        return str(host), int(port)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
        with self._lock:
            self._stopped = True  # a slow answer's thread, still waiting, logs nothing more
        self._wake_writer.send(b"x")
        self._wake_writer.close()
        self._wake_reader.close()  # a SLOW answer still waiting has been woken, or is done

    # -- the client side (LoopbackAdapter) ----------------------------------------------

    def next_request_id(self) -> int:
        with self._lock:
            return next(self._ids)

    def note_sent(self, sent: Sent) -> None:
        with self._lock:
            self.sent.append(sent)

    def logs(self) -> tuple[list[Logged], list[Sent]]:
        """The server's log and the client's, as they are now."""
        with self._lock:
            return list(self.log), list(self.sent)

    # -- what a test reads --------------------------------------------------------------

    def requests_to(self, host: str, label: str = "") -> list[Logged]:
        with self._lock:
            return [r for r in self.log if r.host == host and re.search(label, r.label)]

    def lift(self, kind: FaultKind) -> None:
        """No more faults of `kind` from now on (a quota renewed, a refusal put right)."""
        with self._lock:
            for fault in self.faults:
                if fault.kind is kind:
                    fault.times = fault.fired

    def fired(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self._lock:
            faults = list(self.faults)
        for fault in faults:
            counts[fault.kind.value] = counts.get(fault.kind.value, 0) + fault.fired
        return counts

    # -- serving ------------------------------------------------------------------------

    def _fault_for(self, request: Request) -> Fault | None:
        with self._lock:
            return next((f for f in self.faults if f.claims(request)), None)

    def _record(
        self, request: Request, arrived: float, status: int | None, fault: Fault | None
    ) -> None:
        text = ""
        if request.label.endswith("/search"):
            text = request.query.get("q", "") or str(request.json().get("query") or "")
        number = request.headers.get(REQUEST_ID.lower(), "")
        kind = fault.kind if fault else None
        retry_after = fault.retry_after if fault and kind is FaultKind.RATE_LIMITED else None
        with self._lock:
            if self._stopped:
                return
            self.log.append(
                Logged(arrived, request.host, request.label, status, kind, text,
                       _page_of(request), int(number) if number.isdigit() else None,
                       retry_after)
            )  # fmt: skip

    def _wait_for_hangup(self, connection: socket.socket) -> None:
        """Block until the client closes `connection` (it gave up waiting), or the server
        stops: an answer that never comes in time, whatever the client's timeout and the
        machine's load."""
        # The client sends nothing more on a connection it waits on: it becomes readable when
        # the client closes it (an end of file), after its timeout.
        with contextlib.suppress(OSError, ValueError):  # the server closed the waker first
            select.select([connection, self._wake_reader], [], [], HANGUP_WAIT_S)

    def _answer(self, request: Request) -> Answer:
        api = self.spotify if request.host == SPOTIFY_HOST else self.ytmusic
        return api.handle(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the real services and requests do

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in two writes: without this, Nagle's algorithm and
                # the client's delayed ACK add 40 ms to every answer.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def do_PUT(self) -> None:
                self._serve()

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                arrived = time.monotonic()
                url = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    method=self.command,
                    host=self.headers.get("Host", ""),
                    path=url.path.rstrip("/") or "/",
                    query=dict(urllib.parse.parse_qsl(url.query)),
                    body=self.rfile.read(length) if length else b"",
                    headers={k.lower(): v for k, v in self.headers.items()},
                )
                fault = server._fault_for(request)
                kind = fault.kind if fault else None
                if kind is FaultKind.EXPIRE:
                    if request.host == SPOTIFY_HOST:
                        server.spotify.token += "-expired"
                    else:
                        server.ytmusic.session += "-expired"
                if fault is None or kind is FaultKind.EXPIRE or fault.lands:
                    answer = server._answer(request)
                else:
                    answer = made_up({})  # the request never reaches the service
                if kind is FaultKind.RESET:
                    server._record(request, arrived, None, fault)
                    self._reset()
                    return
                if kind is FaultKind.SLOW:
                    server._wait_for_hangup(self.connection)
                answer = _faulty(answer, kind, fault)
                status = None if kind is FaultKind.TRUNCATED else answer.status
                server._record(request, arrived, status, fault)
                self._send(answer, truncate=kind is FaultKind.TRUNCATED)

            def _send(self, answer: Answer, truncate: bool) -> None:
                try:
                    self.send_response(answer.status, HTTPStatus(answer.status).phrase)
                    content_type = answer.headers.get("Content-Type", "application/json")
                    self.send_header("Content-Type", content_type)
                    for key, value in answer.headers.items():
                        if key.lower() != "content-type":
                            self.send_header(key, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    if truncate:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(
                        answer.body[: len(answer.body) // 2] if truncate else answer.body
                    )
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (a slow answer past its timeout)
                if truncate:
                    self.close_connection = True

            def _reset(self) -> None:
                # SO_LINGER with a zero timeout makes close() send RST, not FIN.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.close_connection = True
                self.connection.close()

        return Handler


def _page_of(request: Request) -> str:
    """Which page of a read `request` asks for ("" for anything else)."""
    if request.method == "GET" and request.path.endswith(("/items", "/me/tracks", "/playlists")):
        return f"offset={request.query.get('offset', '0')}"
    if request.path.endswith("/youtubei/v1/browse"):
        body = request.json()
        return str(body.get("continuation") or body.get("browseId") or "")
    return ""


def spotify_error(status: int, message: str, reason: str | None = None) -> bytes:
    """Spotify's error object, {"error": {"status", "message"}}, with a `reason` when given."""
    error: dict[str, Any] = {"status": status, "message": message}
    if reason is not None:
        error["reason"] = reason
    return json.dumps({"error": error}).encode()


def youtube_error(status: int, message: str, code: str) -> Answer:
    """Google's error object, as YouTube Music's innertube API answers."""
    return made_up({"error": {"code": status, "message": message, "status": code}}, status)


# ytmusicapi 1.12.2's own test of a gated write (tests/mixins/test_playlists.py, MIT).
GATED_ANSWER = {
    "actions": [
        {
            "showEngagementPanelEndpoint": {
                "sourcePanelIdentifier": "PAfeature_enablement",
                "identifier": {"tag": "PAfeature_enablement"},
            }
        }
    ]
}


def _faulty(answer: Answer, kind: FaultKind | None, fault: Fault | None) -> Answer:
    if kind is FaultKind.QUOTA and fault is not None:
        # Spotify's documented error object carries status and message; the 2026 reports of
        # quota refusals add a "reason" naming the quota. No such answer has been recorded.
        body = spotify_error(429, fault.message or "Quota exceeded", "QUOTA_EXCEEDED")
        return Answer(429, body)
    if kind is FaultKind.REFUSED and fault is not None:
        return Answer(403, spotify_error(403, fault.message))
    if kind is FaultKind.RATE_LIMITED and fault is not None:
        limited = recorded("spotify/error_429_rate_limit_2023-09.json")
        return Answer(429, limited.body, {"Retry-After": str(fault.retry_after)})
    if kind is FaultKind.RATE_LIMITED_BARE:
        return Answer(429, recorded("spotify/error_429_rate_limit_2023-09.json").body)
    if kind in (FaultKind.ERROR_500, FaultKind.ERROR_502, FaultKind.ERROR_503):
        status = int(kind.value)
        page = f"<html><title>Error {status}</title></html>".encode()  # as load balancers send
        return Answer(status, page, {"Content-Type": "text/html"})
    if kind is FaultKind.MALFORMED:
        return Answer(200, answer.body[: len(answer.body) // 3] + b"<!-- garbled -->")
    if kind is FaultKind.NOT_READY:
        return youtube_error(400, "Precondition check failed.", "FAILED_PRECONDITION")
    if kind is FaultKind.TOO_MANY_PLAYLISTS:
        words = (
            "You are creating too many playlists. Please wait a while before creating "
            "further playlists."
        )
        return youtube_error(400, words, "FAILED_PRECONDITION")
    if kind is FaultKind.GATED:
        return made_up(GATED_ANSWER)
    if kind is FaultKind.STATUS_FAILED:
        return recorded("ytmusic/add_playlist_items_failure_youtui_2024-06-26.json")
    return answer


class LoopbackAdapter(TimeoutAdapter):
    """Sends the services' requests to the fault server; any other host fails the test."""

    def __init__(self, server: FaultServer, timeout: float) -> None:
        super().__init__(timeout)
        self.server = server

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        url = urllib.parse.urlsplit(request.url or "")
        if url.hostname not in (SPOTIFY_HOST, YTMUSIC_HOST):
            raise AssertionError(f"a request left for {url.hostname}")
        request = request.copy()
        host, port = self.server.address
        request.url = urllib.parse.urlunsplit(("http", f"{host}:{port}", url.path, url.query, ""))
        request.headers["Host"] = url.netloc
        number = self.server.next_request_id()
        request.headers[REQUEST_ID] = str(number)
        started, error = time.monotonic(), None
        try:
            response = super().send(request, **kwargs)
            if not kwargs.get("stream"):
                response.content  # noqa: B018 - read whole here: the answer's end is logged
            return response
        except Exception as failure:
            error = type(failure).__name__
            raise
        finally:
            ended = time.monotonic()
            self.server.note_sent(Sent(number, threading.get_ident(), started, ended, error))


def route_to(server: FaultServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every session Songbird builds (`http_session`) puts its requests on the wire to
    `server`: the network edge moves, the throttle and everything above it stay the product's."""

    def transport(timeout: float) -> LoopbackAdapter:
        return LoopbackAdapter(server, timeout)

    monkeypatch.setattr(http_session, "transport_adapter", transport)
