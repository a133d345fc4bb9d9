"""Writing one sync pair in its mode: `PairWriter.sync` turns a mirror plan into requests.

The plan (core/mirror.py) is made against the target as it is read at the moment of writing,
not as it was when the run began: the person may have changed it since. The guard looks at
that plan first, and a sync it stops writes nothing at all. Then the removals go (in batches),
the additions are appended (batch by batch, as an add-only sync appends them), and the moves
follow, each planned on the target read again after the additions (the new copies' handles
are only known then).

Whatever is uncertain is read again rather than assumed: a removal or a move whose answer
was lost is not sent again blindly; the writer reads the target and plans what is left (a
removal that landed is not made twice, a move already made is not repeated). Additions keep
the add path's own care (a batch re-read before it is sent again, a refused track isolated).

Progress counts every write, whatever its kind: each entry removed, each track added, each
entry moved, against all the writes the plan holds (re-counted when the writer plans again).

Spotify removes every copy of a track whatever positions it is sent. Where a copy must stay
(a track listed twice, one copy the person's), the writer removes all copies and puts the
ones that stay back at their places, and journals the putting back before the removal: a
run killed between the two leaves the journal saying so, and the next one puts them back
before it plans anything.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from songbird_gui.core.apply import ApplyReport, PlanWriter, WriteJournal
from songbird_gui.core.errors import (
    Cancelled,
    CreationRefused,
    NotFound,
    RunBlocked,
    ServiceError,
    TransientError,
)
from songbird_gui.core.mirror import (
    MirrorPlan,
    Move,
    Removal,
    Snapshot,
    SnapshotEntry,
    check_removals,
    plan_mirror,
)
from songbird_gui.core.pairs import PairStore, RemovedEntry, SyncPair
from songbird_gui.core.service import MusicService
from songbird_gui.core.store import PUT_BACK
from songbird_gui.core.throttle import current_scope, request_scope
from songbird_gui.core.types import Entry, Playlist, SyncMode, Track

REINSERT = "reinsert"


@dataclass(frozen=True, slots=True)
class PairInputs:
    """What a pair's sync keeps the target in step with."""

    mode: SyncMode
    source: tuple[Track, ...]  # the source's entries in order, unsyncable ones included
    matches: Mapping[str, str]  # source Track.key -> the target track that stands for it
    snapshot: Snapshot | None  # the pair's last sync (None: its first)
    follow_order: bool = True  # False for Liked Songs: the service orders them itself


class _WriteCount:
    """One pair's writes: how many are done, how many the plan holds, told after each step."""

    def __init__(self, tell: Callable[[int, int], None] | None) -> None:
        self.done = 0
        self.planned = 0
        self._tell = tell

    def expect(self, plan: MirrorPlan) -> None:
        """`plan` was made on the target as it is now: it holds what is left to write."""
        self.planned = self.done + len(plan.removals) + len(plan.additions) + len(plan.moves)

    def wrote(self, count: int) -> None:
        self.reached(self.done + count)

    def reached(self, done: int) -> None:
        if done == self.done:
            return
        self.done = done
        self.planned = max(self.planned, done)
        if self._tell is not None:
            self._tell(done, self.planned)

    def appending(self) -> Callable[[int, int], None]:
        """The add path's own progress (tracks of this append sent) as the pair's writes."""
        base = self.done
        return lambda sent, _total: self.reached(base + sent)


