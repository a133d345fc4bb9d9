"""A model-based test of the engine: random journeys of a person and the services through
`SyncSession` and the demo library, each step checked against a small reference model of
what every playlist should hold.

Hypothesis's rule-based state machine draws whole sequences of what people do — sync in
either direction (stopped at any point, or paused by a login that ends), accept / skip /
never / accept all above / search by hand, apply and apply again, change the settings mid-run,
set a pair's mode, edit a source or a target as a person would (`services/demo_change.py`),
put back, unlink, forget or change a remembered match, restart (a new Songbird on the same
folders), and writes cut short (failing, stopped or the process killed after k writes) — and
shrinks a failing one to the shortest.

The model (`Reference`) is written apart from the planner: for each pair, the target tracks
Songbird stands behind (`owned`: what it wrote or found for a source entry, until it removes
it) and what stood for each source entry at the last sync. From the target as read before a
write and the run's rows it says what the write may do and, when nothing cut it short, what
the target must hold after it:

- no playlist is created twice, and a pair's target is where it points;
- a write adds only what is missing (no copy beyond the source's own duplicates) and removes
  only copies Songbird stands behind, beyond what the source wants (add only: none), so
  nothing a person put on a target is removed, but by an exact mirror;
- a mirror's target holds the source's tracks, in its order, and the person's own entries;
  an exact mirror's is the source; an add-only one gains what it lacked, at the end;
- a track whose decision is pending (needs review, not searched, forgotten) keeps the copy
  that stood for it;
- a second Apply, or a second sync of what is settled, writes nothing and searches nothing;
- counts add up: the rows' tally, each report against the target's length, the progress.

CI runs a fixed number of journeys from the suite's fixed seed (deterministic: one search at
a time). Longer runs and fresh seeds, before a release or after a change to the engine:

    SONGBIRD_JOURNEYS=300 SONGBIRD_JOURNEY_STEPS=60 QT_QPA_PLATFORM=offscreen \\
        .venv/bin/python -m pytest tests/engine/test_journeys.py --hypothesis-seed=$RANDOM
"""

from __future__ import annotations

import os
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pytest
from hypothesis import HealthCheck, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from songbird_gui.core.apply import ApplyReport
from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.match_fix import Replacement, holdings, replace_everywhere
from songbird_gui.core.pair_writer import put_back_last_removals
from songbird_gui.core.pairs import PairStore, SyncPair
from songbird_gui.core.throttle import request_scope
from songbird_gui.core.types import (
    Candidate,
    Decision,
    MatchOrigin,
    MatchResult,
    ServiceId,
    SyncMode,
    SyncPlan,
    TrackStatus,
)
from songbird_gui.engine.rows import Row
from songbird_gui.engine.session import RunState, SyncSession
from songbird_gui.services.demo_change import change_playlist
from tests.engine.journey_world import SP, YT, World

EXAMPLES = int(os.environ.get("SONGBIRD_JOURNEYS", "60"))
STEPS = int(os.environ.get("SONGBIRD_JOURNEY_STEPS", "40"))
WAIT_MS = 30_000

DIRECTIONS = ((SP, YT), (YT, SP))
ACCEPTED = (TrackStatus.MATCHED, TrackStatus.ADDED, TrackStatus.PRESENT)
THRESHOLDS = ((0.85, 0.50), (0.65, 0.50), (0.95, 0.60))


# -- the reference model -------------------------------------------------------------------


@dataclass
class PairModel:
    """One pair as the model sees it: where it writes, and what Songbird stands behind."""

    target: str  # the target playlist's id
    owned: Counter[str] = field(default_factory=Counter)
    standing: dict[str, str] = field(default_factory=dict)  # source key -> target id
    recovering: bool = False  # a write of it was killed: the next one finishes it first
    settled: bool = False  # all written and decided, nothing changed since


