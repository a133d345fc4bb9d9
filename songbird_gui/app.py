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


def main(argv: list[str] | None = None) -> int:
    """`songbird-gui` and `python -m songbird_gui`: start the window (or a maintenance task)."""
    import argparse

    from songbird_gui import __version__

    parser = argparse.ArgumentParser(prog="songbird-gui", description="Songbird's window.")
    parser.add_argument("--version", action="version", version=f"songbird-gui {__version__}")
    parser.add_argument(
        "--self-test", action="store_true", help="run a tiny demo sync offscreen and exit"
    )
    parser.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add Songbird to the desktop's applications (Linux, for this user)",
    )
    parser.add_argument("--uninstall-desktop-entry", action="store_true", help="remove it again")
    args, qt_args = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        from songbird_gui.ui.self_test import run_self_test

        return run_self_test()
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        from songbird_gui import desktop_entry

        if args.install_desktop_entry:
            for path in desktop_entry.install():
                print(f"wrote {path}")
        else:
            for path in desktop_entry.uninstall():
                print(f"removed {path}")
        return 0
    from songbird_gui.ui.launch import run_window

    return run_window([sys.argv[0], *qt_args])
