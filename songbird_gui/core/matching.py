"""Finding one track on the target service: the query strategy around the matcher.

The best search goes first (the adapter orders them: a field query on Spotify, the songs
filter on YouTube Music); a wider one follows only when the first gives nothing acceptable,
which keeps the average near one request per track. Rejected candidates never come back.
"""

from __future__ import annotations

from collections.abc import Callable

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.ratelimit import TokenBucket
from songbird_gui.core.retry import RequestStats, RetryPolicy
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.service import MusicService
from songbird_gui.core.types import Decision, MatchResult, SearchQuery, Track


def find_match(
    track: Track,
    service: MusicService,
    matcher: Matcher,
    policy: RetryPolicy,
    bucket: TokenBucket,
    cancel: CancelToken,
    *,
    rejected: frozenset[str] = frozenset(),
    stats: RequestStats | None = None,
    on_pause: Callable[[float], None] | None = None,
) -> MatchResult:
    """Search `service` for `track`; raises `Cancelled` or a `ServiceError` on failure."""
    results: list[Track] = []
    result = MatchResult(track, Decision.NOT_FOUND)
    for searches, query in enumerate(service.search_queries(track), start=1):

        def search(q: SearchQuery = query) -> list[Track]:
            return service.search(q)

        found = policy.call(search, bucket, cancel, stats, on_pause)
        results.extend(r for r in found if r.id not in rejected)
        result = matcher.decide(track, results, searches)
        if result.decision is Decision.ACCEPT:
            break
    return result
