"""Benchmark of planning as the library grows: the cost per track must stay flat.

Run: `python tests/benchmarks/bench_scale.py` (a minute or two, most of it filling stores).
No Qt: the core's `plan_sync` with a `MatchStore` on disk and the default `Matcher`.

For N = 1,000, 10,000 and 50,000: a source playlist of N tracks, a store holding a decision
for each of them (as after a first sync), and a target playlist holding each match — the
re-sync of a big playlist, where every entry is looked up in the store and found present.
`plan_us_per_track_N` is the fastest of five plans, in microseconds per track; the three
sizes take turns with every library loaded, so that each is planned on the same heap and
under the same load. Targets: `plan_us_per_track_50k` ≤ 1.5 × `plan_us_per_track_1k` (the
cost per track stays flat) and `rss_mb_50k` (the process's peak resident memory, all three
libraries and stores loaded and planned) ≤ 300.
When the 50k figure misses its target, a profile of one plan says where the time goes.

The last line of output is one JSON object with every figure; the exit status is 1 when a
target is missed.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from songbird_gui.core.planner import plan_sync
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import (
    Candidate,
    Decision,
    MatchResult,
    Playlist,
    ServiceId,
    SyncPlan,
    Track,
)

SIZES = (1_000, 10_000, 50_000)
FLAT = 1.5  # the 50k cost per track may be at most this times the 1k one
ROUNDS = 5
RSS_MB = 300.0
WORDS = [
    "night",
    "river",
    "golden",
    "echo",
    "heart",
    "summer",
    "light",
    "blue",
    "shadow",
    "dance",
    "fire",
    "rain",
    "silver",
    "road",
    "dream",
    "winter",
    "city",
    "love",
    "moon",
    "star",
    "ocean",
    "wild",
    "electric",
    "paper",
    "glass",
    "velvet",
    "northern",
]


def library(size: int, seed: int) -> tuple[list[Track], list[Track]]:
    """`size` source tracks (Spotify) and their matches (YouTube Music)."""
    rng = random.Random(seed)
    sources, targets = [], []
    for n in range(size):
        title = " ".join(rng.sample(WORDS, 3)).title() + f" {n}"
        artist = f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {n % 997}"
        duration = 150_000 + rng.randrange(120_000)
        sources.append(Track(ServiceId.SPOTIFY, f"sp{n:06d}", title, (artist,), "Album", duration))
        targets.append(Track(ServiceId.YTMUSIC, f"yt{n:06d}", title, (artist,), None, duration))
    return sources, targets


def fill(store: MatchStore, sources: list[Track], targets: list[Track]) -> None:
    for source, target in zip(sources, targets, strict=True):
        best = Candidate(target, 0.95)
        store.remember(MatchResult(source, Decision.ACCEPT, best, (best,), 1), ServiceId.YTMUSIC)


def plan_once(
    sources: list[Track], targets: list[Track], store: MatchStore, matcher: Matcher
) -> tuple[float, SyncPlan]:
    playlist = Playlist(ServiceId.SPOTIFY, "big", "Big", track_count=len(sources))
    target = Playlist(ServiceId.YTMUSIC, "PLbig", "Big", track_count=len(targets))
    started = time.perf_counter()
    plan = plan_sync(playlist, sources, ServiceId.YTMUSIC, target, targets, store, matcher)
    return time.perf_counter() - started, plan


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def profile(sources: list[Track], targets: list[Track], store: MatchStore) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    plan_once(sources, targets, store, Matcher())
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(18)
    return out.getvalue()


def main() -> int:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="songbird-scale-") as folder:
        worlds = {}
        for size in SIZES:
            sources, targets = library(size, seed=size)
            store = MatchStore(Path(folder) / f"store-{size}.sqlite3")
            started = time.perf_counter()
            fill(store, sources, targets)
            filled = time.perf_counter() - started
            worlds[size] = (sources, targets, store)
            print(
                f"{size:>6} decisions stored in {filled:.1f} s ({filled / size * 1e6:.0f} µs each)",
                flush=True,
            )
        # Every library stays in memory while any is planned, and the sizes take turns, so
        # each plan runs on the same heap and the same machine load; the fastest of the
        # turns is the figure (the machine's other work only ever adds time).
        matcher = Matcher()
        times: dict[int, list[float]] = {size: [] for size in SIZES}
        for _ in range(ROUNDS):
            for size in SIZES:
                seconds, plan = plan_once(*worlds[size], matcher)
                times[size].append(seconds)
                assert sum(1 for e in plan.entries if e.result is not None) == size
        for size in SIZES:
            per_track = min(times[size]) / size * 1e6
            spread = statistics.median(times[size]) / size * 1e6
            figures[f"plan_us_per_track_{size // 1000}k"] = round(per_track, 2)
            print(
                f"{size:>6} tracks: plan {min(times[size]) * 1000:.0f} ms, {per_track:.1f} µs "
                f"per track (median of {ROUNDS}: {spread:.1f}); every entry found present"
            )
        figures["rss_mb_50k"] = round(peak_rss_mb(), 1)
        ratio = figures["plan_us_per_track_50k"] / figures["plan_us_per_track_1k"]
        figures["plan_50k_to_1k"] = round(ratio, 3)
        print(
            f"cost per track, 50k against 1k: {ratio:.2f}× (target ≤ {FLAT}: "
            f"{ratio / FLAT:.2f} of the bound); peak memory with all three libraries and "
            f"stores loaded {figures['rss_mb_50k']:.0f} MB (target ≤ {RSS_MB:.0f}: "
            f"{figures['rss_mb_50k'] / RSS_MB:.2f} of the bound)"
        )
        missed = []
        if ratio > FLAT:
            missed.append(f"plan_us_per_track_50k is {ratio:.2f}× the 1k figure (> {FLAT})")
        if figures["rss_mb_50k"] > RSS_MB:
            missed.append(f"rss_mb_50k = {figures['rss_mb_50k']} (> {RSS_MB:.0f})")
        if missed:
            print("Where one 50k plan spends its time:")
            print(profile(*worlds[50_000]))
        for _sources, _targets, store in worlds.values():
            store.close()
    for line in missed:
        print(f"MISSED: {line}")
    print(json.dumps({**figures, "missed": missed}))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
