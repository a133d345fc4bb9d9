"""The library the window shows, shared by the window's parts: `WindowLibrary`.

The services are opened after the window's first paint (reading the keyring and loading the
demo library take longer than showing the window should), and change when accounts are
connected; every part (the playlists, the run, the match actions) reads them from here, as
whether they are the demo library's, their pairs and the loader of their playlists.

Which services the window syncs between is chosen here (`choose_services`): both accounts
when both are connected; when only one is, playlist files into it, since a person leaving
Spotify without a developer app has only YouTube Music to connect and a data export to
bring; with none, the demo library.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from songbird_gui.app import Songbird
from songbird_gui.core.pairs import PairStore
from songbird_gui.core.service import MusicService
from songbird_gui.core.types import ONLINE_SERVICES, ServiceId
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

    def choose_services(self) -> tuple[dict[ServiceId, MusicService], bool]:
        """The services to sync between, and whether they are the demo library's (may run
        on a worker: it reads the keyring)."""
        services, demo = self.songbird.choose_services()
        accounts = self.songbird.accounts
        if demo and accounts is not None:
            connected = [s for s in ONLINE_SERVICES if accounts.connected(s)]
            if len(connected) == 1:  # files into it (the demo when a demo was asked for)
                return self.songbird.file_sync_services(connected[0])
        return services, demo

    def reopen(self) -> dict[ServiceId, MusicService]:
        """After connecting again: the services chosen anew, in use from now on."""
        services, demo = self.choose_services()
        self.use(services, demo)
        return services

    def can_sync(self, source: ServiceId, target: ServiceId) -> bool:
        """Whether both ends of this direction are open (a file source is always there)."""
        return source in self.services and target in self.services

    def context(self) -> SyncContext:
        return self.songbird.context(self.services)

    def pairs(self) -> PairStore:
        return self.context().pairs

    def close(self) -> None:
        """The window closed for good: no more reads; those on their way are dropped."""
        self.closed = True
        self.loader.cancel_all()
