"""Benchmark of the window: start-up to first paint, event-loop stalls during a sync, memory,
and the Matches view over 20,000 remembered decisions.

Run: `python tests/benchmarks/bench_gui.py` (a minute or two, offscreen). Every figure comes
from a fresh process running the real event loop (`app.exec()`), so one does not warm the
next. The catalogue is `big_catalogue.py`'s: the bundled demo generator's cases (versions,
videos, covers, missing tracks, non-Latin scripts, long titles) at any size.

- startup_s: from the parent starting the process to the window's first paint (after one
  uncounted start that compiles the bytecode, as an install does), as
  `songbird-gui` starts (the keyring's accounts, else the demo library), median of 5.
  Target ≤ 0.5 s: a window a person sees at once.
- stall_p99_ms: the 99th percentile of a 5 ms heartbeat timer's lateness on the GUI thread
  while a 5,000-track sync runs fast on the demo services (2 ms round trips, a high limit,
  1 search in 5 failing once with a 503 and 3 attempts each, so some tracks fail), median
  of 3 runs. Target ≤ 16 ms: one frame at 60 Hz, so the window never visibly stutters.
- stall_max_ms: the worst lateness of each of those runs, median of the 3. Target ≤ 100 ms:
  a freeze of a tenth of a second is what a person sees as the window hanging.
- rss_mb: resident memory once a 10,000-track sync has searched and its table was scrolled
  to the end. Target ≤ 150 MB.
- matches_open_s: from triggering Tools ▸ Matches… to the Matches table's first paint, over
  20,000 remembered decisions (each with five candidates, a twentieth decided by the person),
  in the demo library's own store. Target ≤ 0.3 s: a view that opens without a wait.
- matches_rss_mb: resident memory of that window once the Matches view was scrolled to its
  last row. Target ≤ 200 MB.

A sync that did not finish, or searched fewer tracks than its playlist holds, fails the
benchmark (a stuck run would otherwise pass with few heartbeats, or a small table): the
JSON line's `stall_runs_complete` and `rss_run_complete` then say false.

`--only PART` (repeatable: startup, stall, rss, matches) runs only those parts, e.g.
`python tests/benchmarks/bench_gui.py --only matches`. `--explain` says, for each long
stall, what the GUI thread was running (its stack, sampled) and which garbage collections
ran (a full one holds the interpreter on whatever thread started it).

The bounds are what a person notices (a frame, an instant start), not what was measured. The
status counts of each sync are printed too, to show the catalogue is the realistic mix it
claims (about a tenth in review). The last line is one JSON object with the keys above; the
exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent))

TARGETS = {
    "startup_s": 0.5,
    "stall_p99_ms": 16.0,
    "stall_max_ms": 100.0,
    "rss_mb": 150.0,
    "matches_open_s": 0.3,
    "matches_rss_mb": 200.0,
}


# -- the measurements, each in a child process ------------------------------------------------


def _first_paint(window: Any, then: Callable[[], None]) -> None:
    """Call `then` once, after the window has painted for the first time."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                QTimer.singleShot(0, then)  # after this paint has been drawn
            return False

    window._first_paint_filter = FirstPaint(window)
    window.installEventFilter(window._first_paint_filter)


def child_startup(workdir: Path) -> None:
    os.environ["XDG_DATA_HOME"] = str(workdir / "data")
    os.environ["XDG_CONFIG_HOME"] = str(workdir / "config")
    painted_at = time.time()  # set again at the first paint
    from PySide6.QtWidgets import QApplication

    from songbird_gui.app import Songbird
    from songbird_gui.core.paths import AppPaths
    from songbird_gui.services.accounts import Accounts
    from songbird_gui.ui.launch import create_window, settle_start_up

    app = QApplication([])
    window = create_window(Songbird(AppPaths.default(), accounts=Accounts()))
    settle_start_up()  # as `songbird-gui` does

    def painted() -> None:
        nonlocal painted_at
        painted_at = time.time()
        window.close()
        app.quit()

    _first_paint(window, painted)
    window.show()
    app.exec()
    print(json.dumps({"painted_at": painted_at}), flush=True)


