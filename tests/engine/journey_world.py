"""The world the journey model drives: a small demo library on disk, a `Songbird` over it,
and the faults a test arms at the services' edge.

The catalogue is built so that the reference model can tell what is whose: ten songs with
one clear twin on the other side; two with only other versions there (for the person to
decide); one found nowhere; a podcast episode; and on each side a few tracks the other side
lacks entirely, which a person adds by hand to a target (no source entry can ever stand for
them). Spotify holds "Alpha", "Beta" (a track listed twice) and "Gamma"; YouTube Music
holds "Delta", to sync the other way.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from songbird_gui.app import Songbird
from songbird_gui.core.errors import Cancelled
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.settings import CreationSettings, RateSettings, RetrySettings, Settings
from songbird_gui.core.types import LIKED_PLAYLIST_ID, Playlist, ServiceId
from songbird_gui.services.demo import DemoConfig, DemoServerConfig, DemoService
from songbird_gui.services.demo_server import DemoHTTPError
from tests.demo_catalogue import _track

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC

SONGS = (
    ("01", "Paper Lanterns", "Mira Vale", 201),
    ("02", "Copper Skyline", "The Quiet Tides", 244),
    ("03", "Northern Static", "Ilse Maren", 187),
    ("04", "Slow Parade", "Dunmore Kites", 230),
    ("05", "Velvet Engines", "Orla Finch", 199),
    ("06", "Glass Harbour", "Teo Lindqvist", 215),
    ("07", "Amber Frequencies", "Casimir Holt", 262),
    ("08", "Lowland Choir", "Wren Abernathy", 178),
    ("09", "Salt and Cedar", "Juno Baptiste", 241),
    ("10", "Midnight Ferry", "Anouk Delacroix", 205),
)
# Tracks one side has and the other lacks entirely: what a person adds by hand on a target.
ONLY_ON = {
    YT: (
        ("h1", "Tin Whistle Reel", "Fenwick Ashdown"),
        ("h2", "Cobalt Tramline", "Yusra Okonkwo"),
        ("h3", "Pinecone Waltz", "Bertil Ghent"),
        ("h4", "Sunday Crossword", "Mabel Quist"),
    ),
    SP: (
        ("g1", "Lantern Moth", "Ottoline Vries"),
        ("g2", "Marigold Ledger", "Kazimir Lund"),
        ("g3", "Rust Belt Hymn", "Delphine Achterberg"),
    ),
}


def journey_catalogue() -> dict[str, Any]:
    spotify = [_track(f"s{i}", title, artist, s) for i, title, artist, s in SONGS]
    ytmusic = [_track(f"y{i}", title, artist, s + 1) for i, title, artist, s in SONGS]
    truth: dict[str, str | None] = {f"s{i}": f"y{i}" for i, *_ in SONGS}
    # Only other versions on YouTube Music: the person decides (two to choose from for s11).
    spotify.append(_track("s11", "Harbor Lights", "Nils Arden", 230))
    ytmusic.append(_track("y11a", "Harbor Lights (Live at Oslo)", "Nils Arden", 281))
    ytmusic.append(_track("y11b", "Harbor Lights (Acoustic)", "Nils Arden", 226))
    spotify.append(_track("s12", "Quiet Rooms", "Pell Ormond", 199))
    ytmusic.append(_track("y12a", "Quiet Rooms (Remix)", "Pell Ormond", 240))
    spotify.append(_track("s13", "Only Here", "Brisk Oleander", 180))
    spotify.append(_track("s14", "Episode 12: On Tour", "Road Talk", 3100, "episode", None))
    truth.update(s11=None, s12=None, s13=None)
    for service, side in ((YT, ytmusic), (SP, spotify)):
        for n, (track_id, title, artist) in enumerate(ONLY_ON[service]):
            side.append(_track(track_id, title, artist, 190 + n))
    playlists = {
        SP: [
            ("spA", "Alpha", ["s01", "s02", "s03", "s11", "s13", "s14"]),
            ("spB", "Beta", ["s04", "s05", "s06", "s04", "s12"]),
            ("spC", "Gamma", ["s07", "s08"]),
        ],
        YT: [("ytD", "Delta", ["y09", "y10", "h1"])],
    }

    def side(service: ServiceId, tracks: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "user": "Tester",
            "tracks": tracks,
            "playlists": [
                {"id": pid, "name": name, "owner": "Tester", "tracks": ids}
                for pid, name, ids in playlists[service]
            ],
            "liked": [],
        }

    return {
        "version": 1,
        "seed": 0,
        "services": {"spotify": side(SP, spotify), "ytmusic": side(YT, ytmusic)},
        "truth": truth,
    }


SETTINGS = Settings(
    workers=1,  # one search at a time: a journey replays the same way
    # Within Settings' bounds: the model saves settings and restarts, and a value out of
    # bounds read back from settings.json is replaced by its default (3 per second).
    spotify=RateSettings(1000, 200),
    ytmusic=RateSettings(1000, 200),
    retry=RetrySettings(max_attempts=3, base_delay_s=0.001, max_delay_s=0.004),
    # New playlists at once: the spacing that keeps a real service from refusing a burst of
    # creations is tested on its own (tests/core/test_write_refusals.py).
    creation=CreationSettings(spacing_s=0.0),
)
SERVER = DemoServerConfig(latency_s=0.0005, limit=100_000, burst=10_000, seed=1)
WRITES = ("create_playlist", "add_items", "remove_items", "move_item")


class SimulatedKill(Exception):
    """The process dies here, after the write it interrupts has landed."""


class Faults:
    """Faults armed at the demo servers' edge (their request methods), as a network would
    cause them: writes that fail, a Stop or a death after some writes, a login that ends
    after some searches. Thread-safe: the writes run on the session's workers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.write_fault: tuple[str, int] | None = None  # (kind, writes before it strikes)
        self.writes = 0
        self.struck = False
        self.searches_left: int | None = None  # searches before the login ends
        self.searches_before_stop: int | None = None  # searches answered before a Stop
        self.stopped_searching = False  # that Stop came
        self.on_cancel: Callable[[], None] = lambda: None

    def install(self, service: DemoService) -> None:
        server = service.server
        for name in WRITES:
            real = getattr(server, name)
            setattr(server, name, self._write(real))
        server.search = self._search(server.search)

    def _write(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def write(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                fault = self.write_fault
                if fault is not None and fault[0] == "fail" and self.writes >= fault[1]:
                    self.struck = True
                    raise DemoHTTPError(503, "service unavailable (the test's fault)")
                if fault is not None and fault[0] == "kill" and self.struck:
                    raise SimulatedKill()
            answer = real(*args, **kwargs)
            with self._lock:
                self.writes += 1
                strike = fault is not None and self.writes >= fault[1] and not self.struck
                if strike:
                    self.struck = True
            if strike and fault is not None and fault[0] == "kill":
                raise SimulatedKill()
            if strike and fault is not None and fault[0] == "cancel":
                self.on_cancel()
            return answer

        return write

    def _search(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def search(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                stop = self.searches_before_stop == 0
                if self.searches_before_stop is not None:
                    self.searches_before_stop -= 1
                self.stopped_searching |= stop
            if stop:
                # The person presses Stop just as this search is sent: at this very search,
                # not wherever a timer would catch it, so that a journey replays the same.
                self.on_cancel()
                raise Cancelled()
            with self._lock:
                if self.searches_left is not None:
                    if self.searches_left <= 0:
                        raise DemoHTTPError(401, "please sign in again")
                    self.searches_left -= 1
            return real(*args, **kwargs)

        return search

    def arm_writes(self, kind: str, after: int) -> None:
        with self._lock:
            self.write_fault, self.writes, self.struck = (kind, after), 0, False

    def disarm_writes(self) -> bool:
        """Heal the writes; whether the fault struck."""
        with self._lock:
            struck = self.struck and self.write_fault is not None
            self.write_fault, self.struck = None, False
            return struck

    def stop_after(self, searches: int | None) -> None:
        with self._lock:
            self.searches_before_stop = searches
            self.stopped_searching = False

    def expire_login_after(self, searches: int | None) -> None:
        with self._lock:
            self.searches_left = searches


class World:
    """The demo library on disk and one Songbird over it; `reopen` is a restart."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="songbird-journey-"))
        self.catalogue = journey_catalogue()
        self.paths = AppPaths(self.folder / "config", self.folder / "data", self.folder / "log")
        self.config = DemoConfig(
            spotify=SERVER, ytmusic=SERVER, state_dir=self.folder / "demo", catalogue=self.catalogue
        )
        self.faults = Faults()
        Songbird(self.paths, demo=self.config, settings=SETTINGS).save_settings(SETTINGS)
        self.songbird: Songbird
        self.services: dict[ServiceId, DemoService] = {}
        self.reopen()

    def reopen(self) -> None:
        """A new Songbird on the same folders: settings, stores and demo state read from disk."""
        self.songbird = Songbird(self.paths, demo=self.config)
        services = self.songbird.demo_services()
        self.services = {sid: s for sid, s in services.items() if isinstance(s, DemoService)}
        for service in self.services.values():
            self.faults.install(service)

    def close(self) -> None:
        self.songbird.close()

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def store(self):
        return self.songbird.demo_store

    def playlists(self, service: ServiceId) -> list[Playlist]:
        return [p for p in self.services[service].list_playlists() if p.id != LIKED_PLAYLIST_ID]

    def ids(self, service: ServiceId, playlist_id: str) -> list[str]:
        playlist = Playlist(service, playlist_id, "")
        return [e.track.id or "" for e in self.services[service].playlist_entries(playlist)]
