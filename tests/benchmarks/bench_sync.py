"""Benchmark of syncing against rate-limited services modelled apart from Songbird.

Run: `python tests/benchmarks/bench_sync.py` (about 13 minutes; `--quick` leaves out the
seed's sequential and option-1 contestants, whose times do not decide any target). Every
figure is printed, then one JSON object as the last line; the exit status is 1 when a target
is missed.

The servers. Every run talks to `DemoServer`s whose limits are the independent models of
`services/demo_limits.py` (never Songbird's limiter): a sliding window of at most M requests
in any W seconds, counted when each request arrives (half the latency L after it was sent,
±10 % of that half, uniformly: J = 0.1·L/2), refused requests counted too, and a 429 with a
Retry-After in whole seconds. Songbird is told a limit only through its settings.

The bounds. T* is the time of an ideal client that searches the N tracks at one request each
and never draws a 429, whatever the delays within the model's jitter bound:

    T*_search = max(⌈N/K⌉·L, (⌈N/M⌉ − 1)·(W + 2J) + L)

with K workers. The first term: K requests at a time, each taking L. The second: requests
i and i + M must arrive at least W apart, and arrivals can be up to 2J closer together than
the sends (the first late by J, the other early by J), so a client that cannot see each
request's delay before sending it — no client can — guarantees zero 429s only by sending
i + M at least W + 2J after i (sufficient, since then any M + 1 arrive at least W apart; and
necessary, since for any smaller gap some delays within ±J put M + 1 arrivals into one
window). The M-th group thus leaves (⌈N/M⌉ − 1)·(W + 2J) after the first, and its answers
come L later. `*_jitter_free` figures use J = 0 instead ((⌈N/M⌉ − 1)·W + L), the bound the
issue first stated (9 s for the seed's scenario); they are printed, never hidden, but the
targets are judged against T*. Requests beyond one per track (a second, wider search) are
not in T*: `requests_per_track` is reported beside it, and `limiter_ratio` shows the limiter
alone against the same bound for the requests it was given — informational only (listed in
the JSON line's `informational`), since that bound counts what Songbird chose to send.

For a whole run (`seed_end_to_end`): the reads (both services' playlist lists at once, then
the source and target playlists at once: one round trip each, one page each here), the
search, and the writes (create the playlist, then ⌈N/B⌉ batches of B, one round trip each):

    T*_run = 2·L + T*_search + (1 + ⌈N/B⌉)·L

The scenarios (workers K, latency L, tracks N):

1. Told the limit: Spotify → YouTube Music, N = 300, L = 0.2 s, K = 8, the server a short
   window of 10 per any 1 s, the client told it (rate 10, burst 10). Targets: ratio =
   elapsed / T*_search ≤ 1.05 with no 429; requests_per_track ≤ 1.1.
2. Not told: N = 620, L = 0.2 s, K = 8, the server YouTube Music-like (50 per any 5 s), the
   client adaptive from the default start. adaptive_share = T*_search / elapsed ≥ 0.90;
   adaptive_429_share (429s / requests) ≤ 0.01; `adaptive_rate_share` (requests served per
   second / M·W⁻¹) beside it.
3. Stop: scenario 1's set-up; Stop 3 s into the search; `stop_drain_ms` from the press to the
   last worker leaving the pool (`SyncSession.active_workers()` polled from the event loop)
   ≤ 300.
4. The seed's scenario, both directions (Spotify → YouTube Music and back): N = 22,
   L = 2 s (1 s each way), K = 10, at 3 requests/s: "3 per any 1 s" and Spotify-like
   "90 per any 30 s". Contestants, side by side against fresh servers of the same model:
   the seed's sequential, option 1 and hybrid (`seed_contestants.py`), Songbird told the
   limit, Songbird adaptive from the default start. Targets: seed_search_ratio (told, the
   worst of the four) ≤ 1.10 with no 429; seed_adaptive_ratio (the worst of four) ≤ 1.25;
   seed_end_to_end_ratio (told, whole runs, the worst of four) ≤ 1.25. `seed_beats_hybrid`
   says whether Songbird told the limit was at least as fast as the seed's hybrid, with no
   more 429s, in every case (a target too).
5. The seed's own scenario, told the limit, on a server without jitter: "3 per any 1 s",
   N = 22, L = 2 s, K = 10 (bound (⌈22/3⌉ − 1)·1 + 2 = 9 s), judged Spotify → YouTube Music
   (23 requests; the other way makes 24, printed beside). The seed's hybrid, Songbird told
   (rate 3, burst 3) and Songbird adaptive at default settings, on fresh servers. Targets:
   told ≤ 1.10 × 9 s, ≤ 1.05 × the hybrid (at its best: the faster of its measured time
   and its time without 429, ⌈22/5⌉·2 s = 10 s), no 429; adaptive ≤ 1.25 × 9 s with at
   most one 429. And told on scenario 4's 10 %-jitter model of "3 per any 1 s" with server
   seeds 1 to 5: no 429 in any.

In scenarios 4 and 5 every server answers one search before the contestant starts (`warm`):
the demo server builds its search index at its first request, a processing delay of tens of
milliseconds that none of these models means to have.

Before the runs, `window_sim.py` simulates the ideal client of the seed's "3 per any 1 s" at
margins below 2J (2,000 runs each): how often a schedule faster than T* escapes every 429.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import seed_contestants
import window_sim
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

from songbird_gui.app import build_context
from songbird_gui.core.ratelimit import WindowLimiter, limiter_for
from songbird_gui.core.retry import RetryPolicy
from songbird_gui.core.settings import RateSettings, Settings
from songbird_gui.core.store import MatchStore
from songbird_gui.core.throttle import Throttle, gather
from songbird_gui.core.types import ServiceId
from songbird_gui.engine.session import SyncSession
from songbird_gui.services.demo import LIMITS, DemoConfig, demo_services, load_catalogue
from songbird_gui.services.demo_server import DemoServer, DemoServerConfig

PLAYLIST = "Benchmark"
JITTER = 0.10
SPOTIFY, YTMUSIC = ServiceId.SPOTIFY, ServiceId.YTMUSIC
INSTANT = DemoServerConfig(latency_s=0.0, limit=1e6, burst=1_000_000, name="instant")
INSTANT_RATE = RateSettings(rate=1e4, burst=1000)

# scenario 1 and 3
TOLD_N, TOLD_L, TOLD_K = 300, 0.2, 8
TOLD_SERVER = DemoServerConfig(latency_s=TOLD_L, limit=10.0, burst=10, seed=11, name="short")
TOLD_CLIENT = RateSettings(rate=10.0, burst=10)
# scenario 2
ADAPT_N, ADAPT_L, ADAPT_K = 620, 0.2, 8
ADAPT_SERVER = DemoServerConfig.ytmusic_like(10.0, latency_s=ADAPT_L, seed=12)
# scenario 4
SEED_N, SEED_L, SEED_K = 22, 2.0, 10
SEED_WINDOWS = ((3, 1.0, "3 per any 1 s"), (90, 30.0, "Spotify-like"))

# scenario 5: the seed's "3 per any 1 s" on a server without jitter, judged Spotify → YouTube
# Music (22 tracks, 23 requests); and told, on the 10 %-jitter model, with server seeds 1 to 5
JITTER_FREE_DIRECTION = (SPOTIFY, YTMUSIC)
JITTER_FREE_BOUND_S = 9.0  # (⌈22/3⌉ − 1)·1 s + 2 s: T*_search with J = 0
# The seed's hybrid at its best: 5 workers, each search a 2 s round trip, no 429. Sending
# exactly 1/3 s apart, each fourth request reaches a jitter-free server just as the first
# leaves its window, so its measured time depends on how the sleeps overshoot (a 429 costs a
# sequential retry after the pool): the target compares with the faster of the two.
HYBRID_BEST_S = math.ceil(SEED_N / 5) * SEED_L
SEEDS_1_TO_5 = range(1, 6)

TARGETS: dict[str, tuple[str, float | bool]] = {
    "ratio": ("<=", 1.05),
    "server_429": ("<=", 0),
    "adaptive_share": (">=", 0.90),
    "adaptive_429_share": ("<=", 0.01),
    "requests_per_track": ("<=", 1.1),
    "seed_search_ratio": ("<=", 1.10),
    "seed_search_429": ("<=", 0),
    "seed_adaptive_ratio": ("<=", 1.25),
    "seed_end_to_end_ratio": ("<=", 1.25),
    "seed_beats_hybrid": ("==", True),
    "seed_jitter_free_told_ratio": ("<=", 1.10),
    "seed_jitter_free_told_vs_hybrid": ("<=", 1.05),
    "seed_jitter_free_told_429": ("<=", 0),
    "seed_jitter_free_adaptive_ratio": ("<=", 1.25),
    "seed_jitter_free_adaptive_429": ("<=", 1),
    "seed_told_429_seeds_1_5": ("<=", 0),
    "stop_drain_ms": ("<=", 300.0),
}
# Printed and kept in the JSON line, but no target: their bound is not the ideal client's.
INFORMATIONAL = {
    "limiter_ratio": "its bound counts the requests Songbird chose to send, not the tracks",
}


# -- bounds ------------------------------------------------------------------------------------


def search_bound(
    tracks: int, limit: int, window_s: float, latency_s: float, workers: int, jitter: float
) -> float:
    """T*_search (see the module docstring); `jitter` = 0 gives the jitter-free bound."""
    spread = jitter * latency_s  # 2J: the way there varies by ±jitter·L/2
    return max(
        math.ceil(tracks / workers) * latency_s,
        (math.ceil(tracks / limit) - 1) * (window_s + spread) + latency_s,
    )


def run_bound(search_s: float, tracks: int, batch: int, latency_s: float) -> float:
    """T*_run: two rounds of reads, the search, a creation and ⌈N/B⌉ batches."""
    return 2 * latency_s + search_s + (1 + math.ceil(tracks / batch)) * latency_s


# -- the world a run happens in ------------------------------------------------------------------


def catalogue_with_playlist(side: ServiceId, size: int, offset: int) -> dict[str, Any]:
    """The bundled catalogue plus one playlist on `side` of `size` tracks not yet synced."""
    catalogue = copy.deepcopy(load_catalogue())
    tracks = catalogue["services"][str(side)]
    in_playlists = {i for p in tracks["playlists"] for i in p["tracks"]} | set(tracks["liked"])
    fresh = [t["id"] for t in tracks["tracks"] if t["id"] not in in_playlists]
    chosen = fresh[offset : offset + size]
    if len(chosen) < size:
        raise SystemExit(f"the catalogue has only {len(chosen)} spare tracks; {size} needed")
    # The person's own, as the catalogue's playlists are: one of someone else's is followed,
    # and Spotify lets apps read only your own (the run would fail before it searched).
    owner = tracks["playlists"][0]["owner"]
    tracks["playlists"].append(
        {"id": f"bench{offset}", "name": PLAYLIST, "owner": owner, "tracks": chosen}
    )
    return catalogue


@dataclass
class World:
    session: SyncSession
    services: dict[ServiceId, Any]
    limiters: dict[ServiceId, WindowLimiter]
    store: MatchStore

    @property
    def target_server(self) -> DemoServer:
        server: DemoServer = self.services[self.session.target].server
        return server

    def close(self) -> None:
        self.session.stop()
        self.session.drain(60_000)
        self.store.close()


def make_world(
    source: ServiceId,
    target: ServiceId,
    catalogue: dict[str, Any],
    servers: dict[ServiceId, DemoServerConfig],
    rates: dict[ServiceId, RateSettings],
    workers: int,
) -> World:
    """A session over demo services whose throttles use `limiter_for` (as `app.py` will)."""
    settings = Settings(workers=workers, spotify=rates[SPOTIFY], ytmusic=rates[YTMUSIC])
    limiters = {s: limiter_for(settings.rate_for(s)) for s in ServiceId}
    throttles = {s: Throttle(s, limiters[s], RetryPolicy(settings.retry)) for s in ServiceId}
    config = DemoConfig(
        spotify=servers[SPOTIFY], ytmusic=servers[YTMUSIC], state_dir=None, catalogue=catalogue
    )
    services = demo_services(config, throttles)
    store = MatchStore(":memory:")
    context = build_context(settings, services, store)
    return World(SyncSession(context, source, target), services, limiters, store)


def wait_for(signal: Any, timeout_s: float) -> float | None:
    """Run the event loop until `signal` fires: the time it fired, or None on timeout."""
    loop = QEventLoop()
    fired: list[float] = []

    def done(*_args: Any) -> None:
        fired.append(time.monotonic())
        loop.quit()

    signal.connect(done)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    signal.disconnect(done)
    return fired[0] if fired else None


def plan(world: World) -> None:
    source = world.services[world.session.source]
    world.session.plan([p for p in source.list_playlists() if p.name == PLAYLIST])
    if wait_for(world.session.planned, 120) is None:
        raise SystemExit("planning did not finish")


@dataclass
class SearchRun:
    tracks: int
    elapsed_s: float
    requests: int
    refused: int
    limiter: WindowLimiter
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def requests_per_track(self) -> float:
        return self.requests / max(self.tracks, 1)


def search(world: World) -> SearchRun:
    """Time the search phase: from `search()` to `searchFinished`, counted at the server."""
    plan(world)
    counters = world.target_server.counters
    requests, refused = counters.requests, counters.rate_limited
    tracks = sum(len(p.to_search) for p in world.session.plans)
    started = time.monotonic()
    world.session.search()
    finished = wait_for(world.session.searchFinished, 900)
    if finished is None:
        raise SystemExit("the search did not finish")
    return SearchRun(
        tracks,
        finished - started,
        counters.requests - requests,
        counters.rate_limited - refused,
        world.limiters[world.session.target],
    )


# -- scenarios 1 to 3 ----------------------------------------------------------------------------


def scenario_told() -> dict[str, Any]:
    world = make_world(
        SPOTIFY,
        YTMUSIC,
        catalogue_with_playlist(SPOTIFY, TOLD_N, 0),
        {SPOTIFY: INSTANT, YTMUSIC: TOLD_SERVER},
        {SPOTIFY: INSTANT_RATE, YTMUSIC: TOLD_CLIENT},
        TOLD_K,
    )
    run = search(world)
    world.close()
    window = TOLD_SERVER.window_limit()
    bound = search_bound(run.tracks, window.limit, window.window_s, TOLD_L, TOLD_K, JITTER)
    free = search_bound(run.tracks, window.limit, window.window_s, TOLD_L, TOLD_K, 0.0)
    given = search_bound(run.requests, window.limit, window.window_s, TOLD_L, TOLD_K, JITTER)
    return {
        "model": window.describe(),
        "tracks": run.tracks,
        "requests": run.requests,
        "elapsed_s": run.elapsed_s,
        "bound_s": bound,
        "bound_jitter_free_s": free,
        "ratio": run.elapsed_s / bound,
        "ratio_jitter_free": run.elapsed_s / free,
        "limiter_ratio": run.elapsed_s / given,
        "requests_per_track": run.requests_per_track,
        "server_429": run.refused,
        "margin_s": run.limiter.margin_s,
    }


def scenario_adaptive() -> dict[str, Any]:
    default = Settings().ytmusic
    world = make_world(
        SPOTIFY,
        YTMUSIC,
        catalogue_with_playlist(SPOTIFY, ADAPT_N, TOLD_N),
        {SPOTIFY: INSTANT, YTMUSIC: ADAPT_SERVER},
        {SPOTIFY: INSTANT_RATE, YTMUSIC: default},
        ADAPT_K,
    )
    run = search(world)
    world.close()
    window = ADAPT_SERVER.window_limit()
    bound = search_bound(run.tracks, window.limit, window.window_s, ADAPT_L, ADAPT_K, JITTER)
    served = run.requests - run.refused
    return {
        "model": window.describe(),
        "tracks": run.tracks,
        "requests": run.requests,
        "elapsed_s": run.elapsed_s,
        "bound_s": bound,
        "share": bound / run.elapsed_s,
        "rate_share": served / run.elapsed_s / (window.limit / window.window_s),
        "share_429": run.refused / max(run.requests, 1),
        "server_429": run.refused,
        "learnt": [f"{w.limit} per {w.seconds:g} s" for w in run.limiter.learnt],
    }


def stop_and_drain(session: SyncSession) -> float:
    """Press Stop; milliseconds until no worker is left in the pool (polled every 1 ms from
    the event loop, which goes on running meanwhile)."""
    loop = QEventLoop()
    left: list[float] = []

    def poll() -> None:
        if session.active_workers() == 0:
            left.append(time.monotonic())
            loop.quit()
        else:
            QTimer.singleShot(1, poll)

    pressed = time.monotonic()
    session.stop()
    poll()
    if not left:
        QTimer.singleShot(10_000, loop.quit)
        loop.exec()
    return ((left[0] if left else time.monotonic()) - pressed) * 1000


def scenario_stop(presses: int = 3) -> dict[str, Any]:
    """Stop pressed just after requests were sent (the worst moment: they are all in flight),
    `presses` times on fresh runs; the longest drain counts."""
    drains, busy = [], []
    for _ in range(presses):
        world = make_world(
            SPOTIFY,
            YTMUSIC,
            catalogue_with_playlist(SPOTIFY, TOLD_N, 0),
            {SPOTIFY: INSTANT, YTMUSIC: TOLD_SERVER},
            {SPOTIFY: INSTANT_RATE, YTMUSIC: TOLD_CLIENT},
            TOLD_K,
        )
        plan(world)
        session, limiter = world.session, world.limiters[YTMUSIC]
        session.search()
        loop = QEventLoop()
        QTimer.singleShot(3000, loop.quit)
        loop.exec()
        granted = limiter.granted
        deadline = time.monotonic() + 5.0
        while limiter.granted == granted and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            time.sleep(0.001)
        busy.append(session.active_workers())
        drains.append(stop_and_drain(session))
        world.close()
    return {"stop_drain_ms": max(drains), "drains_ms": drains, "busy_at_press": busy}


# -- scenario 4: the seed's ----------------------------------------------------------------------


def seed_server(limit: int, window_s: float, seed: int, jitter: float = JITTER) -> DemoServerConfig:
    return DemoServerConfig(
        latency_s=SEED_L,
        limit=limit / window_s,
        burst=limit,
        window_s=window_s,
        seed=seed,
        jitter=jitter,
    )


def warm(server: DemoServer) -> None:
    """One search before a contestant starts, counted apart from its figures. The demo server
    builds its search index at its first request (tens of milliseconds, every request waiting
    behind it): a processing delay no server model here means to have, which a client timing
    round trips would read as jitter. Its place in the window has gone by the time the
    contestant's requests arrive (a round trip of 2 s is longer than any window but 30 s,
    where one request is no matter)."""
    server.search("warm up", "")


def seed_told(limit: int, window_s: float) -> RateSettings:
    return RateSettings(rate=limit / window_s, burst=limit, window_s=window_s)


def seed_queries(source: ServiceId, target: ServiceId) -> list[tuple[str, str]]:
    """One query per track, as the seed's searcher sends: title and artist."""
    side = catalogue_with_playlist(source, SEED_N, 0)["services"][str(source)]
    by_id = {t["id"]: t for t in side["tracks"]}
    kind = "songs" if target is YTMUSIC else ""
    return [
        (f"{by_id[i]['title']} {by_id[i]['artists'][0]}", kind)
        for i in side["playlists"][-1]["tracks"]
    ]


