"""Every tunable number of Songbird, declared once, typed, with its default and a title.

The CLI and the window both build a `Settings` and hand the parts to the objects that need
them; nothing else holds a threshold, a rate or a worker count of its own. Settings persist as
JSON in the user config directory (`SettingsFile`): they hold no secret, ever.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from songbird_gui.core.atomic import write_text_atomically
from songbird_gui.core.types import ServiceId

# What `Settings.validated` keeps: the window's Settings refuse anything else where it is typed.
RATE_RANGE = (0.1, 1000.0)  # requests per second
BURST_RANGE = (1, 1000)
WORKERS_RANGE = (1, 64)


@dataclass(frozen=True, slots=True)
class RateSettings:
    """How fast Songbird may talk to one service (see `core/ratelimit.py` for how it is kept).

    Services count requests over a rolling window, when they reach them: the limit is
    `rate` × `window_s` requests in any `window_s` seconds (Spotify: a rolling 30 s window).
    With no window (`window_s` 0) it is `burst` requests in any burst / rate seconds. `burst`
    also caps how many requests go at once inside a longer window.
    """

    rate: float  # requests per second, on average over the window
    burst: int  # requests that may go at once (with no window: the window's size)
    # The limit is unknown: learn it from the service's 429s, starting with `burst` requests in
    # flight and `rate` per second, growing while answers are clean.
    adaptive: bool = False
    window_s: float = 0.0  # the service's counting window; 0: burst / rate seconds
    # Added to each window until the round trips have been timed: a request reaches the
    # server a little earlier or later than the one before it did, and the server counts
    # arrivals (the limiter then uses 1.5 × the spread of the round trips it has seen).
    margin_s: float = 0.25


# Spotify publishes its window (rolling 30 s), not its limit; developers report about 180
# requests a minute for apps in development mode: 90 in any 30 s.
SPOTIFY_RATE = RateSettings(rate=3.0, burst=90, window_s=30.0)
# YouTube Music publishes nothing: learn it, from 5 requests in flight and 5 per second.
YTMUSIC_RATE = RateSettings(rate=5.0, burst=5, adaptive=True)
# What an older settings.json holds for each service when nobody changed it (a token bucket's
# rate and burst, with one token of headroom): read as today's default.
_OLD_RATE_DEFAULTS = {
    "spotify": {"rate": 10.0, "burst": 10, "adaptive": False, "headroom": 1.0},
    "ytmusic": {"rate": 5.0, "burst": 5, "adaptive": True, "headroom": 1.0},
}


@dataclass(frozen=True, slots=True)
class MatchThresholds:
    """Score bands of the matcher (scores are in [0, 1])."""

    accept: float = 0.85  # at or above: added without asking
    review: float = 0.50  # at or above (and below accept): shown to the person
    # A runner-up that is a different recording and scores within this of the best makes the
    # decision ambiguous, so it goes to review instead of being accepted.
    ambiguity_margin: float = 0.04
    candidates_kept: int = 5  # how many candidates the review view shows


@dataclass(frozen=True, slots=True)
class RetrySettings:
    """Retries of transient failures (429, 5xx, timeouts, resets)."""

    max_attempts: int = 5
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    # A Retry-After longer than this fails the track instead of stalling the whole run.
    max_retry_after_s: float = 120.0


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
    workers: int = 8
    spotify: RateSettings = field(default_factory=lambda: SPOTIFY_RATE)
    # YouTube Music publishes no limit: start gently and let the adaptive mode find it.
    ytmusic: RateSettings = field(default_factory=lambda: YTMUSIC_RATE)
    match: MatchThresholds = field(default_factory=MatchThresholds)
    retry: RetrySettings = field(default_factory=RetrySettings)
    background: BackgroundSettings = field(default_factory=BackgroundSettings)

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
        """Build settings from stored JSON, keeping the default for anything missing or bad.

        A rate section from before windows (no `window_s`) keeps its meaning: untouched
        defaults become today's defaults; a rate and burst someone chose stay a burst per
        burst / rate seconds.
        """
        data = dict(data)
        for service, old_default in _OLD_RATE_DEFAULTS.items():
            section = data.get(service)
            if not isinstance(section, dict) or "window_s" in section:
                continue
            if all(section.get(k, v) == v for k, v in old_default.items()):
                del data[service]
            else:
                data[service] = {**section, "window_s": 0.0}
        merged: Settings = _merge(cls(), data)
        return merged.validated()

    def validated(self) -> Settings:
        """Clamp values into sane ranges so a hand-edited file cannot wedge the app."""

        def clamp_rate(r: RateSettings) -> RateSettings:
            window = float(r.window_s)
            return replace(
                r,
                rate=min(max(float(r.rate), RATE_RANGE[0]), RATE_RANGE[1]),
                burst=min(max(int(r.burst), BURST_RANGE[0]), BURST_RANGE[1]),
                window_s=min(max(window, 0.1), 3600.0) if window > 0 else 0.0,
                margin_s=min(max(float(r.margin_s), 0.0), 10.0),
            )

        accept = min(max(self.match.accept, 0.0), 1.0)
        review = min(max(self.match.review, 0.0), accept)
        retry = self.retry
        retry = replace(
            retry,
            max_attempts=min(max(retry.max_attempts, 1), 20),
            base_delay_s=min(max(retry.base_delay_s, 0.0), 60.0),
            max_delay_s=min(max(retry.max_delay_s, 0.0), 600.0),
        )
        return replace(
            self,
            retry=retry,
            workers=min(max(int(self.workers), WORKERS_RANGE[0]), WORKERS_RANGE[1]),
            spotify=clamp_rate(self.spotify),
            ytmusic=clamp_rate(self.ytmusic),
            match=replace(self.match, accept=accept, review=review),
        )


def _merge(default: Any, raw: Any) -> Any:
    """`default` with the values of `raw` that have the right type, recursively."""
    if is_dataclass(default) and not isinstance(default, type):
        if not isinstance(raw, dict):
            return default
        values = {
            f.name: _merge(getattr(default, f.name), raw[f.name])
            for f in fields(default)
            if f.name in raw
        }
        return replace(default, **values)
    if isinstance(default, bool):
        return raw if isinstance(raw, bool) else default
    if isinstance(default, float):
        ok = isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw)
        return float(raw) if ok else default
    if isinstance(default, int):
        return raw if isinstance(raw, int) and not isinstance(raw, bool) else default
    return raw if isinstance(raw, type(default)) else default


class SettingsFile:
    """Loads and saves `Settings` as JSON, atomically, in the user config directory."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Settings:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return Settings()
        return Settings.from_dict(data) if isinstance(data, dict) else Settings()

    def save(self, settings: Settings) -> None:
        write_text_atomically(self.path, json.dumps(settings.to_dict(), indent=2))
