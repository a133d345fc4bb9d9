"""What a run works with, built by the composition root: `SyncContext`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from songbird_gui.core.apply import Sleeper, cancellable_sleep
from songbird_gui.core.pairs import PairStore
from songbird_gui.core.retry import RetryPolicy
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.service import MusicService
from songbird_gui.core.settings import CreationSettings
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import ServiceId
from songbird_gui.engine.writer_lock import WriterLock


@dataclass(frozen=True)
class SyncContext:
    """The long-lived parts a run works with (the store: the library's own, demo or not)."""

    services: dict[ServiceId, MusicService]
    store: MatchStore
    matcher: Matcher
    policy: RetryPolicy
    workers: int
    # Held around each write, so that no two writers (the window, a scheduled sync, a sync
    # from cron) change a playlist at once; None: writes take no lock (the engine's own tests).
    writer_lock: WriterLock | None = None
    # How many playlists a run may create, and how far apart (the settings' `creation`).
    creation: CreationSettings = field(default_factory=CreationSettings)
    # The writer's waits (creations spaced out, a new playlist not ready yet) and its clock:
    # real ones, a Stop ends the wait at once; tests give a fake pair that never sleeps.
    sleep: Sleeper = cancellable_sleep
    clock: Callable[[], float] = time.monotonic

    @property
    def pairs(self) -> PairStore:
        return PairStore(self.store)

    @property
    def data_dir(self) -> Path | None:
        """The data folder (where the writer lock lives): a failure that names no file, as
        SQLite's, names it."""
        return self.writer_lock.path.parent if self.writer_lock is not None else None