@dataclass(frozen=True)
class Expected:
    """What the model expects of one plan's write, computed before it."""

    source: tuple[ServiceId, str]
    target_id: str | None
    mode: SyncMode
    wanted: tuple[str, ...]  # the target's tracks the source wants, in source order
    before: tuple[str, ...]
    owned: Counter[str]
    recovering: bool
    rows: tuple[Row, ...]  # the plan's rows as the write began

    def seen(self, after: Sequence[str]) -> str:
        """The write in a line, for a failure's message."""
        return (
            f"{self.mode} of {self.source[1]}: before {list(self.before)}, wanted "
            f"{list(self.wanted)}, owned {dict(self.owned)}, after {list(after)}"
        )

    def may_remove(self, track_id: str) -> int:
        held = Counter(self.before)[track_id]
        desired = Counter(self.wanted)[track_id]
        if self.mode is SyncMode.ADD:
            return 0
        if self.mode is SyncMode.MIRROR:
            return max(0, min(held, self.owned[track_id]) - desired)
        return max(0, held - desired)

    def may_add(self, track_id: str) -> int:
        return max(0, Counter(self.wanted)[track_id] - Counter(self.before)[track_id])

    def after(self) -> list[str] | Counter[str]:
        """The target once all is written: a list where the order is known, else counts."""
        held = Counter(self.before)
        if self.mode is SyncMode.ADD:
            missing = [t for t in dict.fromkeys(self.wanted) if not held[t]]
            return [*self.before, *missing]
        if self.mode is SyncMode.EXACT:
            return list(self.wanted)
        result = Counter(held)
        for track_id in set(held) | set(self.wanted):
            result[track_id] -= self.may_remove(track_id)
            result[track_id] = max(result[track_id], Counter(self.wanted)[track_id])
        return +result


def pending(row: Row) -> bool:
    """A row whose decision is still to come: its last copy stands until one is made."""
    return row.status in (
        TrackStatus.REVIEW,
        TrackStatus.NOT_FOUND,
        TrackStatus.NOT_SEARCHED,
        TrackStatus.QUEUED,
        TrackStatus.SEARCHING,
        TrackStatus.WAITING,
    ) or (row.status is TrackStatus.FAILED and not accepted(row))


def accepted(row: Row) -> bool:
    result = row.result
    return result is not None and result.best is not None and result.decision is Decision.ACCEPT


def wanted(
    plan: SyncPlan,
    rows: Sequence[Row],
    mode: SyncMode,
    model: PairModel | None,
    rejected: Mapping[str, set[str]],
) -> tuple[str, ...]:
    """The target tracks the source wants, in source order (each once but in exact mirror)."""
    match: dict[str, str | None] = {}
    for row in rows:
        key = row.entry.source.key
        if row.status is TrackStatus.DUPLICATE or key in match:
            continue
        result = row.result
        if (row.status in ACCEPTED or accepted(row)) and result and result.best:
            match[key] = result.best.track.id
        elif pending(row) and model is not None:
            standing = model.standing.get(key)
            match[key] = standing if standing not in rejected.get(key, ()) else None
        else:
            match[key] = None
    out: list[str] = []
    for entry in plan.entries:
        target = match.get(entry.source.key)
        if target is None or (mode is not SyncMode.EXACT and target in out):
            continue
        out.append(target)
    return tuple(out)


def describe_rows(rows: Iterable[Row]) -> str:
    def best(row: Row) -> str:
        result = row.result
        return f"→{result.best.track.id}" if result and result.best else ""

    return ", ".join(f"{r.entry.source.id} {r.status}{best(r)}" for r in rows)


def is_subsequence(wanted: Sequence[str], held: Sequence[str]) -> bool:
    rest = iter(held)
    return all(track in rest for track in wanted)


# -- the machine -----------------------------------------------------------------------------


