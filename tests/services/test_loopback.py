"""The Spotify login helpers over real sockets on 127.0.0.1: the one-shot loopback listener,
and the client `spotify_client` builds on Songbird's throttled session (`http_session` with
the service's throttle and `spotify.classify`, as `Accounts.services` builds it), talking to
a small local stand-in for Spotify (the client's `prefix` and the auth manager's token URL
point at it; spotipy itself runs as is)."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import AuthExpired, RateLimited, TransientError
from songbird_gui.core.ratelimit import limiter_for
from songbird_gui.core.retry import RequestStats, RetryPolicy
from songbird_gui.core.settings import RateSettings, RetrySettings
from songbird_gui.core.throttle import Throttle, request_scope
from songbird_gui.core.types import SearchQuery, ServiceId
from songbird_gui.services import spotify
from songbird_gui.services.http_session import http_session
from songbird_gui.services.secrets import SPOTIFY_TOKEN, SecretStore
from songbird_gui.services.spotify import SpotifyService
from songbird_gui.services.spotify_auth import (
    LOOPBACK,
    SCOPES,
    KeyringCacheHandler,
    LoopbackListener,
    spotify_client,
)

# -- the listener ---------------------------------------------------------------------------


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()


@pytest.fixture
def listener() -> Iterator[LoopbackListener]:
    listening = LoopbackListener("the-state")
    yield listening
    listening.close()


def callback(listener: LoopbackListener, query: str) -> tuple[int, str]:
    return get(f"http://{LOOPBACK}:{listener.port}/callback?{query}")


def test_a_wrong_state_is_refused_and_the_right_one_still_accepted(listener):
    status, page = callback(listener, "code=forged&state=other")
    assert status == 400 and "does not belong" in page
    assert callback(listener, "code=abc&state=the-state")[0] == 200
    assert listener.wait(1) == "abc"


def test_only_one_callback_is_accepted(listener):
    assert callback(listener, "code=first&state=the-state")[0] == 200
    assert callback(listener, "code=second&state=the-state")[0] == 409
    assert listener.wait(1) == "first"


def test_it_listens_on_127_0_0_1_only(listener):
    assert listener._server.server_address[0] == "127.0.0.1"
    # Bound to 127.0.0.1 itself, not to every address: another loopback address (on Linux
    # all of 127/8 reaches this machine) finds no listener on that port.
    with pytest.raises(OSError), socket.create_connection(("127.0.0.2", listener.port), 1):
        pass


def test_other_paths_and_a_refusal(listener):
    assert get(f"http://{LOOPBACK}:{listener.port}/")[0] == 404
    assert callback(listener, "error=access_denied&state=the-state")[0] == 200
    with pytest.raises(PermissionError, match="access_denied"):
        listener.wait(1)


def test_it_times_out():
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        LoopbackListener("s").wait(0.2)  # wait() closes the listener on its way out
    # Only a wait that ignored its timeout would come near this (25 times the timeout).
    assert time.monotonic() - started < 5


def test_a_silent_connection_does_not_hold_up_the_callback(listener):
    with socket.create_connection((LOOPBACK, listener.port), 1):  # connects, sends nothing
        assert callback(listener, "code=abc&state=the-state")[0] == 200
    assert listener.wait(1) == "abc"


# -- the client spotify_client builds --------------------------------------------------------

Reply = tuple[int, dict[str, Any], dict[str, str]]


class FakeSpotify:
    """A local HTTP stand-in for api.spotify.com and its token endpoint, with scripted replies.

    `requests` lists what arrived, in order; the server's threads append under a lock.
    """

    def __init__(self, api: Callable[[str], Reply], token: Callable[[], Reply]) -> None:
        self._requests: list[str] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def reply(self, reply: Reply) -> None:
                status, body, headers = reply
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                fake.arrived(f"GET {self.path}")
                self.reply(api(self.path))

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake.arrived(f"POST {self.path}")
                self.reply(token())

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self.url = f"http://{LOOPBACK}:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def arrived(self, request: str) -> None:
        with self._lock:
            self._requests.append(request)

    @property
    def requests(self) -> list[str]:
        with self._lock:
            return list(self._requests)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def throttle(retry: RetrySettings | None = None) -> Throttle:
    """A Spotify throttle that never makes a test wait for a permit."""
    return Throttle(
        ServiceId.SPOTIFY,
        limiter_for(RateSettings(rate=1000.0, burst=1000)),
        RetryPolicy(retry or RetrySettings(base_delay_s=0.01, max_delay_s=0.05)),
    )


def client_on(
    fake: FakeSpotify, store: SecretStore, paced_by: Throttle | None = None
) -> SpotifyService:
    """The client as `Accounts.services` builds it: every request, the token refresh
    included, through the throttled session."""
    paced_by = paced_by or throttle()
    session = http_session(paced_by, spotify.classify)
    client = spotify_client("my-own-client-id", KeyringCacheHandler(store), 0, session=session)
    client.prefix = f"{fake.url}/v1/"
    client.auth_manager.OAUTH_TOKEN_URL = f"{fake.url}/api/token"
    return SpotifyService(client, paced_by)


def save_token(store: SecretStore, expires_in: float) -> None:
    token = {
        "access_token": "old",
        "token_type": "Bearer",
        "expires_in": 3600,
        "expires_at": int(time.time() + expires_in),
        "refresh_token": "r1",
        "scope": SCOPES,
    }
    store.set(SPOTIFY_TOKEN, json.dumps(token))


NO_TRACKS = (200, {"tracks": {"items": [], "next": None}}, {})
# As Spotify answers a refresh: with the scope (spotipy drops a cached token without one).
NEW_TOKEN = (
    200,
    {"access_token": "new", "token_type": "Bearer", "expires_in": 3600, "scope": SCOPES},
    {},
)
RATE_LIMITED = (
    429,
    {"error": {"status": 429, "message": "API rate limit exceeded"}},
    {"Retry-After": "7"},
)


UNAVAILABLE = (503, {"error": {"status": 503, "message": "Service unavailable"}}, {})


def test_the_client_reports_the_real_status_and_retry_after(test_keyring):
    # spotipy's own retrying session would report this 429 as "Max Retries" without its
    # Retry-After, and the 503 as a 429; spotify_client sends through Songbird's session
    # instead, whose throttle sees each real answer. With one attempt allowed, the throttle
    # gives up at once and the adapter reports what Spotify said.
    replies = iter([RATE_LIMITED, UNAVAILABLE])
    fake = FakeSpotify(lambda path: next(replies), lambda: NEW_TOKEN)
    once = RetrySettings(max_attempts=1)
    try:
        store = SecretStore()
        save_token(store, expires_in=3600)
        with pytest.raises(RateLimited) as limited:
            client_on(fake, store, throttle(once)).search(SearchQuery("x", "free"))
        assert limited.value.retry_after == 7.0
        # (a fresh throttle: the first one now holds every request for those 7 s)
        with pytest.raises(TransientError, match="503") as failed:
            client_on(fake, store, throttle(once)).search(SearchQuery("x", "free"))
        assert not isinstance(failed.value, RateLimited)
        assert len(fake.requests) == 2  # one request each: no hidden retries
    finally:
        fake.close()


def test_the_throttle_retries_a_429_and_a_503_alone_below_spotipy(test_keyring):
    # Allowed to retry, the throttle under spotipy waits out the 429's pause, backs off from
    # the 503, and spotipy gets the answer of the third request as the answer of its one call.
    pause = (429, RATE_LIMITED[1], {"Retry-After": "0"})
    replies = iter([pause, UNAVAILABLE, NO_TRACKS])
    fake = FakeSpotify(lambda path: next(replies), lambda: NEW_TOKEN)
    try:
        store = SecretStore()
        save_token(store, expires_in=3600)
        stats = RequestStats()
        with request_scope(CancelToken(), stats):
            assert client_on(fake, store).search(SearchQuery("x", "free")) == []
        assert fake.requests == ["GET /v1/search?q=x&limit=10&offset=0&type=track"] * 3
        assert (stats.requests, stats.retries, stats.rate_limited) == (3, 2, 1)
    finally:
        fake.close()


def test_without_a_token_the_client_asks_to_reconnect_and_never_reads_stdin(test_keyring):
    fake = FakeSpotify(lambda path: NO_TRACKS, lambda: NEW_TOKEN)
    try:
        spotify = client_on(fake, SecretStore())  # nothing in the keyring
        with pytest.raises(AuthExpired, match="Connect Spotify again"):
            spotify.search(SearchQuery("x", "free"))
        assert fake.requests == []
    finally:
        fake.close()


def test_a_refused_refresh_asks_to_reconnect(test_keyring):
    refused = (400, {"error": "invalid_grant", "error_description": "Refresh token revoked"}, {})
    fake = FakeSpotify(lambda path: NO_TRACKS, lambda: refused)
    try:
        store = SecretStore()
        save_token(store, expires_in=-60)
        with pytest.raises(AuthExpired):
            client_on(fake, store).search(SearchQuery("x", "free"))
    finally:
        fake.close()


def test_workers_refresh_an_expired_token_once(test_keyring):
    workers_count = 6
    searching = threading.Semaphore(0)  # released by each worker as it starts its search
    everyone_in = threading.Event()

    def token() -> Reply:
        # The refresh is answered only once every worker has started its search: the others
        # then want a token while this one is being refreshed, the race this test is about.
        everyone_in.wait(5)
        return NEW_TOKEN

    fake = FakeSpotify(lambda path: NO_TRACKS, token)
    try:
        store = SecretStore()
        save_token(store, expires_in=-60)
        paced_by = throttle()
        spotify = client_on(fake, store, paced_by)

        def search() -> None:
            searching.release()
            spotify.search(SearchQuery("x", "free"))

        workers = [threading.Thread(target=search) for _ in range(workers_count)]
        for worker in workers:
            worker.start()
        for _ in workers:
            assert searching.acquire(timeout=5)
        everyone_in.set()
        for worker in workers:
            worker.join(5)
            assert not worker.is_alive()
        assert fake.requests.count("POST /api/token") == 1
        assert sum(r.startswith("GET /v1/search") for r in fake.requests) == workers_count
        assert json.loads(store.get(SPOTIFY_TOKEN) or "{}")["access_token"] == "new"
        # The refresh is a request like any other: it took a permit of Spotify's throttle.
        assert paced_by.limiter.granted == workers_count + 1
    finally:
        fake.close()
