"""Finding one track on the target service: the query strategy around the matcher.

The best search goes first (the adapter orders them: a field query on Spotify, the songs
filter on YouTube Music); a wider one follows only when the first gives nothing acceptable,
which keeps the average near one request per track. Rejected candidates never come back.
Each search is paced and retried by the service's throttle, below the adapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from songbird_gui.core.scoring import Matcher
from songbird_gui.core.service import MusicService
from songbird_gui.core.types import Decision, MatchResult, Track


@dataclass
class SearchProgress:
    """How far one track's search got: its queries answered and what they found.

    A search cut short between two of its queries (the login ended, a quota ran out) goes on
    from here when the run resumes, instead of asking the answered queries again.
    """

    queries_done: int = 0
    found: list[Track] = field(default_factory=list)


def find_match(
    track: Track,
    service: MusicService,
    matcher: Matcher,
    *,
    rejected: frozenset[str] = frozenset(),
    progress: SearchProgress | None = None,
) -> MatchResult:
    """Search `service` for `track`; raises `Cancelled` or a `ServiceError` on failure.

    `progress` is updated after each answered query (and may come from an earlier try).
    """
    progress = progress if progress is not None else SearchProgress()
    queries = service.search_queries(track)
    result = MatchResult(track, Decision.NOT_FOUND)
    if progress.queries_done:
        result = matcher.decide(track, progress.found, progress.queries_done)
    for searches in range(progress.queries_done + 1, len(queries) + 1):
        if searches > 1 and not matcher.search_wider(result):
            break
        found = service.search(queries[searches - 1])
        progress.found.extend(r for r in found if r.id not in rejected)
        progress.queries_done = searches
        result = matcher.decide(track, progress.found, searches)
    return result
