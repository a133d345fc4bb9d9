"""Opening a kept file: used as it is, or moved aside byte for byte under a dated name and
said in one sentence; never deleted, never overwritten, never a traceback."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from core_fakes import FakeClock

from songbird_gui.core.kept_file import (
    Damaged,
    Notices,
    keep_aside,
    open_json,
    parse_json,
    set_aside,
)

STAMP = "20261202-164005"


@pytest.fixture
def clock() -> FakeClock:
    # local time, as the kept file is named in local time
    return FakeClock(datetime(2026, 12, 2, 16, 40, 5).timestamp())


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "kept"
    made.mkdir()
    return made


def a_list_of_numbers(value: Any) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(n, int) for n in value):
        raise Damaged("not a list of numbers")
    return value


def open_numbers(path: Path, clock: FakeClock) -> Any:
    return open_json(path, "The numbers file", a_list_of_numbers, "starts again", clock)


def test_set_aside_moves_the_file_and_its_siblings_under_one_dated_name(
    folder: Path, clock: FakeClock
) -> None:
    path = folder / "matches.sqlite3"
    path.write_bytes(b"main")
    Path(f"{path}-wal").write_bytes(b"wal")
    kept = set_aside(path, clock(), siblings=("-wal", "-shm"))
    assert kept == folder / f"matches.sqlite3.damaged-{STAMP}"
    assert kept.read_bytes() == b"main"
    assert Path(f"{kept}-wal").read_bytes() == b"wal"
    assert sorted(os.listdir(folder)) == [kept.name, f"{kept.name}-wal"]


def test_set_aside_never_overwrites_an_earlier_copy(folder: Path, clock: FakeClock) -> None:
    path = folder / "settings.json"
    path.write_text("first", encoding="utf-8")
    first = set_aside(path, clock())
    path.write_text("second", encoding="utf-8")
    second = set_aside(path, clock())
    assert first.name == f"settings.json.damaged-{STAMP}"
    assert second.name == f"settings.json.damaged-{STAMP}-2"
    assert (first.read_text(encoding="utf-8"), second.read_text(encoding="utf-8")) == (
        "first",
        "second",
    )


def test_a_folder_in_a_files_place_is_moved_aside_whole(folder: Path, clock: FakeClock) -> None:
    path = folder / "demo-spotify.json.lock"
    path.mkdir()
    (path / "inside.txt").write_text("the person's", encoding="utf-8")
    notice = keep_aside(path, "The demo's lock", "a folder in its place", "made a new one", clock)
    assert not path.exists()
    assert (notice.kept / "inside.txt").read_text(encoding="utf-8") == "the person's"
    assert notice.message == (
        "The demo's lock could not be read (a folder in its place); Songbird kept it as "
        f"{notice.kept} and made a new one."
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"  \n", "empty"),
        (b"\xff\xfe garbage", "not text"),
        (b"[1, 2,", "not JSON"),
        (b"[" * 200_000, "nested too deeply"),
        (b'{"a": 1}', "not a list of numbers"),
        (b"null", "not a list of numbers"),
        (b'[1, "two"]', "not a list of numbers"),
    ],
    ids=["empty", "blank", "not-utf8", "truncated", "deep", "object", "null", "wrong-type"],
)
def test_damaged_json_is_set_aside_byte_for_byte_and_said(
    folder: Path, clock: FakeClock, content: bytes, reason: str
) -> None:
    path = folder / "numbers.json"
    path.write_bytes(content)
    opened = open_numbers(path, clock)
    assert opened.value is None
    assert opened.set_aside is not None
    kept = folder / f"numbers.json.damaged-{STAMP}"
    assert opened.set_aside.kept == kept
    assert kept.read_bytes() == content
    assert not path.exists()
    assert opened.set_aside.message == (
        f"The numbers file could not be read ({reason}); Songbird kept it as {kept} "
        "and starts again."
    )


def test_sound_json_is_read_and_left_alone(folder: Path, clock: FakeClock) -> None:
    path = folder / "numbers.json"
    path.write_text(json.dumps([1, 2, 3]), encoding="utf-8")
    opened = open_numbers(path, clock)
    assert (opened.value, opened.set_aside) == ([1, 2, 3], None)
    assert os.listdir(folder) == ["numbers.json"]


def test_no_file_is_no_value_and_nothing_to_say(folder: Path, clock: FakeClock) -> None:
    opened = open_numbers(folder / "numbers.json", clock)
    assert (opened.value, opened.set_aside) == (None, None)
    assert os.listdir(folder) == []


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes are POSIX here")
def test_a_pipe_in_a_files_place_is_set_aside_without_blocking(
    folder: Path, clock: FakeClock
) -> None:
    """Reading a FIFO would wait for a writer forever; it is looked at, never opened."""
    path = folder / "numbers.json"
    os.mkfifo(path)
    opened = open_numbers(path, clock)
    assert opened.set_aside is not None and "not a regular file" in opened.set_aside.message
    assert opened.set_aside.kept.is_fifo()


def test_parse_json_refuses_what_is_not_json() -> None:
    assert parse_json(b'{"x": NaN}')["x"] != 0  # NaN parses: the reader judges the value
    with pytest.raises(Damaged, match="not JSON"):
        parse_json(b"{'single': 'quotes'}")


def test_notices_say_each_set_aside_once_on_a_terminal_and_all_of_them_in_a_window(
    folder: Path, clock: FakeClock
) -> None:
    notices = Notices()
    for name in ("a.json", "b.json"):
        (folder / name).write_text("garbage", encoding="utf-8")
    notices.add(open_numbers(folder / "a.json", clock).set_aside)
    notices.add(None)  # nothing set aside: nothing to say
    assert len(notices.unshown()) == 1
    notices.add(open_numbers(folder / "b.json", clock).set_aside)
    (fresh,) = notices.unshown()
    assert "b.json.damaged-" in fresh
    assert notices.unshown() == []
    assert len(notices.messages()) == 2
