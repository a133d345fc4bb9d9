"""Writes the demo library's Spotify side as a Spotify data export: `my_spotify_data.zip`.

Rerun it with `python resources/demo/make_data_export.py` (from the repository root) after
`make_catalogue.py` changed the catalogue; the test suite checks that the shipped zip holds
what this writes. It reads the demo Spotify service as shipped (no state, no latency) and
writes its playlists and liked songs as Spotify's own export would hold them: no lengths, no
ISRCs, no explicit flags.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from songbird_gui.app import Songbird
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.settings import RateSettings, Settings
from songbird_gui.core.types import ServiceId
from songbird_gui.services.demo import DemoConfig, DemoServerConfig
from songbird_gui.services.demo_export import SHIPPED_NAME, write_demo_data_export

OUT = Path(__file__).with_name(SHIPPED_NAME)


def make(destination: Path) -> Path:
    """The shipped demo library's export, written to `destination`."""
    unlimited = DemoServerConfig(latency_s=0.0, limit=10_000.0, burst=1_000)
    rate = RateSettings(rate=10_000.0, burst=1_000)
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        songbird = Songbird(
            AppPaths(here / "config", here / "data", here / "log"),
            demo=DemoConfig(spotify=unlimited, ytmusic=unlimited),
            settings=Settings(spotify=rate, ytmusic=rate),
        )
        try:
            return write_demo_data_export(songbird.demo_services()[ServiceId.SPOTIFY], destination)
        finally:
            songbird.close()


if __name__ == "__main__":
    print(f"wrote {make(OUT)}")
