"""The composition root: `Songbird` builds settings, the store, the throttles, the services
and each run's context, for the window, the command line and `--self-test` alike.

Nothing else constructs a service, a limiter or the store, so every object receives exactly
what it needs and is built once. The throttles are built first, one per service of each
library (the person's, the demo's), and shared: every service sends its requests through
its throttle, and every run, the playlist loader and the command line draw from the same
limits. Each limiter starts from what earlier runs learnt of its service (the library's
learnt-rates files, written at `close`). New settings reach them in place
(`save_settings`), so they apply to the next requests of a run already going.

This module imports core, services and engine only; the window (`ui/launch.py`) and the
command line (`cli.py`) import it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from songbird_gui.core.kept_file import Notices
from songbird_gui.core.learnt_rates import load_learnt_rates, save_learnt_rates
from songbird_gui.core.pairs import PairStore
from songbird_gui.core.paths import AppPaths, learnt_rates_file
from songbird_gui.core.ratelimit import LearntLimits, limiter_for
from songbird_gui.core.retry import RetryPolicy
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.service import MusicService
from songbird_gui.core.settings import Settings, SettingsFile
from songbird_gui.core.store import MatchStore
from songbird_gui.core.throttle import Throttle
from songbird_gui.core.types import ONLINE_SERVICES, ServiceId
from songbird_gui.engine.context import SyncContext
from songbird_gui.engine.writer_lock import WriterLock
from songbird_gui.services.accounts import Accounts
from songbird_gui.services.demo import DemoConfig, demo_services, load_catalogue
from songbird_gui.services.file_source import FileSource

log = logging.getLogger(__name__)

FILE = ServiceId.FILE


def build_throttles(
    settings: Settings, learnt: Mapping[ServiceId, LearntLimits] | None = None
) -> dict[ServiceId, Throttle]:
    """One throttle per online service, from the settings' rates and retries, each limiter
    starting from what an earlier run `learnt` of its service."""
    throttles = {}
    for service_id in ONLINE_SERVICES:
        rate = settings.rate_for(service_id)
        limiter = limiter_for(rate, learnt=(learnt or {}).get(service_id))
        throttles[service_id] = Throttle(service_id, limiter, RetryPolicy(settings.retry))
    return throttles


def build_context(
    settings: Settings,
    services: dict[ServiceId, MusicService],
    store: MatchStore,
    writer_lock: WriterLock | None = None,
) -> SyncContext:
    """What a run works with: the services (with their throttles), the store, the matcher,
    and the data folder's writer lock."""
    return SyncContext(
        services=services,
        store=store,
        matcher=Matcher(settings.match),
        policy=RetryPolicy(settings.retry),
        workers=settings.workers,
        writer_lock=writer_lock,
        creation=settings.creation,
    )


