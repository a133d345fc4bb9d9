"""A fault-injecting HTTP server on 127.0.0.1, and the client side that reaches it.

`FaultServer` listens on loopback only, on a port the system picks, and answers with the fake
APIs of fake_apis.py, chosen by the Host header the client sent. Before answering it applies
the first `Fault` whose rule matches the request: a 429 with or without Retry-After, a 5xx, an
answer slower than the client's timeout, a reset connection, a body cut short, a body that is
not JSON, or the end of the login. Every request is logged with its arrival time, so a test
can check the rate the server saw and that each Retry-After was honoured.

`LoopbackAdapter` is the client side: a transport adapter (Songbird's own `TimeoutAdapter`)
that sends each https://api.spotify.com/ and https://music.youtube.com/ request to the
server instead, over a real TCP connection, with the Host header of the real service. The
libraries and the adapters above them run unchanged.
"""

from __future__ import annotations

import re
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

import requests

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
    SLOW = "slower than the client's timeout"
    RESET = "connection reset"
    TRUNCATED = "body cut short"
    MALFORMED = "body not JSON"
    EXPIRE = "login expired (401 from then on)"


@dataclass
class Fault:
    """Answer the matching requests with `kind` instead of the fake's answer.

    `label` is a regular expression searched in "METHOD /path" (and, for YouTube Music, the
    innertube endpoint is the path). The first `after` matching requests pass; the next
    `times` get the fault. `lands` says whether the request is carried out before its
    answer goes wrong (a write whose answer is lost) or not at all (the default). An EXPIRE
    fault ends the login of the service the request went to, from that request on.
    """

    kind: FaultKind
    label: str
    times: int = 1
    after: int = 0
    retry_after: int = 1
    lands: bool = False
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


@dataclass
class FaultServer:
    """Start with `with FaultServer(spotify, ytmusic) as server:`; it stops at the end."""

    spotify: FakeSpotify
    ytmusic: FakeYouTubeMusic
    faults: list[Fault] = field(default_factory=list)
    slow_s: float = 1.5
    log: list[Logged] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._stopped = False
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
            self._stopped = True  # a slow answer's thread, still asleep, logs nothing more

    # -- what a test reads --------------------------------------------------------------

    def requests_to(self, host: str, label: str = "") -> list[Logged]:
        with self._lock:
            return [r for r in self.log if r.host == host and re.search(label, r.label)]

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
        with self._lock:
            if self._stopped:
                return
            self.log.append(
                Logged(arrived, request.host, request.label, status,
                       fault.kind if fault else None, text)
            )  # fmt: skip

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
                    time.sleep(server.slow_s)
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


def _faulty(answer: Answer, kind: FaultKind | None, fault: Fault | None) -> Answer:
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
    return answer


class LoopbackAdapter(TimeoutAdapter):
    """Sends the services' requests to the fault server; any other host fails the test."""

    def __init__(self, address: tuple[str, int], timeout: float) -> None:
        super().__init__(timeout)
        self.address = address

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        url = urllib.parse.urlsplit(request.url or "")
        if url.hostname not in (SPOTIFY_HOST, YTMUSIC_HOST):
            raise AssertionError(f"a request left for {url.hostname}")
        request = request.copy()
        host, port = self.address
        request.url = urllib.parse.urlunsplit(("http", f"{host}:{port}", url.path, url.query, ""))
        request.headers["Host"] = url.netloc
        return super().send(request, **kwargs)


def loopback_session(server: FaultServer, timeout: float) -> requests.Session:
    """A session like Songbird's own (`http_session`), whose requests go to `server`."""
    session = requests.Session()
    adapter = LoopbackAdapter(server.address, timeout)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
