"""The library the window shows, shared by the window's parts: `WindowLibrary`.

The services are opened after the window's first paint (reading the keyring and loading the
demo library take longer than showing the window should), and change when accounts are
connected; every part (the playlists, the run, the match actions) reads them from here, as
whether they are the demo library's, their pairs and the loader of their playlists.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from songbird_gui.app import Songbird
from songbird_gui.core.pairs import PairStore
from songbird_gui.core.service import MusicService
from songbird_gui.core.types import ServiceId
from songbird_gui.engine.context import SyncContext
from songbird_gui.engine.library import PlaylistLoader


class WindowLibrary:
    """Attributes: songbird (the composition root); services (empty until opened); demo
    (they are the demo library's); loader (reads their playlists); closed (the window closed
    for good: answers still queued are dropped)."""

    def __init__(self, songbird: Songbird, parent: QObject) -> None:
        self.songbird = songbird
        self.services: dict[ServiceId, MusicService] = {}
        self.demo = False
        self.loader = PlaylistLoader(self.services, parent)
        self.closed = False

    def use(self, services: dict[ServiceId, MusicService], demo: bool) -> None:
        """Sync between `services` (the demo library's when `demo`) from now on."""
        self.services, self.demo = services, demo
        self.loader.services = services

    def context(self) -> SyncContext:
        return self.songbird.context(self.services)

    def pairs(self) -> PairStore:
        return self.context().pairs

    def close(self) -> None:
        """The window closed for good: no more reads; those on their way are dropped."""
        self.closed = True
        self.loader.cancel_all()
