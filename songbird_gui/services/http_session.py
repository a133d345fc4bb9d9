"""The `requests.Session` the service libraries are given: every request paced and timed out.

spotipy and ytmusicapi send all their requests — searches, pages of a long read, the
continuations ytmusicapi fetches on its own, likes, token refreshes — through the session
Songbird gives them. Its transport adapter is where the service's `Throttle` sits: each
request takes a permit from the service's limiter, and what fails in passing (a 429 after its
Retry-After, a 5xx, a timeout, a reset, a body cut short or garbled) is retried there, alone,
before the library sees it. What the throttle cannot cure reaches the library as the core
error it is (`RateLimited`, `TransientError`, `QuotaExceeded`), which the adapters pass on.

Every request also has a timeout: ytmusicapi sets none on a session it is given, and a server
that accepts the connection and never answers would hold a worker, and with it Stop, forever.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import requests
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.exceptions import ChunkedEncodingError, ContentDecodingError

from songbird_gui.core.errors import RateLimited, ServiceError, TransientError
from songbird_gui.core.throttle import Throttle

# Long enough for a slow mobile link to fetch a 100-track page; short enough that a hung
# request costs one retry, not the run.
REQUEST_TIMEOUT_S = 20.0

# What a service's answer means for the throttle: None when it is an answer the library
# should read (a success, or a refusal in words), else the core error to retry or raise.
Classify = Callable[[requests.Response], ServiceError | None]


class TimeoutAdapter(HTTPAdapter):
    """An `HTTPAdapter` that applies `timeout` to every request sent without one."""

    def __init__(self, timeout: float = REQUEST_TIMEOUT_S, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.timeout = timeout

    def send(  # type: ignore[override]  # requests' own signature is untyped
        self, request: requests.PreparedRequest, timeout: Any = None, **kwargs: Any
    ) -> requests.Response:
        return super().send(request, timeout=self.timeout if timeout is None else timeout, **kwargs)


def transport_adapter(timeout: float) -> BaseAdapter:
    """The adapter that puts requests on the wire (tests point it at a local server)."""
    return TimeoutAdapter(timeout)


def retry_after(headers: Mapping[str, str]) -> float | None:
    """A Retry-After in seconds; None when absent or an HTTP date (rare: the default pause)."""
    value = headers.get("Retry-After")
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def status_problem(response: requests.Response, service_name: str) -> ServiceError | None:
    """What a 429 or a 5xx means, for any service."""
    status = response.status_code
    if status == 429:
        return RateLimited(
            f"{service_name} asked Songbird to slow down.", retry_after(response.headers)
        )
    if status >= 500:
        return TransientError(f"{service_name} had a problem answering ({status}).")
    return None


def unreadable(response: requests.Response, service_name: str) -> ServiceError | None:
    """A success whose body is not the JSON an API sends: cut short or garbled on the way.

    Read as "no results" or "an empty playlist", it would make every track look missing.
    """
    if not 200 <= response.status_code < 300 or not response.content.strip():
        return None
    try:
        response.json()
    except ValueError:
        return TransientError(f"{service_name} sent an answer that could not be read.")
    return None


class ThrottledAdapter(BaseAdapter):
    """Sends each request through `throttle`, on the `transport` underneath."""

    def __init__(self, throttle: Throttle, classify: Classify, transport: BaseAdapter) -> None:
        super().__init__()
        self.throttle = throttle
        self.classify = classify
        self.transport = transport

    def send(  # type: ignore[override]  # requests' own signature is untyped
        self, request: requests.PreparedRequest, stream: bool = False, **kwargs: Any
    ) -> requests.Response:
        name = self.throttle.service.display_name

        def attempt() -> requests.Response:
            try:
                response = self.transport.send(request, stream=stream, **kwargs)
                if not stream:
                    response.content  # noqa: B018 - read the body here: a cut one is retried
            except (requests.ConnectionError, requests.Timeout) as error:
                raise TransientError(f"{name} could not be reached.") from error
            except (ChunkedEncodingError, ContentDecodingError) as error:
                raise TransientError(f"{name}'s answer was cut short.") from error
            problem = self.classify(response)
            if problem is not None:
                raise problem
            return response

        return self.throttle.send(attempt)

    def close(self) -> None:
        self.transport.close()


def http_session(
    throttle: Throttle | None = None,
    classify: Classify | None = None,
    timeout: float = REQUEST_TIMEOUT_S,
) -> requests.Session:
    """A session whose requests all time out, and pass `throttle` when one is given."""
    session = requests.Session()
    adapter = transport_adapter(timeout)
    if throttle is not None:
        adapter = ThrottledAdapter(
            throttle,
            classify or (lambda response: status_problem(response, throttle.service.display_name)),
            adapter,
        )
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
