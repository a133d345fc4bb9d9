"""The learnt-rates file: what the adaptive limiter found out about one service, kept between
runs, so that only a first run on a machine climbs from the settings' gentle start.

Without it, every `songbird sync` and every window would start again from what the settings
take for granted and meet the service's limit anew; on YouTube Music, whose limit is learnt
from its 429s, each first meeting costs a refusal. The file is small JSON, one per service and
library (`core/paths.py` names it), read when the throttles are built and written when
Songbird closes:

    {"format": "songbird-learnt-rates", "version": 1, "service": "ytmusic",
     "windows": [{"limit": 50, "seconds": 5.0, "tentative": false}],
     "served": [{"limit": 38, "seconds": 5.0}]}

A file that cannot be read as one (garbage, empty, the wrong shape, a folder in its place) is
set aside as NAME.damaged-YYYYmmdd-HHMMSS by the kept-file path (`core/kept_file.py`), never
deleted, and said in one sentence; the run then starts from the settings.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from songbird_gui.core.atomic import write_text_atomically
from songbird_gui.core.kept_file import Damaged, Opened, open_json
from songbird_gui.core.ratelimit import LearntLimits, Window
from songbird_gui.core.types import ServiceId

FORMAT = "songbird-learnt-rates"
VERSION = 1


def load_learnt_rates(
    path: Path, service: ServiceId, clock: Callable[[], float] = time.time
) -> Opened[LearntLimits]:
    """What `path` says was learnt of `service` (None: nothing learnt yet, or the file was
    damaged and set aside, which `set_aside` then says in one sentence)."""
    return open_json(
        path,
        f"What Songbird learnt of {service.display_name}'s limit",
        lambda document: _parse(document, service),
        "starts from the settings",
        clock,
    )


def save_learnt_rates(path: Path, service: ServiceId, limits: LearntLimits) -> None:
    """Keep `limits` in `path` (atomically); nothing is written while nothing was learnt."""
    if not limits.windows and not limits.served:
        return
    document = {
        "format": FORMAT,
        "version": VERSION,
        "service": str(service),
        "windows": [
            {"limit": w.limit, "seconds": w.seconds, "tentative": w.tentative}
            for w in limits.windows
        ],
        "served": [{"limit": w.limit, "seconds": w.seconds} for w in limits.served],
    }
    write_text_atomically(path, json.dumps(document, indent=2) + "\n")


def _parse(document: Any, service: ServiceId) -> LearntLimits:
    if not isinstance(document, dict) or (
        document.get("format"),
        document.get("version"),
        document.get("service"),
    ) != (FORMAT, VERSION, str(service)):
        raise Damaged("not a learnt-rates file of this service")
    return LearntLimits(
        windows=_windows(document.get("windows"), tentative=True),
        served=_windows(document.get("served"), tentative=False),
    )


def _windows(items: Any, *, tentative: bool) -> tuple[Window, ...]:
    """The windows listed in `items`; `tentative`: whether an item may say it is."""
    if not isinstance(items, list):
        raise Damaged("a list of windows was expected")
    windows = []
    for item in items:
        if not isinstance(item, dict):
            raise Damaged("a window was expected")
        limit, seconds = item.get("limit"), item.get("seconds")
        is_tentative = item.get("tentative", False) if tentative else False
        if (
            not isinstance(limit, int)
            or isinstance(limit, bool)
            or limit < 1
            or not isinstance(seconds, int | float)
            or isinstance(seconds, bool)
            or not math.isfinite(seconds)
            or not 0 < seconds <= 3600
            or not isinstance(is_tentative, bool)
        ):
            raise Damaged(f"not a window: {item!r}")
        windows.append(Window(limit, float(seconds), is_tentative))
    return tuple(windows)