def seed_contestant(
    name: str,
    source: ServiceId,
    target: ServiceId,
    limit: int,
    window_s: float,
    seed: int,
    jitter: float = JITTER,
) -> dict[str, Any]:
    catalogue = catalogue_with_playlist(source, SEED_N, 0)
    server = DemoServer(target, seed_server(limit, window_s, seed, jitter), None, catalogue)
    warm(server)
    counters = server.counters
    requests, refused = counters.requests, counters.rate_limited
    started = time.monotonic()
    seed_contestants.CONTESTANTS[name](server, seed_queries(source, target))
    elapsed = time.monotonic() - started
    return {
        "elapsed_s": elapsed,
        "requests": counters.requests - requests,
        "429": counters.rate_limited - refused,
    }


def seed_songbird(
    source: ServiceId,
    target: ServiceId,
    limit: int,
    window_s: float,
    client: RateSettings,
    seed: int,
    whole_run: bool = False,
    jitter: float = JITTER,
) -> dict[str, Any]:
    servers = {s: seed_server(limit, window_s, seed + n, jitter) for n, s in enumerate(ServiceId)}
    world = make_world(
        source,
        target,
        catalogue_with_playlist(source, SEED_N, 0),
        servers,
        {source: seed_told(limit, window_s), target: client},
        SEED_K,
    )
    warm(world.target_server)
    if not whole_run:
        run = search(world)
        world.close()
        return {"elapsed_s": run.elapsed_s, "requests": run.requests, "429": run.refused}
    session = world.session
    counters = world.target_server.counters
    requests, refused = counters.requests, counters.rate_limited
    started = time.monotonic()
    # Both lists at once (as the command line and the window can), then plan, search, write.
    listed_source, listed_target = gather(
        [world.services[source].list_playlists, world.services[target].list_playlists]
    )
    session.plan([p for p in listed_source if p.name == PLAYLIST], listed_target)
    read = wait_for(session.planned, 120)
    session.search()
    searched = wait_for(session.searchFinished, 300)
    session.apply()
    applied = wait_for(session.applied, 300)
    world.close()
    if read is None or searched is None or applied is None:
        raise SystemExit("the whole run did not finish")
    return {
        "elapsed_s": applied - started,
        "read_s": read - started,
        "search_s": searched - read,
        "write_s": applied - searched,
        "requests": counters.requests - requests,
        "429": counters.rate_limited - refused,
    }


