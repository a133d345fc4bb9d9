"""The demo services' models of how real services limit requests (services/demo_limits.py),
and the demo server counting each request at its arrival against them."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from songbird_gui.core.types import ServiceId
from songbird_gui.services import demo_limits
from songbird_gui.services.demo_limits import (
    SPOTIFY_WINDOW_S,
    YTMUSIC_WINDOW_S,
    OneWayDelays,
    SlidingWindowLimit,
    spotify_like,
    ytmusic_like,
)
from songbird_gui.services.demo_server import DemoHTTPError, DemoServer, DemoServerConfig
from tests.demo_catalogue import small_catalogue


def test_the_models_are_written_apart_from_the_client_s_limiter() -> None:
    tree = ast.parse(Path(demo_limits.__file__).read_text(encoding="utf-8"))
    imported = {
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not [name for name in imported if name.startswith("songbird_gui")]


def test_at_most_the_limit_in_any_window_counted_at_arrival() -> None:
    window = SlidingWindowLimit(3, 1.0)
    assert [window.admit(t) for t in (0.0, 0.1, 0.2)] == [None, None, None]
    assert window.admit(1.0) is None  # exactly a window after the first: it has left
    # (0.05, 1.05] holds 0.1, 0.2 and 1.0: refused until 0.2 leaves (0.15 s: whole seconds)
    assert window.admit(1.05) == 1
    assert window.in_window(1.05) == 4  # the refused request takes a place too


def test_refused_requests_count_so_hammering_keeps_being_refused() -> None:
    strict = SlidingWindowLimit(2, 1.0)
    lenient = SlidingWindowLimit(2, 1.0, count_refused=False)
    for window in (strict, lenient):
        window.admit(0.0)
        window.admit(0.0)
    hammering = [0.4, 0.8, 1.2, 1.6, 2.0]
    assert [lenient.admit(t) is None for t in hammering] == [False, False, True, True, False]
    assert [strict.admit(t) is None for t in hammering] == [False] * 5


def test_retry_after_is_long_enough_when_nothing_else_comes() -> None:
    window = SlidingWindowLimit(90, 30.0)
    for n in range(90):
        assert window.admit(n * 0.01) is None
    retry_after = window.admit(1.0)
    assert retry_after == 30  # the oldest leaves at 30.0; the refused one counts too
    assert window.admit(1.0 + retry_after) is None


@settings(max_examples=100, deadline=None, database=None)
@given(
    limit=st.integers(1, 8),
    window_s=st.floats(0.5, 10.0),
    gaps=st.lists(st.floats(0.0, 2.0), min_size=1, max_size=80),
)
@example(limit=1, window_s=0.99999, gaps=[2.0, 0.99999])  # at the edge, found by seed 7
def test_no_window_ever_holds_more_accepted_than_the_limit(
    limit: int, window_s: float, gaps: list[float]
) -> None:
    window = SlidingWindowLimit(limit, window_s, count_refused=False)
    now, accepted = 0.0, []
    for gap in gaps:
        now += gap
        if window.admit(now) is None:
            accepted.append(now)
    for first, last in zip(accepted, accepted[limit:], strict=False):
        # In the model's own terms: the window holding `last` is (last - window_s, last].
        # (`last - first >= window_s` can round the other way at the very edge: seed 7 found
        # first 2.0, last 2.0 + 0.99999, window 0.99999.)
        assert first <= last - window_s


def test_the_two_services_shapes() -> None:
    spotify = spotify_like(3.0)
    assert (spotify.limit, spotify.window_s) == (90, SPOTIFY_WINDOW_S) == (90, 30.0)
    youtube = ytmusic_like(10.0)
    assert youtube.window_s == YTMUSIC_WINDOW_S < SPOTIFY_WINDOW_S
    assert youtube.limit == round(10.0 * YTMUSIC_WINDOW_S)
    assert spotify.count_refused and youtube.count_refused


def test_one_way_delays() -> None:
    delays = OneWayDelays(2.0, 0.1, random.Random(3))
    legs = [delays.legs() for _ in range(500)]
    assert all(0.9 <= there <= 1.1 and back == 1.0 for there, back in legs)
    assert delays.max_arrival_spread_s == pytest.approx(0.2)


# -- the server --------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("config", "limit", "window_s"),
    [
        (DemoServerConfig(limit=10.0, burst=10), 10, 1.0),  # no window: burst per burst/limit
        (DemoServerConfig(limit=4.0, burst=1), 1, 0.25),
        (DemoServerConfig(limit=3.0, burst=3, window_s=30.0), 90, 30.0),  # `--demo-limit 3`
    ],
)
def test_the_config_s_window(config: DemoServerConfig, limit: int, window_s: float) -> None:
    window = config.window_limit()
    assert (window.limit, window.window_s) == (limit, window_s)


def test_the_server_counts_each_request_at_arrival_and_answers_429() -> None:
    clock = Clock()
    config = DemoServerConfig(latency_s=0.0, limit=2.0, burst=2, seed=1)
    server = DemoServer(ServiceId.YTMUSIC, config, None, small_catalogue(), clock=clock)
    server.get_playlists()
    server.search("anything", "songs")
    with pytest.raises(DemoHTTPError) as refused:
        server.search("anything", "songs")
    assert (refused.value.status, refused.value.retry_after) == (429, 1)
    assert isinstance(refused.value.retry_after, int)
    clock.now = 1.0
    server.search("anything", "songs")
    counters = server.counters
    assert (counters.requests, counters.rate_limited, counters.searches) == (4, 1, 2)
    assert dict(counters.by_endpoint) == {"playlists": 1, "search": 3}
