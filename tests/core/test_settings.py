"""Settings: declared once with defaults, clamped on load, stored as JSON without secrets."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from songbird_gui.core.settings import (
    MatchThresholds,
    RateSettings,
    RetrySettings,
    Settings,
    SettingsFile,
)
from songbird_gui.core.types import ServiceId

DEFAULTS = Settings()


def test_defaults_are_sane() -> None:
    assert DEFAULTS.validated() == DEFAULTS
    assert DEFAULTS.rate_for(ServiceId.SPOTIFY) is DEFAULTS.spotify
    assert DEFAULTS.rate_for(ServiceId.YTMUSIC).adaptive  # YouTube Music publishes no limit
    assert DEFAULTS.match.review < DEFAULTS.match.accept


def test_with_rate_replaces_one_service() -> None:
    slow = RateSettings(rate=1.0, burst=1)
    changed = DEFAULTS.with_rate(ServiceId.YTMUSIC, slow)
    assert changed.ytmusic == slow
    assert changed.spotify == DEFAULTS.spotify


def test_from_dict_reads_known_values() -> None:
    loaded = Settings.from_dict(
        {"workers": 4, "spotify": {"rate": 3.5, "burst": 7}, "match": {"accept": 0.9}}
    )
    assert loaded.workers == 4
    assert (loaded.spotify.rate, loaded.spotify.burst) == (3.5, 7)
    assert loaded.spotify.margin_s == DEFAULTS.spotify.margin_s  # missing: default kept
    assert loaded.match.accept == 0.9
    assert loaded.match.review == DEFAULTS.match.review


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"workers": "many"},
        {"workers": 2.5},
        {"workers": None},
        {"spotify": "fast"},
        {"spotify": ["rate", 3]},
        {"spotify": {"no_such_field": 1}},
        {"match": 0.9},
        {"unknown_section": {"x": 1}},
    ],
)
def test_from_dict_keeps_defaults_for_junk(data: dict[str, Any]) -> None:
    assert Settings.from_dict(data) == DEFAULTS


@pytest.mark.parametrize(
    "data",
    [
        {"spotify": {"rate": "fast"}},
        {"ytmusic": {"burst": "lots"}},
        {"match": {"accept": "high"}},
        {"retry": {"max_attempts": "x"}},
        {"retry": {"base_delay_s": [1]}},
    ],
    ids=["rate-str", "burst-str", "accept-str", "max_attempts-str", "base_delay-list"],
)
def test_from_dict_keeps_defaults_for_junk_inside_a_section(data: dict[str, Any]) -> None:
    """A hand-edited value of the wrong type must not crash the app nor reach the engine."""
    loaded = Settings.from_dict(data)
    (section,) = data
    (name,) = data[section]
    assert getattr(getattr(loaded, section), name) == getattr(getattr(DEFAULTS, section), name)


def test_validated_clamps_out_of_range_values() -> None:
    wild = Settings(
        workers=0,
        spotify=RateSettings(rate=0.0, burst=0),
        ytmusic=RateSettings(rate=1e9, burst=10**6),
        match=MatchThresholds(accept=1.5, review=2.0),
    ).validated()
    assert wild.workers == 1
    assert (wild.spotify.rate, wild.spotify.burst) == (0.1, 1)
    assert (wild.ytmusic.rate, wild.ytmusic.burst) == (1000.0, 1000)
    assert wild.match.accept == 1.0
    assert wild.match.review == 1.0  # never above accept
    assert Settings(workers=500).validated().workers == 64


@settings(max_examples=200, deadline=None, database=None)
@given(
    workers=st.integers(-100, 1000),
    rate=st.floats(-10.0, 1e6, allow_nan=False),
    burst=st.integers(-10, 10**5),
    margin_s=st.floats(-10.0, 1e5, allow_nan=False),
    accept=st.floats(-1.0, 2.0, allow_nan=False),
    review=st.floats(-1.0, 2.0, allow_nan=False),
)
def test_validated_always_gives_usable_settings(
    workers: int, rate: float, burst: int, margin_s: float, accept: float, review: float
) -> None:
    raw = RateSettings(rate=rate, burst=burst, margin_s=margin_s)
    valid = Settings(
        workers=workers,
        spotify=raw,
        ytmusic=raw,
        match=MatchThresholds(accept=accept, review=review),
    ).validated()
    assert 1 <= valid.workers <= 64
    for r in (valid.spotify, valid.ytmusic):
        assert 0.1 <= r.rate <= 1000.0
        assert 1 <= r.burst <= 1000
        assert 0.0 <= r.margin_s <= 10.0
    assert 0.0 <= valid.match.review <= valid.match.accept <= 1.0
    assert valid.validated() == valid


def test_settings_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "config" / "songbird" / "settings.json"
    changed = Settings(
        workers=3,
        spotify=RateSettings(rate=2.5, burst=4, margin_s=0.5),
        ytmusic=RateSettings(rate=1.0, burst=2, adaptive=False),
        match=MatchThresholds(accept=0.9, review=0.6, ambiguity_margin=0.02, candidates_kept=3),
        retry=RetrySettings(max_attempts=2, base_delay_s=1.0),
    )
    SettingsFile(path).save(changed)
    assert SettingsFile(path).load() == changed
    assert json.loads(path.read_text(encoding="utf-8"))["workers"] == 3
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temp file left


def test_a_missing_file_gives_defaults_and_says_nothing(tmp_path: Path) -> None:
    read = SettingsFile(tmp_path / "settings.json").read()
    assert read.settings == DEFAULTS
    assert read.messages == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{ not json", "not JSON"),
        (b"", "empty"),
        (b"[1, 2, 3]", "not an object of settings"),
        (b"null", "not an object of settings"),
        (b'{"workers": 4, "spotify": {"rate"', "not JSON"),
        (b"\xff\xfe{}", "not text"),
    ],
    ids=["garbage", "empty", "list", "null", "truncated", "not-utf8"],
)
def test_a_file_that_cannot_be_read_is_kept_aside_and_said_and_the_defaults_are_used(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    """Before, it silently became the defaults, and the next save overwrote it."""
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    read = SettingsFile(path).read()
    assert read.settings == DEFAULTS
    assert read.set_aside is not None
    kept = read.set_aside.kept
    assert kept.parent == tmp_path and kept.name.startswith("settings.json.damaged-")
    assert kept.read_bytes() == content
    (message,) = read.messages
    assert message == (
        f"The settings file could not be read ({reason}); Songbird kept it as {kept} and uses "
        "the defaults."
    )


def test_load_for_a_caller_that_cannot_say_anything_leaves_a_damaged_file_in_place(
    tmp_path: Path,
) -> None:
    """Setting it aside unsaid would hide it from the person: the next `read` says it."""
    path = tmp_path / "settings.json"
    path.write_text("[1, 2]", encoding="utf-8")
    assert SettingsFile(path).load() == DEFAULTS
    assert path.read_text(encoding="utf-8") == "[1, 2]"
    assert not any("damaged" in p.name for p in tmp_path.iterdir())
    assert SettingsFile(path).read().set_aside is not None


def test_a_value_out_of_range_is_named_its_default_used_and_the_file_left_as_it_is(
    tmp_path: Path,
) -> None:
    """A hand-edited negative rate was clamped to 0.1/s without a word (a sync 9× longer)."""
    path = tmp_path / "settings.json"
    data = DEFAULTS.to_dict()
    data["workers"] = 4
    data["spotify"]["rate"] = -2
    data["retry"]["max_attempts"] = "often"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = path.read_bytes()

    read = SettingsFile(path).read()
    assert read.settings.workers == 4  # what could be used is
    assert read.settings.spotify.rate == DEFAULTS.spotify.rate
    assert read.settings.retry.max_attempts == DEFAULTS.retry.max_attempts
    assert read.set_aside is None
    (message,) = read.messages
    assert message == (
        f"The settings file {path} holds values Songbird cannot use, left as they are until "
        "you save Settings: spotify.rate is -2 (it must be from 0.1 to 1000), so 3.0 is used; "
        'retry.max_attempts is "often" (not a whole number), so 5 is used.'
    )
    assert path.read_bytes() == before
    assert not any("damaged" in p.name for p in tmp_path.iterdir())

    SettingsFile(path).save(read.settings)  # the person saves Settings: the file is whole again
    assert SettingsFile(path).read().messages == []


@pytest.mark.parametrize(
    ("section", "name", "value", "why"),
    [
        (None, "workers", 0, "it must be from 1 to 64"),
        (None, "workers", 2.5, "not a whole number"),
        ("ytmusic", "burst", 10**6, "it must be from 1 to 1000"),
        ("match", "accept", 1.5, "it must be from 0 to 1"),
        ("ytmusic", "adaptive", "yes", "not true or false"),
        ("spotify", "window_s", -5, "it must be from 0 to 3600"),
    ],
)
def test_each_unusable_value_is_named_with_why(
    tmp_path: Path, section: str | None, name: str, value: Any, why: str
) -> None:
    path = tmp_path / "settings.json"
    data: dict[str, Any] = {section: {name: value}} if section else {name: value}
    if section in ("spotify", "ytmusic"):
        data[section]["window_s"] = data[section].get("window_s", 0.0)  # today's format
    path.write_text(json.dumps(data), encoding="utf-8")
    read = SettingsFile(path).read()
    key = f"{section}.{name}" if section else name
    (problem,) = read.problems
    assert (problem.key, problem.found, problem.why) == (key, value, why)
    assert read.settings == DEFAULTS


def test_nan_and_infinity_in_a_hand_edited_file_are_named_not_used(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"spotify": {"rate": NaN, "window_s": 30}, "workers": Infinity}', "utf-8")
    read = SettingsFile(path).read()
    assert read.settings == DEFAULTS
    assert {(p.key, p.why) for p in read.problems} == {
        ("spotify.rate", "not a finite number"),
        ("workers", "not a whole number"),
    }


def test_a_review_threshold_above_accept_is_named(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"match": {"accept": 0.7, "review": 0.8}}', encoding="utf-8")
    read = SettingsFile(path).read()
    assert (read.settings.match.accept, read.settings.match.review) == (0.7, 0.5)
    (problem,) = read.problems
    assert (problem.key, problem.why) == ("match.review", "above match.accept")


def test_a_folder_in_the_settings_place_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.mkdir()
    read = SettingsFile(path).read()
    assert read.settings == DEFAULTS
    assert read.set_aside is not None and read.set_aside.kept.is_dir()
    assert "a folder in its place" in read.messages[0]


def test_a_hand_edited_file_with_a_bad_value_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    data = DEFAULTS.to_dict()
    data["workers"] = 2
    data["spotify"]["rate"] = "fast"
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = SettingsFile(path).load()
    assert loaded.workers == 2
    assert loaded.spotify.rate == DEFAULTS.spotify.rate


_SECRET = re.compile(
    r"token|secret|password|passwd|cookie|credential|auth|api_?key|client_id", re.IGNORECASE
)


def _keys(data: Any) -> list[str]:
    if isinstance(data, dict):
        return [k for k, v in data.items() for k in (k, *_keys(v))]
    return []


def test_settings_hold_no_secret_like_keys(tmp_path: Path) -> None:
    keys = _keys(DEFAULTS.to_dict())
    assert "rate" in keys and "accept" in keys  # the walk does reach the sections
    assert [k for k in keys if _SECRET.search(k)] == []
    path = tmp_path / "settings.json"
    SettingsFile(path).save(DEFAULTS)
    stored = _keys(json.loads(path.read_text(encoding="utf-8")))
    assert [k for k in stored if _SECRET.search(k)] == []


# -- rates: windows, and files written before them -------------------------------------------------


def test_default_rates_describe_the_services() -> None:
    spotify, ytmusic = DEFAULTS.spotify, DEFAULTS.ytmusic
    assert (spotify.rate * spotify.window_s, spotify.window_s) == (90.0, 30.0)  # rolling 30 s
    assert not spotify.adaptive
    assert ytmusic.adaptive  # unpublished: learnt


def test_an_old_file_s_untouched_rates_read_as_today_s_defaults() -> None:
    old = {
        "workers": 3,
        "spotify": {"rate": 10.0, "burst": 10, "adaptive": False, "headroom": 1.0},
        "ytmusic": {"rate": 5.0, "burst": 5, "adaptive": True, "headroom": 1.0},
    }
    loaded = Settings.from_dict(old)
    assert loaded.workers == 3
    assert (loaded.spotify, loaded.ytmusic) == (DEFAULTS.spotify, DEFAULTS.ytmusic)


def test_the_earlier_adaptive_default_reads_as_today_s_gentler_start() -> None:
    """Saving any setting wrote every default: YouTube Music's earlier start (5 at once and 5
    per second, which a "3 per any second" service refuses two of) becomes today's."""
    earlier = {"rate": 5.0, "burst": 5, "adaptive": True, "window_s": 0.0, "margin_s": 0.25}
    assert Settings.from_dict({"ytmusic": earlier}).ytmusic == DEFAULTS.ytmusic
    assert (DEFAULTS.ytmusic.rate, DEFAULTS.ytmusic.burst) == (3.0, 3)
    chosen = {**earlier, "rate": 6.0}
    assert Settings.from_dict({"ytmusic": chosen}).ytmusic.rate == 6.0


