"""What a run's Apply writes, and the writing itself (on a worker thread): each pair in its
mode, then the pair remembered.

`matches_of`, `inputs_of` and `preview_of` say, from the run's rows, what each playlist's
write would do (the apply dialog shows it before anything is written).

The session hands over a snapshot of what to write (one `PlanWrite` per playlist) and gets
back, for each, the report and the plan as it stands after the write (`Written`): the
playlist it created, the pair it made, the snapshot it recorded and the target as read back.
The run then plans a second Apply against that, so that nothing is written twice and no
playlist is created again.

A playlist is never created where a pair already points: a pair made since the run read its
playlists (by a scheduled sync, or `songbird sync` from cron) is looked up here, just before
writing, and its target written instead. The pair's snapshot is read here too, for the same
reason: another writer may have synced the pair since.

Progress counts every write (each removal, addition and move) over all the plans: the total
starts as the previews' and follows each pair's own count as it plans on the target as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from songbird_gui.core.apply import ApplyReport, HeldBack
from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.mirror import (
    GuardVerdict,
    MirrorPlan,
    Snapshot,
    check_removals,
    plan_mirror,
    snapshot_after,
)
from songbird_gui.core.pair_writer import PairInputs, PairWriter
from songbird_gui.core.pairs import PairConflict, PairStore
from songbird_gui.core.types import Decision, Playlist, SyncMode, SyncPlan, Track, TrackStatus
from songbird_gui.engine.planning import PairSetup
from songbird_gui.engine.rows import Row
from songbird_gui.engine.summary import IN_PROGRESS


@dataclass(frozen=True)
class PlanWrite:
    """One playlist's write as the person approved it: its plan, pair, inputs and preview."""

    plan: SyncPlan
    setup: PairSetup
    inputs: PairInputs
    allowed: int | None  # removals the person accepted past the guard
    preview: MirrorPlan  # what the person saw before writing


@dataclass(frozen=True)
class Written:
    """What one playlist's write did, and its plan and pair as they stand after it."""

    report: ApplyReport
    plan: SyncPlan
    setup: PairSetup


@dataclass
class _Progress:
    """Writes done and planned over all the plans, told as (done, total)."""

    planned: list[int]
    tell: Callable[[int, int], None]
    finished: int = 0  # writes of the plans already written
    done: int = 0  # writes of the plan being written

    def pair(self, index: int) -> Callable[[int, int], None]:
        self.done = 0

        def told(done: int, planned: int) -> None:
            self.done = done
            self.planned[index] = planned
            self.tell(self.finished + done, sum(self.planned))

        return told

    def pair_ended(self, index: int) -> None:
        was = self.planned[index]
        self.planned[index] = self.done  # what was not written is no longer to come
        self.finished += self.done
        self.done = 0
        total = sum(self.planned)
        if self.planned[index] != was and total > 0:
            self.tell(self.finished, total)


# Rows whose decision is still to come: what stood for them at the last sync stands.
PENDING = frozenset(
    {
        *IN_PROGRESS,
        TrackStatus.REVIEW,
        TrackStatus.NOT_FOUND,
        TrackStatus.NOT_SEARCHED,
        TrackStatus.FAILED,
    }
)


def matches_of(
    rows: Sequence[Row],
    snapshot: Snapshot | None,
    rejected: Callable[[Track], frozenset[str]],
) -> dict[str, str]:
    """Source Track.key -> the target track that stands for it, from one plan's rows.

    A track whose decision is still to come (it needs review, its search was stopped or
    failed, or found nothing this time) keeps the copy that stood for it at the pair's last
    sync: a pending decision never removes a track that is still in the source. Only the
    person's "never this one" for that very copy (`rejected`) lets it go.
    """
    found: dict[str, str] = {}
    pending: list[Row] = []
    for row in rows:
        result = row.result
        best = result.best if result else None
        accepted = result is not None and (
            result.decision is Decision.ACCEPT or row.status is TrackStatus.PRESENT
        )
        if accepted and best is not None and best.track.id:
            found[row.entry.source.key] = best.track.id
        elif row.status in PENDING:
            pending.append(row)
    if snapshot is None or not pending:
        return found
    stood: dict[str, str] = {}
    for entry in snapshot.entries:  # the source's entries first: what stands now
        if entry.target_id:
            stood.setdefault(entry.source_key, entry.target_id)
    for row in pending:
        source = row.entry.source
        target_id = stood.get(source.key)
        if target_id and source.key not in found and target_id not in rejected(source):
            found[source.key] = target_id
    return found


