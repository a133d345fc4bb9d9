"""Reading fields of the libraries' answer dicts defensively.

A service may send a field missing, null or of another type than documented; the adapters
turn such entries into tracks with what is known, never into an exception.
"""

from __future__ import annotations

from typing import Any


def names_of(value: Any) -> tuple[str, ...]:
    """The `name` of every {"name": …} in a list; anything else gives nothing."""
    if not isinstance(value, list | tuple):
        return ()
    return tuple(str(v["name"]) for v in value if isinstance(v, dict) and v.get("name"))


def text_or_none(value: Any) -> str | None:
    """A non-empty string or an id-like number as text; anything else is None."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None
