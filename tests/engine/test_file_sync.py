"""Syncing from playlist files, end to end on the demo library: the demo's own Spotify data
export (written by `write_spotify_export`, as Spotify writes one: no lengths) opened in the
file source and synced into the demo YouTube Music by the same engine as a service."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from songbird_gui.app import Songbird
from songbird_gui.core.pairs import PairStore
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.playlist_files import FileFormat, file_names_for, read_path, write_playlist
from songbird_gui.core.playlist_files.library_export import export_playlists, write_spotify_export
from songbird_gui.core.settings import RateSettings, RetrySettings, Settings
from songbird_gui.core.types import ServiceId, SyncMode, TrackStatus
from songbird_gui.engine.session import SyncSession
from songbird_gui.services.demo import DemoConfig, DemoServerConfig

FILE, SP, YT = ServiceId.FILE, ServiceId.SPOTIFY, ServiceId.YTMUSIC
FAST = DemoServerConfig(latency_s=0.002, limit=2000, burst=200, seed=5)
SETTINGS = Settings(
    workers=8,
    spotify=RateSettings(rate=2000, burst=200),
    ytmusic=RateSettings(rate=2000, burst=200),
    retry=RetrySettings(max_attempts=4, base_delay_s=0.001, max_delay_s=0.01),
)


@pytest.fixture
def songbird(tmp_path: Path):
    config = DemoConfig(spotify=FAST, ytmusic=FAST, state_dir=tmp_path / "demo")
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    app = Songbird(paths, demo=config, settings=SETTINGS)
    yield app
    app.close()


@pytest.fixture
def export(songbird: Songbird, tmp_path: Path) -> Path:
    folder = tmp_path / "Downloads"
    return write_spotify_export(
        songbird.demo_services()[SP], folder / "my_spotify_data.zip", "2026-01-01"
    )


def sync(qtbot, songbird: Songbird, source: ServiceId, target: ServiceId, names, modes=None):
    """Plan, search and apply the playlists named `names`; the session (closed)."""
    services = songbird.demo_services()
    session = SyncSession(songbird.context(services), source, target)
    chosen = [p for p in services[source].list_playlists() if p.name in names]
    assert [p.name for p in chosen] == list(names)
    with qtbot.waitSignal(session.planned, timeout=20_000):
        session.plan(chosen, modes={p.id: m for p in chosen for m in [modes] if m})
    with qtbot.waitSignal(session.searchFinished, timeout=60_000):
        session.search()
    with qtbot.waitSignal(session.applied, timeout=60_000):
        session.apply()
    session.close()
    assert session.drain(10_000)
    return session


def test_a_data_export_syncs_into_youtube_music_and_a_second_sync_does_nothing(
    qtbot, songbird: Songbird, export: Path
) -> None:
    files = songbird.demo_services()[FILE]
    files.open(export)  # type: ignore[attr-defined]
    first = sync(qtbot, songbird, FILE, YT, ["Road Trip"])
    statuses = [row.status for row in first.rows]
    assert TrackStatus.ADDED in statuses and TrackStatus.QUEUED not in statuses
    added = sum(report.added for report in first.reports)
    target = next(p for p in songbird.demo_services()[YT].list_playlists() if p.name == "Road Trip")
    assert added > 0 and len(songbird.demo_services()[YT].playlist_tracks(target)) >= added
    (pair,) = PairStore(songbird.demo_store).all()
    assert (pair.source, pair.source_name, pair.target_name) == (FILE, "Road Trip", "Road Trip")

    second = sync(qtbot, songbird, FILE, YT, ["Road Trip"])
    assert second.figures.search_stats.requests == 0
    assert sum(report.added for report in second.reports) == 0


def test_a_track_with_a_spotify_uri_shares_the_memory_of_that_spotify_track(
    qtbot, songbird: Songbird, export: Path
) -> None:
    sync(qtbot, songbird, SP, YT, ["Gym Mix"])  # the service's own playlist, first
    songbird.demo_services()[FILE].open(export)  # type: ignore[attr-defined]
    from_file = sync(qtbot, songbird, FILE, YT, ["Gym Mix"])
    assert from_file.figures.search_stats.requests == 0  # every decision was remembered
    assert sum(report.added for report in from_file.reports) == 0


def test_into_spotify_a_track_the_file_names_is_its_own_match_unsearched(
    qtbot, songbird: Songbird, tmp_path: Path
) -> None:
    spotify = songbird.demo_services()[SP]
    road_trip = next(p for p in spotify.list_playlists() if p.name == "Road Trip")
    tracks = spotify.playlist_tracks(road_trip)[:5]
    m3u = tmp_path / "From The Radio.m3u8"
    write_playlist(m3u, FileFormat.M3U8, "From The Radio", tracks)
    songbird.demo_services()[FILE].open(m3u)  # type: ignore[attr-defined]
    session = sync(qtbot, songbird, FILE, SP, ["From The Radio"])
    assert session.figures.search_stats.requests == 0
    assert [r.status for r in session.rows] == [TrackStatus.ADDED] * 5
    created = next(p for p in spotify.list_playlists() if p.name == "From The Radio")
    assert [t.id for t in spotify.playlist_tracks(created)] == [t.id for t in tracks]


def test_a_mirror_follows_a_removal_in_a_newer_export(
    qtbot, songbird: Songbird, export: Path
) -> None:
    files = songbird.demo_services()[FILE]
    files.open(export)  # type: ignore[attr-defined]
    first = sync(qtbot, songbird, FILE, YT, ["Chill Evenings"], SyncMode.MIRROR)
    gone = next(r.entry.source for r in first.rows if r.status is TrackStatus.ADDED)
    youtube = songbird.demo_services()[YT]
    target = next(p for p in youtube.list_playlists() if p.name == "Chill Evenings")
    before = [t.id for t in youtube.playlist_tracks(target)]

    # The person removes a song from the playlist on Spotify and downloads a new export.
    with zipfile.ZipFile(export) as archive:
        texts = {i.filename: archive.read(i).decode("utf-8") for i in archive.infolist()}
    name = "Spotify Account Data/Playlist1.json"
    body = json.loads(texts[name])
    chill = next(p for p in body["playlists"] if p["name"] == "Chill Evenings")
    uri = f"spotify:track:{gone.id}"
    chill["items"] = [i for i in chill["items"] if (i["track"] or {}).get("trackUri") != uri]
    texts[name] = json.dumps(body)
    newer = export.with_name("my_spotify_data (1).zip")
    with zipfile.ZipFile(newer, "w") as archive:
        for file, text in texts.items():
            archive.writestr(file, text)
    files.open(newer)  # type: ignore[attr-defined]

    again = sync(qtbot, songbird, FILE, YT, ["Chill Evenings"])
    after = youtube.playlist_tracks(target)
    assert again.figures.search_stats.requests == 0
    assert len(after) == len(before) - 1
    assert gone.title not in [t.title for t in after]


def test_a_whole_library_exported_one_file_per_playlist_reads_back_the_same(
    songbird: Songbird, tmp_path: Path
) -> None:
    youtube = songbird.demo_services()[YT]
    playlists = youtube.list_playlists()
    written = export_playlists(youtube, playlists, FileFormat.XSPF, tmp_path / "backup")
    assert [p.name for p in written] == file_names_for([p.name for p in playlists], FileFormat.XSPF)
    for playlist, path in zip(playlists, written, strict=True):
        (read,) = read_path(path).playlists
        assert read.name == playlist.name
        assert [(t.service, t.id) for t in read.tracks] == [
            (t.service, t.id) for t in youtube.playlist_tracks(playlist)
        ]
