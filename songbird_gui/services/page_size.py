"""How many entries a list request asks for: `PageSize`, which steps down when refused.

Since Spotify's February 2026 changes several clients found `/playlists/{id}/items` refusing
their page size with a 400 "Invalid limit", an answer that breaks every read of every
playlist. Songbird asks for at most 50 (what every list endpoint documents); should a service
refuse even that, the adapter steps down once per refusal and keeps the smaller size for as
long as it lives, so the refusal costs one request, not one per read.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from songbird_gui.core.errors import PermanentError

T = TypeVar("T")
log = logging.getLogger(__name__)

# Largest first. 50 is the documented maximum of Spotify's list endpoints; 10 is the smallest
# maximum any 2026 endpoint has (search), so nothing smaller is worth a try.
PAGE_SIZES = (50, 20, 10)


class PageSizeRefused(PermanentError):
    """The service refused the page size asked for (Spotify: 400 "Invalid limit")."""


class PageSize:
    """The page size to ask for now; shared by the threads of one adapter."""

    def __init__(self, service_name: str, sizes: Sequence[int] = PAGE_SIZES) -> None:
        self.service_name = service_name
        self._sizes = tuple(sizes)
        self._index = 0
        self._lock = threading.Lock()

    @property
    def current(self) -> int:
        with self._lock:
            return self._sizes[self._index]

    def step_down(self, refused: int) -> bool:
        """After `refused` was refused: True when a smaller size is now current (another
        thread may have stepped down already), False when none is left to try."""
        with self._lock:
            if self._sizes[self._index] < refused:
                return True
            if self._index + 1 >= len(self._sizes):
                return False
            self._index += 1
            size = self._sizes[self._index]
        log.warning(
            "%s refused pages of %d (Invalid limit); asking %d at a time from now on",
            self.service_name, refused, size,
        )  # fmt: skip
        return True

    def read(self, first_page: Callable[[int], T]) -> T:
        """`first_page(size)` with the current size; again with a smaller one while refused."""
        while True:
            size = self.current
            try:
                return first_page(size)
            except PageSizeRefused:
                if not self.step_down(size):
                    raise
