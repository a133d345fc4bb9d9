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


@dataclass(frozen=True, slots=True)
class RateSettings:
    """How fast Songbird may talk to one service."""

    rate: float  # requests per second, sustained
    burst: int  # requests that may go at once after a quiet spell
    adaptive: bool = False  # the limit is unknown: probe it (AIMD) starting from `rate`
    # Tokens kept in reserve: a request taken at the bucket's edge can reach the server a few
    # milliseconds late, behind one that was taken after it. One token of headroom absorbs that
    # jitter (1/rate seconds of it) for the price of one request at the start of a run.
    headroom: float = 1.0


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
class Settings:
    workers: int = 8
    spotify: RateSettings = field(default_factory=lambda: RateSettings(rate=10.0, burst=10))
    # YouTube Music publishes no limit: start gently and let the adaptive mode find it.
    ytmusic: RateSettings = field(
        default_factory=lambda: RateSettings(rate=5.0, burst=5, adaptive=True)
    )
    match: MatchThresholds = field(default_factory=MatchThresholds)
    retry: RetrySettings = field(default_factory=RetrySettings)

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
        """Build settings from stored JSON, keeping the default for anything missing or bad."""
        merged: Settings = _merge(cls(), data)
        return merged.validated()

    def validated(self) -> Settings:
        """Clamp values into sane ranges so a hand-edited file cannot wedge the app."""

        def clamp_rate(r: RateSettings) -> RateSettings:
            burst = min(max(int(r.burst), 1), 1000)
            return replace(
                r,
                rate=min(max(float(r.rate), 0.1), 1000.0),
                burst=burst,
                headroom=min(max(float(r.headroom), 0.0), burst - 1),
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
            workers=min(max(int(self.workers), 1), 64),
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
