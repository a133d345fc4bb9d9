"""The window's own state (its size, splitters and column widths): a QSettings ini file.

It is apart from the settings (`core/settings.py`) and holds nothing a person chose. Qt reads
whatever it can of a damaged ini file and writes the whole file again at its next sync,
dropping the rest without a word; so the file is looked at first, and one Qt could not read
as Songbird's (something else in its place, bytes that are not text, a group cut short) is
set aside and said like every kept file (`core/kept_file.py`). The window then opens at its
default size. An empty file is a new one.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings

from songbird_gui.core.kept_file import Damaged, Notices, keep_aside, read_bytes


def window_state_path() -> Path:
    """Where Qt keeps this application's ini file for the person (QSettings' own choice)."""
    probe = QSettings(
        QSettings.Format.IniFormat,
        QSettings.Scope.UserScope,
        QCoreApplication.organizationName(),
        QCoreApplication.applicationName(),
    )
    return Path(probe.fileName())


def _damage(path: Path) -> str | None:
    """Why Qt could not read the file at `path` as Songbird's window state, or None."""
    try:
        data = read_bytes(path)
    except FileNotFoundError:
        return None
    except Damaged as error:
        return str(error)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "not text"
    if "\x00" in text:
        return "not text"
    if QSettings(str(path), QSettings.Format.IniFormat).status() is not QSettings.Status.NoError:
        return "not an ini file"
    return None


def open_window_state(path: Path | None = None, notices: Notices | None = None) -> QSettings:
    """The window's state (at `path`, else where Qt keeps it), a damaged file set aside first
    and said to `notices`. An OSError (no permission to read it) goes to the caller."""
    path = path or window_state_path()
    damage = _damage(path)
    if damage is not None:
        then = "the window opens at its default size"
        (notices or Notices()).add(keep_aside(path, "The window's layout file", damage, then))
    return QSettings(str(path), QSettings.Format.IniFormat)