def scenario_seed(quick: bool) -> dict[str, Any]:
    cases = []
    names = ["seed hybrid"] if quick else list(seed_contestants.CONTESTANTS)
    for n_case, (limit, window_s, label) in enumerate(SEED_WINDOWS):
        for source, target in ((SPOTIFY, YTMUSIC), (YTMUSIC, SPOTIFY)):
            seed = 100 + 10 * n_case + (source is YTMUSIC)
            case: dict[str, Any] = {
                "window": label,
                "direction": f"{source.display_name} → {target.display_name}",
                "bound_s": search_bound(SEED_N, limit, window_s, SEED_L, SEED_K, JITTER),
                "bound_jitter_free_s": search_bound(SEED_N, limit, window_s, SEED_L, SEED_K, 0),
            }
            batch = LIMITS[target].add_batch_size
            case["run_bound_s"] = run_bound(case["bound_s"], SEED_N, batch, SEED_L)
            for name in names:
                case[name] = seed_contestant(name, source, target, limit, window_s, seed)
                print(f"  {label}, {case['direction']}, {name}: {brief(case[name])}", flush=True)
            told = seed_told(limit, window_s)
            for name, client in (
                ("songbird told", told),
                ("songbird adaptive", Settings().ytmusic),
            ):
                case[name] = seed_songbird(source, target, limit, window_s, client, seed)
                print(f"  {label}, {case['direction']}, {name}: {brief(case[name])}", flush=True)
            case["songbird run"] = seed_songbird(
                source, target, limit, window_s, told, seed, whole_run=True
            )
            print(f"  {label}, {case['direction']}, whole run: {brief(case['songbird run'])}")
            cases.append(case)
    return {"cases": cases}


