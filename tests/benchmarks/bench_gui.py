"""Benchmark of the window: start-up time, event-loop stalls during a fast sync, memory.

Run: `python tests/benchmarks/bench_gui.py` (about a minute, offscreen). Each figure is
measured in a fresh process so one does not warm the next:

- startup_s: from process start to the main window shown, median of 5 runs (target <= 0.8 s);
- stall_p99_ms: the 99th percentile of a 5 ms heartbeat timer's lateness while a 5,000-track
  sync runs fast on the demo services (low latency, high limit) (target <= 30 ms);
- rss_mb: resident memory with a 10,000-row track table shown (target <= 250 MB).

The last line of output is one JSON object with those keys.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
ROOT = HERE.parents[2]


def synthetic_catalogue(size: int, seed: int = 5) -> dict[str, Any]:
    """`size` tracks with invented names, each present on both services."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ren", "sa", "tor", "vel", "u", "zan", "qui", "bor", "ela"]

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()

    spotify, ytmusic = [], []
    for i in range(size):
        title = f"{word()} {word()}"
        artist = f"{word()} {word()}"
        seconds = rng.randint(120, 360)
        row = {
            "title": title,
            "artists": [artist],
            "album": word(),
            "isrc": None,
            "explicit": False,
        }
        spotify.append({**row, "id": f"s{i:06d}", "duration_ms": seconds * 1000, "kind": "song"})
        ytmusic.append(
            {**row, "id": f"y{i:06d}", "duration_ms": seconds * 1000 + 500, "kind": "song"}
        )
    playlist = {
        "id": "big",
        "name": "Everything",
        "owner": "Bench",
        "tracks": [t["id"] for t in spotify],
    }
    return {
        "version": 1,
        "seed": seed,
        "services": {
            "spotify": {"user": "Bench", "tracks": spotify, "playlists": [playlist], "liked": []},
            "ytmusic": {"user": "Bench", "tracks": ytmusic, "playlists": [], "liked": []},
        },
        "truth": {s["id"]: y["id"] for s, y in zip(spotify, ytmusic, strict=True)},
    }


# -- the measurements, each run in a child process ----------------------------------------


def child_startup(workdir: Path) -> None:
    os.environ["XDG_DATA_HOME"] = str(workdir / "data")
    os.environ["XDG_CONFIG_HOME"] = str(workdir / "config")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from songbird_gui.services.accounts import Accounts
    from songbird_gui.ui.launch import create_window

    app = QApplication([])
    window = create_window(accounts=Accounts())  # as songbird-gui does: keyring, then demo
    window.show()

    def shown() -> None:
        print(json.dumps({"shown_at": time.time()}), flush=True)
        window.close()
        app.quit()

    QTimer.singleShot(0, shown)
    app.exec()


def child_stall(workdir: Path) -> None:
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from songbird_gui.core.paths import AppPaths
    from songbird_gui.core.settings import RateSettings, Settings, SettingsFile
    from songbird_gui.services.demo import DemoConfig, DemoServerConfig, demo_services
    from songbird_gui.ui.launch import create_window

    app = QApplication([])
    paths = AppPaths(workdir / "config", workdir / "data", workdir / "log")
    SettingsFile(paths.settings_file).save(
        Settings(workers=8, spotify=RateSettings(400, 50), ytmusic=RateSettings(400, 50))
    )
    fast = DemoServerConfig(latency_s=0.002, limit=1000, burst=100)
    services = demo_services(
        DemoConfig(spotify=fast, ytmusic=fast, state_dir=None, catalogue=synthetic_catalogue(5000))
    )
    window = create_window(paths, services)
    window.show()
    while window.playlist_model.rowCount() == 0:
        app.processEvents()
    index = window.playlist_model.index(1, 0)  # row 0 is Liked Songs
    window.playlist_model.setData(index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)

    lateness: list[float] = []
    clock = QElapsedTimer()
    beat_ms = 5
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(beat_ms)
    last = [0.0]

    def beat() -> None:
        now = clock.nsecsElapsed() / 1e6
        if last[0]:
            lateness.append(max(0.0, now - last[0] - beat_ms))
        last[0] = now

    heartbeat.timeout.connect(beat)
    started = time.monotonic()
    done: list[bool] = []
    window.sync_action.trigger()
    window.session.searchFinished.connect(lambda _stopped: done.append(True))
    clock.start()
    heartbeat.start()
    while not done and time.monotonic() - started < 300:
        app.processEvents()
        time.sleep(0.0005)
    heartbeat.stop()
    elapsed = time.monotonic() - started
    rows = len(window.session.rows)
    window.close()
    lateness.sort()
    p99 = lateness[int(len(lateness) * 0.99)] if lateness else 0.0
    print(
        json.dumps({"stall_p99_ms": p99, "beats": len(lateness), "rows": rows, "sync_s": elapsed})
    )