def _sync_window(workdir: Path, size: int) -> tuple[Any, Any]:
    """A window over a fast demo library whose Spotify side holds one `size`-track playlist."""
    from big_catalogue import big_catalogue
    from PySide6.QtWidgets import QApplication

    from songbird_gui.app import Songbird
    from songbird_gui.core.paths import AppPaths
    from songbird_gui.core.settings import RateSettings, RetrySettings, Settings
    from songbird_gui.services.demo import DemoConfig, DemoServerConfig
    from songbird_gui.ui.launch import create_window, settle_start_up

    app = QApplication([])
    paths = AppPaths(workdir / "config", workdir / "data", workdir / "log")
    fast = RateSettings(rate=2000.0, burst=200)
    settings = Settings(
        workers=8,
        spotify=fast,
        ytmusic=fast,
        retry=RetrySettings(max_attempts=3, base_delay_s=0.005, max_delay_s=0.02),
    )
    server = DemoServerConfig(latency_s=0.002, limit=5000.0, burst=500, seed=3)
    faulty = DemoServerConfig(latency_s=0.002, limit=5000.0, burst=500, fault_rate=0.2, seed=4)
    # The demo keeps its state and its match store in the data folder, as `songbird-gui` does.
    demo = DemoConfig(
        spotify=server, ytmusic=faulty, state_dir=workdir / "demo", catalogue=big_catalogue(size)
    )
    window = create_window(Songbird(paths, demo=demo, settings=settings))
    settle_start_up()  # as `songbird-gui` does
    return app, window


# The playlist sizes each sync runs on; a run that searched fewer tracks does not count.
STALL_TRACKS = 5000
RSS_TRACKS = 10_000


