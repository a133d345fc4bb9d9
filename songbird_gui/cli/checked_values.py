"""The command line's checked option values: a number within the range a person could mean, or
argparse's own refusal, which names the range (exit code 2).

`float("nan")`, `float("1e308")` and `int("-5")` all parse; taken as they are, the demo's
latency or limit became a traceback deep in a run, or a minute with no output, and
`demo-change --remove -5` a traceback. The ranges are the ones the demo declares
(`services/demo_server.DemoServerConfig`), so an option and the object it sets agree; the
names of `--demo-quirks` are the ones the demo knows (`services/demo_quirks.py`).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import TypeVar

from songbird_gui.core.settings import range_of
from songbird_gui.services.demo import DemoServerConfig
from songbird_gui.services.demo_quirks import parse_quirks

N = TypeVar("N", int, float)


def number_in(
    low: float, high: float, kind: Callable[[str], N], unit: str = ""
) -> Callable[[str], N]:
    """An argparse `type` taking a `kind` (int or float) from `low` to `high`, both included."""
    whole = "whole " if kind is int else ""

    def checked(text: str) -> N:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {whole}number") from None
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(
                f"must be a {whole}number from {low:g} to {high:g}{unit}, not {text}"
            )
        return value

    return checked


def _demo(name: str, scale: float = 1.0) -> tuple[float, float]:
    low, high = range_of(DemoServerConfig, name)
    return low * scale, high * scale


# `--demo-latency-ms MS`: the demo's round trip, in milliseconds.
demo_latency_ms = number_in(*_demo("latency_s", 1000.0), float, " ms")
# `--demo-limit R`: requests per second the demo services accept.
demo_limit = number_in(*_demo("limit"), float, " requests/s")
# `--demo-faults SHARE`: the share of the demo's requests that fail.
demo_faults = number_in(*_demo("fault_rate"), float)
# `demo-change --remove/--add/--move N`: how many entries a person changes at once.
entries_changed = number_in(0, 10_000, int)


def demo_quirks(text: str) -> str:
    """`--demo-quirks NAMES`: the demo's 2026 refusals to switch on, each name a known one."""
    try:
        parse_quirks(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text
