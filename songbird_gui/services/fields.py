"""Reading fields of the libraries' answer dicts defensively.

A service may send a field missing, null or of another type than documented (a string where
a number belongs, a list where a name belongs, a float that is nan or inf); the adapters turn
such entries into tracks with what is known, never into an exception. Every reader here
answers "unknown" (None, "", (), False) for a value that is not what a sane answer would hold.
"""

from __future__ import annotations

import math
import re
from typing import Any

MAX_DURATION_MS = 24 * 60 * 60 * 1000  # a longer "track" is a wrong value, not a recording
MAX_COUNT = 10_000_000  # more entries than any playlist or library holds
_ID_NUMBER_LIMIT = 2**63  # an id-like number; beyond it str() may even refuse (long ints)
_CLOCK_RE = re.compile(r"([0-9]{1,6})((?::[0-9]{1,2}){1,2})")  # "m:ss" or "h:mm:ss", ASCII
_COUNT_RE = re.compile(r"[0-9]{1,12}")
_ISRC_RE = re.compile(r"[A-Z0-9]{12}")


def mapping(value: Any) -> dict[str, Any]:
    """`value` when it is a dict (a JSON object), else an empty one."""
    return value if isinstance(value, dict) else {}


def text_or_none(value: Any) -> str | None:
    """A non-empty string or an id-like whole number as text; anything else is None."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if -_ID_NUMBER_LIMIT < value < _ID_NUMBER_LIMIT else None
    return None


def text(value: Any) -> str:
    """A title or a name: the text of `value`, or "" when it holds none."""
    return text_or_none(value) or ""


def names_of(value: Any) -> tuple[str, ...]:
    """The `name` of every {"name": …} in a list; anything else gives nothing."""
    if not isinstance(value, list | tuple):
        return ()
    names = (text_or_none(mapping(v).get("name")) for v in value)
    return tuple(name for name in names if name)


def flag(value: Any) -> bool:
    """A yes/no field: only a real `true` is yes (not "false", not 1, not a list)."""
    return value is True


def _positive_number(value: Any) -> int | float | None:
    """A finite number above zero (bools are not numbers here, nor is numeric text)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value if value > 0 else None


def _sane_duration(ms: int | float) -> int | None:
    # Compared before int(): int() of a huge float is exact but absurd, of inf it raises.
    if ms > MAX_DURATION_MS:
        return None
    whole = int(ms)
    return whole if whole > 0 else None


def duration_from_ms(value: Any) -> int | None:
    """Milliseconds from a number of milliseconds (Spotify's `duration_ms`), or None."""
    number = _positive_number(value)
    return None if number is None else _sane_duration(number)


def duration_from_seconds(value: Any) -> int | None:
    """Milliseconds from a number of seconds (ytmusicapi's `duration_seconds`), or None."""
    number = _positive_number(value)
    return None if number is None else _sane_duration(number * 1000)


def duration_from_clock(value: Any) -> int | None:
    """Milliseconds from a clock text, "4:09" or "1:35:36"; None for anything else.

    Every part after the first must be below 60: "3:75" is not a time anyone displays.
    """
    if not isinstance(value, str):
        return None
    match = _CLOCK_RE.fullmatch(value.strip())
    if not match:
        return None
    rest = [int(part) for part in match.group(2).split(":")[1:]]
    if any(part >= 60 for part in rest):
        return None
    seconds = int(match.group(1))
    for part in rest:
        seconds = seconds * 60 + part
    return _sane_duration(seconds * 1000) if seconds > 0 else None


def count_of(value: Any) -> int | None:
    """A number of entries: a whole number, or the digits of a text such as "1,234 songs".

    None when it is negative, absurdly large, a bool or a float, or the text holds no digits.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        digits = re.sub(r"[^0-9]", "", value)
        value = int(digits) if _COUNT_RE.fullmatch(digits) else None
    if isinstance(value, int) and 0 <= value <= MAX_COUNT:
        return value
    return None


def isrc_of(value: Any) -> str | None:
    """An ISRC in its compact form ("GBARL9300135"): 12 letters and digits, hyphens dropped."""
    if not isinstance(value, str):
        return None
    compact = value.strip().replace("-", "").upper()
    return compact if _ISRC_RE.fullmatch(compact) else None
