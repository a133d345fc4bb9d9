"""The demo library's kept files: a state file or a lock that cannot be used is set aside byte
for byte and said, the playlists start again from the catalogue, and nothing is overwritten
unseen; options no service could have are refused."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from songbird_gui.core.kept_file import Notices
from songbird_gui.core.types import ServiceId
from songbird_gui.services.demo import DemoServerConfig, forget_demo_state, state_file
from songbird_gui.services.demo_server import DemoServer, load_catalogue

YT = ServiceId.YTMUSIC
INSTANT = DemoServerConfig(latency_s=0.0, limit=1e6, burst=1_000_000)


def catalogue_names() -> list[str]:
    return [p["name"] for p in load_catalogue()["services"]["ytmusic"]["playlists"]]


def open_server(folder: Path, notices: Notices) -> DemoServer:
    return DemoServer(YT, INSTANT, state_file(folder, YT), notices=notices)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "demo"
    made.mkdir()
    return made


DAMAGES = {
    "garbage": (b"\x00\x13not json at all\xff", "not text"),
    "truncated": (b'{"playlists": [{"id": "PL1", "name": "Ro', "not JSON"),
    "empty": (b"", "empty"),
    "list": (b"[]", "not the demo's state"),
    "null": (b"null", "not the demo's state"),
    "playlists-a-number": (b'{"playlists": 5}', "a playlist in it is not one"),
    "playlist-without-id": (
        b'{"playlists": [{"name": "x", "owner": "o", "tracks": []}]}',
        "a playlist in it is not one",
    ),
    "track-ids-numbers": (
        b'{"playlists": [{"id": "P", "name": "x", "owner": "o", "tracks": [1, 2]}]}',
        "a playlist in it is not one",
    ),
    "liked-a-string": (b'{"playlists": [], "liked": "all"}', "its liked songs are not a list"),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_state_file_is_kept_aside_and_said_and_the_catalogue_served(
    folder: Path, damage: str
) -> None:
    """Before, it was silently reset to the catalogue and overwritten (pairs paused, "407
    failed", exit 0), or `[]` and `null` gave a traceback."""
    content, reason = DAMAGES[damage]
    path = state_file(folder, YT)
    path.write_bytes(content)
    notices = Notices()

    server = open_server(folder, notices)
    (said,) = notices.messages()
    (kept,) = folder.glob("demo-ytmusic.json.damaged-*")
    assert kept.read_bytes() == content
    assert said == (
        f"The demo YouTube Music's state could not be read ({reason}); Songbird kept it as "
        f"{kept} and its playlists start again from the demo catalogue."
    )
    assert [p["name"] for p in server.get_playlists()] == catalogue_names()

    server.create_playlist("After", "")  # a write makes a new state file beside the kept one
    assert kept.read_bytes() == content
    assert "After" in [p["name"] for p in json.loads(path.read_text("utf-8"))["playlists"]]
    assert notices.unshown() == [said]  # said once, not at every request


def test_a_state_file_damaged_by_another_process_mid_run_is_set_aside_at_the_next_request(
    folder: Path,
) -> None:
    notices = Notices()
    server = open_server(folder, notices)
    server.create_playlist("Mine", "")
    state_file(folder, YT).write_text('{"playlists": [', encoding="utf-8")
    names = [p["name"] for p in server.get_playlists()]
    assert names == catalogue_names()
    (said,) = notices.messages()
    assert "(not JSON)" in said


@pytest.mark.parametrize("where", ["state", "lock"])
def test_a_folder_in_place_of_the_state_or_its_lock_is_set_aside(folder: Path, where: str) -> None:
    """Before, a folder at the .lock gave a traceback on every command."""
    path = state_file(folder, YT)
    if where == "lock":
        path = path.with_name(path.name + ".lock")
    path.mkdir()
    (path / "inside").write_text("kept", encoding="utf-8")
    notices = Notices()

    server = open_server(folder, notices)
    server.create_playlist("After", "")
    (said,) = notices.messages()
    assert "a folder in its place" in said
    (kept,) = folder.glob(f"{path.name}.damaged-*")
    assert (kept / "inside").read_text(encoding="utf-8") == "kept"
    assert str(kept) in said
    assert path.is_file()


def test_a_sound_state_file_is_read_and_nothing_is_said(folder: Path) -> None:
    first = open_server(folder, Notices())
    first.create_playlist("Kept", "")
    notices = Notices()
    again = open_server(folder, notices)
    assert "Kept" in [p["name"] for p in again.get_playlists()]
    assert notices.messages() == []
    assert list(folder.glob("*.damaged-*")) == []


def test_a_state_file_of_an_earlier_version_still_reads(folder: Path) -> None:
    """Liked songs as the ids alone, playlists without handles: read, handles made."""
    liked = load_catalogue()["services"]["ytmusic"]["liked"][:3]
    state_file(folder, YT).write_text(json.dumps({"liked": liked}), encoding="utf-8")
    notices = Notices()
    server = open_server(folder, notices)
    assert server.liked_count() == 3
    assert notices.messages() == []


@pytest.mark.parametrize(
    "change",
    [
        {"latency_s": math.nan},
        {"latency_s": math.inf},
        {"latency_s": 1e308},
        {"latency_s": -0.1},
        {"limit": 1e308},
        {"limit": 1e-300},
        {"limit": math.nan},
        {"burst": 0},
        {"fault_rate": 1.5},
        {"window_s": math.inf},
    ],
    ids=lambda change: "-".join(f"{k}={v}" for k, v in change.items()),
)
def test_a_demo_service_no_service_could_be_is_refused(change: dict[str, float]) -> None:
    """Before, NaN or 1e308 gave a traceback deep in a run, and a limit of 1e-300 requests a
    second answered nothing for a minute."""
    (name,) = change
    with pytest.raises(ValueError, match=f"the demo's {name} must be from"):
        DemoServerConfig(**change)  # type: ignore[arg-type]


def test_forgetting_the_demo_keeps_what_was_set_aside(folder: Path) -> None:
    open_server(folder, Notices()).create_playlist("Mine", "")
    kept = folder / "demo-ytmusic.json.damaged-20261202-164005"
    kept.write_text("the person's damaged copy", encoding="utf-8")
    (folder / "matches.sqlite3").write_bytes(b"a store")
    lock_folder = folder / "demo-spotify.json.lock"
    lock_folder.mkdir()

    forget_demo_state(folder)
    assert sorted(p.name for p in folder.iterdir()) == [lock_folder.name, kept.name]
    assert kept.read_text(encoding="utf-8") == "the person's damaged copy"