def scenario_seed_jitter_free() -> dict[str, Any]:
    """The seed's "3 per any 1 s" on a server without jitter: the seed's hybrid, Songbird told
    the limit and Songbird adaptive from the default start, in both directions (the targets
    judge Spotify → YouTube Music: 22 tracks, 23 requests; the other way makes 24, whose own
    jitter-free bound is 9 s too)."""
    limit, window_s = 3, 1.0
    cases = []
    for source, target in ((SPOTIFY, YTMUSIC), (YTMUSIC, SPOTIFY)):
        seed = 200 + (source is YTMUSIC)
        case: dict[str, Any] = {"direction": f"{source.display_name} → {target.display_name}"}
        case["judged"] = (source, target) == JITTER_FREE_DIRECTION
        case["seed hybrid"] = seed_contestant(
            "seed hybrid", source, target, limit, window_s, seed, jitter=0.0
        )
        for name, client in (
            ("songbird told", seed_told(limit, window_s)),
            ("songbird adaptive", Settings().ytmusic),
        ):
            case[name] = seed_songbird(source, target, limit, window_s, client, seed, jitter=0.0)
        for name in ("seed hybrid", "songbird told", "songbird adaptive"):
            print(f"  jitter-free, {case['direction']}, {name}: {brief(case[name])}", flush=True)
        cases.append(case)
    return {"cases": cases}


