"""The demo library as a Spotify data export: shipped, current, and read back as the demo
Spotify's own playlists with nothing Spotify's export leaves out."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

from songbird_gui.app import Songbird
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.playlist_files import read_path
from songbird_gui.core.types import ServiceId
from songbird_gui.services.demo import DemoConfig, DemoServerConfig
from songbird_gui.services.demo_export import shipped_demo_export

GENERATOR = Path(__file__).resolve().parents[2] / "resources" / "demo" / "make_data_export.py"


def _texts(archive: Path) -> dict[str, str]:
    with zipfile.ZipFile(archive) as opened:
        return {i.filename: opened.read(i).decode("utf-8") for i in opened.infolist()}


def test_the_shipped_export_is_what_the_generator_writes_today(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_data_export", GENERATOR)
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    fresh = generator.make(tmp_path / "fresh.zip")
    assert _texts(fresh) == _texts(shipped_demo_export())


def test_the_shipped_export_holds_the_demo_spotify_playlists_without_lengths(
    tmp_path: Path,
) -> None:
    fast = DemoServerConfig(latency_s=0.0, limit=10_000.0, burst=1_000)
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    songbird = Songbird(paths, demo=DemoConfig(spotify=fast, ytmusic=fast))
    spotify = songbird.demo_services()[ServiceId.SPOTIFY]
    read = read_path(shipped_demo_export()).playlists
    playlists = spotify.list_playlists()
    assert [p.name for p in read] == ["Liked Songs", *(p.name for p in playlists[1:])]
    for file_playlist, playlist in zip(read, playlists, strict=True):
        tracks = spotify.playlist_tracks(playlist)
        assert [t.id for t in file_playlist.tracks] == [t.id for t in tracks]
        assert all(t.duration_ms is None and t.isrc is None for t in file_playlist.tracks)
    songbird.close()