def test_an_old_file_s_chosen_rate_keeps_its_meaning() -> None:
    old = {"spotify": {"rate": 4.0, "burst": 8, "adaptive": False, "headroom": 1.0}}
    loaded = Settings.from_dict(old).spotify
    # a rate and a burst someone chose: `burst` in any burst / rate seconds, as before
    assert (loaded.rate, loaded.burst, loaded.window_s) == (4.0, 8, 0.0)


def test_a_file_that_still_holds_headroom_loads_and_saves_without_it(tmp_path: Path) -> None:
    """The token bucket's `headroom` is gone: a file that has it (written before windows, or
    with windows before the bucket went) still loads, and is saved again without it."""
    path = tmp_path / "settings.json"
    old = {
        "workers": 3,
        "spotify": {"rate": 4.0, "burst": 8, "adaptive": False, "headroom": 0.0},
        "ytmusic": {
            "rate": 5.0,
            "burst": 5,
            "adaptive": True,
            "headroom": 1.0,
            "window_s": 0.0,
            "margin_s": 0.5,
        },
    }
    path.write_text(json.dumps(old), encoding="utf-8")
    loaded = SettingsFile(path).load()
    assert loaded.workers == 3
    assert loaded.spotify == RateSettings(rate=4.0, burst=8, window_s=0.0)
    assert loaded.ytmusic == RateSettings(rate=5.0, burst=5, adaptive=True, margin_s=0.5)
    SettingsFile(path).save(loaded)
    assert "headroom" not in _keys(json.loads(path.read_text(encoding="utf-8")))
    assert SettingsFile(path).load() == loaded


def test_a_file_with_windows_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    changed = DEFAULTS.with_rate(
        ServiceId.SPOTIFY, RateSettings(rate=2.0, burst=20, window_s=30.0, margin_s=0.1)
    )
    SettingsFile(path).save(changed)
    assert SettingsFile(path).load() == changed


def test_validated_clamps_windows_and_margins() -> None:
    wild = Settings(
        spotify=RateSettings(rate=3.0, burst=90, window_s=-5.0, margin_s=-1.0),
        ytmusic=RateSettings(rate=3.0, burst=90, window_s=1e9, margin_s=1e9),
    ).validated()
    assert (wild.spotify.window_s, wild.spotify.margin_s) == (0.0, 0.0)
    assert (wild.ytmusic.window_s, wild.ytmusic.margin_s) == (3600.0, 10.0)