class Songbird:
    """Everything one Songbird process works with, built once.

    The library is the demo one when `demo` is given (the command line's `--demo`, the tests,
    the self-test), else the person's accounts when both are connected, else the demo with
    its default configuration.

    Each library has its own match store, so that the demo's decisions and pairs never mix
    with the person's: `store` is the person's, `demo_store` the demo's (beside the demo's
    state, or in memory when the demo keeps none). A store from before the split gives the
    demo catalogue's decisions to the demo's store, once.

    Every kept file it opens is used as it is or set aside (`core/kept_file.py`); `notices`
    gathers what the person must be told of them, for the terminal and the window. A library
    asked for by name (`demo`) is opened at once, so that all of it is said before any work.
    """

    def __init__(
        self,
        paths: AppPaths | None = None,
        *,
        accounts: Accounts | None = None,
        demo: DemoConfig | None = None,
        settings: Settings | None = None,
        tune: Callable[[Settings], Settings] | None = None,
    ) -> None:
        """`settings` replace the kept ones (tests, the self-test); `tune` makes this run's
        settings from the kept ones (the command line's --workers and --rate)."""
        self.paths = paths or AppPaths.default()
        self.notices = Notices()
        self.settings_file = SettingsFile(self.paths.settings_file)
        if settings is None:
            read = self.settings_file.read()
            for message in read.messages:
                self.notices.say(message)
            settings = read.settings
        self.settings = tune(settings) if tune else settings
        self.accounts = accounts
        self._demo_config = demo
        # A damaged store is moved aside and a new one begun (the notice says where it
        # went); one from a newer Songbird raises StoreTooNew, left untouched.
        self.store = MatchStore(self.paths.match_store)
        self.notices.add(self.store.set_aside)
        # Each library's services have their own throttles: what was learnt of the demo's
        # limits is no guide to the real services' (each library keeps its own file).
        self.throttles = self._throttles_learnt_in(self.paths.data_dir)
        self._demo_throttles: dict[ServiceId, Throttle] = {}
        # One writer at a time on this data folder, for every run of this process and
        # between processes (the window, scheduled syncs, `songbird sync` from cron).
        self.writer_lock = WriterLock(self.paths.data_dir, self.notices)
        self._demo_services: dict[ServiceId, MusicService] = {}
        self._demo_store: MatchStore | None = None
        # Each library offers the playlist files opened in it (and those its pairs remember)
        # as a third source beside its two services.
        self.files = FileSource(remembered=lambda: PairStore(self.store).source_ids(FILE))
        if demo is not None:
            try:
                self.store_for(self.demo_services())  # opened now: what it sets aside is said now
            except BaseException:  # a demo store from a newer Songbird, a read-only folder
                self.close()
                raise

    @property
    def demo_config(self) -> DemoConfig:
        config = self._demo_config or DemoConfig()
        if config.state_dir is None and self._demo_config is None:
            config = replace(config, state_dir=self.paths.demo_state_dir)
        return config

    def demo_services(self) -> dict[ServiceId, MusicService]:
        """The demo library's two services (built at the first call)."""
        if not self._demo_services:
            self._demo_throttles = self._throttles_learnt_in(self.demo_config.state_dir)
            built = demo_services(self.demo_config, self._demo_throttles, self.notices)
            self._demo_services.update(built)
            self._demo_services[FILE] = FileSource(
                remembered=lambda: PairStore(self.demo_store).source_ids(FILE)
            )
        return self._demo_services

    def _throttles_learnt_in(self, folder: Path | None) -> dict[ServiceId, Throttle]:
        """Throttles starting from what was learnt in `folder` (None: nothing is kept)."""
        learnt: dict[ServiceId, LearntLimits] = {}
        if folder is not None:
            for service_id in ONLINE_SERVICES:
                opened = load_learnt_rates(learnt_rates_file(folder, service_id), service_id)
                self.notices.add(opened.set_aside)
                learnt[service_id] = opened.value or LearntLimits()
        return build_throttles(self.settings, learnt)

    def _keep_learnt(self) -> None:
        """Write what the limiters learnt, for the next run (see `core/learnt_rates.py`)."""
        kept = [(self.paths.data_dir, self.throttles)]
        if self._demo_throttles and self.demo_config.state_dir is not None:
            kept.append((self.demo_config.state_dir, self._demo_throttles))
        for folder, throttles in kept:
            for service_id, throttle in throttles.items():
                path = learnt_rates_file(folder, service_id)
                try:
                    save_learnt_rates(path, service_id, throttle.limiter.learnt_limits)
                except OSError as error:
                    log.warning("could not keep what was learnt in %s: %s", path, error)

    @property
    def demo_store(self) -> MatchStore:
        """The demo library's own match store (opened at the first call)."""
        if self._demo_store is None:
            state_dir = self.demo_config.state_dir
            path = state_dir / "matches.sqlite3" if state_dir else ":memory:"
            self._demo_store = MatchStore(path, what="The demo's match store")
            self.notices.add(self._demo_store.set_aside)
            self._split_off_demo_decisions(self._demo_store)
        return self._demo_store

    def _split_off_demo_decisions(self, demo: MatchStore) -> None:
        """Before this version the demo's decisions went to the person's store: move them."""
        if self.store.meta("demo-split"):
            return
        catalogue = self.demo_config.catalogue or load_catalogue()
        keys = [
            f"{service}:{track['id']}"
            for service, side in catalogue["services"].items()
            for track in side["tracks"]
        ]
        moved = self.store.split_off(keys, demo)
        if moved:
            log.info("moved %d demo decisions out of the person's match store", moved)
        self.store.set_meta("demo-split", "1")

    def store_for(self, services: dict[ServiceId, MusicService]) -> MatchStore:
        """The match store of the library `services` belong to."""
        return self.demo_store if services is self._demo_services else self.store

    @property
    def recovery_messages(self) -> list[str]:
        """What the person must be told of the kept files opened so far (`notices`)."""
        return self.notices.messages()

    def choose_services(self) -> tuple[dict[ServiceId, MusicService], bool]:
        """The services to sync between, and whether they are the demo library."""
        if self._demo_config is None and self.accounts is not None:
            real = self.accounts.services(self.throttles)
            if real is not None:
                return {**real, FILE: self.files}, False
        return self.demo_services(), True

    def file_sync_services(self, target: ServiceId) -> tuple[dict[ServiceId, MusicService], bool]:
        """The services to sync playlist files into `target`, and whether they are the demo
        library's: the demo's (with its own file source) when asked for or when no account
        store is in use; else the file source and the person's `target` service, connected
        alone if need be (syncing a Spotify data export into YouTube Music needs no Spotify
        app). `target` is absent from them when it is not connected: the caller says so."""
        if self._demo_config is not None or self.accounts is None:
            return self.demo_services(), True
        services: dict[ServiceId, MusicService] = {FILE: self.files}
        connected = self.connected_service(target)
        if connected is not None:
            services[target] = connected
        return services, False

    def connected_service(self, service: ServiceId) -> MusicService | None:
        """The person's `service` alone, when its account is connected (listing one
        service's playlists needs no other); None when it is not, or no account store is
        in use."""
        if self.accounts is None or not self.accounts.connected(service):
            return None
        return self.accounts.service(service, self.throttles[service])

    def context(self, services: dict[ServiceId, MusicService]) -> SyncContext:
        return build_context(self.settings, services, self.store_for(services), self.writer_lock)

    def save_settings(self, settings: Settings) -> None:
        """Keep `settings`, and let the throttles pace the next requests by them."""
        self.settings = settings
        self.settings_file.save(settings)
        for throttles in (self.throttles, self._demo_throttles):
            for service_id, throttle in throttles.items():
                throttle.reconfigure(settings.rate_for(service_id), settings.retry)

    def close(self) -> None:
        """Keep what was learnt and close the stores; only once every worker has left (see
        `SyncSession.drain`)."""
        self._keep_learnt()
        self.store.close()
        if self._demo_store is not None:
            self._demo_store.close()
