"""The fault tests' figures (requests, retries, 429s, final statuses), printed after the run."""

from __future__ import annotations

import json
from typing import Any

import pytest

_FIGURES: dict[str, dict[str, Any]] = {}


@pytest.fixture
def fault_figures() -> dict[str, dict[str, Any]]:
    """A test stores its figures here under a name; the summary lists them all."""
    return _FIGURES


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _FIGURES:
        return
    terminalreporter.section("fault injection: figures per whole sync")
    for name, figures in _FIGURES.items():
        terminalreporter.write_line(f"{name}: {json.dumps(figures, ensure_ascii=False)}")
