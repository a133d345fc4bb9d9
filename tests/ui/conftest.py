"""Fixtures of the window tests."""

from __future__ import annotations

import pytest

from songbird_gui.services.demo import DemoServerConfig


@pytest.fixture
def fast() -> DemoServerConfig:
    """Demo services that answer at once and never say 429."""
    return DemoServerConfig(latency_s=0.003, limit=1000, burst=100)