def child_rss(workdir: Path) -> None:
    """The whole window, its track table holding 10,000 rows of a finished search."""
    from PySide6.QtWidgets import QApplication

    from songbird_gui.core.paths import AppPaths
    from songbird_gui.core.types import (
        Candidate,
        Decision,
        EntryState,
        MatchResult,
        PlanEntry,
        TrackStatus,
    )
    from songbird_gui.engine.session import Row
    from songbird_gui.services.demo import DemoConfig, DemoServerConfig, demo_services
    from songbird_gui.ui.launch import create_window

    app = QApplication([])
    paths = AppPaths(workdir / "config", workdir / "data", workdir / "log")
    fast = DemoServerConfig(latency_s=0.0, limit=1000, burst=100)
    catalogue = synthetic_catalogue(10_000)
    services = demo_services(
        DemoConfig(spotify=fast, ytmusic=fast, state_dir=None, catalogue=catalogue)
    )
    window = create_window(paths, services)
    window.show()
    source, target = services.values()
    spotify = [source._track(t) for t in catalogue["services"]["spotify"]["tracks"]]
    ytmusic = [target._track(t) for t in catalogue["services"]["ytmusic"]["tracks"]]
    rows = []
    for i, (track, match) in enumerate(zip(spotify, ytmusic, strict=True)):
        best = window.context.matcher.score(track, match)
        result = MatchResult(track, Decision.ACCEPT, best, (best, Candidate(match, 0.5)), 1)
        rows.append(Row(0, PlanEntry(i + 1, track, EntryState.SEARCH), TrackStatus.MATCHED, result))
    window.track_model.set_rows(rows, ["Everything"])
    for _ in range(20):
        app.processEvents()
    window.track_view.scrollToBottom()
    for _ in range(20):
        app.processEvents()
    rss_kb = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss_kb = int(line.split()[1])
    window.close()
    print(json.dumps({"rss_mb": rss_kb / 1024}))


# -- the parent --------------------------------------------------------------------------


def run_child(kind: str) -> tuple[dict[str, Any], float]:
    workdir = Path(tempfile.mkdtemp(prefix="songbird-bench-gui-"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.time()
    done = subprocess.run(
        [sys.executable, str(HERE), "--child", kind, str(workdir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{kind} run failed:\n{done.stderr}")
    last = [line for line in done.stdout.splitlines() if line.startswith("{")][-1]
    return json.loads(last), started


def main() -> int:
    startups = []
    for _ in range(5):
        result, started = run_child("startup")
        startups.append(result["shown_at"] - started)
    startup = statistics.median(startups)
    print(
        f"start-up to window shown: median {startup:.3f} s of {len(startups)} "
        f"({', '.join(f'{s:.3f}' for s in startups)}); target <= 0.8 s ({startup / 0.8:.2f} of it)"
    )
    stall, _ = run_child("stall")
    print(
        f"event-loop stall during a {stall['rows']}-track sync ({stall['sync_s']:.1f} s, "
        f"{stall['beats']} heartbeats): p99 {stall['stall_p99_ms']:.1f} ms; target <= 30 ms "
        f"({stall['stall_p99_ms'] / 30:.2f} of it)"
    )
    rss, _ = run_child("rss")
    print(
        f"memory with a 10,000-row table: {rss['rss_mb']:.0f} MB RSS; "
        f"target <= 250 MB ({rss['rss_mb'] / 250:.2f} of it)"
    )
    print(
        json.dumps(
            {
                "startup_s": round(startup, 3),
                "stall_p99_ms": round(stall["stall_p99_ms"], 2),
                "rss_mb": round(rss["rss_mb"], 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        {"startup": child_startup, "stall": child_stall, "rss": child_rss}[sys.argv[2]](
            Path(sys.argv[3])
        )
    else:
        sys.exit(main())
