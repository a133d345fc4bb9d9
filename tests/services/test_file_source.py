"""The file source: the playlists of the files a person opened, offered as a service's are,
known by their folder and name, and never written to."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import Cancelled, NotFound, PermanentError
from songbird_gui.core.playlist_files import PlaylistFileError
from songbird_gui.core.throttle import request_scope
from songbird_gui.core.types import Playlist, PlaylistKind, ServiceId
from songbird_gui.services.file_source import FileSource, folder_in, name_in

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "playlist_files"
EXPORT = FIXTURES / "spotify_2025" / "Spotify Account Data"


def _zip_export(path: Path, replace: dict[str, str] | None = None) -> Path:
    """The fixture export zipped as Spotify sends it, some files' text replaced."""
    with zipfile.ZipFile(path, "w") as archive:
        for file in EXPORT.iterdir():
            text = (replace or {}).get(file.name, file.read_text(encoding="utf-8"))
            archive.writestr(f"Spotify Account Data/{file.name}", text)
    return path


def test_an_opened_export_offers_its_playlists_liked_songs_first(tmp_path: Path) -> None:
    source = FileSource()
    archive = _zip_export(tmp_path / "my_spotify_data.zip")
    opened = source.open(archive)
    assert opened == source.list_playlists()
    assert [(p.name, p.track_count, p.kind) for p in opened] == [
        ("Liked Songs", 2, PlaylistKind.LIKED),
        ("Harbour Evenings", 6, PlaylistKind.NORMAL),
        ("🌊", 1, PlaylistKind.NORMAL),
        ("Empty For Now", 0, PlaylistKind.NORMAL),
        ("Harbour Evenings (2)", 1, PlaylistKind.NORMAL),
    ]
    harbour = opened[1]
    assert harbour.service is ServiceId.FILE
    assert folder_in(harbour.id) == tmp_path.resolve() and name_in(harbour.id) == "Harbour Evenings"
    assert opened[4].id != harbour.id  # a second playlist of one name is another playlist
    tracks = source.playlist_tracks(harbour)
    assert [t.title for t in tracks][:2] == [
        "Lanterns on the Quay",
        "Salt & Cedar (feat. Ilo Varga) - Acoustic",
    ]
    assert [e.track for e in source.playlist_entries(harbour)] == tracks


def test_a_newer_export_in_the_same_folder_is_the_same_playlists_read_again(tmp_path: Path) -> None:
    source = FileSource()
    old = source.open(_zip_export(tmp_path / "my_spotify_data.zip"))
    shorter = (
        (EXPORT / "Playlist1.json")
        .read_text(encoding="utf-8")
        .replace("Lanterns on the Quay", "Lanterns on the Pier")
    )
    newer = source.open(
        _zip_export(tmp_path / "my_spotify_data (1).zip", {"Playlist1.json": shorter})
    )
    assert [p.id for p in newer] == [p.id for p in old]
    assert [p.id for p in source.list_playlists()] == [p.id for p in old]  # not listed twice
    titles = [t.title for t in source.playlist_tracks(old[1])]
    assert titles[0] == "Lanterns on the Pier"


def test_two_playlist_files_of_one_folder_are_both_offered(tmp_path: Path) -> None:
    for name in ("watsonbox_2021.csv", "road_trip.m3u8"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    source = FileSource()
    source.open(tmp_path / "watsonbox_2021.csv")
    source.open(tmp_path / "road_trip.m3u8")
    assert [p.name for p in source.list_playlists()] == ["watsonbox 2021", "Road Trip"]


def test_a_remembered_playlist_is_found_in_its_folder_without_being_opened(tmp_path: Path) -> None:
    archive = _zip_export(tmp_path / "my_spotify_data.zip")
    first = FileSource()
    harbour = first.open(archive)[1]
    # Another run (cron's `sync --pairs`) knows the pair, not the file.
    later = FileSource(remembered=lambda: [harbour.id])
    assert [p.id for p in later.list_playlists()] == [harbour.id]
    assert later.playlist_tracks(harbour) == first.playlist_tracks(harbour)


def test_a_playlist_no_longer_in_its_file_is_not_found_in_words(tmp_path: Path) -> None:
    source = FileSource()
    gone = Playlist(ServiceId.FILE, (tmp_path / "x").as_uri() + "#playlist=Gone", "Gone")
    with pytest.raises(NotFound, match=r"“Gone” is no longer in a playlist file in"):
        source.playlist_tracks(gone)


def test_a_bad_file_is_refused_and_offers_nothing(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    source = FileSource()
    with pytest.raises(PlaylistFileError, match="is not a file Songbird reads"):
        source.open(tmp_path / "notes.txt")
    assert source.list_playlists() == []


def test_a_file_is_never_written_or_searched(tmp_path: Path) -> None:
    source = FileSource()
    playlist = source.open(FIXTURES / "road_trip.m3u8")[0]
    track = source.playlist_tracks(playlist)[0]
    assert source.search_queries(track) == []
    for write in (
        lambda: source.create_playlist("x", ""),
        lambda: source.add_tracks(playlist, ["a"]),
        lambda: source.remove_entries(playlist, [], [0]),
        lambda: source.move_entry(playlist, [], 0, None),
    ):
        with pytest.raises(PermanentError, match="never writes to them"):
            write()


def test_stop_ends_a_long_read(tmp_path: Path) -> None:
    big = tmp_path / "Playlist1.json"
    item = '{"track": {"trackName": "T", "artistName": "A", "albumName": "", "trackUri": ""}}'
    big.write_text('{"playlists": [' + ",".join(
        f'{{"name": "P{n}", "items": [{",".join([item] * 200)}]}}' for n in range(400)
    ) + "]}", encoding="utf-8")  # fmt: skip
    stop = CancelToken()
    stop.cancel()
    with request_scope(stop), pytest.raises(Cancelled):
        FileSource().open(big)


def test_a_file_set_aside_in_an_opened_folder_is_said(tmp_path: Path) -> None:
    shutil.copytree(EXPORT, tmp_path / "export")
    (tmp_path / "export" / "broken.jspf").write_text("{", encoding="utf-8")
    source = FileSource()
    assert len(source.open(tmp_path / "export")) == 5
    assert len(source.skipped) == 1 and source.skipped[0].startswith("“export/broken.jspf”")
    source.open(FIXTURES / "road_trip.m3u8")
    assert source.skipped == []
