"""Fixtures shared by the core tests; the fakes themselves live in core_fakes.py."""

from __future__ import annotations

import random

import pytest
from core_fakes import FakeClock

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.ratelimit import WindowLimiter, limiter_for
from songbird_gui.core.retry import RetryPolicy
from songbird_gui.core.settings import RateSettings, RetrySettings


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fast_limiter() -> WindowLimiter:
    """A limiter that never makes a test wait (real clock, far above what a test asks)."""
    return limiter_for(RateSettings(10_000.0, 1_000))


@pytest.fixture
def fast_policy() -> RetryPolicy:
    return RetryPolicy(RetrySettings(base_delay_s=0.001, max_delay_s=0.004), random.Random(7))


@pytest.fixture
def cancel() -> CancelToken:
    return CancelToken()
