"""Playlist files: what a person downloaded or exported, read as they would see it in
Songbird, and written back so that another tool (or Songbird) finds the same tracks.

The fixtures (tests/fixtures/playlist_files, see its README) follow the shapes of public
samples of each format with invented names.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from songbird_gui.core.playlist_files import (
    MAX_FILE_BYTES,
    FileFormat,
    PlaylistFileError,
    file_names_for,
    read_path,
    write_playlist,
)
from songbird_gui.core.playlist_files.json_stream import JsonStream
from songbird_gui.core.playlist_files.spotify_export import export_files
from songbird_gui.core.track_links import named_track
from songbird_gui.core.types import PlaylistKind, ServiceId, Track, TrackKind

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "playlist_files"
EXPORT = FIXTURES / "spotify_2025"
SP, YT, FILE = ServiceId.SPOTIFY, ServiceId.YTMUSIC, ServiceId.FILE


def _by_name(path: Path) -> dict[str, list[Track]]:
    return {p.name: list(p.tracks) for p in read_path(path).playlists}


# -- Spotify's data export ---------------------------------------------------------------------


def test_the_unpacked_export_reads_as_liked_songs_first_then_every_playlist() -> None:
    result = read_path(EXPORT)
    assert [(p.name, p.kind) for p in result.playlists] == [
        ("Liked Songs", PlaylistKind.LIKED),
        ("Harbour Evenings", PlaylistKind.NORMAL),
        ("🌊", PlaylistKind.NORMAL),
        ("Empty For Now", PlaylistKind.NORMAL),
        ("Harbour Evenings", PlaylistKind.NORMAL),  # Playlist2.json's, of the same name
    ]
    assert result.skipped == ()  # Userdata.json is not a playlist file: not even looked at
    harbour = result.playlists[1]
    assert harbour.description == "songs for when it's dark at five & cold"
    assert harbour.modified == "2025-03-14"


def test_an_export_entry_is_the_spotify_track_its_uri_names_with_nothing_else_known() -> None:
    lanterns, salt, *_ = read_path(EXPORT).playlists[1].tracks
    assert lanterns == Track(
        SP, "0aB1cD2eF3gH4iJ5kL6mN7", "Lanterns on the Quay", ("Mira Solberg",), "Tidewater",
        duration_ms=None, isrc=None, explicit=None,
    )  # fmt: skip
    # Several artists stay as Spotify joined them; an empty album is no album.
    assert salt.artists == ("The Drift Lanterns, Ilo Varga",)
    assert salt.album is None


def test_episodes_local_files_and_empty_entries_are_listed_as_not_syncable() -> None:
    entries = read_path(EXPORT).playlists[1].tracks
    episode, local, empty = entries[2], entries[3], entries[4]
    assert episode.unsyncable_reason == "podcast episode: only music is synced"
    assert (episode.title, episode.artists) == ("Ep. 12 // Why ferries sing", ("Coastal Notes",))
    assert local.kind is TrackKind.LOCAL_FILE
    assert (local.title, local.artists) == ("Foghorn Waltz", ("Kestrel Row",))
    assert empty.unsyncable_reason == "removed or unavailable on the service"
    audiobook = read_path(EXPORT).playlists[4].tracks[0]
    assert audiobook.unsyncable_reason == "audiobook: only music is synced"


def test_the_zip_as_downloaded_and_each_file_alone_read_the_same(tmp_path: Path) -> None:
    archive = tmp_path / "my_spotify_data.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for file in (EXPORT / "Spotify Account Data").iterdir():
            out.write(file, f"Spotify Account Data/{file.name}")
    from_zip = read_path(archive).playlists
    assert [(p.name, p.tracks) for p in from_zip] == [
        (p.name, p.tracks) for p in read_path(EXPORT).playlists
    ]
    assert from_zip[0].file == "my_spotify_data.zip: Spotify Account Data/YourLibrary.json"
    liked = read_path(EXPORT / "Spotify Account Data" / "YourLibrary.json").playlists
    assert [t.title for t in liked[0].tracks] == ["Lanterns on the Quay", "Low Tide (Live)"]


def test_an_old_export_without_uris_gives_file_tracks_known_by_their_words() -> None:
    first = read_path(FIXTURES / "spotify_2020").playlists[0].tracks
    again = read_path(FIXTURES / "spotify_2020" / "Playlist1.json").playlists[0].tracks
    assert [t.service for t in first] == [FILE, FILE]
    assert first == again  # the same words, the same id: what is remembered is found again
    assert first[0].id != first[1].id
    assert (first[0].title, first[0].artists, first[0].album) == (
        "Paper Moons", ("Dalia Fenn",), "Night Shift Radio",
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(st.text(max_size=30), max_size=8),
    chunk=st.integers(1, 64),
    indent=st.sampled_from([None, 0, 2]),
)
def test_a_playlist_file_read_in_pieces_of_any_size_reads_the_same(
    names: list[str], chunk: int, indent: int | None
) -> None:
    body = {"playlists": [{"name": n, "items": [{"n": 12345}]} for n in names], "x": [1.5e3]}
    text = json.dumps(body, indent=indent, ensure_ascii=False)
    reader = JsonStream(io.StringIO(text), chunk=chunk)
    read: dict[str, object] = {}
    for key in reader.members():
        read[key] = list(reader.items())
    reader.end()
    assert read == body


# -- CSV ---------------------------------------------------------------------------------------


def test_exportify_2015_columns_read() -> None:
    gravel, night = _by_name(FIXTURES / "watsonbox_2015.csv")["watsonbox 2015"]
    assert gravel == Track(
        SP, "7hI8jK9lM0nO1pQ2rS3tU4", "Gravel Road", ("Hollis Burke",), "Dust & Diesel", 241000,
        explicit=None,
    )  # fmt: skip
    assert night.duration_ms == 198500


def test_exportify_2021_columns_with_escaped_commas_isrc_and_explicit() -> None:
    ferris, edit = _by_name(FIXTURES / "watsonbox_2021.csv")["watsonbox 2021"]
    assert ferris.artists == ("Juniper, Fox & Lane", "Pell Ashby")
    assert (ferris.title, ferris.duration_ms, ferris.isrc, ferris.explicit) == (
        "Ferris Wheel, Slowly", 203456, "USXX11900123", True,
    )  # fmt: skip
    assert (edit.isrc, edit.explicit) == (None, False)


def test_exportify_translated_headers_read_in_any_order() -> None:
    (track,) = _by_name(FIXTURES / "watsonbox_de_2024.csv")["watsonbox de 2024"]
    assert (track.service, track.title, track.artists, track.album, track.duration_ms) == (
        SP, "Straßenbahn um Mitternacht", ("Klara Wendt",), "Linie 7", 215000,
    )  # fmt: skip


def test_the_fork_with_bare_ids_and_semicolon_artists_reads() -> None:
    (old,) = _by_name(FIXTURES / "pavelkomarov_2019.csv")["pavelkomarov 2019"]
    assert (old.service, old.id, old.artists, old.duration_ms) == (
        SP, "2mN3oP4qR5sT6uV7wX8yZ9", ("Ravi Anand", "Soli, the Band"), 187000,
    )  # fmt: skip
    (new,) = _by_name(FIXTURES / "pavelkomarov_2024.csv")["pavelkomarov 2024"]
    assert (new.title, new.artists, new.explicit) == (
        'Lighthouse "Keeper"', ("Marta Vieira", "Olu Daniels"), False,
    )  # fmt: skip


def test_a_csv_with_a_playlist_column_holds_several_playlists(tmp_path: Path) -> None:
    path = tmp_path / "tunes.csv"
    path.write_text(
        "Playlist name;Track name;Artist name;Album\nGym;Lift;Ana;One\nSleep;Hush;Bo;\n"
        "Gym;Run;Cy;Two\n",
        encoding="utf-8",
    )
    read = _by_name(path)
    assert {name: [t.title for t in tracks] for name, tracks in read.items()} == {
        "Gym": ["Lift", "Run"],
        "Sleep": ["Hush"],
    }
    assert read["Sleep"][0].service is FILE and read["Sleep"][0].album is None


# -- M3U, XSPF, JSPF ---------------------------------------------------------------------------


def test_an_m3u8_reads_extinf_lengths_artist_title_links_and_file_names() -> None:
    (playlist,) = read_path(FIXTURES / "road_trip.m3u8").playlists
    gravel, night, keep, parade = playlist.tracks
    assert playlist.name == "Road Trip"
    assert (gravel.service, gravel.id, gravel.album, gravel.duration_ms) == (
        SP, "7hI8jK9lM0nO1pQ2rS3tU4", "Dust & Diesel", 241000,
    )  # fmt: skip
    assert (night.service, night.id, night.artists, night.title) == (
        YT, "AbCdEfGhIjK", ("Vera Lind",), "Night Train to Oslo",
    )  # fmt: skip
    assert (keep.service, keep.title, keep.artists, keep.duration_ms) == (
        FILE, "Keep Driving", (), None,
    )  # fmt: skip
    assert (parade.title, parade.artists) == ("Sleepwalker's Parade", ("Tomas Wren",))


def test_xspf_and_jspf_read() -> None:
    (xspf,) = read_path(FIXTURES / "night_drive.xspf").playlists
    moons, parade = xspf.tracks
    assert (xspf.name, xspf.description) == ("Night Drive", "after midnight")
    assert (moons.service, moons.id, moons.duration_ms) == (SP, "4oP5qR6sT7uV8wX9yZ0aB1", 201000)
    assert (parade.service, parade.artists, parade.album) == (FILE, ("Tomas Wren",), None)
    (jspf,) = read_path(FIXTURES / "listenbrainz.jspf").playlists
    night, wellen = jspf.tracks
    assert jspf.name == "Weekly Jams, week of 2024-05-01"
    assert (night.service, night.duration_ms, night.album) == (FILE, 198500, "Northbound")
    assert (wellen.service, wellen.id) == (YT, "ZyXwVuTsRqP")


# -- files that cannot be read: one sentence, nothing else -------------------------------------


def _refused(path: Path) -> str:
    with pytest.raises(PlaylistFileError) as refused:
        read_path(path)
    message = str(refused.value)
    assert "\n" not in message and message.endswith(".")
    return message


def test_a_file_of_another_kind_is_refused_saying_what_is_read(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    assert "“notes.txt” is not a file Songbird reads" in _refused(tmp_path / "notes.txt")
    (tmp_path / "Playlist1.json").write_text('{"playlists": [', encoding="utf-8")
    assert "“Playlist1.json” is not a file of Spotify's data export" in _refused(
        tmp_path / "Playlist1.json"
    )
    (tmp_path / "sheet.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert "has no columns of track names" in _refused(tmp_path / "sheet.csv")


def test_a_missing_file_a_zip_without_playlists_and_a_damaged_zip(tmp_path: Path) -> None:
    assert "could not be read" in _refused(tmp_path / "gone.zip")
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("Spotify Account Data/Userdata.json", "{}")
    assert "“photos.zip” holds no playlists" in _refused(archive)
    (tmp_path / "cut.zip").write_bytes(archive.read_bytes()[:30])
    assert "is not a zip file that can be opened" in _refused(tmp_path / "cut.zip")


def test_text_that_is_not_utf8_is_refused_with_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "latin.csv").write_bytes("Track Name,Artist\nCafé,Zoë\n".encode("latin-1"))
    assert "“latin.csv” is not UTF-8 text: save it as UTF-8" in _refused(tmp_path / "latin.csv")


def test_a_file_over_500_mb_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "Playlist1.json"
    with big.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used, and never read
    assert "“Playlist1.json” is over 500 MB" in _refused(big)


def test_in_a_folder_a_bad_file_is_set_aside_and_the_others_read(tmp_path: Path) -> None:
    shutil.copytree(EXPORT, tmp_path / "export")
    (tmp_path / "export" / "broken.jspf").write_text("{", encoding="utf-8")
    result = read_path(tmp_path / "export")
    assert len(result.playlists) == 5
    assert len(result.skipped) == 1 and "broken.jspf" in result.skipped[0]


# -- writing -----------------------------------------------------------------------------------

WRITTEN = (
    Track(SP, "0aB1cD2eF3gH4iJ5kL6mN7", "Salt, Cedar", ("Juniper, Fox & Lane", "Ilo"), "Tide",
          203456, "USXX11900123", True),
    Track(YT, "AbCdEfGhIjK", 'Night "Train"', ("Vera Lind",), None, 198000, explicit=None),
    Track(SP, "9jK0lM1nO2pQ3rS4tU5vW6", "<Ampersand & Co>", (), "", None),
)  # fmt: skip


@pytest.mark.parametrize("file_format", [FileFormat.CSV, FileFormat.JSPF, FileFormat.XSPF])
def test_a_written_playlist_reads_back_as_the_same_tracks(
    tmp_path: Path, file_format: FileFormat
) -> None:
    path = tmp_path / f"mix{file_format.suffix}"
    write_playlist(path, file_format, "Mix", WRITTEN, "for the road")
    (playlist,) = read_path(path).playlists
    assert [(t.service, t.id, t.title, t.duration_ms) for t in playlist.tracks] == [
        (t.service, t.id, t.title, t.duration_ms) for t in WRITTEN
    ]
    first = playlist.tracks[0]
    assert first.album == "Tide"
    assert first.artists in (("Juniper, Fox & Lane", "Ilo"), ("Juniper, Fox & Lane, Ilo",))
    if file_format is FileFormat.CSV:
        assert (first.isrc, first.explicit) == ("USXX11900123", True)
    else:
        assert playlist.name == "Mix" and playlist.description == "for the road"


def test_a_written_m3u8_carries_lengths_in_seconds_names_and_links(tmp_path: Path) -> None:
    path = tmp_path / "mix.m3u8"
    write_playlist(path, FileFormat.M3U8, "Mix", WRITTEN)
    text = path.read_text(encoding="utf-8")
    assert "#EXTINF:203,Juniper, Fox & Lane, Ilo - Salt, Cedar\n#EXTALB:Tide\n" in text
    assert "https://open.spotify.com/track/0aB1cD2eF3gH4iJ5kL6mN7" in text
    assert "https://music.youtube.com/watch?v=AbCdEfGhIjK" in text
    (playlist,) = read_path(path).playlists
    assert [(t.service, t.id) for t in playlist.tracks] == [(t.service, t.id) for t in WRITTEN]
    assert playlist.name == "Mix" and playlist.tracks[1].duration_ms == 198000


def test_jspf_is_written_in_the_shape_other_tools_read(tmp_path: Path) -> None:
    path = tmp_path / "mix.jspf"
    write_playlist(path, FileFormat.JSPF, "Mix", WRITTEN[:1])
    body = json.loads(path.read_text(encoding="utf-8"))
    assert body == {
        "playlist": {
            "title": "Mix",
            "track": [
                {
                    "title": "Salt, Cedar",
                    "creator": "Juniper, Fox & Lane, Ilo",
                    "album": "Tide",
                    "duration": 203456,
                    "identifier": ["https://open.spotify.com/track/0aB1cD2eF3gH4iJ5kL6mN7"],
                    "location": ["https://open.spotify.com/track/0aB1cD2eF3gH4iJ5kL6mN7"],
                }
            ],
        }
    }


def test_a_write_that_fails_leaves_nothing_and_the_older_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "backups" / "mix.csv"
    path.parent.mkdir()
    path.write_text("the older backup", encoding="utf-8")

    def tracks_then_failure():
        yield WRITTEN[0]
        raise OSError(28, "No space left on device")

    with pytest.raises(PlaylistFileError, match=r"“.*mix.csv” could not be written: No space"):
        write_playlist(path, FileFormat.CSV, "Mix", tracks_then_failure())
    assert path.read_text(encoding="utf-8") == "the older backup"
    assert sorted(p.name for p in path.parent.iterdir()) == ["mix.csv"]


def test_one_file_name_per_playlist_valid_everywhere() -> None:
    names = file_names_for(["Road Trip", "road trip", "a/b: c?", "CON", ""], FileFormat.JSPF)
    assert names == ["Road Trip.jspf", "road trip (2).jspf", "a_b_ c_.jspf", "_CON.jspf",
                     "playlist.jspf"]  # fmt: skip


SP_ID = "0aB1cD2eF3gH4iJ5kL6mN7"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("spotify:track:0aB1cD2eF3gH4iJ5kL6mN7", (SP, SP_ID)),
        ("https://open.spotify.com/intl-de/track/0aB1cD2eF3gH4iJ5kL6mN7?si=x", (SP, SP_ID)),
        ("https://youtu.be/AbCdEfGhIjK", (YT, "AbCdEfGhIjK")),
        ("https://www.youtube.com/watch?v=AbCdEfGhIjK&list=RD", (YT, "AbCdEfGhIjK")),
        ("spotify:episode:0aB1cD2eF3gH4iJ5kL6mN7", None),
        ("https://open.spotify.com/album/0aB1cD2eF3gH4iJ5kL6mN7", None),
        ("https://example.com/watch?v=AbCdEfGhIjK", None),
        ("C:\\Music\\song.mp3", None),
    ],
)  # fmt: skip
def test_the_track_a_link_names(text: str, named: tuple[ServiceId, str] | None) -> None:
    assert named_track(text) == named


def test_an_export_written_as_spotify_writes_it_reads_back(tmp_path: Path) -> None:
    song = Track(SP, SP_ID, "Salt, Cedar", ("Juniper, Fox & Lane", "Ilo"), "Tide", 203456)
    episode = Track(
        SP, "2cD3eF4gH5iJ6kL7mN8oP9", "Ep. 1", ("Coastal Notes",), kind=TrackKind.EPISODE
    )
    local = Track(
        SP, None, "Foghorn Waltz", ("Kestrel Row",), "Demo", 212000, kind=TrackKind.LOCAL_FILE
    )
    files = export_files([("Mix", "it's & more", [song, episode, local])], [song], "2026-03-01")
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    liked, mix = read_path(tmp_path).playlists
    assert (mix.name, mix.description, mix.modified) == ("Mix", "it's & more", "2026-03-01")
    read_song, read_episode, read_local = mix.tracks
    assert read_song == Track(SP, SP_ID, "Salt, Cedar", ("Juniper, Fox & Lane, Ilo",), "Tide",
                              explicit=None)  # fmt: skip
    assert (read_episode.kind, read_episode.title) == (TrackKind.EPISODE, "Ep. 1")
    assert (read_local.kind, read_local.title, read_local.artists) == (
        TrackKind.LOCAL_FILE, "Foghorn Waltz", ("Kestrel Row",),
    )  # fmt: skip
    assert [t.artists for t in liked.tracks] == [("Juniper, Fox & Lane",)]  # the first, as Spotify


def test_a_json_file_of_another_name_is_read_by_what_it_holds(tmp_path: Path) -> None:
    spotify = tmp_path / "playlists backup.json"
    spotify.write_bytes((EXPORT / "Spotify Account Data" / "Playlist1.json").read_bytes())
    assert [p.name for p in read_path(spotify).playlists] == ["Harbour Evenings", "🌊"]
    jspf = tmp_path / "weekly.json"
    jspf.write_bytes((FIXTURES / "listenbrainz.jspf").read_bytes())
    assert read_path(jspf).playlists[0].name == "Weekly Jams, week of 2024-05-01"
    (tmp_path / "other.json").write_text('{"songs": []}', encoding="utf-8")
    assert 'it has no "playlists" list' in _refused(tmp_path / "other.json")
