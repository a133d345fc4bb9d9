"""Finding one track on the target service: the query strategy around the matcher.

The best search goes first (the adapter orders them: a field query on Spotify, the songs
filter on YouTube Music); a wider one follows only when the first gives nothing acceptable,
which keeps the average near one request per track. Rejected candidates never come back.
Each search is paced and retried by the service's throttle, below the adapter.
"""

from __future__ import annotations

from songbird_gui.core.scoring import Matcher
from songbird_gui.core.service import MusicService
from songbird_gui.core.types import Decision, MatchResult, Track


def find_match(
    track: Track,
    service: MusicService,
    matcher: Matcher,
    *,
    rejected: frozenset[str] = frozenset(),
) -> MatchResult:
    """Search `service` for `track`; raises `Cancelled` or a `ServiceError` on failure."""
    results: list[Track] = []
    result = MatchResult(track, Decision.NOT_FOUND)
    for searches, query in enumerate(service.search_queries(track), start=1):
        found = service.search(query)
        results.extend(r for r in found if r.id not in rejected)
        result = matcher.decide(track, results, searches)
        if result.decision is Decision.ACCEPT:
            break
    return result
