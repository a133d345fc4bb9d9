"""Sync planning: what each source entry needs before any search, and what to add after.

The plan reads the source and the target once. An entry is not searched when the target
already holds it (by a remembered match, or because a track there scores as the same
recording), when an earlier decision stands, when it is the target service's own track
already (a playlist file naming a Spotify track, synced to Spotify), or when it cannot be
synced at all. What is left is searched; `additions` then turns the results into the ids
to add, in source order, each once, none that the target already holds.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from songbird_gui.core.normalize import parse_title
from songbird_gui.core.ratelimit import seconds_for
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.settings import RateSettings
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import (
    Candidate,
    Decision,
    EntryState,
    MatchOrigin,
    MatchResult,
    PlanEntry,
    Playlist,
    ScorePart,
    ServiceId,
    SyncPlan,
    Track,
)


def find_target_playlist(source: Playlist, candidates: Iterable[Playlist]) -> Playlist | None:
    """The target playlist a source playlist syncs into: Liked to Liked, else the same name."""
    wanted = source.name.strip().casefold()
    for playlist in candidates:
        if playlist.is_followed:
            continue  # someone else's: it cannot be written (nor read, on Spotify)
        if source.is_liked and playlist.is_liked:
            return playlist
        if (
            not source.is_liked
            and not playlist.is_liked
            and playlist.name.strip().casefold() == wanted
        ):
            return playlist
    return None


class _TargetIndex:
    """The target playlist's tracks, indexed by folded base title for cheap look-ups."""

    def __init__(self, tracks: Sequence[Track], matcher: Matcher) -> None:
        self.ids = frozenset(t.id for t in tracks if t.id)
        self._matcher = matcher
        self._by_title: dict[str, list[Track]] = defaultdict(list)
        for track in tracks:
            if track.id:
                self._by_title[parse_title(track.title).base].append(track)

    def holding(self, source: Track) -> MatchResult | None:
        """A confident match for `source` among the target's own tracks, or None."""
        same_title = self._by_title.get(parse_title(source.title).base)
        if not same_title:
            return None
        result = self._matcher.decide(source, same_title)
        return result if result.decision is Decision.ACCEPT else None


def _itself(track: Track) -> MatchResult:
    """A track that is the target service's own: its own match, sure, with no search."""
    part = ScorePart("same track", 1.0, 0.0, "the file names this very track")
    best = Candidate(track, 1.0, (part,))
    return MatchResult(track, Decision.ACCEPT, best, (best,), 0, MatchOrigin.REMEMBERED)


def plan_sync(
    source: Playlist,
    source_tracks: Sequence[Track],
    target_service: ServiceId,
    target: Playlist | None,
    target_tracks: Sequence[Track],
    store: MatchStore,
    matcher: Matcher,
) -> SyncPlan:
    index = _TargetIndex(target_tracks, matcher)
    entries: list[PlanEntry] = []
    seen: set[str] = set()
    for position, track in enumerate(source_tracks, start=1):
        reason = track.unsyncable_reason
        if reason:
            entries.append(PlanEntry(position, track, EntryState.UNSYNCABLE, reason=reason))
            continue
        if track.key in seen:
            entries.append(
                PlanEntry(
                    position, track, EntryState.DUPLICATE, reason="listed twice in the source"
                )
            )
            continue
        seen.add(track.key)
        if track.service is target_service:
            itself = _itself(track)
            state = EntryState.PRESENT if track.id in index.ids else EntryState.REMEMBERED
            entries.append(PlanEntry(position, track, state, itself))
            continue
        remembered = store.recall(track, target_service)
        if remembered and remembered.best and remembered.best.track.id in index.ids:
            entries.append(PlanEntry(position, track, EntryState.PRESENT, remembered))
        elif remembered and remembered.origin is MatchOrigin.PERSON:
            # The person's own decision (their choice, or leaving it out) stands, whatever
            # else the target holds that the matcher would take for it.
            entries.append(PlanEntry(position, track, EntryState.REMEMBERED, remembered))
        elif held := index.holding(track):
            # The target holds the song already (under another id than a remembered match,
            # or since an earlier "not found"): adding the remembered one would duplicate it.
            entries.append(PlanEntry(position, track, EntryState.PRESENT, held))
        elif remembered:
            entries.append(PlanEntry(position, track, EntryState.REMEMBERED, remembered))
        elif failure := store.failure(track, target_service):
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(failure.retry_at))
            reason = f"{failure.reason} (searched again after {when})"
            entries.append(PlanEntry(position, track, EntryState.FAILED, reason=reason))
        else:
            entries.append(PlanEntry(position, track, EntryState.SEARCH))
    name = target.name if target else source.name
    return SyncPlan(source, target_service, name, target, tuple(entries), index.ids)


def additions(
    plan: SyncPlan, results: Mapping[int, MatchResult], present: Iterable[str] = ()
) -> list[str]:
    """Target ids to add, in source order, without duplicates or ids the target holds.

    `results` maps entry positions to the match results of this run (searches and the
    person's decisions); remembered results in the plan count where `results` has none.
    Only accepted matches are added: review and not-found entries are not.
    """
    held = set(plan.target_ids) | set(present)
    ids: list[str] = []
    for entry in plan.entries:
        if entry.state not in (EntryState.SEARCH, EntryState.REMEMBERED):
            continue
        result = results.get(entry.position, entry.result)
        if result is None or result.decision is not Decision.ACCEPT or result.best is None:
            continue
        target_id = result.best.track.id
        if target_id and target_id not in held:
            held.add(target_id)
            ids.append(target_id)
    return ids


# About one request per track: the best search first, a second one for the uncertain few.
REQUESTS_PER_SEARCH = 1.1


@dataclass(frozen=True, slots=True)
class SearchEstimate:
    """What searching a set of plans will cost, before any search (a dry run says it)."""

    tracks: int
    requests: int
    seconds: float


def estimate_search(plans: Sequence[SyncPlan], rate: RateSettings) -> SearchEstimate:
    """The searches `plans` need and about how long they take under `rate`."""
    tracks = sum(len(plan.to_search) for plan in plans)
    requests = math.ceil(tracks * REQUESTS_PER_SEARCH)
    return SearchEstimate(tracks, requests, seconds_for(requests, rate))
