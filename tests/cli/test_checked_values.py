"""The command line's checked options: a value no demo service or edit could mean is refused
by argparse itself (exit 2, saying the range), never a traceback deep in a run or a minute of
silence; any text at all is a value in range or that refusal."""

from __future__ import annotations

import argparse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from songbird_gui.cli.checked_values import (
    demo_faults,
    demo_latency_ms,
    demo_limit,
    entries_changed,
)
from songbird_gui.services.demo import DemoServerConfig


def parser() -> argparse.ArgumentParser:
    made = argparse.ArgumentParser(prog="songbird")
    made.add_argument("--demo-latency-ms", type=demo_latency_ms)
    made.add_argument("--demo-limit", type=demo_limit)
    made.add_argument("--demo-faults", type=demo_faults)
    made.add_argument("--remove", type=entries_changed)
    return made


@pytest.mark.parametrize(
    ("option", "text", "said"),
    [
        ("--demo-latency-ms", "nan", "must be a number from 0 to 10000 ms, not nan"),
        ("--demo-latency-ms", "inf", "must be a number from 0 to 10000 ms, not inf"),
        ("--demo-latency-ms", "1e308", "must be a number from 0 to 10000 ms, not 1e308"),
        ("--demo-limit", "1e308", "must be a number from 0.1 to 1e+06 requests/s, not 1e308"),
        ("--demo-limit", "1e-300", "must be a number from 0.1 to 1e+06 requests/s, not 1e-300"),
        ("--demo-faults", "2", "must be a number from 0 to 1, not 2"),
        ("--remove", "-5", "must be a whole number from 0 to 10000, not -5"),
        ("--remove", "2.5", "'2.5' is not a whole number"),
    ],
)
def test_an_option_out_of_range_is_refused_with_exit_2_saying_the_range(
    capsys: pytest.CaptureFixture[str], option: str, text: str, said: str
) -> None:
    with pytest.raises(SystemExit) as ended:
        parser().parse_args([f"{option}={text}"])
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}: {said}" in err and "Traceback" not in err


def test_sensible_options_are_taken_and_make_a_demo_service() -> None:
    args = parser().parse_args(
        ["--demo-latency-ms", "0", "--demo-limit", "2000", "--demo-faults", "0.1", "--remove", "3"]
    )
    assert (args.demo_latency_ms, args.demo_limit, args.demo_faults, args.remove) == (
        0.0,
        2000.0,
        0.1,
        3,
    )
    DemoServerConfig(latency_s=args.demo_latency_ms / 1000, limit=args.demo_limit)


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(st.text(max_size=30), st.floats().map(repr), st.integers().map(str)))
def test_any_text_is_a_value_in_range_or_a_refusal(text: str) -> None:
    for option, low, high in (
        (demo_latency_ms, 0, 10_000),
        (demo_limit, 0.1, 1e6),
        (demo_faults, 0, 1),
        (entries_changed, 0, 10_000),
    ):
        try:
            value = option(text)
        except argparse.ArgumentTypeError:
            continue
        assert low <= value <= high
