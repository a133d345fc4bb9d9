"""The fault tests' figures, printed after the run (one JSON object per scenario), and the
sessions a test starts, closed and drained at its end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from songbird_gui.engine.session import SyncSession

# The shared checks' asserts say what differed, as the tests' own do.
pytest.register_assert_rewrite("tests.reliability.harness")

_FIGURES: dict[str, dict[str, Any]] = {}


@pytest.fixture
def fault_figures() -> dict[str, dict[str, Any]]:
    """A test stores its figures here under the scenario's name; the summary lists them all.

    Every scenario has at least `requests` (as the server saw them), `pages` (pages of lists
    read), `retries` (as the client counted them), `over_limit` (requests a service enforcing
    the configured limit would have refused) and `max_req_per_s` (the most requests in any
    second, to one service).
    """
    return _FIGURES


@pytest.fixture
def sessions() -> Iterator[list[SyncSession]]:
    """Sessions a test made: closed at its end, then their last requests awaited (as at exit:
    the test's event loop is no longer running)."""
    made: list[SyncSession] = []
    yield made
    for session in made:
        session.close()
    for session in made:
        assert session.drain(30_000), "a worker was still running 30 s after the close"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _FIGURES:
        return
    terminalreporter.section("fault injection: figures per scenario")
    for name, figures in _FIGURES.items():
        line = json.dumps({"scenario": name, **figures}, ensure_ascii=False)
        terminalreporter.write_line(line)