def _run_sync(app: Any, window: Any, on_beat: Callable[[float], None] | None) -> dict[str, Any]:
    """Show the window, tick the big playlist, press Sync, run the loop until the search
    ends; `on_beat` gets each 5 ms heartbeat's lateness in ms. Says whether the search
    finished (not stopped, not stuck) and how many of its rows were searched."""
    from big_catalogue import PLAYLIST
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer

    from songbird_gui.core.types import TrackStatus

    beat_ms = 5
    clock = QElapsedTimer()
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(beat_ms)
    last = [0.0]
    started = [0.0]
    finished_unstopped = [False]

    def beat() -> None:
        now = clock.nsecsElapsed() / 1e6
        if last[0] and on_beat is not None:
            on_beat(max(0.0, now - last[0] - beat_ms))
        last[0] = now

    def finished(stopped: bool) -> None:
        heartbeat.stop()
        started[0] = time.monotonic() - started[0]
        finished_unstopped[0] = not stopped
        app.quit()

    def start_when_listed() -> None:
        model = window.playlists.playlist_model
        rows = [r for r in range(model.rowCount()) if model.playlist_at(r).name == PLAYLIST]
        if not rows:
            QTimer.singleShot(10, start_when_listed)
            return
        model.setData(
            model.index(rows[0], 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
        )
        window.run.sync_action.trigger()
        window.run.session.searchFinished.connect(finished)
        started[0] = time.monotonic()
        clock.start()
        heartbeat.start()

    heartbeat.timeout.connect(beat)
    QTimer.singleShot(0, start_when_listed)
    QTimer.singleShot(600_000, app.quit)  # a stuck run ends the child, not the machine
    window.show()
    app.exec()
    session = window.run.session
    rows = session.rows if session is not None else []
    unsearched = (TrackStatus.NOT_SEARCHED, TrackStatus.QUEUED, TrackStatus.SEARCHING)
    return {
        "finished": finished_unstopped[0],
        "sync_s": started[0],
        "rows": len(rows),
        "searched": sum(1 for row in rows if row.status not in unsearched),
        "statuses": {k: v for k, v in session.summary().figures().items() if v}
        if session is not None
        else {},
    }


class StallWitness:
    """For `--explain`: what ran while the GUI thread was late.

    A thread of its own samples the GUI thread's stack every 2 ms, and every garbage
    collection is noted (generation, length, thread): a full collection holds the
    interpreter wherever it runs, and the GUI thread waits for it.
    """

    def __init__(self) -> None:
        import threading

        self._gui = threading.get_ident()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.samples: list[tuple[float, tuple[str, ...]]] = []
        self.collections: list[tuple[float, float, int, str]] = []  # start, ms, gen, thread
        self._began: dict[int, float] = {}
        self.beats: list[tuple[float, float]] = []  # when, how late (ms)

    def start(self) -> None:
        import gc

        gc.callbacks.append(self._on_gc)
        self._thread.start()

    def stop(self) -> None:
        import gc

        self._stop.set()
        gc.callbacks.remove(self._on_gc)

    def on_beat(self, late_ms: float) -> None:
        self.beats.append((time.perf_counter(), late_ms))

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        import threading

        thread = threading.get_ident()
        if phase == "start":
            self._began[thread] = time.perf_counter()
        elif thread in self._began:
            began = self._began.pop(thread)
            ms = (time.perf_counter() - began) * 1000
            name = "GUI" if thread == self._gui else "worker"
            self.collections.append((began, ms, info["generation"], name))

    def _sample(self) -> None:
        import traceback

        while not self._stop.is_set():
            frame = sys._current_frames().get(self._gui)
            if frame is not None:
                stack = traceback.extract_stack(frame, limit=6)
                where = tuple(f"{Path(f.filename).stem}.{f.name}:{f.lineno}" for f in stack)
                self.samples.append((time.perf_counter(), where))
            time.sleep(0.002)

    def explain(self, worst: int = 5) -> list[str]:
        """The `worst` stalls, each with the collections and GUI stacks inside it."""
        import collections

        lines = []
        for at, late in sorted(self.beats, key=lambda b: -b[1])[:worst]:
            since = at - (late + 5) / 1000
            gcs = [
                f"gen {gen} {ms:.0f} ms on {who}"
                for began, ms, gen, who in self.collections
                if since - 0.005 <= began <= at and ms >= 5
            ]
            stacks = collections.Counter(w for t, w in self.samples if since <= t <= at)
            into = at - self.beats[0][0]
            lines.append(
                f"stall {late:.0f} ms, {into:.1f} s in; collections: {', '.join(gcs) or 'none'}"
            )
            for where, count in stacks.most_common(3):
                lines.append(f"    {count} × {' < '.join(reversed(where))}")
        return lines


def child_stall(workdir: Path, explain: bool = False) -> None:
    app, window = _sync_window(workdir, STALL_TRACKS)
    lateness: list[float] = []
    witness = StallWitness() if explain else None

    def on_beat(late_ms: float) -> None:
        lateness.append(late_ms)
        if witness is not None:
            witness.on_beat(late_ms)

    if witness is not None:
        witness.start()
    figures = _run_sync(app, window, on_beat)
    if witness is not None:
        witness.stop()
        figures["explained"] = witness.explain()
    window.close()
    lateness.sort()
    figures["beats"] = len(lateness)
    figures["stall_p99_ms"] = lateness[int(len(lateness) * 0.99)] if lateness else 0.0
    figures["stall_max_ms"] = lateness[-1] if lateness else 0.0
    print(json.dumps(figures))


def child_rss(workdir: Path) -> None:
    from PySide6.QtCore import QTimer

    app, window = _sync_window(workdir, RSS_TRACKS)
    figures = _run_sync(app, window, None)
    # The whole table drawn once, top to bottom, as a person scrolling it would.
    window.tracks.track_view.scrollToBottom()
    QTimer.singleShot(200, app.quit)
    app.exec()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            figures["rss_mb"] = int(line.split()[1]) / 1024
    window.close()
    print(json.dumps(figures))


def child_matches(workdir: Path) -> None:
    """The Matches view over 20,000 remembered decisions (each with five candidates, as a
    real one keeps): from the action that opens it to the table's first paint
    (matches_open_s), then scrolled to the end; resident memory then (matches_rss_mb)."""
    import random

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from songbird_gui.app import Songbird
    from songbird_gui.core.paths import AppPaths
    from songbird_gui.core.store import candidates_to_json, track_json
    from songbird_gui.core.types import Candidate, ScorePart, ServiceId, Track
    from songbird_gui.services.demo import DemoConfig
    from songbird_gui.ui.launch import create_window, settle_start_up

    app = QApplication([])
    paths = AppPaths(workdir / "config", workdir / "data", workdir / "log")
    songbird = Songbird(paths, demo=DemoConfig(state_dir=paths.demo_state_dir))
    rng = random.Random(5)
    rows = []
    for i in range(20_000):
        artist = f"Artist {rng.randrange(2000)}"
        source = Track(ServiceId.SPOTIFY, f"sp{i:06d}", f"Song {i}", (artist,), "An Album", 201_000)
        found = [
            Candidate(
                Track(ServiceId.YTMUSIC, f"yt{i:06d}-{k}", f"Song {i}" + (" (Live)" if k else ""),
                      (artist,), "An Album", 200_000 + 9_000 * k),
                round(0.97 - 0.2 * k, 2),
                (ScorePart("title", 1.0, 3.0), ScorePart("artists", 1.0, 2.0),
                 ScorePart("duration", 1.0 - 0.1 * k, 1.0, f"duration +{9 * k} s")),
            )
            for k in range(5)
        ]  # fmt: skip
        how = rng.random()
        origin, score = ("person", 0.8) if how < 0.05 else ("scored", found[0].score)
        rows.append(
            (source.key, "ytmusic", "accept" if how < 0.9 else "review", found[0].track.id,
             score, origin, 0, 1.7e9 + i * 60, None, candidates_to_json(found),
             track_json(source), track_json(found[0].track))
        )  # fmt: skip
    with songbird.demo_store.transaction() as db:
        db.executemany(
            "INSERT INTO decisions (source_key, target_service, decision, target_id, score,"
            " origin, by_hand, decided_at, retry_at, candidates, source, target)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    del rows
    window = create_window(songbird)
    settle_start_up()  # as `songbird-gui` does
    figures: dict[str, Any] = {"decisions": 20_000}
    started = [0.0]

    def scrolled() -> None:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                figures["matches_rss_mb"] = int(line.split()[1]) / 1024
        app.quit()

    def painted() -> None:
        figures["matches_open_s"] = time.perf_counter() - started[0]
        dialog = window.match_actions.dialog
        figures["rows"] = dialog.model.rowCount()
        dialog.table.scrollToBottom()  # every row reachable, as a person scrolling it
        QTimer.singleShot(200, scrolled)

    def open_when_listed() -> None:
        if window.playlists.playlist_model.rowCount() == 0:  # the library is still opening
            QTimer.singleShot(10, open_when_listed)
            return
        started[0] = time.perf_counter()
        window.match_actions.matches.trigger()
        _first_paint(window.match_actions.dialog.table.viewport(), painted)

    QTimer.singleShot(0, open_when_listed)
    QTimer.singleShot(120_000, app.quit)
    window.show()
    app.exec()
    window.close()
    print(json.dumps(figures))


CHILDREN: dict[str, Callable[[Path], None]] = {
    "startup": child_startup,
    "stall": child_stall,
    "stall-explained": partial(child_stall, explain=True),
    "rss": child_rss,
    "matches": child_matches,
}


# -- the parent -------------------------------------------------------------------------------


def run_child(kind: str) -> tuple[dict[str, Any], float]:
    workdir = Path(tempfile.mkdtemp(prefix="songbird-bench-gui-"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    # An installed Songbird starts from compiled bytecode (pip compiles it at install, the
    # bundle carries it): a machine that forbids writing it would time the compiler instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.time()
    done = subprocess.run(
        [sys.executable, str(HERE), "--child", kind, str(workdir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"the {kind} run failed:\n{done.stderr[-4000:]}")
    return json.loads(lines[-1]), started


def incomplete(run: dict[str, Any], tracks: int) -> str | None:
    """Why a sync's figures do not count, or None: it did not finish (stopped, or stuck
    until the child's own time limit), or searched fewer tracks than its playlist holds."""
    if not run["finished"]:
        return f"the search did not finish ({run['searched']} of {tracks} tracks searched)"
    if run["rows"] != tracks or run["searched"] != tracks:
        return f"{run['searched']} of {tracks} tracks searched, {run['rows']} rows"
    return None


def report(name: str, value: float, unit: str, what: str) -> None:
    bound = TARGETS[name]
    verdict = "ok  " if value <= bound else "MISS"
    share = f"{value / bound:.2f} of it"
    print(f"{verdict} {name} = {value:.3f} {unit} ({what}); target ≤ {bound} ({share})")


def measure_startup() -> dict[str, float | bool]:
    run_child("startup")  # compiles the bytecode, as installing does; not counted
    startups = []
    for _ in range(5):
        result, started = run_child("startup")
        startups.append(result["painted_at"] - started)
    startup = statistics.median(startups)
    runs = ", ".join(f"{s:.3f}" for s in startups)
    report("startup_s", startup, "s", f"process start to first paint, median of 5: {runs}")
    return {"startup_s": round(startup, 3)}


STALL_RUNS = 3


def measure_stall(explain: bool = False) -> dict[str, float | bool]:
    runs = [run_child("stall-explained" if explain else "stall")[0] for _ in range(STALL_RUNS)]
    problems = [why for run in runs if (why := incomplete(run, STALL_TRACKS))]
    for number, run in enumerate(runs, start=1):
        print(
            f"     run {number}: {run['rows']}-track sync in {run['sync_s']:.1f} s, "
            f"{run['beats']} heartbeats, p99 {run['stall_p99_ms']:.1f} ms, "
            f"worst {run['stall_max_ms']:.1f} ms; statuses {run['statuses']}"
        )
        for line in run.get("explained", []):
            print(f"       {line}")
    for why in problems:
        print(f"MISS stall run: {why}")
    p99 = statistics.median(run["stall_p99_ms"] for run in runs)
    worst = statistics.median(run["stall_max_ms"] for run in runs)
    p99s = ", ".join(f"{run['stall_p99_ms']:.1f}" for run in runs)
    worsts = ", ".join(f"{run['stall_max_ms']:.1f}" for run in runs)
    report("stall_p99_ms", p99, "ms", f"median of {STALL_RUNS} runs: {p99s}")
    report("stall_max_ms", worst, "ms", f"each run's worst, median of {STALL_RUNS}: {worsts}")
    return {
        "stall_p99_ms": round(p99, 2),
        "stall_max_ms": round(worst, 1),
        "stall_runs_complete": not problems,
    }


def measure_rss() -> dict[str, float | bool]:
    rss, _ = run_child("rss")
    problem = incomplete(rss, RSS_TRACKS)
    if problem:
        print(f"MISS rss run: {problem}")
    report(
        "rss_mb",
        rss["rss_mb"],
        "MB",
        f"{rss['rows']}-track table, searched in {rss['sync_s']:.1f} s; statuses {rss['statuses']}",
    )
    return {"rss_mb": round(rss["rss_mb"], 1), "rss_run_complete": problem is None}


def measure_matches() -> dict[str, float | bool]:
    matches, _ = run_child("matches")
    report(
        "matches_open_s",
        matches["matches_open_s"],
        "s",
        f"from the Matches action to the table's first paint, {matches['rows']} decisions",
    )
    report(
        "matches_rss_mb",
        matches["matches_rss_mb"],
        "MB",
        f"the window with the Matches view of {matches['rows']} decisions, scrolled to the end",
    )
    return {
        "matches_open_s": round(matches["matches_open_s"], 3),
        "matches_rss_mb": round(matches["matches_rss_mb"], 1),
    }


# Each part of the benchmark, in the order it runs, and what it measures.
PARTS: dict[str, Callable[[], dict[str, float | bool]]] = {
    "startup": measure_startup,
    "stall": measure_stall,
    "rss": measure_rss,
    "matches": measure_matches,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        action="append",
        choices=list(PARTS),
        help="run only this part (repeatable); every part when not given",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="say what the GUI thread ran during each run's longest stalls",
    )
    args = parser.parse_args(argv)
    parts = {**PARTS, "stall": partial(measure_stall, explain=args.explain)}
    figures: dict[str, float | bool] = {}
    for name, measure in parts.items():
        if args.only is None or name in args.only:
            figures.update(measure())
    # A figure misses its target; a yes/no (a run that completed) misses when it is no.
    missed = [
        k
        for k, value in figures.items()
        if (value is False) or (k in TARGETS and value > TARGETS[k])
    ]
    print(json.dumps({**figures, "missed": missed}))
    return 1 if missed else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        CHILDREN[sys.argv[2]](Path(sys.argv[3]))
    else:
        sys.exit(main(sys.argv[1:]))
