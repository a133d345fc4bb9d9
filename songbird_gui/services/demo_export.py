"""The demo library as a Spotify data export, so that the whole path of a person without a
Spotify app (download the export, open it, sync it into YouTube Music) can be tried offline.

`write_demo_data_export` writes the demo Spotify's playlists and liked songs as Spotify
writes them (no lengths, no ISRCs, no explicit flags); `resources/demo/my_spotify_data.zip`
is the one of the demo as shipped, made by `resources/demo/make_data_export.py`, and
`shipped_demo_export()` finds it in any installation.
"""

from __future__ import annotations

from pathlib import Path

from songbird_gui import resources_path
from songbird_gui.core.playlist_files.library_export import write_spotify_export
from songbird_gui.core.service import MusicService

# The date the demo's export gives every playlist and entry: a fixed one, so that the same
# demo library gives the same file.
DEMO_EXPORT_DATE = "2026-03-01"
SHIPPED_NAME = "my_spotify_data.zip"


def write_demo_data_export(spotify: MusicService, destination: Path) -> Path:
    """The demo Spotify's playlists and liked songs, as they are now, as a data export: a
    zip when `destination` ends in .zip, else a folder of its files."""
    return write_spotify_export(spotify, destination, DEMO_EXPORT_DATE)


def shipped_demo_export() -> Path:
    """The export of the demo library as shipped (before any demo sync changed it)."""
    return resources_path() / "demo" / SHIPPED_NAME