def inputs_of(plan: SyncPlan, setup: PairSetup, matches: Mapping[str, str]) -> PairInputs:
    return PairInputs(
        setup.mode,
        tuple(entry.source for entry in plan.entries),
        matches,
        setup.snapshot,
        follow_order=not plan.source.is_liked,
    )


def preview_of(setup: PairSetup, inputs: PairInputs) -> tuple[MirrorPlan, GuardVerdict]:
    """What a plan's write would do to its target as read, and what the guard says."""
    entries = setup.target_entries
    if setup.paused:
        preview = plan_mirror(SyncMode.ADD, (), {}, entries, None)
    else:
        preview = plan_mirror(
            inputs.mode,
            inputs.source,
            inputs.matches,
            entries,
            inputs.snapshot,
            follow_order=inputs.follow_order,
        )
    verdict = check_removals(preview, len(entries), len(inputs.source), inputs.snapshot)
    return preview, verdict


def total_writes(preview: MirrorPlan) -> int:
    return len(preview.removals) + len(preview.additions) + len(preview.moves)


def write_plans(
    writes: Sequence[PlanWrite],
    writer: PairWriter,
    pairs: PairStore,
    cancel: CancelToken,
    tell_progress: Callable[[int, int], None],
) -> list[Written]:
    """Write each plan in turn (inside the run's request scope); stops between playlists
    when `cancel` fires. Never raises a ServiceError: each report says what went wrong."""
    progress = _Progress([total_writes(w.preview) for w in writes], tell_progress)
    written: list[Written] = []
    for index, write in enumerate(writes):
        if cancel.cancelled:
            break
        plan, setup, inputs = write.plan, write.setup, write.inputs
        if setup.paused:
            report = ApplyReport(
                name=plan.target_name, held_back=HeldBack.PAIR, warning=setup.paused
            )
            written.append(Written(report, plan, setup))
            progress.pair_ended(index)
            continue
        # The pair as it is now, not as the run read it: made since (a scheduled sync),
        # synced since by another writer (its snapshot is what that one left), or unlinked
        # (then nothing on the target is Songbird's any more: a first sync).
        target = plan.target
        pair = pairs.find(plan.source.service, plan.source.id, plan.target_service)
        if pair is not None and (target is None or target.id != pair.target_id):
            target = Playlist(pair.target, pair.target_id, pair.target_name)
        snapshot = pairs.snapshot(pair.pair_id) if pair is not None else None
        inputs = replace(inputs, snapshot=snapshot)
        setup = replace(setup, pair=pair, snapshot=snapshot)
        report = writer.sync(
            target,
            plan.target_name,
            inputs,
            write.allowed,
            progress.pair(index),
            expected=write.preview.additions,
        )
        progress.pair_ended(index)
        setup = remember_pair(pairs, plan, setup, inputs, report)
        if report.playlist is not None:
            entries = report.entries
            plan = replace(
                plan,
                target=report.playlist,
                target_name=report.playlist.name,
                target_ids=frozenset(e.track.id for e in entries or () if e.track.id),
            )
        written.append(Written(report, plan, setup))
    return written


def remember_pair(
    pairs: PairStore, plan: SyncPlan, setup: PairSetup, inputs: PairInputs, report: ApplyReport
) -> PairSetup:
    """After a write: the pair made or renamed, its new snapshot, what it removed; or the
    pair paused when its playlist went during the write. Returns the plan's setup as it
    stands now (what a second Apply of the same run plans against)."""
    if report.gone:
        if setup.pair is not None:
            pairs.pause(setup.pair.pair_id, report.warning)
        return replace(setup, paused=report.warning, target_entries=())
    if report.stopped or report.playlist is None:
        return setup  # nothing written: the last snapshot still stands
    if report.entries is None:
        return replace(setup, target_entries=())  # written, not read back: the next reads it
    # The run's mode is written to the pair only when the run chose it (or made the pair):
    # a mode the person picked for the pair since the run began is theirs to keep.
    chosen = setup.pair is None or setup.mode is not setup.pair.mode
    try:
        pair = pairs.ensure(plan.source, report.playlist, inputs.mode if chosen else None)
    except PairConflict as error:
        report.warning = report.warning or str(error)
        return replace(setup, target_entries=tuple(report.entries))
    done = plan_mirror(
        inputs.mode,
        inputs.source,
        inputs.matches,
        report.entries,
        inputs.snapshot,
        follow_order=inputs.follow_order,
    )
    snapshot = snapshot_after(done, inputs.source, report.entries, inputs.snapshot)
    pairs.record_sync(
        pair.pair_id, snapshot, report.removed, names=(plan.source.name, report.playlist.name)
    )
    return replace(setup, pair=pair, snapshot=snapshot, target_entries=tuple(report.entries))
