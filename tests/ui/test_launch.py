"""`songbird-gui`'s start, through its real path (`run_window`, `open_for_window`): its error
boundary, the window's kept files said in the window, and `--demo-quirks`."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from songbird_gui.core.exit_codes import EXIT_FILES, EXIT_NO_DISPLAY, EXIT_USAGE
from songbird_gui.core.paths import AppPaths
from songbird_gui.ui import launch
from tests.ui.test_window_trust import answer_next_modal

pytestmark = pytest.mark.usefixtures("songbird_log", "test_keyring")


def test_a_start_that_cannot_open_says_one_sentence_and_ends_with_the_readmes_code(
    qapp, user_dirs: Path, capsys
):
    """Only a store from a newer Songbird was caught: anything else gave a traceback."""
    data = AppPaths.default().data_dir
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text("a file where Songbird's data folder belongs", encoding="utf-8")
    boxes: list[str] = []

    def read(box: QMessageBox) -> None:
        boxes.append(box.text())
        box.accept()

    answer_next_modal(read)
    code = launch.run_window(["songbird-gui"])

    (sentence,) = boxes
    assert code == EXIT_FILES
    assert sentence.startswith(f"Songbird could not use {data}")
    assert capsys.readouterr().err == f"songbird-gui: {sentence}\n"  # no traceback


def test_an_unknown_demo_quirk_is_refused_in_one_sentence_naming_the_known_ones(capsys):
    assert launch.main(["--demo-quirks", "quota,teapot"]) == EXIT_USAGE
    said = capsys.readouterr().err
    assert said.startswith("songbird-gui: no demo quirk named teapot; there are: followed,")
    assert said.count("\n") == 1


def test_the_window_says_at_start_what_its_launch_found_of_the_kept_files(qtbot, tmp_path):
    """The window's layout was opened by Qt as it is, damaged or not: never looked at."""
    layout = tmp_path / "Songbird" / "songbird.ini"
    layout.parent.mkdir()
    layout.write_bytes(b"\x00\xff garbage [[[\n")
    songbird, layout_state = launch.open_for_window(AppPaths.default(), layout=layout)
    window = launch.create_window(songbird, layout_state)
    qtbot.addWidget(window)
    window.show()
    (kept,) = layout.parent.glob("songbird.ini.damaged-*")
    assert window.notice.isVisible()
    assert window.notice.text() == (
        f"The window's layout file could not be read (not text); Songbird kept it as {kept} "
        "and the window opens at its default size."
    )
    window.close()
    window.drain(10_000)
    songbird.close()


def test_a_logout_or_kill_quits_as_file_quit_does_and_keeps_the_layout(user_dirs):
    """SIGTERM (a logout, a shutdown, `kill`) ended the window where it stood: the ticks and
    the layout were lost. Now it quits as File ▸ Quit does, with the README's 143."""
    import os
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    window = subprocess.Popen(
        [sys.executable, "-m", "songbird_gui"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    log = user_dirs / "state" / "songbird" / "log" / "songbird.log"
    ready = "SIGINT and SIGTERM quit as File ▸ Quit does"
    # Waits for the window's own word that it is ready; the deadline only ends a test that
    # would otherwise hang.
    deadline = time.monotonic() + 60
    while not (log.exists() and ready in log.read_text(encoding="utf-8")):
        if window.poll() is not None or time.monotonic() > deadline:
            window.kill()
            pytest.fail(f"the window never said it was ready: {window.communicate()}")
        time.sleep(0.05)
    window.send_signal(signal.SIGTERM)
    _, err = window.communicate(timeout=60)
    assert window.returncode == 143 and "Traceback" not in err
    layout = (user_dirs / "config" / "Songbird" / "songbird.ini").read_text(encoding="utf-8")
    assert "[window]" in layout and "geometry=" in layout  # saved as File ▸ Quit saves it


def test_a_window_that_no_platform_can_show_ends_with_its_own_documented_code(
    user_dirs: Path, monkeypatch: pytest.MonkeyPatch
):
    """Before, exit 1: the README's code for a match store from a newer Songbird."""
    told: list[str] = []

    def nothing_can_start(argv: list[str]) -> bool:
        told.append("install libxcb-cursor0")  # what prepare_platform reports, then refuses
        return False

    monkeypatch.setattr(launch, "prepare_platform", nothing_can_start)
    assert launch.run_window(["songbird-gui"]) == EXIT_NO_DISPLAY == 13
    assert told == ["install libxcb-cursor0"]