def scenario_seed_told_seeds() -> list[dict[str, Any]]:
    """Told the limit, on the 10 %-jitter model of "3 per any 1 s", server seeds 1 to 5."""
    runs = []
    for seed in SEEDS_1_TO_5:
        source, target = JITTER_FREE_DIRECTION
        run = seed_songbird(source, target, 3, 1.0, seed_told(3, 1.0), seed)
        print(f"  10 % jitter, told, server seed {seed}: {brief(run)}", flush=True)
        runs.append(run)
    return runs


def brief(figures: dict[str, Any]) -> str:
    return f"{figures['elapsed_s']:.2f} s, {figures['requests']} requests, {figures['429']} × 429"


# -- the report ----------------------------------------------------------------------------------


def ideal_client_analysis() -> list[dict[str, float]]:
    """The seed's "3 per any 1 s": the ideal schedule at margins below 2J = 0.2 s."""
    rows = []
    for margin in (0.0, 0.05, 0.10, 0.128, 0.15, 0.20):
        runs = [
            window_sim.ideal(SEED_N, 3, 1.0, SEED_L, margin_s=margin, workers=SEED_K, seed=s)
            for s in range(2000)
        ]
        clean = [r for r in runs if r.refused == 0]
        rows.append(
            {
                "margin_s": margin,
                "zero_429_share": len(clean) / len(runs),
                "mean_s": statistics.mean(r.elapsed_s for r in runs),
                "zero_429_within_9_9_s_share": sum(r.elapsed_s <= 9.9 for r in clean) / len(runs),
            }
        )
    return rows