class Journeys(RuleBasedStateMachine):
    qtbot = None  # the test's, set before the machine runs

    @initialize()
    def open_library(self) -> None:
        self.world = World()
        self.session: SyncSession | None = None
        self.pairs: dict[tuple[ServiceId, str], PairModel] = {}
        self.decisions: dict[tuple[ServiceId, str], tuple[str, str | None]] = {}
        self.rejected: dict[tuple[ServiceId, str], set[str]] = defaultdict(set)
        self.run_settled = False  # the run's last Apply wrote all; nothing changed since
        # The Matches view changed the memory under the open run: its rows are not what a
        # new sync would plan, so what it writes settles nothing.
        self.run_stale = False
        self.world.faults.on_cancel = self._cancel_session

    def teardown(self) -> None:
        world = getattr(self, "world", None)
        if world is None:
            return
        self._drop_session()
        world.close()
        world.remove()

    # -- helpers ---------------------------------------------------------------------------

    def wait(self, done) -> None:
        self.qtbot.waitUntil(lambda: bool(done()), timeout=WAIT_MS)

    def plan(self, session: SyncSession, playlists, modes=None) -> None:
        """Plan, and wait for the plan (or the Stop, or the failure)."""
        planned: list[bool] = []
        session.planned.connect(lambda: planned.append(True))
        session.plan(playlists, None, modes)
        self.wait(lambda: planned or session.state is not RunState.PLANNING)

    def _cancel_session(self) -> None:
        session = self.session
        if session is not None:
            session.cancel.cancel()  # a Stop, as the writer sees it between two writes

    def _drop_session(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            session.close()
            assert session.drain(WAIT_MS)
            session.deleteLater()

    def touched(self) -> None:
        self.run_settled = False
        for model in self.pairs.values():
            model.settled = False

    def world_changed(self) -> None:
        """The services or the pairs changed under the open run (which does not see it):
        what it writes settles nothing."""
        self.touched()
        self.run_stale = self.session is not None

    def all_settled(self) -> bool:
        pairs = self.product_pairs()
        return bool(pairs) and all(
            (m := self.pairs.get((p.source, p.source_id))) is not None and m.settled for p in pairs
        )

    def pair_store(self) -> PairStore:
        return PairStore(self.world.store)

    def product_pairs(self) -> list[SyncPair]:
        return self.pair_store().all()

    def ready(self) -> bool:
        return self.session is not None and self.session.state in (
            RunState.READY,
            RunState.APPLIED,
        )

    def idle(self) -> bool:
        return self.session is None or not (self.session.busy or self.session.paused)

    # -- syncing ---------------------------------------------------------------------------

    @precondition(lambda self: self.idle())
    @rule(
        direction=st.sampled_from([DIRECTIONS[0], DIRECTIONS[0], DIRECTIONS[1]]),
        names=st.sets(st.sampled_from(["Alpha", "Beta", "Gamma", "Delta"]), min_size=1),
        mode=st.sampled_from([None, None, SyncMode.MIRROR, SyncMode.MIRROR, SyncMode.EXACT]),
        stop_after=st.none() | st.integers(-1, 8),
        login_ends_after=st.none() | st.integers(0, 6),
    )
    def sync(self, direction, names, mode, stop_after, login_ends_after) -> None:
        """Tick playlists, maybe choose their mode, press Sync; maybe Stop after a few."""
        self._drop_session()
        self.run_settled = self.run_stale = False
        source, target = direction
        chosen = [p for p in self.world.playlists(source) if p.name in names]
        if not chosen:
            return
        context = self.world.songbird.context(self.world.songbird.demo_services())
        session = SyncSession(context, source, target)
        self.session = session
        modes = {p.id: mode for p in chosen} if mode is not None else None
        if mode is not None:
            self.touched()
        note(f"sync {source}->{target} {[p.name for p in chosen]} {mode}")
        if stop_after == -1:
            session.plan(chosen, None, modes)
            session.stop()
            assert session.state is RunState.STOPPED
            return
        self.plan(session, chosen, modes)
        assert session.state is RunState.PLANNING, session.message
        self.world.faults.expire_login_after(login_ends_after)
        self.world.faults.stop_after(stop_after)
        session.search()
        self.wait(
            lambda: (
                session.state is not RunState.SEARCHING
                or (self.world.faults.stopped_searching and not session.active_workers())
            )
        )
        self.world.faults.stop_after(None)
        if session.state is RunState.SEARCHING:  # stopped at a search: Stop, as pressed
            self.qtbot.wait(1)  # what was answered before it is shown first
            session.stop()
        if session.state is RunState.PAUSED:
            assert login_ends_after is not None
            assert all(r.status is not TrackStatus.SEARCHING for r in session.rows)
        else:
            self.world.faults.expire_login_after(None)
            assert session.state is RunState.READY
            assert all(r.status.is_final for r in session.rows)
            note(f"rows: {describe_rows(session.rows)}")
            self.check_rows_keep_decisions()

    @precondition(lambda self: self.session is not None and self.session.paused)
    @rule(stop=st.booleans())
    def reconnect(self, stop) -> None:
        """The person signs in again and goes on (or presses Stop instead)."""
        session = self.session
        assert session is not None
        self.world.faults.expire_login_after(None)
        if stop:
            session.stop()
        else:
            session.resume()
        self.wait(lambda: session.state is not RunState.SEARCHING)
        assert session.state is RunState.READY
        assert all(r.status.is_final for r in session.rows)
        self.check_rows_keep_decisions()

    def check_rows_keep_decisions(self) -> None:
        """Every decision of the person's stands on its rows (settings and restarts too)."""
        session = self.session
        assert session is not None
        for row in session.rows:
            decided = self.decisions.get((session.target, row.entry.source.key))
            if decided is None or row.status in (TrackStatus.DUPLICATE, TrackStatus.FAILED):
                continue
            kind, track_id = decided
            if kind == "skip":
                assert row.status is TrackStatus.SKIPPED, (row, decided)
            else:
                assert row.status in ACCEPTED, (row, decided)
                assert row.result is not None and row.result.best is not None
                assert row.result.best.track.id == track_id, (row, decided)

    # -- the person's decisions ------------------------------------------------------------

    def rows_to_decide(self) -> list[int]:
        session = self.session
        if session is None:
            return []
        return [i for i in range(len(session.rows)) if session.candidates(i)]

    @precondition(lambda self: self.ready() and self.session.rows)  # type: ignore[union-attr]
    @rule(
        action=st.sampled_from(["accept", "accept", "skip", "never", "all above", "by hand"]),
        which=st.integers(0, 50),
        pick=st.integers(0, 5),
        threshold=st.sampled_from([0.5, 0.6, 0.7, 0.75]),
    )
    def review(self, action, which, pick, threshold) -> None:
        """The review pane: accept, skip, never this one, accept all above, search by hand."""
        if action == "all above":
            self._accept_all_above(threshold)
        elif action == "by hand":
            self._search_by_hand(which, pick)
        elif self.rows_to_decide():
            self._decide(which, pick, action)

    def _decide(self, which, pick, action) -> None:
        session = self.session
        assert session is not None
        rows = self.rows_to_decide()
        number = rows[which % len(rows)]
        row = session.rows[number]
        assert row.result is not None
        offered = session.candidates(number)  # what the review pane shows
        candidate = offered[pick % len(offered)]
        key = (session.target, row.entry.source.key)
        note(f"{action} {row.entry.source.id} {candidate.track.id}")
        if action == "accept":
            session.choose(number, candidate)
            self.decisions[key] = ("accept", candidate.track.id)
        elif action == "skip":
            session.skip(number)
            self.decisions[key] = ("skip", None)
        else:
            session.reject(number, candidate)
            self.rejected[key].add(candidate.track.id or "")
            if self.decisions.get(key) == ("accept", candidate.track.id):
                del self.decisions[key]  # "never" drops a standing match to it
        self.touched()

    def _accept_all_above(self, threshold) -> None:
        session = self.session
        assert session is not None
        going = session.review_rows_above(threshold)
        expected = {n: session.rows[n].result.best.track.id for n in going}  # type: ignore[union-attr]
        assert session.accept_all_above(threshold) == len(going)
        note(f"accepted all above {threshold}: {sorted(expected.values())}")
        for number, track_id in expected.items():
            row = session.rows[number]
            assert row.status is TrackStatus.MATCHED
            self.decisions[(session.target, row.entry.source.key)] = ("accept", track_id)
        if going:
            self.touched()

    def _search_by_hand(self, which, pick) -> None:
        """Search with the track's own title, and take one of what that finds."""
        session = self.session
        assert session is not None
        rows = [
            i
            for i, r in enumerate(session.rows)
            if r.status not in (TrackStatus.UNSYNCABLE, TrackStatus.DUPLICATE)
        ]
        if not rows:
            return
        number = rows[which % len(rows)]
        source = session.rows[number].entry.source
        with self.qtbot.waitSignal(session.handSearched, timeout=WAIT_MS) as answer:
            session.search_by_hand(number, source.title)
        _row, found = answer.args
        assert not isinstance(found, str), found
        if not found:
            return
        candidate = found[pick % len(found)]
        proposed = {c.track.id: c for c in session.candidates(number)}
        if candidate.track.id in proposed:  # one candidate, one score, however it was found
            assert candidate.score == proposed[candidate.track.id].score
        if candidate.track.id in self.rejected[(session.target, source.key)]:
            return
        session.choose(number, candidate)
        self.decisions[(session.target, source.key)] = ("accept", candidate.track.id)
        note(f"by hand {source.id} {candidate.track.id}")
        self.touched()

    # -- writing ---------------------------------------------------------------------------

    @precondition(lambda self: self.ready())
    @rule(allow=st.booleans(), cut=st.none() | st.tuples(
        st.sampled_from(["fail", "cancel", "kill"]), st.integers(0, 6)
    ))  # fmt: skip
    def apply(self, allow, cut) -> None:
        session = self.session
        assert session is not None
        settled_before = self.run_settled
        expected = self.expectations(session)
        progress: list[tuple[int, int]] = []
        session.applyProgress.connect(lambda done, total: progress.append((done, total)))
        if cut is not None:
            self.world.faults.arm_writes(*cut)
        allowed = dict.fromkeys(range(len(session.plans)), 10_000) if allow else None
        note(f"apply allow={allow} cut={cut}")
        started = time.time()
        session.apply(allowed)
        self.wait(lambda: session.state is not RunState.APPLYING)
        struck = self.world.faults.disarm_writes()
        killed = struck and cut is not None and cut[0] == "kill"
        if killed:
            # The process died mid-write: what it wrote stays, nothing else of it does. The
            # playlists it finished before dying have their pair synced (and read back).
            self.touched()
            self.restart()
            for each in expected:
                pair = self.pair_store().find(*each.source, session.target)
                finished = pair is not None and (pair.synced_at or 0.0) >= started
                if pair is not None and finished:
                    self.learn(each, pair.target_id, self.world.ids(pair.target, pair.target_id))
                elif (model := self.pairs.get(each.source)) is not None:
                    model.recovering = True
            return
        assert session.state is RunState.APPLIED, session.message
        reports = session.reports
        assert len(reports) <= len(expected)
        complete = not struck and len(reports) == len(expected)
        for index, (each, report) in enumerate(zip(expected, reports, strict=False)):
            wrote_all = self.check_write(each, report, struck, allow)
            complete &= wrote_all
            model = self.pairs.get(each.source)
            if model is not None:
                decided = all(not pending(r) for r in session.rows if r.plan_index == index)
                model.settled = wrote_all and decided and not report.stopped
                model.settled &= not self.run_stale
        for each in expected[len(reports) :]:  # stopped before its turn: untouched
            if each.target_id is not None:
                assert tuple(self.world.ids(session.target, each.target_id)) == each.before
        if complete:
            writes = sum(len(r.removed) + len(r.sent) + r.moved for r in reports)
            if writes:
                assert progress[-1] == (writes, writes), (progress, writes)
            assert all(0 <= done <= total and total > 0 for done, total in progress)
            if settled_before:  # a second Apply with nothing changed writes nothing
                assert writes == 0 and not any(r.created for r in reports), reports
        self.run_settled = complete and all(not pending(r) for r in session.rows)

    def expectations(self, session: SyncSession) -> list[Expected]:
        by_plan: dict[int, list[Row]] = defaultdict(list)
        for row in session.rows:
            by_plan[row.plan_index].append(row)
        expected = []
        for index, (plan, setup) in enumerate(zip(session.plans, session.setups, strict=True)):
            source = (plan.source.service, plan.source.id)
            model = self.pairs.get(source)
            target_id = model.target if model else plan.target.id if plan.target else None
            before = tuple(self.world.ids(session.target, target_id)) if target_id else ()
            rejected = {
                r.entry.source.key: self.rejected[(session.target, r.entry.source.key)]
                for r in by_plan[index]
            }
            expected.append(
                Expected(
                    source,
                    target_id,
                    setup.mode,
                    wanted(plan, by_plan[index], setup.mode, model, rejected),
                    before,
                    Counter(model.owned) if model else Counter(),
                    bool(model and model.recovering),
                    tuple(by_plan[index]),
                )
            )
        return expected

    def check_write(self, each: Expected, report: ApplyReport, struck: bool, allow: bool) -> bool:
        """One playlist's write against the model; whether it wrote all it had to."""
        target_service = self.session.target  # type: ignore[union-attr]
        if report.held_back or report.stopped:
            if report.stopped:
                assert not allow and each.mode is not SyncMode.ADD
            if each.target_id:
                assert tuple(self.world.ids(target_service, each.target_id)) == each.before
            return not report.stopped  # the guard's question is still open: not all written
        if report.playlist is None:  # nothing to create, or its creation failed
            assert each.target_id is None and not report.landed, report
            assert struck or not each.wanted, (report, each)
            return not struck
        if each.target_id is not None:
            assert report.playlist.id == each.target_id, "written where the pair points"
            assert not report.created
        after = self.world.ids(target_service, report.playlist.id)
        held, now = Counter(each.before), Counter(after)
        if not each.recovering:
            for track_id in set(held) | set(now):
                gone = max(0, held[track_id] - now[track_id])
                came = max(0, now[track_id] - held[track_id])
                assert gone <= each.may_remove(track_id), (track_id, each.seen(after))
                assert came <= each.may_add(track_id), (track_id, each.seen(after))
        complete = not (struck or report.cancelled or report.failed or report.warning)
        if complete and not each.recovering:
            expected = each.after()
            if isinstance(expected, list):
                assert after == expected, each.seen(after)
            else:
                assert now == expected, each.seen(after)
                assert is_subsequence(each.wanted, after), (each, after)
            assert len(after) == len(each.before) + report.added - len(report.removed)
        if report.entries is not None:
            self.learn(each, report.playlist.id, after)
        return complete

    def learn(self, each: Expected, target_id: str, after: list[str]) -> None:
        """What Songbird stands behind after a write it read back."""
        model = self.pairs.get(each.source)
        if model is None:
            model = self.pairs[each.source] = PairModel(target_id)
        held, desired = Counter(after), Counter(each.wanted)
        # Songbird removed only copies of its own; which copy of a track is which is not for
        # the model to say, only how many of its own are left.
        removed = Counter(each.before) - held
        model.owned = +Counter(
            {t: min(held[t], max(each.owned[t] - removed[t], desired[t])) for t in held}
        )
        model.recovering = False
        model.settled = False
        for row in each.rows:
            key = row.entry.source.key
            best = row.result.best if row.result else None
            if (row.status in ACCEPTED or accepted(row)) and best is not None:
                if held[best.track.id or ""]:  # it stands once it is there, not before
                    model.standing[key] = best.track.id or ""
                else:
                    model.standing.pop(key, None)
            elif not pending(row):
                model.standing.pop(key, None)
        keys = {row.entry.source.key for row in each.rows}
        for key in set(model.standing) - keys:
            del model.standing[key]

    # -- settings, pairs, the services -----------------------------------------------------

    @precondition(lambda self: self.ready())
    @rule(thresholds=st.sampled_from(THRESHOLDS))
    def change_settings(self, thresholds) -> None:
        """Settings ▸ thresholds, saved in the middle of a run."""
        accept, review = thresholds
        current = self.world.songbird.settings
        settings = replace(current, match=replace(current.match, accept=accept, review=review))
        self.world.songbird.save_settings(settings)
        if self.session is not None:
            self.session.update_settings(settings)
            if self.ready():
                self.check_rows_keep_decisions()
        self.touched()

    @precondition(lambda self: self.product_pairs())
    @rule(which=st.integers(0, 20), mode=st.sampled_from(SyncMode))
    def set_mode(self, which, mode) -> None:
        pairs = self.product_pairs()
        pair = pairs[which % len(pairs)]
        self.pair_store().set_mode(pair.pair_id, mode)
        self.world_changed()

    @precondition(lambda self: self.product_pairs())
    @rule(
        which=st.integers(0, 10),
        remove=st.integers(0, 2),
        add=st.integers(0, 2),
        move=st.integers(0, 3),
        seed=st.integers(0, 1000),
    )
    def edit_source(self, which, remove, add, move, seed) -> None:
        """The person edits a synced playlist in the service's own app."""
        pairs = self.product_pairs()
        pair = pairs[which % len(pairs)]
        service = pair.source
        playlist = next((p for p in self.world.playlists(service) if p.id == pair.source_id), None)
        if playlist is None:
            return
        note(f"edit {service} {playlist.name} -{remove} +{add} ~{move}")
        change_playlist(
            self.world.services[service].server,
            playlist.id,
            remove=remove,
            add=add,
            move=move,
            seed=seed,
            catalogue=self.world.catalogue,
        )
        self.world_changed()

    @precondition(lambda self: self.idle() and self.product_pairs())
    @rule(
        which=st.integers(0, 20),
        remove=st.integers(0, 3),
        add=st.integers(0, 2),
        move=st.integers(0, 3),
        seed=st.integers(0, 1000),
        allow=st.booleans(),
    )
    def follow_a_change(self, which, remove, add, move, seed, allow) -> None:
        """The journey mirror mode is for: the person changes a synced playlist in the
        service's app, syncs it again and applies."""
        pairs = self.product_pairs()
        pair = pairs[which % len(pairs)]
        self.edit_source(which, remove, add, move, seed)
        direction = (pair.source, pair.target)
        self.sync(direction, {pair.source_name}, None, None, None)
        if self.ready():
            self.apply(allow, None)

    @precondition(lambda self: self.product_pairs())
    @rule(
        which=st.integers(0, 20),
        add=st.integers(0, 2),
        remove=st.sampled_from([0, 0, 1]),
        seed=st.integers(0, 1000),
    )
    def edit_target(self, which, add, remove, seed) -> None:
        """The person edits a target by hand: adds songs of their own (no source entry stands
        for them), now and then removes one (Songbird's or theirs)."""
        pairs = self.product_pairs()
        pair = pairs[which % len(pairs)]
        if pair.target_id not in {p.id for p in self.world.playlists(pair.target)}:
            return
        note(f"edit target {pair.target} {pair.target_name} +{add} -{remove}")
        change_playlist(
            self.world.services[pair.target].server,
            pair.target_id,
            add=add,
            remove=remove,
            seed=seed,
            findable=False,
            catalogue=self.world.catalogue,
        )
        self.world_changed()

    @precondition(lambda self: self.idle() and self.product_pairs())
    @rule(which=st.integers(0, 20))
    def put_back(self, which) -> None:
        """Pair ▸ Put back what the last sync removed."""
        pairs = self.product_pairs()
        pair = pairs[which % len(pairs)]
        removed = [r for r in self.pair_store().last_removals(pair.pair_id) if not r.restored]
        if not removed:
            return
        with request_scope(CancelToken()):
            put_back_last_removals(self.pair_store(), pair, self.world.services[pair.target])
        note(f"put back {pair.target_name} {len(removed)}")
        self.world_changed()

    @precondition(lambda self: self.idle() and self.product_pairs())
    @rule(which=st.integers(0, 20))
    def unlink(self, which) -> None:
        pairs = self.product_pairs()
        pair = pairs[which % len(pairs)]
        self.pair_store().unlink(pair.pair_id)
        self.pairs.pop((pair.source, pair.source_id), None)
        note(f"unlink {pair.source_name}")
        self.world_changed()

    def remembered(self) -> list[tuple[ServiceId, str]]:
        rows = self.world.store.rows("SELECT target_service, source_key FROM decisions")
        return sorted((ServiceId(service), str(key)) for service, key in rows)

    @precondition(lambda self: self.idle() and self.remembered())
    @rule(
        action=st.sampled_from(["forget", "change", "change and replace"]),
        which=st.integers(0, 50),
        pick=st.integers(0, 5),
    )
    def matches_view(self, action, which, pick) -> None:
        """Tools ▸ Matches: forget a decision, or change it (replaced in the playlists)."""
        self.run_stale = self.session is not None
        if action == "forget":
            self._forget(which)
        else:
            self._change_match(which, pick, action == "change and replace")

    def _forget(self, which) -> None:
        """Matches ▸ Forget: the next sync searches the track again."""
        remembered = self.remembered()
        service, key = remembered[which % len(remembered)]
        self.world.store.forget_key(key, service)
        self.decisions.pop((service, key), None)
        note(f"forget {key}")
        self.touched()

    def _change_match(self, which, pick, replace_held) -> None:
        """Matches ▸ Change…: another candidate, maybe replaced in the playlists at once."""
        store = self.world.store
        remembered = self.remembered()
        service, key = remembered[which % len(remembered)]
        candidates = [
            c
            for c in store.candidates_of(key, service)
            if c.track.id not in self.rejected[(service, key)]
        ]
        old = store.rows(
            "SELECT target_id, source FROM decisions WHERE source_key=? AND target_service=?",
            (key, str(service)),
        )
        if not candidates or not old or old[0][1] is None:
            return
        from songbird_gui.core.store import track_from_json

        source = track_from_json(old[0][1])
        assert source is not None
        chosen: Candidate = candidates[pick % len(candidates)]
        old_id = old[0][0]
        if chosen.track.id == old_id:
            return
        result = MatchResult(
            source, Decision.ACCEPT, chosen, tuple(candidates), 0, MatchOrigin.PERSON
        )
        store.remember(result, service, by_person=True)
        self.decisions[(service, key)] = ("accept", chosen.track.id)
        note(f"change {key} {old_id}->{chosen.track.id} replace={replace_held}")
        held = holdings(store, key, service, old_id) if old_id and replace_held else []
        session = self.session
        if session is not None and session.target is service:  # the window's run shows it
            session.decided_elsewhere(result, replaced=bool(held))
        if held:
            replacement = Replacement(key, old_id, chosen.track.id or "", tuple(held))
            with request_scope(CancelToken()):
                outcomes = replace_everywhere(
                    self.world.services[service],
                    store,
                    self.world.songbird.context(self.world.songbird.demo_services()).policy,
                    replacement,
                )
            assert all(o.done for o in outcomes), outcomes
            for each in held:  # the new track stands where the old one stood
                for model in self.pairs.values():
                    if model.target == each.playlist.id:
                        model.owned[old_id] -= 1
                        model.owned[chosen.track.id or ""] += 1
                        model.owned = +model.owned
                        if model.standing.get(key) == old_id:
                            model.standing[key] = chosen.track.id or ""
        self.touched()

    @precondition(lambda self: self.idle() and self.product_pairs())
    @rule()
    def restart(self) -> None:
        """Quit and start again: everything read back from disk."""
        self._drop_session()
        self.world.close()
        self.world.reopen()
        note("restart")

    @precondition(lambda self: self.idle() and self.all_settled())
    @rule()
    def sync_again_writes_nothing(self) -> None:
        """Everything written and decided: syncing every pair again finds nothing to do."""
        for source, target in DIRECTIONS:
            names = [p.source_name for p in self.product_pairs() if p.source is source]
            playlists = [p for p in self.world.playlists(source) if p.name in names]
            if not playlists:
                continue
            self._drop_session()
            context = self.world.songbird.context(self.world.songbird.demo_services())
            session = SyncSession(context, source, target)
            self.session = session
            self.plan(session, playlists)
            session.search()
            self.wait(lambda s=session: s.state is not RunState.SEARCHING)
            assert session.figures.search_stats.requests == 0
            for preview, _verdict in session.previews():
                assert not preview.changes, preview

    # -- what holds after every step -------------------------------------------------------

    @invariant()
    def no_playlist_twice(self) -> None:
        if not hasattr(self, "world"):
            return
        for service in (SP, YT):
            names = Counter(p.name for p in self.world.playlists(service))
            assert all(n == 1 for n in names.values()), names

    @invariant()
    def pairs_hold(self) -> None:
        if not hasattr(self, "world"):
            return
        pairs = self.product_pairs()
        ends = {(p.source, p.source_id, p.target): p.target_id for p in pairs}
        for pair in pairs:
            back = ends.get((pair.target, pair.target_id, pair.source))
            assert back != pair.source_id, f"two pairs into each other: {pair}"
            targets = {p.id for p in self.world.playlists(pair.target)}
            assert pair.target_id in targets or pair.paused, pair
            model = self.pairs.get((pair.source, pair.source_id))
            assert model is None or model.target == pair.target_id, (pair, model)

    @invariant()
    def counts_add_up(self) -> None:
        session = getattr(self, "session", None)
        if session is None:
            return
        summary = session.summary()
        assert summary.total == len(session.rows) == sum(summary.statuses.values())


@pytest.mark.slow
def test_journeys_hold(qtbot) -> None:
    Journeys.qtbot = qtbot
    run_state_machine_as_test(
        Journeys,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
