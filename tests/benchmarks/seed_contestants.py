"""The seed's proposals for searching many tracks, written here, not in the product.

Each searches a list of tracks with one request per track, straight against a `DemoServer`
(the same server model Songbird is measured against), and counts nothing itself: the
server's counters say how many requests and 429s there were.

- sequential: one search after another (the seed's "before");
- option 1: 10 worker threads, no limiter; a search refused with a 429 is put aside, and the
  ones put aside are retried one after another once the pool is done;
- hybrid: 5 worker threads sharing a simple limiter (a lock and a minimum spacing of
  1/rate between sends, the seed's `RateLimitedSearcher`), then the same sequential retries.

A sequential retry refused again waits out its Retry-After and tries again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from songbird_gui.services.demo_server import DemoHTTPError, DemoServer

Query = tuple[str, str]  # (text, kind)


def _search(server: DemoServer, query: Query) -> bool:
    """One request: True when answered, False when refused with a 429."""
    try:
        server.search(*query)
    except DemoHTTPError as error:
        if error.status == 429:
            return False
        raise
    return True


def _search_until_answered(server: DemoServer, query: Query) -> None:
    while True:
        try:
            server.search(*query)
            return
        except DemoHTTPError as error:
            if error.status != 429:
                raise
            time.sleep(float(error.retry_after or 1))


def sequential(server: DemoServer, queries: Sequence[Query]) -> None:
    for query in queries:
        _search_until_answered(server, query)


class SpacedSends:
    """The seed hybrid's limiter: a lock and at least 1/rate seconds between two sends."""

    def __init__(self, rate: float) -> None:
        self.spacing = 1.0 / rate
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            at = max(now, self._next)
            self._next = at + self.spacing
        time.sleep(max(0.0, at - now))


def pool_then_sequential(
    server: DemoServer,
    queries: Sequence[Query],
    workers: int,
    before_each: Callable[[], None] | None = None,
) -> None:
    failed: list[Query] = []
    lock = threading.Lock()

    def one(query: Query) -> None:
        if before_each is not None:
            before_each()
        if not _search(server, query):
            with lock:
                failed.append(query)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, queries))
    sequential(server, failed)


def option_1(server: DemoServer, queries: Sequence[Query]) -> None:
    pool_then_sequential(server, queries, workers=10)


def hybrid(server: DemoServer, queries: Sequence[Query], rate: float = 3.0) -> None:
    pool_then_sequential(server, queries, workers=5, before_each=SpacedSends(rate).wait)


CONTESTANTS: dict[str, Callable[[DemoServer, Sequence[Query]], None]] = {
    "sequential": sequential,
    "seed option 1": option_1,
    "seed hybrid": hybrid,
}
