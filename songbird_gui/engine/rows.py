"""A run's rows: one per source entry, as the person sees it in the track table."""

from __future__ import annotations

from dataclasses import dataclass

from songbird_gui.core.types import Decision, EntryState, MatchResult, PlanEntry, TrackStatus

STATUS_OF_DECISION = {
    Decision.ACCEPT: TrackStatus.MATCHED,
    Decision.REVIEW: TrackStatus.REVIEW,
    Decision.NOT_FOUND: TrackStatus.NOT_FOUND,
    Decision.SKIPPED: TrackStatus.SKIPPED,
}


@dataclass(slots=True)  # one per track of a run: 10,000 rows, a megabyte less in slots
class Row:
    """One source entry as the person sees it; changed only on the run's thread."""

    plan_index: int
    entry: PlanEntry
    status: TrackStatus
    result: MatchResult | None = None
    reason: str = ""
    waiting_until: float = 0.0


def row_for(plan_index: int, entry: PlanEntry) -> Row:
    """The row a planned entry starts as."""
    if entry.state is EntryState.SEARCH:
        return Row(plan_index, entry, TrackStatus.QUEUED)
    if entry.state is EntryState.PRESENT:
        return Row(plan_index, entry, TrackStatus.PRESENT, entry.result)
    if entry.state is EntryState.UNSYNCABLE:
        return Row(plan_index, entry, TrackStatus.UNSYNCABLE, reason=entry.reason)
    if entry.state is EntryState.DUPLICATE:
        return Row(plan_index, entry, TrackStatus.DUPLICATE, reason=entry.reason)
    if entry.state is EntryState.FAILED:
        return Row(plan_index, entry, TrackStatus.FAILED, reason=entry.reason)
    result = entry.result
    status = STATUS_OF_DECISION[result.decision] if result else TrackStatus.QUEUED
    return Row(plan_index, entry, status, result)
