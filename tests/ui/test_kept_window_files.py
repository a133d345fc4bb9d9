"""The window's kept files: its layout (a QSettings ini) and the start-at-login entry. Something
Qt or the desktop could not read as Songbird's is set aside byte for byte and said before it is
written; what is sound is used as it is."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from songbird_gui.core.kept_file import Notices
from songbird_gui.ui.autostart import autostart_path, set_start_at_login
from songbird_gui.ui.window_state import open_window_state


@pytest.fixture
def ini(tmp_path: Path) -> Path:
    folder = tmp_path / "Songbird"
    folder.mkdir()
    return folder / "songbird.ini"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x00\xff\xfe garbage [[[ ===\n", "not text"),
        (b"[General]\nsplitter=\x00\x01\n", "not text"),
        (b"[Gen", "not an ini file"),
    ],
    ids=["garbage", "nul", "truncated"],
)
def test_a_layout_file_qt_cannot_read_is_kept_aside_and_said(
    qapp, ini: Path, content: bytes, reason: str
) -> None:
    """Qt would read what it could and write the whole file again, dropping the rest."""
    ini.write_bytes(content)
    notices = Notices()
    state = open_window_state(ini, notices)
    state.setValue("window/geometry", "800x600")
    state.sync()
    (kept,) = ini.parent.glob("songbird.ini.damaged-*")
    assert kept.read_bytes() == content
    assert notices.messages() == [
        f"The window's layout file could not be read ({reason}); Songbird kept it as {kept} "
        "and the window opens at its default size."
    ]
    assert QSettings(str(ini), QSettings.Format.IniFormat).value("window/geometry") == "800x600"


def test_a_folder_in_the_layout_files_place_is_set_aside(qapp, ini: Path) -> None:
    ini.mkdir()
    notices = Notices()
    open_window_state(ini, notices).sync()
    (kept,) = ini.parent.glob("songbird.ini.damaged-*")
    assert kept.is_dir()
    assert "a folder in its place" in notices.messages()[0]


@pytest.mark.parametrize("content", [b"", b"[General]\nwindow\\geometry=800x600\n"])
def test_an_empty_or_sound_layout_file_is_used_as_it_is(qapp, ini: Path, content: bytes) -> None:
    ini.write_bytes(content)
    notices = Notices()
    open_window_state(ini, notices)
    assert notices.messages() == []
    assert list(ini.parent.iterdir()) == [ini]


linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the autostart entry is Linux's"
)


@linux_only
@pytest.mark.parametrize("enabled", [True, False], ids=["ticked", "unticked"])
@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("folder", "a folder in its place"),
        (b"\xff\xfe", "not text"),
        (b"hello", "not a desktop entry"),
    ],
    ids=["folder", "not-text", "not-an-entry"],
)
def test_a_damaged_start_at_login_entry_is_set_aside_before_it_is_written_or_removed(
    user_dirs: Path, enabled: bool, damage: str | bytes, reason: str
) -> None:
    """A folder in its place made saving Settings fail with a traceback."""
    path = autostart_path()
    path.parent.mkdir(parents=True)
    if isinstance(damage, bytes):
        path.write_bytes(damage)
    else:
        path.mkdir()
    notices = Notices()
    set_start_at_login(enabled, notices=notices)
    (kept,) = path.parent.glob(f"{path.name}.damaged-*")
    assert kept.read_bytes() == damage if isinstance(damage, bytes) else kept.is_dir()
    (said,) = notices.messages()
    assert said.startswith(f"The start-at-login entry could not be read ({reason})")
    assert str(kept) in said
    assert path.is_file() == enabled
    if enabled:
        assert "--background" in path.read_text(encoding="utf-8")


@linux_only
def test_an_older_start_at_login_entry_is_written_over_without_a_word(user_dirs: Path) -> None:
    path = autostart_path()
    path.parent.mkdir(parents=True)
    path.write_text("[Desktop Entry]\nExec=/old/songbird-gui --background\n", encoding="utf-8")
    notices = Notices()
    set_start_at_login(True, notices=notices)
    assert notices.messages() == []
    assert "/old/" not in path.read_text(encoding="utf-8")
    assert list(path.parent.iterdir()) == [path]
