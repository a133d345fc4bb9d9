"""The learnt-rates file: kept between runs, and a damaged one set aside and told."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from songbird_gui.core.kept_file import Opened
from songbird_gui.core.learnt_rates import load_learnt_rates, save_learnt_rates
from songbird_gui.core.ratelimit import LearntLimits, Window
from songbird_gui.core.types import ServiceId

YT = ServiceId.YTMUSIC
LEARNT = LearntLimits(
    windows=(Window(50, 5.0), Window(300, 60.0, tentative=True)),
    served=(Window(12, 1.0), Window(38, 5.0)),
)
NOON = time.mktime((2026, 12, 1, 12, 0, 0, 0, 0, -1))


def test_what_was_learnt_comes_back_as_it_was_kept(tmp_path: Path) -> None:
    path = tmp_path / "learnt-rates-ytmusic.json"
    save_learnt_rates(path, YT, LEARNT)
    assert load_learnt_rates(path, YT) == Opened(LEARNT)


def test_no_file_and_nothing_learnt_are_no_news(tmp_path: Path) -> None:
    path = tmp_path / "learnt-rates-ytmusic.json"
    assert load_learnt_rates(path, YT) == Opened(None)
    save_learnt_rates(path, YT, LearntLimits())
    assert not path.exists()  # nothing learnt: no file


@pytest.mark.parametrize(
    "content",
    [
        "\x00\x17 not json at all",
        "",
        "[]",
        '{"format": "songbird-learnt-rates", "version": 1, "service": "spotify",'
        ' "windows": [], "served": []}',
        '{"format": "songbird-learnt-rates", "version": 1, "service": "ytmusic",'
        ' "windows": [{"limit": 0, "seconds": 5}], "served": []}',
        '{"format": "songbird-learnt-rates", "version": 1, "service": "ytmusic",'
        ' "windows": [{"limit": 50, "seconds": "five"}], "served": []}',
        '{"format": "songbird-learnt-rates", "version": 1, "service": "ytmusic",'
        ' "windows": [], "served": {"5": 38}}',
    ],
    ids=["garbage", "empty", "a list", "another service", "no limit", "words", "wrong shape"],
)
def test_a_damaged_file_is_set_aside_and_said_in_one_sentence(tmp_path: Path, content: str) -> None:
    path = tmp_path / "learnt-rates-ytmusic.json"
    path.write_text(content, encoding="utf-8")
    opened = load_learnt_rates(path, YT, clock=lambda: NOON)
    kept = tmp_path / "learnt-rates-ytmusic.json.damaged-20261201-120000"
    assert opened.value is None and opened.set_aside is not None
    message = opened.set_aside.message
    assert message.startswith("What Songbird learnt of YouTube Music's limit could not be read (")
    assert message.endswith(f"); Songbird kept it as {kept} and starts from the settings.")
    assert kept.read_text(encoding="utf-8") == content and not path.exists()
    save_learnt_rates(path, YT, LEARNT)  # the next run keeps what it learns again
    assert load_learnt_rates(path, YT) == Opened(LEARNT)


def test_a_folder_in_its_place_is_set_aside_too_and_a_second_one_gets_its_own_name(
    tmp_path: Path,
) -> None:
    path = tmp_path / "learnt-rates-ytmusic.json"
    path.mkdir()
    (path / "inside").write_text("kept", encoding="utf-8")
    first = load_learnt_rates(path, YT, clock=lambda: NOON).set_aside
    path.write_text("garbage", encoding="utf-8")
    second = load_learnt_rates(path, YT, clock=lambda: NOON).set_aside
    kept = tmp_path / "learnt-rates-ytmusic.json.damaged-20261201-120000"
    assert first is not None and str(kept) in first.message
    assert (kept / "inside").read_text(encoding="utf-8") == "kept"
    assert second is not None and f"{kept}-2 " in second.message


def test_the_file_says_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "learnt-rates-ytmusic.json"
    save_learnt_rates(path, YT, LEARNT)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document == {
        "format": "songbird-learnt-rates",
        "version": 1,
        "service": "ytmusic",
        "windows": [
            {"limit": 50, "seconds": 5.0, "tentative": False},
            {"limit": 300, "seconds": 60.0, "tentative": True},
        ],
        "served": [{"limit": 12, "seconds": 1.0}, {"limit": 38, "seconds": 5.0}],
    }
