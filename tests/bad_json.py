"""What a file Songbird reads may hold instead of what it expects, as hypothesis strategies.

A kept file is damaged by a crash, a sync tool or a hand edit; a file a person names may be
anything. `contents(example)` draws the bytes of such a file around a sound `example`: any
JSON value (NaN and Infinity, huge numbers, long text, nested lists and objects), the example
with one of its parts replaced by any such value (the wrong type where a number belongs),
the example cut short, bytes that are not text, and nesting deeper than any parser goes.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.text(min_size=1000, max_size=3000),
)

VALUES: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6), st.dictionaries(st.text(max_size=12), inner, max_size=6)
    ),
    max_leaves=25,
)


def dumped(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True, ensure_ascii=False).encode("utf-8")


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value: the keys and indexes that lead to it."""
    found = [here]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*here, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*here, index))
    return found


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], rest, new)}
    changed = list(value)
    changed[head] = _replaced(value[head], rest, new)
    return changed


@st.composite
def one_part_replaced(draw: st.DrawFn, example: Any) -> Any:
    """`example` with one of its parts (maybe the whole) replaced by any JSON value."""
    path = draw(st.sampled_from(_paths(example)))
    return _replaced(example, path, draw(VALUES))


@st.composite
def cut_short(draw: st.DrawFn, example: Any) -> bytes:
    whole = dumped(example)
    return whole[: draw(st.integers(0, max(0, len(whole) - 1)))]


def contents(example: Any) -> st.SearchStrategy[bytes]:
    """The bytes of a file that should hold something like `example`."""
    return st.one_of(
        st.builds(dumped, VALUES),
        st.builds(dumped, one_part_replaced(example)),
        cut_short(example),
        st.binary(max_size=200),
        st.integers(1_000, 200_000).map(lambda depth: b"[" * depth + b"]" * depth),
        st.integers(1_000, 200_000).map(lambda depth: b'{"a":' * depth),
        st.just(dumped(example)),
    )
