"""Test-wide set-up: no display, and every user folder redirected into a temporary one.

Songbird finds its folders through platformdirs, which honours the XDG variables on Linux, so
pointing them at a temporary folder keeps the tests away from the real user's settings, store
and demo state (and from each other).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest
from hypothesis import core as hypothesis_core

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# Property tests draw from one seed, printed in the header, so that any failure reproduces
# (`--hypothesis-seed=N` or SONGBIRD_HYPOTHESIS_SEED=N picks another).
DEFAULT_HYPOTHESIS_SEED = 20261202


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("hypothesis_seed", None) is None:
        seed = int(os.environ.get("SONGBIRD_HYPOTHESIS_SEED", DEFAULT_HYPOTHESIS_SEED))
        hypothesis_core.global_force_seed = seed  # type: ignore[attr-defined]


def pytest_report_header(config: pytest.Config) -> str:
    seed = hypothesis_core.global_force_seed  # type: ignore[attr-defined]
    return f"hypothesis seed: {seed} (another: --hypothesis-seed=N)"


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    for variable, folder in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        (home / folder).mkdir(parents=True)
        monkeypatch.setenv(variable, str(home / folder))
    return home


@pytest.fixture
def shared_dir() -> Path:
    """The read-only ../shared folder beside the checkout (CI always has it)."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: it holds the recorded responses and eval cases")
    return SHARED


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring backend for tests: the keyring API for real, the storage in a dict."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username), None)


@pytest.fixture
def test_keyring():
    """Songbird's secrets go to a keyring held in memory for the test."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def songbird_log() -> Iterator[None]:
    """For a test that calls `setup_logging`: the handler it adds goes again afterwards."""
    logger = logging.getLogger("songbird_gui")
    handlers, level = list(logger.handlers), logger.level
    yield
    for handler in [h for h in logger.handlers if h not in handlers]:
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(level)