class PairWriter(PlanWriter):
    """Writes a pair's additions, removals and moves; call `sync` inside the run's scope."""

    _pending_removals: Sequence[Removal] = ()  # a batch sent, its answer not yet heard

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Copies an interrupted run removed (every copy, then put the kept ones back): the
        # snapshot still counts them as Songbird's, so the plan must not remove more.
        self._already_removed: Counter[str] = Counter()

    def sync(
        self,
        target: Playlist | None,
        name: str,
        inputs: PairInputs,
        allowed: int | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        expected: Sequence[str] = (),
    ) -> ApplyReport:
        """Bring `target` (created as `name` when None) in step with the source; never
        raises a ServiceError: what could not be done is in the report, in words.

        `allowed` is how many removals the person accepted past the guard. `on_progress`
        hears (writes done, writes planned) after each step, every removal, addition and
        move counted. `expected` is what the run's preview meant to add: what fails when the
        playlist is found gone before anything could be planned.
        """
        report = ApplyReport(name=name)
        count = _WriteCount(on_progress)
        try:
            if target is None:
                plan = plan_mirror(inputs.mode, inputs.source, inputs.matches, [], None)
                report.planned = list(plan.additions)
                if not plan.additions or self._hold_back(report, creating=True):
                    return report
                count.expect(plan)
                target = self._create(name)
                report.created = True
                report.playlist = target
                self._append(target, 0, list(plan.additions), report, count.appending())
            else:
                if self.refusal is not None:  # the run was refused: nothing more is sent
                    report.planned = list(expected)
                    self._hold_back(report, creating=False)
                    return report
                report.playlist = target
                self._sync_existing(target, inputs, allowed, report, count)
        except Cancelled:
            report.cancelled = True
        except NotFound:
            # Gone before its plan was made: every track meant for it fails, in words.
            report.planned = report.planned or list(expected)
            self._gone(name, report.planned, report)
            return report
        except (CreationRefused, RunBlocked) as error:
            self._refused(error, report.planned, report)
        except ServiceError as error:
            self._fail_unsent(report.planned, report, str(error))
        if report.playlist is not None and not report.stopped and self._readable(report):
            self._read_entries_back(report.playlist, name, report)
        return report

    # -- an existing target ------------------------------------------------------------------

    def _plan(self, target: Playlist, inputs: PairInputs) -> tuple[list[Entry], MirrorPlan]:
        entries = self._put_back_interrupted(target, self.service.playlist_entries(target))
        plan = plan_mirror(
            inputs.mode,
            inputs.source,
            inputs.matches,
            entries,
            _without(inputs.snapshot, self._already_removed),
            follow_order=inputs.follow_order,
        )
        return entries, plan

    def _sync_existing(
        self,
        target: Playlist,
        inputs: PairInputs,
        allowed: int | None,
        report: ApplyReport,
        count: _WriteCount,
    ) -> None:
        entries, plan = self._plan(target, inputs)
        report.planned = list(plan.additions)
        count.expect(plan)
        verdict = check_removals(plan, len(entries), len(inputs.source), inputs.snapshot, allowed)
        if verdict.stop:
            report.stopped = verdict.reason
            return
        if self.journal is not None:
            # Additions an interrupted run sent: the plan was made on what is there now.
            self.journal.journal_settle(self.service.service_id, target.id)
        budget = len(plan.removals)  # what the guard let through: a re-plan may not exceed it
        attempts = 0
        while True:
            try:
                self._remove(target, entries, plan.removals, report, count)
                added = [i for i in plan.additions if i not in report.failed]
                if added:
                    held = len(entries) - len(plan.removals)
                    self._append(target, held, added, report, count.appending())
                # The order is planned on the target as it is now (the new copies' handles),
                # without what could not be added: a move names only entries that are there.
                entries, plan = self._plan(target, _without_targets(inputs, report.failed))
                count.expect(plan)
                self._move(target, entries, plan.moves, report, count)
                return
            except TransientError as error:
                # A removal's or a move's answer was lost: what landed is read, not guessed.
                attempts += 1
                if attempts >= self.policy.settings.max_attempts:
                    raise
                scope = current_scope()
                scope.stats.add(retries=1)
                if scope.cancel.wait(self.policy.backoff(attempts)):
                    raise Cancelled() from error
                before = entries
                entries, plan = self._plan(target, inputs)
                self._note_lost_removals(before, entries, report)
                count.expect(plan)
                if len(plan.removals) + len(report.removed) > budget:
                    raise ServiceError(
                        "the playlist changed while Songbird wrote it: sync again to see "
                        "what is left to do"
                    ) from error

    def _note_lost_removals(
        self, before: Sequence[Entry], now: Sequence[Entry], report: ApplyReport
    ) -> None:
        """A removal whose answer was lost, found done on a fresh read: it goes in the report
        too (every removal is listed, so that it can be put back)."""
        pending = self._pending_removals
        self._pending_removals = []
        held_now = Counter(e.track.id for e in now)
        held_before = Counter(e.track.id for e in before)
        for removal in pending:
            track_id = removal.entry.track.id
            if held_before[track_id] > held_now[track_id]:
                held_before[track_id] -= 1
                report.removed.append((removal.index, removal.entry.track))

    def _remove(
        self,
        target: Playlist,
        entries: Sequence[Entry],
        removals: Sequence[Removal],
        report: ApplyReport,
        count: _WriteCount,
    ) -> None:
        if not removals:
            return
        current = list(entries)
        limits = self.service.limits
        whole: list[Removal] = list(removals)
        partial: dict[str, list[Removal]] = {}
        if limits.removes_every_occurrence:
            by_track: dict[str, list[Removal]] = defaultdict(list)
            for removal in removals:
                by_track[removal.entry.track.id or ""].append(removal)
            held = Counter(e.track.id for e in entries)
            partial = {t: r for t, r in by_track.items() if t and held[t] > len(r)}
            whole = [r for r in removals if (r.entry.track.id or "") not in partial]
        size = max(1, limits.remove_batch_size)
        for start in range(0, len(whole), size):
            if self.cancel.cancelled:
                raise Cancelled()
            batch = whole[start : start + size]
            indices = [_index_of(current, r.entry) for r in batch]
            self._pending_removals = batch
            self.service.remove_entries(target, current, indices)
            self._pending_removals = []
            for index in sorted(indices, reverse=True):
                del current[index]
            report.removed.extend((r.index, r.entry.track) for r in batch)
            count.wrote(len(batch))
        for track_id, gone in partial.items():
            current = self._remove_keeping_copies(target, current, track_id, gone, report)
            count.wrote(len(gone))

    def _remove_keeping_copies(
        self,
        target: Playlist,
        current: list[Entry],
        track_id: str,
        gone: Sequence[Removal],
        report: ApplyReport,
    ) -> list[Entry]:
        """Remove some copies of a track where the service removes all: all, then the ones
        that stay back at their places, the putting back journaled first."""
        going = {id(r.entry) for r in gone}
        remaining = [e for e in current if id(e) not in going]
        kept = [i for i, e in enumerate(remaining) if e.track.id == track_id]
        journal = self.journal
        step = (
            journal.journal_planned(
                self.service.service_id,
                target.id,
                [track_id, str(len(gone)), *map(str, kept)],
                kind=REINSERT,
            )
            if journal
            else 0
        )
        every = [i for i, e in enumerate(current) if e.track.id == track_id]
        self.service.remove_entries(target, current, every)
        report.removed.extend((r.index, r.entry.track) for r in gone)
        for position in kept:
            self.service.add_tracks(target, [track_id], position=position)
        if journal is not None:
            journal.journal_confirmed(step)
        return remaining

    def _put_back_interrupted(self, target: Playlist, entries: list[Entry]) -> list[Entry]:
        """Copies an interrupted run removed to put back, and did not: put back now."""
        journal = self.journal
        if journal is None:
            return entries
        steps = journal.journal_unconfirmed_steps(self.service.service_id, target.id, REINSERT)
        if not steps:
            return entries
        for track_id, removed, *positions in steps:
            held = sum(1 for e in entries if e.track.id == track_id)
            for position in map(int, positions[held:]):
                self.service.add_tracks(target, [track_id], position=position)
            # Those copies were Songbird's and are gone: what is left is what was kept.
            self._already_removed[track_id] += int(removed)
        journal.journal_settle(self.service.service_id, target.id)
        return self.service.playlist_entries(target)

    def _move(
        self,
        target: Playlist,
        entries: Sequence[Entry],
        moves: Sequence[Move],
        report: ApplyReport,
        count: _WriteCount,
    ) -> None:
        current = list(entries)
        for move in moves:
            if self.cancel.cancelled:
                raise Cancelled()
            self.service.move_entry(target, current, move.index, move.before)
            entry = current.pop(move.index)
            if move.before is None:
                current.append(entry)
            else:
                current.insert(move.before if move.before < move.index else move.before - 1, entry)
            report.moved += 1
            count.wrote(1)

    def _read_entries_back(self, playlist: Playlist, name: str, report: ApplyReport) -> None:
        """The target after the write (read even after a Stop, unless the window closed):
        what landed, and the entries the pair's next snapshot is built on."""
        try:
            with request_scope(self.readback_cancel, current_scope().stats):
                entries = self.service.playlist_entries(playlist)
        except Cancelled:
            report.landed = [i for i in report.planned if i in report.delivered]
            report.warning = report.warning or "not read back: the counts are what was sent"
            return
        except NotFound:
            self._gone(name, report.planned, report)
            return
        except ServiceError as error:
            report.landed = [i for i in report.planned if i in report.delivered]
            report.warning = report.warning or (
                f"the playlist could not be read back ({error}); the counts are what was sent"
            )
            return
        report.entries = entries
        there = Counter(e.track.id for e in entries)
        landed = []
        for track_id in report.planned:
            if there[track_id] > 0:
                there[track_id] -= 1
                landed.append(track_id)
        report.landed = landed
        for track_id in landed:
            report.failed.pop(track_id, None)
        arrived = set(landed)
        report.held = [i for i in report.held if i not in arrived]


