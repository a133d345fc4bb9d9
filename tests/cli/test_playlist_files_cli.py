"""Playlists from files and to files, on the command line: `playlists --file`, `sync --file …
--to …`, `export` (one playlist, or `--all`), a file that cannot be used refused with exit 2,
and a person with YouTube Music alone connected syncing a playlist file and then its pair
with `sync --pairs`, as cron does."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest

from songbird_gui.core.exit_codes import (
    EXIT_NO_ACCOUNT,
    EXIT_OK,
    EXIT_PAIRS_FAILED,
    EXIT_UNKNOWN_PLAYLIST,
    EXIT_USAGE,
)
from songbird_gui.core.pairs import PairStore
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import Playlist, ServiceId
from songbird_gui.services.accounts import Accounts
from songbird_gui.services.demo_export import shipped_demo_export
from songbird_gui.services.secrets import FileSecretStore
from tests.cli.test_cli_surface import RUN_FIGURES
from tests.cli.test_pairs_cli import DEMO, FAST, last_json, run
from tests.reliability.fake_apis import FakeSpotify, FakeYouTubeMusic, twin_catalogue
from tests.reliability.fault_server import FaultServer, route_to
from tests.security.test_no_secret_left_behind import COOKIE_VALUE, HEADERS

pytestmark = pytest.mark.usefixtures("qapp")

EXPORT = str(shipped_demo_export())


def test_playlists_of_a_file_are_listed_like_a_services(capsys) -> None:
    code, out, err = run(capsys, "playlists", "--file", EXPORT, "--json", *DEMO)
    assert code == EXIT_OK, err
    listed = json.loads(out)
    assert {frozenset(p) for p in listed} == {frozenset({"id", "name", "owner", "tracks", "kind"})}
    assert listed[0]["name"] == "Liked Songs" and listed[0]["kind"] == "liked"
    assert "Road Trip" in [p["name"] for p in listed]


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("Playlist1.json", None, "could not be read"),
        ("Playlist1.json", b"\x00\x01 garbage, not JSON", "Playlist1.json"),
        ("playlist.m3u8", b"\xff\xfe#EXTM3U\n", "is not UTF-8 text"),
        ("export.zip", "a zip", "holds no playlists"),
    ],
    ids=["missing", "not-a-playlist", "not-utf8", "zip-without-playlists"],
)
def test_a_file_that_cannot_be_used_is_exit_2_in_one_sentence(
    capsys, tmp_path: Path, name: str, content: bytes | str | None, why: str
) -> None:
    path = tmp_path / name
    if content == "a zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("notes.txt", "no playlist here")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    listing = ["playlists", "--file", str(path), *DEMO]
    for command in (listing, ["sync", "--file", str(path), "--all", *FAST]):
        code, out, err = run(capsys, *command)
        assert code == EXIT_USAGE and out == "", err
        (said,) = err.splitlines()
        assert said.startswith("songbird: “") and name in said and why in said, said
    assert not (AppPaths.default().demo_state_dir / "demo-ytmusic.json").exists()  # nothing written


def test_sync_from_a_data_export_reports_the_figures_of_any_sync_and_adds_nothing_twice(
    capsys,
) -> None:
    code, out, err = run(capsys, "sync", "--file", EXPORT, "--playlist", "Gym Mix",
                         "--dry-run", *FAST)  # fmt: skip
    assert code == EXIT_OK, err
    assert out.startswith("Gym Mix → Gym Mix (new) (") and "nothing was written" in out

    code, out, err = run(capsys, "sync", "--file", EXPORT, "--to", "ytmusic", "--playlist",
                         "Gym Mix", "--json", *FAST)  # fmt: skip
    assert code == EXIT_OK, err
    first = last_json(out)
    assert set(first) >= RUN_FIGURES and first["search_requests"] > 0
    assert first["created"] == ["Gym Mix"] and first["added"] > 50
    assert "Gym Mix → Gym Mix (YouTube Music): created" in out

    code, out, err = run(capsys, "sync", "--file", EXPORT, "--playlist", "gym mix", "--json",
                         *FAST)  # fmt: skip
    assert code == EXIT_OK, err
    again = last_json(out)
    assert (again["search_requests"], again["added"], again["created"]) == (0, 0, [])

    code, _, err = run(capsys, "sync", "--file", EXPORT, "--playlist", "Nope", *FAST)
    assert code == EXIT_UNKNOWN_PLAYLIST and f'no playlist named "Nope" in {EXPORT}' in err


def test_export_writes_one_playlist_or_every_one_each_named_after_it(
    capsys, tmp_path: Path
) -> None:
    jspf = tmp_path / "road.jspf"
    code, out, err = run(capsys, "export", "Road Trip", "--service", "ytmusic", "--format",
                         "jspf", "-o", str(jspf), *DEMO)  # fmt: skip
    assert code == EXIT_OK, err
    assert out.startswith("Wrote “Road Trip” (") and str(jspf) in out
    playlist = json.loads(jspf.read_text(encoding="utf-8"))["playlist"]
    assert playlist["title"] == "Road Trip" and playlist["track"]
    assert {"title", "creator", "album", "duration", "identifier"} <= set(playlist["track"][0])

    folder = tmp_path / "backup"
    code, out, err = run(capsys, "export", "--all", "--format", "csv", "-o", str(folder), *DEMO)
    assert code == EXIT_OK, err
    code, listed, _ = run(capsys, "playlists", "--json", *DEMO)
    names = [p["name"] for p in json.loads(listed)]
    assert sorted(p.stem for p in folder.iterdir()) == sorted(names)
    with (folder / "Road Trip.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    road = next(p for p in json.loads(listed) if p["name"] == "Road Trip")
    assert len(rows) == road["tracks"]
    # What was written reads back as the very same playlists.
    code, out, _ = run(capsys, "playlists", "--file", str(folder), "--json", *DEMO)
    assert sorted(p["name"] for p in json.loads(out)) == sorted(names)

    code, _, err = run(capsys, "export", "Nope", "--format", "m3u8", *DEMO)
    assert code == EXIT_UNKNOWN_PLAYLIST and 'no playlist named "Nope"' in err

    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("a file, not a folder", encoding="utf-8")
    for command in (
        ["export", "Road Trip", "--format", "csv", "-o", str(not_a_folder / "road.csv")],
        ["export", "--all", "--format", "csv", "-o", str(not_a_folder / "backup")],
    ):
        code, out, err = run(capsys, *command, *DEMO)
        assert code == EXIT_USAGE and out == "", err
        (said,) = err.splitlines()
        assert said.startswith(f"songbird: “{not_a_folder}") and "could not be" in said, said


def test_with_youtube_music_alone_a_file_syncs_and_its_pair_syncs_on_with_sync_pairs(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, `sync --pairs` needed both accounts: a person without a Spotify app, who syncs
    from their data export, could not run it from cron."""
    secrets = tmp_path / "secrets.json"
    _, yt_songs = twin_catalogue(6)
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    m3u8 = downloads / "Running.m3u8"

    def write_running(songs: int) -> None:
        lines = ["#EXTM3U", "#PLAYLIST:Running"]
        for song in yt_songs[:songs]:
            lines += [f"#EXTINF:{song.seconds},{song.artist} - {song.title}", f"{song.title}.mp3"]
        m3u8.write_text("\n".join(lines) + "\n", encoding="utf-8")

    write_running(4)
    with_file = ["--secrets-file", str(secrets)]

    code, _, err = run(capsys, "sync", "--file", str(m3u8), "--all", *with_file)
    assert code == EXIT_NO_ACCOUNT
    assert err.startswith("songbird: YouTube Music is not connected, and `songbird sync --file`")
    code, _, err = run(capsys, "sync", "--pairs", *with_file)
    assert code == EXIT_NO_ACCOUNT and "`songbird sync --pairs` writes into them" in err, err

    Accounts(FileSecretStore(secrets)).save_ytmusic_headers(HEADERS)
    ytmusic = FakeYouTubeMusic(yt_songs, session=COOKIE_VALUE)
    with FaultServer(FakeSpotify([]), ytmusic) as server:
        route_to(server, monkeypatch)
        code, out, err = run(capsys, "sync", "--file", str(m3u8), "--all", "--json", *with_file)
        assert code == EXIT_OK, err
        assert last_json(out)["added"] == 4

        write_running(5)  # one song more
        code, out, err = run(capsys, "sync", "--pairs", "--json", *with_file)
        assert code == EXIT_OK, err
        assert "Running → Running (YouTube Music): updated, 1 added" in out

        # A pair of Spotify's, from when it was connected: skipped, the file's synced on.
        store = MatchStore(AppPaths.default().match_store)
        spotify_pair = PairStore(store).ensure(
            Playlist(ServiceId.SPOTIFY, "sp1", "Old Mix"), Playlist(ServiceId.YTMUSIC, "yt1", "Old")
        )
        store.close()
        write_running(6)
        code, out, err = run(capsys, "sync", "--pairs", *with_file)
        assert code == EXIT_NO_ACCOUNT, err
        assert "Old Mix (Spotify) → Old (YouTube Music), add only: skipped: Spotify is not " \
            "connected" in out  # fmt: skip
        assert "Running → Running (YouTube Music): updated, 1 added" in out
        store = MatchStore(AppPaths.default().match_store)
        PairStore(store).unlink(spotify_pair.pair_id)
        store.close()

        m3u8.unlink()  # the file's playlist gone: its pair pauses, saying where it was looked for
        code, out, err = run(capsys, "sync", "--pairs", *with_file)
        assert code == EXIT_PAIRS_FAILED, err
        assert f"paused: “Running” is no longer in a playlist file in {downloads}" in out
    (running,) = [p for p in ytmusic.playlists.values() if p.name == "Running"]
    assert running.entries == [song.id for song in yt_songs[:6]]  # nothing removed
