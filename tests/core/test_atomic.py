"""Atomic writes: the file holds the old text or the whole new text, and no stray temp file."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from songbird_gui.core import atomic
from songbird_gui.core.atomic import write_text_atomically


def test_the_new_text_replaces_the_old_whole(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    write_text_atomically(path, "old")
    text = '{"workers": 4, "title": "Ünïcode ✓"}\n' * 1000
    write_text_atomically(path, text)
    assert path.read_text(encoding="utf-8") == text
    assert os.listdir(path.parent) == ["settings.json"]  # no temporary file left beside it


def test_a_failed_rename_keeps_the_old_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config" / "settings.json"
    path.parent.mkdir()
    path.write_text("old", encoding="utf-8")

    def refuse(src: object, dst: object) -> None:
        raise PermissionError("the file is open in another program")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(PermissionError):
        write_text_atomically(path, "new")
    assert path.read_text(encoding="utf-8") == "old"
    assert os.listdir(path.parent) == ["settings.json"]


@pytest.mark.skipif(sys.platform == "win32", reason="a folder cannot be opened on Windows")
def test_the_folder_is_synced_after_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the folder sync a power loss can undo the rename: the old file comes back."""
    folder = tmp_path / "config"
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            assert os.path.samestat(info, os.stat(folder))
            events.append("sync folder")
        else:
            events.append("sync file")
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        events.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    monkeypatch.setattr(atomic.os, "replace", replace)
    write_text_atomically(folder / "settings.json", "new")
    assert events == ["sync file", "rename", "sync folder"]
    assert (folder / "settings.json").read_text(encoding="utf-8") == "new"
