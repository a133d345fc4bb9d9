"""Benchmark of the search engine's throughput against a rate-limited service.

Run: `python tests/benchmarks/bench_sync.py` (about two minutes). Both scenarios run the real
`SyncSession` on the demo services, searching tracks of the bundled catalogue:

1. Told the limit: 300 new tracks, latency 0.2 s, server limit 10 req/s with burst 10, the
   client's rate set to the server's, 8 workers. The bound for the N searches made is
       T* = max(ceil(N / W) * L, (N - B) / R + L)
   (W workers each waiting L per request, or the rate R after a burst B, whichever is slower).
   Targets: elapsed / T* <= 1.08, and no 429 from the server.
2. Not told the limit (adaptive mode from the default starting rate), server limit 10 req/s,
   at least 600 searches. Targets: >= 85 % of the server's limit, <= 2 % of requests answered 429.

A third figure, `stop_s`, is the time from Stop to the session's `searchFinished` in the middle
of a run (target 0.2 s). The last line of output is one JSON object with every figure.
"""

from __future__ import annotations

import copy
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

from songbird_gui.app import build_context
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.settings import RateSettings, Settings
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import ServiceId
from songbird_gui.engine.session import SyncSession
from songbird_gui.services.demo import (
    DemoConfig,
    DemoServerConfig,
    demo_services,
    load_catalogue,
)

LATENCY_S = 0.2
LIMIT = 10.0
BURST = 10
WORKERS = 8
PLAYLIST = "Benchmark"


def catalogue_with_playlist(size: int, offset: int) -> dict[str, Any]:
    """The bundled catalogue plus one Spotify playlist of `size` tracks not yet synced."""
    catalogue = copy.deepcopy(load_catalogue())
    spotify = catalogue["services"]["spotify"]
    in_playlists = {i for p in spotify["playlists"] for i in p["tracks"]} | set(spotify["liked"])
    fresh = [t["id"] for t in spotify["tracks"] if t["id"] not in in_playlists]
    chosen = fresh[offset : offset + size]
    if len(chosen) < size:
        raise SystemExit(f"the catalogue has only {len(chosen)} spare tracks; {size} needed")
    spotify["playlists"].append(
        {"id": f"bench{offset}", "name": PLAYLIST, "owner": "Bench", "tracks": chosen}
    )
    return catalogue


def wait_for(signal: Any, timeout_s: float) -> list[Any]:
    loop = QEventLoop()
    received: list[Any] = []

    def done(*args: Any) -> None:
        received.extend(args)
        loop.quit()

    signal.connect(done)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    signal.disconnect(done)
    return received


def run_search(
    size: int, offset: int, client: RateSettings, stop_after_s: float | None = None
) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="songbird-bench-"))
    server = DemoServerConfig(latency_s=LATENCY_S, limit=LIMIT, burst=BURST, seed=11)
    fast_source = DemoServerConfig(latency_s=0.0, limit=1000, burst=1000)
    config = DemoConfig(
        spotify=fast_source,
        ytmusic=server,
        state_dir=None,
        catalogue=catalogue_with_playlist(size, offset),
    )
    services = demo_services(config)
    settings = Settings(workers=WORKERS, ytmusic=client, spotify=RateSettings(1000, 1000))
    paths = AppPaths(workdir / "config", workdir / "data", workdir / "log")
    context = build_context(settings, paths, services, MatchStore(":memory:"))
    session = SyncSession(context, ServiceId.SPOTIFY, ServiceId.YTMUSIC)
    source = services[ServiceId.SPOTIFY]
    session.plan([p for p in source.list_playlists() if p.name == PLAYLIST])
    wait_for(session.planned, 60)
    target_server = services[ServiceId.YTMUSIC].server
    requests_before = target_server.counters.requests
    limited_before = target_server.counters.rate_limited

    started = time.monotonic()
    stop_s = None
    if stop_after_s is not None:
        finished_at: list[float] = []
        session.searchFinished.connect(lambda _stopped: finished_at.append(time.monotonic()))
        session.search()
        loop = QEventLoop()
        QTimer.singleShot(int(stop_after_s * 1000), loop.quit)
        loop.exec()
        pressed = time.monotonic()
        session.stop()
        QCoreApplication.processEvents()
        stop_s = (finished_at[0] if finished_at else time.monotonic()) - pressed
    else:
        session.search()
        wait_for(session.searchFinished, 600)
    elapsed = time.monotonic() - started
    session.shutdown()
    context.store.close()
    counters = target_server.counters
    searched = sum(1 for row in session.rows if row.result is not None and row.result.searches)
    return {
        "tracks": size,
        "searched": searched,
        "requests": counters.requests - requests_before,
        "server_429": counters.rate_limited - limited_before,
        "elapsed_s": elapsed,
        "stop_s": stop_s,
        "final_rate": context.buckets[ServiceId.YTMUSIC].rate,
    }


def main() -> int:
    QCoreApplication.instance() or QCoreApplication(sys.argv[:1])

    # Scenario 1: the client knows the server's limit.
    told = run_search(300, 0, RateSettings(rate=LIMIT, burst=BURST))
    n = told["requests"]
    bound = max(math.ceil(n / WORKERS) * LATENCY_S, (n - BURST) / LIMIT + LATENCY_S)
    ratio = told["elapsed_s"] / bound
    print(
        f"told the limit: {told['searched']} tracks, {n} searches in {told['elapsed_s']:.2f} s; "
        f"bound T* = {bound:.2f} s; ratio {ratio:.3f} (target <= 1.08, {ratio / 1.08:.2f} of it); "
        f"{n / told['searched']:.3f} requests/track (target <= 1.2); "
        f"{told['server_429']} server 429s (target 0)"
    )

    # Scenario 2: adaptive, from the default starting rate, at least 600 searches.
    default_yt = Settings().ytmusic
    adaptive = run_search(620, 300, RateSettings(default_yt.rate, default_yt.burst, adaptive=True))
    ok_requests = adaptive["requests"] - adaptive["server_429"]
    achieved = ok_requests / adaptive["elapsed_s"]
    share = achieved / LIMIT
    share_429 = adaptive["server_429"] / max(adaptive["requests"], 1)
    print(
        f"adaptive: {adaptive['requests']} searches in {adaptive['elapsed_s']:.2f} s, "
        f"{achieved:.2f} accepted req/s = {share:.1%} of the limit (target >= 85 %, "
        f"{share / 0.85:.2f} of it); {adaptive['server_429']} answered 429 = {share_429:.2%} "
        f"(target <= 2 %); final client rate {adaptive['final_rate']:.2f} req/s"
    )

    # Stop in the middle of a run.
    stopped = run_search(200, 0, RateSettings(rate=LIMIT, burst=BURST), stop_after_s=3.0)
    stop_s = stopped["stop_s"] or 0.0
    print(f"stop: searchFinished {stop_s * 1000:.1f} ms after Stop (target <= 200 ms)")

    figures = {
        "ratio": round(ratio, 4),
        "elapsed_s": round(told["elapsed_s"], 3),
        "bound_s": round(bound, 3),
        "requests_per_track": round(n / told["searched"], 4),
        "server_429": told["server_429"],
        "adaptive_share": round(share, 4),
        "adaptive_429_share": round(share_429, 4),
        "stop_s": round(stop_s, 4),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