def _without(snapshot: Snapshot | None, removed: Counter[str]) -> Snapshot | None:
    """The snapshot less `removed[t]` of its entries naming each target track t."""
    if snapshot is None or not removed:
        return snapshot
    left = Counter(removed)
    kept = []
    for entry in snapshot.entries:
        if entry.target_id is not None and left[entry.target_id] > 0:
            left[entry.target_id] -= 1
            kept.append(SnapshotEntry(entry.source_key, None))
        else:
            kept.append(entry)
    return Snapshot(tuple(kept))


def _without_targets(inputs: PairInputs, failed: Mapping[str, str]) -> PairInputs:
    """`inputs` less the matches to target tracks that could not be added."""
    if not failed:
        return inputs
    kept = {key: target for key, target in inputs.matches.items() if target not in failed}
    return PairInputs(inputs.mode, inputs.source, kept, inputs.snapshot, inputs.follow_order)


def _index_of(entries: Sequence[Entry], entry: Entry) -> int:
    """Where this very entry object is now (entries compare equal when a track is listed
    twice, so identity, not equality)."""
    for index, candidate in enumerate(entries):
        if candidate is entry:
            return index
    raise ValueError("an entry to remove is no longer in the list")


def put_back_last_removals(
    pairs: PairStore,
    pair: SyncPair,
    service: MusicService,
    journal: WriteJournal | None = None,
    on_put_back: Callable[[RemovedEntry], None] | None = None,
) -> int:
    """Put back what `pair`'s last sync removed and is not back yet (the window's Put back,
    `songbird sync --pairs --restore-last`); returns how many. Call inside a request scope.

    Each entry is marked back as soon as it lands (`on_put_back` hears of it then), so that a
    run stopped halfway puts back only the rest. An entry no service can add (one without a
    track id, a local file) is marked too, once the others are back: nothing will ever put it
    back, and each later Put back would count it again.
    """
    removed = [r for r in pairs.last_removals(pair.pair_id) if not r.restored]
    target = Playlist(pair.target, pair.target_id, pair.target_name)

    def mark(entry: RemovedEntry) -> None:
        pairs.mark_restored(pair.pair_id, entry.position)
        if on_put_back is not None:
            on_put_back(entry)

    put = restore_removed(service, target, removed, put_back=mark, journal=journal)
    for entry in removed:
        if not entry.track.id:
            pairs.mark_restored(pair.pair_id, entry.position)
    return put


