"""What a desktop needs to launch Songbird: valid .desktop and AppStream files, icons, a
self-test, and the launcher install for this user."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from songbird_gui import __version__, resources_path
from songbird_gui.ui import desktop_entry

APP_ID = desktop_entry.APP_ID


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (.ci/run installs it)")
    return path


def test_desktop_file_validates():
    done = subprocess.run(
        [tool("desktop-file-validate"), str(resources_path() / f"{APP_ID}.desktop")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == ""  # no warnings either


def test_appstream_metainfo_validates():
    metainfo = resources_path() / f"{APP_ID}.metainfo.xml"
    done = subprocess.run(
        [tool("appstreamcli"), "validate", "--no-net", str(metainfo)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_icon_size_is_there():
    for size in desktop_entry.ICON_SIZES:
        icon = resources_path() / "icons" / f"songbird-{size}.png"
        assert icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", icon


def test_install_desktop_entry_for_this_user(tmp_path):
    written = desktop_entry.install(tmp_path)
    assert set(written) == set(desktop_entry.installed_paths(tmp_path))
    desktop = tmp_path / "applications" / f"{APP_ID}.desktop"
    exec_line = next(line for line in desktop.read_text().splitlines() if line.startswith("Exec="))
    program = shlex.split(exec_line.removeprefix("Exec="))[0]
    assert Path(program).exists()  # the launcher starts this very installation
    if shutil.which("desktop-file-validate"):
        done = subprocess.run(
            ["desktop-file-validate", str(desktop)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout
    assert desktop_entry.uninstall(tmp_path) == written
    assert not desktop.exists()


def test_version_and_self_test_from_the_command_line():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    version = subprocess.run(
        [sys.executable, "-m", "songbird_gui", "--version"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert version.stdout.strip() == f"songbird-gui {__version__}"
    done = subprocess.run(
        [sys.executable, "-m", "songbird_gui", "--self-test"],
        capture_output=True, text=True, check=False, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["ok"] and report["added"] > 0 and report["final"] == report["tracks"]
