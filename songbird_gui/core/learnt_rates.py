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
set aside as NAME.damaged-YYYYmmdd-HHMMSS, never deleted, and `load_learnt_rates` says so in
one sentence; the run then starts from the settings. Reading and writing stay in these two
functions, so that a general "kept file: open, or set aside and say so" path can take them.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from songbird_gui.core.atomic import write_text_atomically
from songbird_gui.core.ratelimit import LearntLimits, Window
from songbird_gui.core.types import ServiceId

FORMAT = "songbird-learnt-rates"
VERSION = 1


class _Damaged(Exception):
    """The file is not a learnt-rates file Songbird can read."""


def load_learnt_rates(
    path: Path, service: ServiceId, wall_clock: Callable[[], float] = time.time
) -> tuple[LearntLimits, str | None]:
    """What `path` says was learnt of `service`, and a sentence for the person when the file
    was damaged and set aside (None otherwise). No file: nothing learnt yet."""
    try:
        return _parse(path.read_text(encoding="utf-8"), service), None
    except FileNotFoundError:
        return LearntLimits(), None
    except (OSError, UnicodeDecodeError, _Damaged) as error:
        if isinstance(error, OSError) and not path.is_dir():
            # Unreadable (its permissions, a failing disk): leave it where it is.
            return LearntLimits(), (
                f"What Songbird learnt of {service.display_name}'s limit could not be read "
                f"({error.strerror or error}); it starts from the settings."
            )
        name = f"What Songbird learnt of {service.display_name}'s limit"
        try:
            kept = _set_aside(path, wall_clock())
        except OSError as failure:
            return LearntLimits(), (
                f"{name} was damaged and could not be set aside ({failure.strerror or failure});"
                " it starts from the settings."
            )
        return LearntLimits(), (
            f"{name} was damaged; Songbird kept it as {kept} and starts from the settings."
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


def _parse(text: str, service: ServiceId) -> LearntLimits:
    try:
        document = json.loads(text)
    except ValueError as error:
        raise _Damaged(str(error)) from error
    if not isinstance(document, dict) or (
        document.get("format"),
        document.get("version"),
        document.get("service"),
    ) != (FORMAT, VERSION, str(service)):
        raise _Damaged("not a learnt-rates file of this service")
    return LearntLimits(
        windows=_windows(document.get("windows"), tentative=True),
        served=_windows(document.get("served"), tentative=False),
    )


def _windows(items: Any, *, tentative: bool) -> tuple[Window, ...]:
    """The windows listed in `items`; `tentative`: whether an item may say it is."""
    if not isinstance(items, list):
        raise _Damaged("a list of windows was expected")
    windows = []
    for item in items:
        if not isinstance(item, dict):
            raise _Damaged("a window was expected")
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
            raise _Damaged(f"not a window: {item!r}")
        windows.append(Window(limit, float(seconds), is_tentative))
    return tuple(windows)


def _set_aside(path: Path, when: float) -> Path:
    """Rename the damaged `path` (a file or a folder) to a dated name no file has yet."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(when))
    for n in range(1, 1000):
        kept = path.with_name(f"{path.name}.damaged-{stamp}" + (f"-{n}" if n > 1 else ""))
        if not kept.exists():
            os.replace(path, kept)
            return kept
    raise OSError(f"no free name to keep {path} aside")