def restore_removed(
    service: MusicService,
    playlist: Playlist,
    removed: Sequence[RemovedEntry],
    put_back: Callable[[RemovedEntry], None] | None = None,
    journal: WriteJournal | None = None,
) -> int:
    """Put back what a sync removed, each at its old place (or the end, where that is
    gone); returns how many. Call inside a request scope. The restored entries stand for no
    source entry, so a mirror keeps them as the person's. `put_back` hears of each entry as
    soon as it is back (to remember it: a run stopped halfway then puts back only the rest).

    An entry's add and the mark that it is back are two writes, to two places: a run killed
    between them (kill -9, a power cut) would leave it back but unmarked, and the next run
    would put it back a second time. So each add is journaled before it is sent, with how
    many copies of the track the playlist held then; the next run, finding more copies than
    that, knows the add landed and only marks the entry. The playlist alone cannot tell:
    a copy already there may be one the person had all along (a track listed twice).
    """
    todo = sorted(removed, key=lambda r: r.position)
    put = 0
    if journal is not None:
        back = _put_back_by_a_killed_run(service, playlist, todo, journal)
        for entry in back:
            if not service.limits.removes_every_occurrence:
                _to_its_place(service, playlist, entry)
            put += 1
            if put_back is not None:
                put_back(entry)
        todo = [r for r in todo if r not in back]
    for entry in todo:
        track_id = entry.track.id
        if not track_id:
            continue
        held = service.playlist_entries(playlist)
        step = (
            journal.journal_planned(
                service.service_id,
                playlist.id,
                _put_back_step(entry, sum(1 for e in held if e.track.id == track_id)),
                PUT_BACK,
            )
            if journal is not None
            else 0
        )
        position = min(entry.position, len(held))
        if service.limits.removes_every_occurrence:  # it takes a position (Spotify)
            service.add_tracks(playlist, [track_id], position=position)
        else:
            service.add_tracks(playlist, [track_id])
            if position < len(held):
                _to_its_place(service, playlist, entry)
        put += 1
        if put_back is not None:
            put_back(entry)
        if journal is not None:
            journal.journal_confirmed(step)
    return put


