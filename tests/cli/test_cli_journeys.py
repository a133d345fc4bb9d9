"""CLI journeys: random sequences of real `songbird` processes on the demo library, each
checked against a small reference model of what the person did.

Hypothesis's rule-based state machine draws what a person and cron do, one process at a time
on one data folder: sync a few demo playlists in add or mirror mode, edit a source on the
service (`demo-change`), add songs by hand to a target (`demo-change --service ytmusic
--add`), `sync --pairs`, and stop a sync with Ctrl+C (SIGINT) or kill -9 (SIGKILL) once the
log says it is planning, searching or writing (the signal matrix's events, on its slow demo,
so that the phase outlasts its log line).

The model (`CliJourneys`' own fields) is written apart from the product: what each source
holds (read back after each edit, its length checked against the edit), which target copies
the person put there (those there before any sync, and each addition by hand, as the
difference between the target before and after it), and each pair's mode. After each sync,
whole or stopped:

- no target playlist is created twice (`playlists --service ytmusic --json`, `name`);
- no entry is on a target more often than the person put it there or the source holds it;
- nothing the person added by hand is removed, and a sync in add mode removes nothing;
- a stopped sync ends with 130 (SIGINT; SIGKILL leaves no code), and the next sync is not
  refused as "already running": the lock was let go, or taken over from the dead process.

Each journey ends with `sync --pairs --allow-removals N`, then a second one that must add,
remove and move nothing.

CI runs a few short journeys from the suite's fixed seed (each step is a process or a few,
about a second each). Longer runs and fresh seeds, before a release or after a change to the
command line or the engine:

    SONGBIRD_CLI_JOURNEYS=30 SONGBIRD_CLI_JOURNEY_STEPS=15 QT_QPA_PLATFORM=offscreen \\
        .venv/bin/python -m pytest tests/cli/test_cli_journeys.py --hypothesis-seed=$RANDOM
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

from songbird_gui.cli.sync.command import Phase
from songbird_gui.core.exit_codes import EXIT_GUARD, EXIT_INTERRUPTED, EXIT_LOCKED, EXIT_OK
from songbird_gui.core.failure import STOPPED_SENTENCE
from tests.cli.test_concurrent_sync import FAST, figures, songbird, start
from tests.reliability.test_signal_matrix import SLOW, STOP_BOUND_S, Home, reached

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("SONGBIRD_CLI_JOURNEYS", "3"))
STEPS = int(os.environ.get("SONGBIRD_CLI_JOURNEY_STEPS", "5"))

# Road Trip is on YouTube Music already, with part of its songs; the others are created there.
PLAYLISTS = ("Road Trip", "Gym Mix", "Late Night Jazz-ish")
MODES = ("add", "mirror")
SIGNALS = (signal.SIGINT, signal.SIGKILL)
ALLOW_ALL_REMOVALS = "1000"


def ids_shown(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert done.returncode == EXIT_OK, done.stderr
    return [row["id"] for row in json.loads(done.stdout)]


def finished(process: subprocess.Popen[str]) -> bool:
    """Whether the process has ended, without reaping it: a signal sent after this says
    False reaches it alive (its pid cannot be another's until it is reaped)."""
    ended = os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    return ended is not None


def said_figures(out: str) -> bool:
    """Whether a sync's output ends with its JSON line of figures: it ran to its end."""
    lines = out.strip().splitlines()
    try:
        return bool(lines) and isinstance(json.loads(lines[-1]), dict)
    except json.JSONDecodeError:
        return False


class CliJourneys(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory(prefix="songbird-cli-journey-")
        self.home = Home(Path(self.folder.name))
        self.chosen: list[str] = []
        self.sources: dict[str, list[str]] = {}  # each chosen playlist's source, in order
        self.targets: dict[str, Counter[str]] = {}  # each target on YouTube Music, as last read
        self.persons: dict[str, Counter[str]] = {}  # the copies the person put on it
        self.by_hand: dict[str, Counter[str]] = {}  # of those, the ones added by hand
        self.first_names: Counter[str] = Counter()  # YouTube Music's playlists before a sync
        self.modes: dict[str, str] = {}  # the pairs: source name -> mode

    # -- reading what the services hold, through the command line ------------------------

    def show(self, service: str, *names: str) -> list[list[str]]:
        """Each named playlist's entries on `service`, read by processes running at once."""
        runs = [
            start(self.home.env, "show", name, "--service", service, "--demo", "--json")
            for name in names
        ]
        outputs = [run.communicate(timeout=STOP_BOUND_S * 8) for run in runs]
        return [
            ids_shown(subprocess.CompletedProcess(run.args, run.returncode, out, err))
            for run, (out, err) in zip(runs, outputs, strict=True)
        ]

    def target_names(self) -> list[str]:
        done = songbird(self.home.env, "playlists", "--service", "ytmusic", "--demo", "--json")
        assert done.returncode == EXIT_OK, done.stderr
        return [playlist["name"] for playlist in json.loads(done.stdout)]

    def pair_modes(self) -> dict[str, str]:
        done = songbird(self.home.env, "pairs", "--demo", "--json")
        assert done.returncode == EXIT_OK, done.stderr
        return {pair["source_playlist"]: pair["mode"] for pair in json.loads(done.stdout)}

    # -- the journey -----------------------------------------------------------------------

    @initialize(chosen=st.lists(st.sampled_from(PLAYLISTS), min_size=1, max_size=2, unique=True))
    def choose(self, chosen: list[str]) -> None:
        self.chosen = chosen
        note(f"playlists: {chosen}")
        names = self.target_names()
        self.first_names = Counter(name for name in names if name in chosen)
        for name, source in zip(chosen, self.show("spotify", *chosen), strict=True):
            self.sources[name] = source
            self.persons[name] = Counter()
            self.by_hand[name] = Counter()
        present = [name for name in chosen if name in names]
        for name, target in zip(present, self.show("ytmusic", *present), strict=True):
            self.targets[name] = Counter(target)
            self.persons[name] = Counter(target)  # the person's playlist before Songbird

    @rule(data=st.data(), mode=st.sampled_from(MODES))
    def sync_a_playlist(self, data: st.DataObject, mode: str) -> None:
        name = data.draw(st.sampled_from(self.chosen), label="playlist")
        done = songbird(self.home.env, "sync", *FAST, "--playlist", name, "--mode", mode, "--json")
        note(f"sync {name} in {mode}: {done.returncode}")
        self.modes[name] = mode
        self.settle(done, {name: mode})

    @precondition(lambda self: bool(self.modes))
    @rule(allow=st.booleans())
    def sync_the_pairs(self, allow: bool) -> None:
        extra = ["--allow-removals", ALLOW_ALL_REMOVALS] if allow else []
        done = songbird(self.home.env, "sync", *FAST, "--pairs", *extra, "--json")
        note(f"sync --pairs {' '.join(extra)}: {done.returncode}")
        self.settle(done, dict(self.modes))

    @rule(
        data=st.data(),
        change=st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 2)).filter(any),
        seed=st.integers(0, 10_000),
    )
    def change_a_source(self, data: st.DataObject, change: tuple[int, int, int], seed: int) -> None:
        remove, add, move = change
        name = data.draw(st.sampled_from(self.chosen), label="playlist")
        counts = ("--remove", str(remove), "--add", str(add), "--move", str(move))
        done = songbird(self.home.env, "demo-change", name, *counts, "--seed", str(seed))
        assert done.returncode == EXIT_OK, done.stderr
        note(f"{name} changed on Spotify: {' '.join(counts)}")
        (source,) = self.show("spotify", name)
        removed = min(remove, len(self.sources[name]))
        assert len(source) == len(self.sources[name]) - removed + add, done.stdout
        self.sources[name] = source

    @precondition(lambda self: bool(self.targets))
    @rule(data=st.data(), add=st.integers(1, 2), seed=st.integers(0, 10_000))
    def add_by_hand(self, data: st.DataObject, add: int, seed: int) -> None:
        name = data.draw(st.sampled_from(sorted(self.targets)), label="target")
        done = songbird(
            self.home.env, "demo-change", name, "--service", "ytmusic", "--add", str(add),
            "--seed", str(seed),
        )  # fmt: skip
        assert done.returncode == EXIT_OK, done.stderr
        (target,) = self.show("ytmusic", name)
        added = Counter(target) - self.targets[name]
        assert added.total() == add and not self.targets[name] - Counter(target), done.stdout
        note(f"by hand on {name}: {sorted(added)}")
        self.targets[name] = Counter(target)
        self.persons[name] += added
        self.by_hand[name] += added

    # A rule per phase, so that each comes as often as the others in a few short journeys.
    @rule(data=st.data(), signum=st.sampled_from(SIGNALS), mode=st.sampled_from(MODES))
    def stop_while_planning(self, data: st.DataObject, signum: signal.Signals, mode: str) -> None:
        self.stop_a_sync(data, Phase.PLANNING, signum, mode)

    @rule(data=st.data(), signum=st.sampled_from(SIGNALS), mode=st.sampled_from(MODES))
    def stop_while_searching(self, data: st.DataObject, signum: signal.Signals, mode: str) -> None:
        self.stop_a_sync(data, Phase.SEARCHING, signum, mode)

    @rule(data=st.data(), signum=st.sampled_from(SIGNALS), mode=st.sampled_from(MODES))
    def stop_while_writing(self, data: st.DataObject, signum: signal.Signals, mode: str) -> None:
        self.stop_a_sync(data, Phase.WRITING, signum, mode)

    def stop_a_sync(
        self, data: st.DataObject, phase: Phase, signum: signal.Signals, mode: str
    ) -> None:
        """A sync sent `signum` once the log says it has begun `phase`."""
        if bool(self.modes) and data.draw(st.booleans(), label="the pairs"):
            command, modes = ["--pairs"], dict(self.modes)
        else:
            name = data.draw(st.sampled_from(self.chosen), label="playlist")
            command, modes = ["--playlist", name, "--mode", mode], {name: mode}
        logged = self.home.log.stat().st_size if self.home.log.exists() else 0
        process = subprocess.Popen(
            [sys.executable, "-m", "songbird_gui.cli", "sync", *command, *SLOW, "--json"],
            env=self.home.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            signalled = reached(self.home, process, [f"sync: {phase} "], logged)
            signalled = signalled and not finished(process)
            if signalled:
                process.send_signal(signum)
            try:
                process.wait(timeout=STOP_BOUND_S if signalled else None)
            except subprocess.TimeoutExpired:
                # Say where it was: the run's own log from this sync on.
                tail = self.home.log.read_bytes()[logged:].decode("utf-8", "replace")
                last = "\n".join(tail.splitlines()[-25:])
                still = f"{signum.name} at {phase}: still running after {STOP_BOUND_S} s"
                pytest.fail(f"{still}\n{last}")
        finally:
            if process.poll() is None:
                process.kill()
            out, err = process.communicate()
        done = subprocess.CompletedProcess(process.args, process.returncode, out, err)
        note(f"{signum.name} at {phase} of sync {' '.join(command)}: {done.returncode}")
        if signum is signal.SIGINT and done.returncode != EXIT_INTERRUPTED and said_figures(out):
            signalled = False  # it had finished and said so as the signal came (the phase was
            # its last moments: a guard's, or nothing to write); stopping in time is the
            # signal matrix's, on a run sure to outlast its phase.
        if not signalled:  # nothing to stop in that phase: a whole sync
            self.modes.update(modes)
            self.settle(done, modes)
            return
        if signum is signal.SIGKILL:
            assert done.returncode == -signal.SIGKILL, err
        else:
            assert done.returncode == EXIT_INTERRUPTED, err
            assert err.strip().splitlines()[-1] == f"songbird: {STOPPED_SENTENCE}", err
        assert "Traceback" not in err, err
        # Which pairs it made, and with which mode, depends on how far it came.
        before = dict(self.modes)
        self.modes = self.pair_modes()
        assert all(self.modes.get(name) in (before.get(name), modes.get(name)) for name in modes)
        self.check({name: m for name, m in modes.items() if before.get(name, m) == m == "add"})

    def teardown(self) -> None:
        try:
            if self.modes and sys.exc_info()[1] is None:  # a journey that held so far
                self.sync_to_the_end()
        finally:
            self.folder.cleanup()

    def sync_to_the_end(self) -> None:
        """A clean `sync --pairs` past the guard, then one that finds nothing left to do."""
        done = songbird(
            self.home.env, "sync", *FAST, "--pairs", "--allow-removals", ALLOW_ALL_REMOVALS,
            "--json",
        )  # fmt: skip
        self.settle(done, dict(self.modes))
        again = songbird(self.home.env, "sync", *FAST, "--pairs", "--json")
        self.settle(again, dict(self.modes))
        last = figures(again.stdout)
        assert (last["added"], last["removed"], last["moved"]) == (0, 0, 0), again.stdout

    # -- the invariants ----------------------------------------------------------------------

    def settle(self, done: subprocess.CompletedProcess[str], modes: dict[str, str]) -> None:
        """A sync that ran to its end: it was not refused, and the targets hold."""
        assert done.returncode != EXIT_LOCKED, f"refused as already running: {done.stderr}"
        allowed = {EXIT_OK, EXIT_GUARD} if "mirror" in modes.values() else {EXIT_OK}
        assert done.returncode in allowed, (done.returncode, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        self.check({name: mode for name, mode in modes.items() if mode == "add"})

    def check(self, adding: dict[str, str]) -> None:
        """The targets against the model; `adding` names the pairs the sync ran in add mode."""
        names = self.target_names()
        for name in self.chosen:
            assert names.count(name) <= max(1, self.first_names[name]), (
                f"“{name}” is on YouTube Music {names.count(name)} times"
            )
        present = [name for name in self.chosen if name in names]
        for name, shown in zip(present, self.show("ytmusic", *present), strict=True):
            target, before = Counter(shown), self.targets.get(name, Counter())
            lost = self.by_hand[name] - target
            assert not lost, f"added by hand to {name}, then removed: {lost}"
            if name in adding:
                assert not before - target, f"removed in add mode from {name}"
            sources_most = max(Counter(self.sources[name]).values(), default=1)
            extra = {
                track: count
                for track, count in target.items()
                if count > max(1, self.persons[name][track], sources_most)
            }
            assert not extra, f"on {name} more often than the person or the source put it"
            self.targets[name] = target


def test_cli_journeys_hold() -> None:
    run_state_machine_as_test(
        CliJourneys,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