def check(figures: dict[str, Any]) -> list[str]:
    missed = []
    for key, (sense, bound) in TARGETS.items():
        value = figures[key]
        if sense == "==":
            ok = value == bound
        else:
            ok = value <= bound if sense == "<=" else value >= bound
        if not ok:
            missed.append(f"{key} = {value} (target {sense} {bound})")
    return missed


def to_bound(value: float, sense: str, bound: float) -> str:
    if bound == 0:
        return "at target" if value == 0 else "over"
    share = value / bound if sense == "<=" else bound / value if value else math.inf
    return f"{share:.2f} of the bound"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="only the seed's hybrid contestant")
    args = parser.parse_args()
    QCoreApplication.instance() or QCoreApplication(sys.argv[:1])

    print("The ideal client on the seed's '3 per any 1 s' (2 s round trips, 2J = 0.2 s):")
    analysis = ideal_client_analysis()
    for row in analysis:
        print(
            f"  margin {row['margin_s']:.3f} s: runs with no 429 {row['zero_429_share']:.1%}, "
            f"mean {row['mean_s']:.2f} s, no 429 and within 9.9 s "
            f"{row['zero_429_within_9_9_s_share']:.1%}"
        )

    told = scenario_told()
    print(
        f"1. told the limit ({told['model']}): {told['tracks']} tracks, {told['requests']} "
        f"requests in {told['elapsed_s']:.2f} s; T* = {told['bound_s']:.2f} s, ratio "
        f"{told['ratio']:.3f} (target ≤ 1.05: {to_bound(told['ratio'], '<=', 1.05)}); "
        f"jitter-free T* {told['bound_jitter_free_s']:.2f} s, ratio "
        f"{told['ratio_jitter_free']:.3f}; the limiter alone (T* of its {told['requests']} "
        f"requests; informational) {told['limiter_ratio']:.3f}; "
        f"{told['requests_per_track']:.3f} requests/"
        f"track (target ≤ 1.1: {to_bound(told['requests_per_track'], '<=', 1.1)}); "
        f"{told['server_429']} × 429 (target 0); margin {told['margin_s'] * 1000:.0f} ms",
        flush=True,
    )
    adaptive = scenario_adaptive()
    print(
        f"2. not told ({adaptive['model']}): {adaptive['tracks']} tracks, "
        f"{adaptive['requests']} requests in {adaptive['elapsed_s']:.2f} s; T* = "
        f"{adaptive['bound_s']:.2f} s; share T*/elapsed {adaptive['share']:.3f} (target ≥ 0.90:"
        f" {to_bound(adaptive['share'], '>=', 0.90)}); served {adaptive['rate_share']:.1%} of "
        f"the limit's rate; {adaptive['server_429']} × 429 = {adaptive['share_429']:.2%} "
        f"(target ≤ 1 %: {to_bound(adaptive['share_429'], '<=', 0.01)}); learnt "
        f"{', '.join(adaptive['learnt'])}",
        flush=True,
    )
    stop = scenario_stop()
    print(
        f"3. stop, pressed as requests left: the last worker left the pool "
        f"{', '.join(f'{d:.0f}' for d in stop['drains_ms'])} ms after Stop (workers busy at "
        f"the press: {stop['busy_at_press']}); the longest, {stop['stop_drain_ms']:.0f} ms "
        f"(target ≤ 300 ms: "
        f"{to_bound(stop['stop_drain_ms'], '<=', 300)})",
        flush=True,
    )
    print("4. the seed's scenario (22 tracks, 2 s round trips, 10 workers):", flush=True)
    seed = scenario_seed(args.quick)

    cases = seed["cases"]
    told_ratios = [c["songbird told"]["elapsed_s"] / c["bound_s"] for c in cases]
    worst = max(range(len(cases)), key=lambda i: told_ratios[i])
    adaptive_ratios = [c["songbird adaptive"]["elapsed_s"] / c["bound_s"] for c in cases]
    worst_adaptive = max(range(len(cases)), key=lambda i: adaptive_ratios[i])
    run_ratios = [c["songbird run"]["elapsed_s"] / c["run_bound_s"] for c in cases]
    worst_run = max(range(len(cases)), key=lambda i: run_ratios[i])
    beats = all(
        c["songbird told"]["elapsed_s"] <= c["seed hybrid"]["elapsed_s"]
        and c["songbird told"]["429"] <= c["seed hybrid"]["429"]
        for c in cases
    )
    print(
        "   window          direction                    contestant          time    429  "
        "req  ratio (T*, jitter-free)"
    )
    for case in cases:
        for name in [*seed_contestants.CONTESTANTS, "songbird told", "songbird adaptive"]:
            if name not in case:
                continue
            f = case[name]
            print(
                f"   {case['window']:<15} {case['direction']:<28} {name:<18} "
                f"{f['elapsed_s']:6.2f} {f['429']:5d} {f['requests']:4d}  "
                f"{f['elapsed_s'] / case['bound_s']:.3f}, "
                f"{f['elapsed_s'] / case['bound_jitter_free_s']:.3f}"
            )
        r = case["songbird run"]
        print(
            f"   {case['window']:<15} {case['direction']:<28} whole run (told)   "
            f"{r['elapsed_s']:6.2f} {r['429']:5d} {r['requests']:4d}  "
            f"{r['elapsed_s'] / case['run_bound_s']:.3f} of T*_run {case['run_bound_s']:.1f} s "
            f"(reads {r['read_s']:.1f}, search {r['search_s']:.1f}, writes {r['write_s']:.1f})"
        )
    print("5. the seed's '3 per any 1 s' without jitter (bound 9 s), and told on the 10 % model "
          "with server seeds 1 to 5:", flush=True)  # fmt: skip
    jitter_free = scenario_seed_jitter_free()
    seeded = scenario_seed_told_seeds()
    [judged] = [c for c in jitter_free["cases"] if c["judged"]]
    jf_told, jf_adaptive = judged["songbird told"], judged["songbird adaptive"]

    worst_case = cases[worst]
    figures: dict[str, Any] = {
        "server_models": {
            "told": told["model"],
            "adaptive": adaptive["model"],
            "seed": [
                f"{label} ({limit} per any {window_s:g} s, refused count)"
                for limit, window_s, label in SEED_WINDOWS
            ],
            "arrival": "L/2 ± 10 % there, L/2 back",
        },
        "ratio": round(told["ratio"], 4),
        "ratio_jitter_free": round(told["ratio_jitter_free"], 4),
        "limiter_ratio": round(told["limiter_ratio"], 4),
        "elapsed_s": round(told["elapsed_s"], 3),
        "bound_s": round(told["bound_s"], 3),
        "requests_per_track": round(told["requests_per_track"], 4),
        "server_429": told["server_429"],
        "adaptive_share": round(adaptive["share"], 4),
        "adaptive_rate_share": round(adaptive["rate_share"], 4),
        "adaptive_429_share": round(adaptive["share_429"], 4),
        "stop_drain_ms": round(stop["stop_drain_ms"], 1),
        "seed_search_s": round(worst_case["songbird told"]["elapsed_s"], 3),
        "seed_search_bound_s": round(worst_case["bound_s"], 3),
        "seed_search_ratio": round(told_ratios[worst], 4),
        "seed_search_ratio_jitter_free": round(
            max(c["songbird told"]["elapsed_s"] / c["bound_jitter_free_s"] for c in cases), 4
        ),
        "seed_search_429": sum(c["songbird told"]["429"] for c in cases),
        "seed_adaptive_s": round(cases[worst_adaptive]["songbird adaptive"]["elapsed_s"], 3),
        "seed_adaptive_ratio": round(adaptive_ratios[worst_adaptive], 4),
        "seed_adaptive_429": sum(c["songbird adaptive"]["429"] for c in cases),
        "seed_end_to_end_s": round(cases[worst_run]["songbird run"]["elapsed_s"], 3),
        "seed_end_to_end_bound_s": round(cases[worst_run]["run_bound_s"], 3),
        "seed_end_to_end_ratio": round(run_ratios[worst_run], 4),
        "seed_hybrid_s": [round(c["seed hybrid"]["elapsed_s"], 3) for c in cases],
        "seed_hybrid_429": [c["seed hybrid"]["429"] for c in cases],
        "seed_told_s": [round(c["songbird told"]["elapsed_s"], 3) for c in cases],
        "seed_beats_hybrid": beats,
        "seed_jitter_free_told_s": round(jf_told["elapsed_s"], 3),
        "seed_jitter_free_told_ratio": round(jf_told["elapsed_s"] / JITTER_FREE_BOUND_S, 4),
        "seed_jitter_free_told_vs_hybrid": round(
            jf_told["elapsed_s"] / min(judged["seed hybrid"]["elapsed_s"], HYBRID_BEST_S), 4
        ),
        "seed_jitter_free_told_429": jf_told["429"],
        "seed_jitter_free_adaptive_s": round(jf_adaptive["elapsed_s"], 3),
        "seed_jitter_free_adaptive_ratio": round(jf_adaptive["elapsed_s"] / JITTER_FREE_BOUND_S, 4),
        "seed_jitter_free_adaptive_429": jf_adaptive["429"],
        "seed_jitter_free_hybrid_s": round(judged["seed hybrid"]["elapsed_s"], 3),
        "seed_jitter_free_other_direction": {
            name: {"elapsed_s": round(f["elapsed_s"], 3), "429": f["429"]}
            for c in jitter_free["cases"]
            if not c["judged"]
            for name, f in c.items()
            if isinstance(f, dict)
        },
        "seed_told_429_seeds_1_5": sum(r["429"] for r in seeded),
        "seed_told_s_seeds_1_5": [round(r["elapsed_s"], 3) for r in seeded],
        "informational": INFORMATIONAL,
        "ideal_at_margin": {
            f"{row['margin_s']:g}": round(row["zero_429_share"], 4) for row in analysis
        },
    }
    print(
        f"seed: told {figures['seed_search_s']:.2f} s against T* "
        f"{figures['seed_search_bound_s']:.2f} s (worst ratio {figures['seed_search_ratio']:.3f},"
        f" target ≤ 1.10: {to_bound(figures['seed_search_ratio'], '<=', 1.10)}; jitter-free "
        f"{figures['seed_search_ratio_jitter_free']:.3f}); adaptive worst "
        f"{figures['seed_adaptive_ratio']:.3f} (target ≤ 1.25: "
        f"{to_bound(figures['seed_adaptive_ratio'], '<=', 1.25)}); whole run worst "
        f"{figures['seed_end_to_end_ratio']:.3f} (target ≤ 1.25: "
        f"{to_bound(figures['seed_end_to_end_ratio'], '<=', 1.25)}); Songbird "
        f"{'beats' if beats else 'does not beat'} the seed's hybrid in every case"
    )
    print(
        f"seed without jitter, {judged['direction']}: told {jf_told['elapsed_s']:.2f} s = "
        f"{figures['seed_jitter_free_told_ratio']:.3f} × 9 s (target ≤ 1.10: "
        f"{to_bound(figures['seed_jitter_free_told_ratio'], '<=', 1.10)}), "
        f"{figures['seed_jitter_free_told_vs_hybrid']:.3f} × the hybrid's best (measured "
        f"{figures['seed_jitter_free_hybrid_s']:.2f} s, {judged['seed hybrid']['429']} × 429; "
        f"{HYBRID_BEST_S:.0f} s without 429) (target ≤ 1.05), {jf_told['429']} × 429; "
        f"adaptive {jf_adaptive['elapsed_s']:.2f} s = "
        f"{figures['seed_jitter_free_adaptive_ratio']:.3f} × 9 s (target ≤ 1.25: "
        f"{to_bound(figures['seed_jitter_free_adaptive_ratio'], '<=', 1.25)}), "
        f"{jf_adaptive['429']} × 429 (target ≤ 1); told on the 10 % model, seeds 1-5: "
        f"{figures['seed_told_429_seeds_1_5']} × 429 (target 0)"
    )
    missed = check(figures)
    figures["missed"] = missed
    for line in missed:
        print(f"MISSED: {line}")
    print(json.dumps(figures, ensure_ascii=False))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