def _to_its_place(service: MusicService, playlist: Playlist, entry: RemovedEntry) -> None:
    """Where the service adds at the end only: the entry just put back there (the last one,
    when it names its track: a killed run may have moved it already) moved to its place."""
    now = service.playlist_entries(playlist)
    last = len(now) - 1
    if last > 0 and now[last].track.id == entry.track.id and entry.position < last:
        service.move_entry(playlist, now, last, entry.position)


def _put_back_step(entry: RemovedEntry, copies: int) -> list[str]:
    """A put back's journal step: which removal (its position and time name it among the
    last sync's), its track, and how many copies of that track the playlist held before."""
    return [entry.track.id or "", str(entry.position), repr(entry.removed_at), str(copies)]


def _put_back_by_a_killed_run(
    service: MusicService,
    playlist: Playlist,
    removed: Sequence[RemovedEntry],
    journal: WriteJournal,
) -> list[RemovedEntry]:
    """Of `removed`, those a killed run's add had put back before it could mark them: their
    step is unconfirmed and the playlist holds more copies than before it was sent. Every
    such step is settled: one whose add never landed is sent again as a new step."""
    steps = journal.journal_unconfirmed_batches(service.service_id, playlist.id, PUT_BACK)
    if not steps:
        return []
    copies = Counter(e.track.id for e in service.playlist_entries(playlist))
    by_step = {tuple(_put_back_step(r, 0)[:3]): r for r in removed}
    back = []
    for batch, _, ids in steps:
        # A step of removals since replaced, or of an entry marked back, names none of these.
        entry = by_step.get(tuple(ids[:3]))
        if entry is not None and len(ids) == 4 and copies[entry.track.id] > int(ids[3]):
            back.append(entry)
        journal.journal_confirmed(batch)
    return back
