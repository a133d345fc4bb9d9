"""Every tunable number of Songbird, declared once, typed, with its default, its range and a
title.

The CLI and the window both build a `Settings` and hand the parts to the objects that need
them; nothing else holds a threshold, a rate or a worker count of its own. Settings persist as
JSON in the user config directory (`SettingsFile`): they hold no secret, ever.

A settings file is edited by hand now and then. One that cannot be read at all is a damaged
kept file (set aside and said, `core/kept_file.py`); a value in it of the wrong type or out of
its range is named to the person with the default used instead for this run, and the file is
left as it is until they save Settings: never a silent clamp (a rate of -2 made 0.1/s would
make every sync nine times longer without a word).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from songbird_gui.core.atomic import write_text_atomically
from songbird_gui.core.kept_file import Damaged, SetAside, open_json, parse_json, read_bytes
from songbird_gui.core.types import ServiceId


def within(low: float, high: float) -> dict[str, tuple[float, float]]:
    """A field's range, declared beside its default: `field(default=8, metadata=within(1, 64))`."""
    return {"range": (low, high)}


def range_of(owner: type[Any], name: str) -> tuple[float, float]:
    """The declared range of the field `name` of the settings dataclass `owner`."""
    found = next(f for f in fields(owner) if f.name == name)
    low, high = found.metadata["range"]
    return low, high


@dataclass(frozen=True, slots=True)
class RateSettings:
    """How fast Songbird may talk to one service (see `core/ratelimit.py` for how it is kept).

    Services count requests over a rolling window, when they reach them: the limit is
    `rate` × `window_s` requests in any `window_s` seconds (Spotify: a rolling 30 s window).
    With no window (`window_s` 0) it is `burst` requests in any burst / rate seconds. `burst`
    also caps how many requests go at once inside a longer window.
    """

    # requests per second, on average over the window
    rate: float = field(metadata=within(0.1, 1000.0))
    # requests that may go at once (with no window: the window's size)
    burst: int = field(metadata=within(1, 1000))
    # The limit is unknown: learn it from the service's 429s. `burst` at once and `rate` per
    # second are taken for granted; beyond them the limiter probes, one request at a time.
    adaptive: bool = False
    # the service's counting window; 0: burst / rate seconds
    window_s: float = field(default=0.0, metadata=within(0.0, 3600.0))
    # Added to each window until the round trips have been timed: a request reaches the
    # server a little earlier or later than the one before it did, and the server counts
    # arrivals (the limiter then uses 1.5 × the spread of the round trips it has seen).
    margin_s: float = field(default=0.25, metadata=within(0.0, 10.0))


# Spotify publishes its window (rolling 30 s), not its limit; developers report about 180
# requests a minute for apps in development mode: 90 in any 30 s.
SPOTIFY_RATE = RateSettings(rate=3.0, burst=90, window_s=30.0)
# YouTube Music publishes nothing: learn it, taking for granted what the strictest services
# allow (3 per any second, as Spotify's development mode on average) and climbing from there.
YTMUSIC_RATE = RateSettings(rate=3.0, burst=3, adaptive=True)
# What an older settings.json holds for each service when nobody changed it (a token bucket's
# rate and burst, with one token of headroom): read as today's default.
_OLD_RATE_DEFAULTS = {
    "spotify": {"rate": 10.0, "burst": 10, "adaptive": False, "headroom": 1.0},
    "ytmusic": {"rate": 5.0, "burst": 5, "adaptive": True, "headroom": 1.0},
}
# A section that holds an earlier default exactly, window and all: read as today's default.
_EARLIER_DEFAULTS = {
    "ytmusic": {"rate": 5.0, "burst": 5, "adaptive": True, "window_s": 0.0, "margin_s": 0.25},
}


@dataclass(frozen=True, slots=True)
class MatchThresholds:
    """Score bands of the matcher (scores are in [0, 1])."""

    # at or above: added without asking
    accept: float = field(default=0.85, metadata=within(0.0, 1.0))
    # at or above (and below accept): shown to the person
    review: float = field(default=0.50, metadata=within(0.0, 1.0))
    # A runner-up that is a different recording and scores within this of the best makes the
    # decision ambiguous, so it goes to review instead of being accepted.
    ambiguity_margin: float = field(default=0.04, metadata=within(0.0, 1.0))
    # how many candidates the review view shows
    candidates_kept: int = field(default=5, metadata=within(1, 50))


