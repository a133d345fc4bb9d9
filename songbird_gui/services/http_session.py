"""The `requests.Session` the service libraries are given: every request has a timeout.

spotipy takes a timeout of its own; ytmusicapi sets one only on a session it makes itself,
and sends the requests of a session it is given (Songbird gives it one, so that every
library shares one policy) without any. A server that accepts the connection and then never
answers would hold a worker, and with it Stop and the window's shutdown, forever. A
transport adapter that supplies the timeout when the caller gave none closes that gap; a
timeout then surfaces as `requests.Timeout`, which the adapters retry as transient.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter

# Long enough for a slow mobile link to fetch a 100-track page; short enough that a hung
# request costs one retry, not the run.
REQUEST_TIMEOUT_S = 20.0


class TimeoutAdapter(HTTPAdapter):
    """An `HTTPAdapter` that applies `timeout` to every request sent without one."""

    def __init__(self, timeout: float = REQUEST_TIMEOUT_S, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.timeout = timeout

    def send(  # type: ignore[override]  # requests' own signature is untyped
        self, request: requests.PreparedRequest, timeout: Any = None, **kwargs: Any
    ) -> requests.Response:
        return super().send(request, timeout=self.timeout if timeout is None else timeout, **kwargs)


def http_session(timeout: float = REQUEST_TIMEOUT_S) -> requests.Session:
    """A session whose requests all time out after `timeout` seconds at the latest."""
    session = requests.Session()
    adapter = TimeoutAdapter(timeout)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
