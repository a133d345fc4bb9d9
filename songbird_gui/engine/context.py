"""What a run works with, built by the composition root: `SyncContext`."""

from __future__ import annotations

from dataclasses import dataclass

from songbird_gui.core.pairs import PairStore
from songbird_gui.core.retry import RetryPolicy
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.service import MusicService
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import ServiceId


@dataclass(frozen=True)
class SyncContext:
    """The long-lived parts a run works with (the store: the library's own, demo or not)."""

    services: dict[ServiceId, MusicService]
    store: MatchStore
    matcher: Matcher
    policy: RetryPolicy
    workers: int

    @property
    def pairs(self) -> PairStore:
        return PairStore(self.store)