@dataclass(frozen=True, slots=True)
class RetrySettings:
    """Retries of transient failures (429, 5xx, timeouts, resets)."""

    max_attempts: int = field(default=5, metadata=within(1, 20))
    base_delay_s: float = field(default=0.5, metadata=within(0.0, 60.0))
    max_delay_s: float = field(default=30.0, metadata=within(0.0, 600.0))
    # A Retry-After longer than this fails the track instead of stalling the whole run.
    max_retry_after_s: float = field(default=120.0, metadata=within(0.0, 3600.0))


@dataclass(frozen=True, slots=True)
class CreationSettings:
    """New playlists a run may create, and how far apart.

    YouTube Music answers a burst of creations with "You are creating too many playlists",
    and one person's channel was removed after hitting it a few times (2024): Songbird creates
    at most `per_run` playlists a run, `spacing_s` seconds apart; the rest wait for a next run.
    """

    per_run: int = field(default=10, metadata=within(0, 1000))
    spacing_s: float = field(default=5.0, metadata=within(0.0, 3600.0))


@dataclass(frozen=True, slots=True)
class BackgroundSettings:
    """Syncing on its own (each pair's schedule lives with the pair, in the match store)."""

    # Closing the window leaves Songbird running (in the tray, or windowless where the desktop
    # has no tray) while any pair has a schedule; off: closing the window quits.
    keep_running: bool = True
    # An XDG autostart entry starts Songbird at login, in the tray (Linux; see the README).
    start_at_login: bool = False


@dataclass(frozen=True, slots=True)
class Settings:
    workers: int = field(default=8, metadata=within(1, 64))
    spotify: RateSettings = field(default_factory=lambda: SPOTIFY_RATE)
    # YouTube Music publishes no limit: start gently and let the adaptive mode find it.
    ytmusic: RateSettings = field(default_factory=lambda: YTMUSIC_RATE)
    match: MatchThresholds = field(default_factory=MatchThresholds)
    retry: RetrySettings = field(default_factory=RetrySettings)
    background: BackgroundSettings = field(default_factory=BackgroundSettings)
    creation: CreationSettings = field(default_factory=CreationSettings)

    def rate_for(self, service: ServiceId) -> RateSettings:
        return self.spotify if service is ServiceId.SPOTIFY else self.ytmusic

    def with_rate(self, service: ServiceId, rate: RateSettings) -> Settings:
        if service is ServiceId.SPOTIFY:
            return replace(self, spotify=rate)
        return replace(self, ytmusic=rate)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Settings from stored JSON, with the default for anything missing or unusable
        (`read_settings` also says what was unusable)."""
        return read_settings(data)[0]

    def validated(self) -> Settings:
        """Every value brought into its declared range (review at most accept): for values a
        person chose in the window or on the command line, which their widgets and options
        already bound. A kept file's values are judged by `read_settings` instead."""
        clamped: Settings = _clamp(self)
        match = clamped.match
        return replace(clamped, match=replace(match, review=min(match.review, match.accept)))


@dataclass(frozen=True, slots=True)
class SettingProblem:
    """A value in the settings file that Songbird cannot use: `key` ("spotify.rate"), the
    value found, why, and the default used instead for this run."""

    key: str
    found: Any
    why: str
    default: Any

    def words(self) -> str:
        return f"{self.key} is {_shown(self.found)} ({self.why}), so {self.default} is used"


