"""One Songbird per data folder, with two real processes: a second `songbird-gui` finds the
first, has it show its window, says so and ends; the first goes on running."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from songbird_gui.ui.single_instance import SingleInstance, ask_running_instance

TIMEOUT_S = 60


def env_in(home: Path) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}  # fmt: skip
    for variable, folder in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                             ("XDG_STATE_HOME", "state"), ("XDG_CACHE_HOME", "cache")):  # fmt: skip
        env[variable] = str(home / folder)
    return env


def log_text(home: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace") for p in home.rglob("*.log") if p.is_file()
    )


def wait_for(condition, what: str, process: subprocess.Popen | None = None) -> None:
    """Poll a file another process writes (nothing to wait on in this process's loop)."""
    deadline = time.monotonic() + TIMEOUT_S
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the first Songbird ended ({process.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.slow
def test_a_second_start_raises_the_first_window_and_ends(tmp_path):
    env = env_in(tmp_path)
    gui = [sys.executable, "-m", "songbird_gui.ui.launch"]
    first = subprocess.Popen(gui, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)  # fmt: skip
    try:
        wait_for(lambda: "single instance: listening on" in log_text(tmp_path), "listening", first)
        second = subprocess.run(gui, env=env, capture_output=True, text=True,
                                timeout=TIMEOUT_S, check=False)  # fmt: skip
        assert second.returncode == 0, second.stderr
        assert "already running; its window was brought forward" in second.stdout
        wait_for(lambda: "asked for the window: shown" in log_text(tmp_path), "the raise", first)
        assert first.poll() is None  # the first goes on
    finally:
        first.terminate()  # the process this test started, by its handle
        first.communicate(timeout=TIMEOUT_S)


def test_a_left_over_socket_is_taken_over_and_nobody_answers_a_closed_one(qtbot, tmp_path):
    name = f"songbird-test-{os.getpid()}"
    assert not ask_running_instance(name, 200)  # nobody listens: this start is the first
    first = SingleInstance(name)
    assert first.listen()
    second = SingleInstance(name)
    assert second.listen()  # a crashed first's socket is taken over, not an error
    second.close()
    first.close()
