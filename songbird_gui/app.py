"""The composition root: builds settings, the store, the services and the engine's context.

Both front ends (the CLI and the window) call `build_context`; nothing else constructs a
service, a bucket or the store, so every object receives exactly what it needs.
"""

from __future__ import annotations

import sys
from dataclasses import replace

from songbird_gui.core.paths import AppPaths
from songbird_gui.core.ratelimit import TokenBucket
from songbird_gui.core.retry import RetryPolicy
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.service import MusicService
from songbird_gui.core.settings import Settings
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import ServiceId
from songbird_gui.engine.session import SyncContext
from songbird_gui.services.demo import DemoConfig, demo_services


def build_buckets(settings: Settings) -> dict[ServiceId, TokenBucket]:
    buckets = {}
    for service_id in ServiceId:
        rate = settings.rate_for(service_id)
        buckets[service_id] = TokenBucket(
            rate.rate, rate.burst, headroom=rate.headroom, adaptive=rate.adaptive
        )
    return buckets


def build_context(
    settings: Settings,
    paths: AppPaths,
    services: dict[ServiceId, MusicService],
    store: MatchStore | None = None,
) -> SyncContext:
    return SyncContext(
        services=services,
        buckets=build_buckets(settings),
        store=store or MatchStore(paths.match_store),
        matcher=Matcher(settings.match),
        policy=RetryPolicy(settings.retry),
        workers=settings.workers,
    )


def build_demo_services(
    paths: AppPaths, config: DemoConfig | None = None
) -> dict[ServiceId, MusicService]:
    config = config or DemoConfig()
    if config.state_dir is None:
        config = replace(config, state_dir=paths.demo_state_dir)
    return dict(demo_services(config))


def main() -> int:
    """`songbird-gui` and `python -m songbird_gui`: start the window."""
    from songbird_gui.ui.launch import run_window

    return run_window(sys.argv)