def _shown(value: Any, width: int = 40) -> str:
    """A value as it stands in the file, cut short: a hand edit may have put anything there."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (ValueError, RecursionError):
        text = "a value nested too deeply"
    return text if len(text) <= width else text[: width - 1] + "…"


def read_settings(data: Any) -> tuple[Settings, list[SettingProblem]]:
    """Settings from the parsed JSON of a settings file, and the values it could not use.

    Anything missing keeps its default, and so do keys this version does not know (a newer
    Songbird's). A rate section from before windows (no `window_s`) keeps its meaning:
    untouched defaults become today's defaults; a rate and burst someone chose stay a burst
    per burst / rate seconds. A section equal to an earlier default becomes today's.
    """
    if not isinstance(data, dict):
        raise Damaged("not an object of settings")
    data = dict(data)
    for service, old_default in _OLD_RATE_DEFAULTS.items():
        section = data.get(service)
        if not isinstance(section, dict) or "window_s" in section:
            continue
        if all(section.get(k, v) == v for k, v in old_default.items()):
            del data[service]
        else:
            data[service] = {**section, "window_s": 0.0}
    for service, earlier in _EARLIER_DEFAULTS.items():
        if data.get(service) == earlier:
            del data[service]
    problems: list[SettingProblem] = []
    settings: Settings = _read(Settings(), data, "", problems)
    match = settings.match
    if match.review > match.accept:
        default = min(MatchThresholds().review, match.accept)
        problems.append(SettingProblem("match.review", match.review, "above match.accept", default))
        settings = replace(settings, match=replace(match, review=default))
    return settings, problems


def _type_problem(default: Any, raw: Any) -> str | None:
    """Why `raw` cannot stand for a value of `default`'s type, or None."""
    if isinstance(default, bool):
        return None if isinstance(raw, bool) else "not true or false"
    number = isinstance(raw, int | float) and not isinstance(raw, bool)
    if isinstance(default, float):
        if not number:
            return "not a number"
        return None if isinstance(raw, int) or math.isfinite(raw) else "not a finite number"
    if isinstance(default, int):
        whole = isinstance(raw, int) or (isinstance(raw, float) and raw.is_integer())
        return None if number and whole else "not a whole number"
    return None if isinstance(raw, type(default)) else "not the right kind of value"


def _read(default: Any, raw: dict[str, Any], prefix: str, problems: list[SettingProblem]) -> Any:
    """`default` (a settings dataclass) with the usable values of `raw`; the others noted."""
    values: dict[str, Any] = {}
    for f in fields(default):
        if f.name not in raw:
            continue
        key, value, standing = f"{prefix}{f.name}", raw[f.name], getattr(default, f.name)
        if is_dataclass(standing):
            if isinstance(value, dict):
                values[f.name] = _read(standing, value, f"{key}.", problems)
            else:
                problems.append(SettingProblem(key, value, "not a section", "its default"))
            continue
        why = _type_problem(standing, value)
        if why is None and "range" in f.metadata:
            low, high = f.metadata["range"]
            if not low <= value <= high:
                why = f"it must be from {low:g} to {high:g}"
        if why is None:
            values[f.name] = type(standing)(value)
        else:
            problems.append(SettingProblem(key, value, why, standing))
    return replace(default, **values)


def _clamp(settings: Any) -> Any:
    """`settings` (a settings dataclass) with every value within its declared range."""
    values: dict[str, Any] = {}
    for f in fields(settings):
        value = getattr(settings, f.name)
        if is_dataclass(value):
            values[f.name] = _clamp(value)
        elif "range" in f.metadata:
            low, high = f.metadata["range"]
            values[f.name] = type(value)(min(max(value, low), high))
    return replace(settings, **values)


@dataclass(frozen=True, slots=True)
class SettingsRead:
    """What reading the settings file gave: the settings for this run, and what the person
    must be told (the file set aside, or values it holds that could not be used)."""

    settings: Settings
    set_aside: SetAside | None = None
    problems: tuple[SettingProblem, ...] = ()
    path: Path | None = None

    @property
    def messages(self) -> list[str]:
        said = [self.set_aside.message] if self.set_aside else []
        if self.problems:
            said.append(
                f"The settings file {self.path} holds values Songbird cannot use, left as they "
                "are until you save Settings: " + "; ".join(p.words() for p in self.problems) + "."
            )
        return said


class SettingsFile:
    """Loads and saves `Settings` as JSON, atomically, in the user config directory."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock

    def read(self) -> SettingsRead:
        """The settings kept, with what to tell the person. A file that cannot be read as
        settings is set aside and the defaults are used; an OSError (no permission to read
        it) goes to the caller."""
        opened = open_json(
            self.path, "The settings file", read_settings, "uses the defaults", self._clock
        )
        if opened.value is None:
            return SettingsRead(Settings(), opened.set_aside, path=self.path)
        settings, problems = opened.value
        return SettingsRead(settings, problems=tuple(problems), path=self.path)

    def load(self) -> Settings:
        """The settings for this run, for a caller that cannot tell the person anything: a
        file that cannot be read gives the defaults and is left where it is, for the next
        `read` (the composition root's) to set aside and say."""
        try:
            data = parse_json(read_bytes(self.path))
            return read_settings(data)[0]
        except (FileNotFoundError, Damaged):
            return Settings()

    def save(self, settings: Settings) -> None:
        write_text_atomically(self.path, json.dumps(settings.to_dict(), indent=2))
