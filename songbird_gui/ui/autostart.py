"""Start at login (Linux): an XDG autostart entry that starts Songbird in the tray.

The setting "Start Songbird at login" writes `$XDG_CONFIG_HOME/autostart/<app id>.desktop`
(the freedesktop Desktop Application Autostart spec, followed by GNOME, KDE, Xfce and others)
and turning it off removes it. It starts `songbird-gui --background`: no window, the schedules
running, the tray icon where there is a tray. Windows and macOS: see the README. Something in
the entry's place that is no desktop entry (a folder, bytes that are not text, text without
its [Desktop Entry] group) is a damaged kept file: set aside and said before the entry is
written or removed (`core/kept_file.py`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from songbird_gui.core.atomic import write_text_atomically
from songbird_gui.core.kept_file import Damaged, Notices, keep_aside, read_bytes
from songbird_gui.ui.desktop_entry import APP_ID, _launcher_command


def autostart_path(config_home: Path | None = None) -> Path:
    home = config_home or Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return home / "autostart" / f"{APP_ID}.desktop"


def autostart_entry() -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Songbird\n"
        "Comment=Keeps your playlists in sync on schedule, from the tray\n"
        f"Exec={_launcher_command()} --background\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def _damage(path: Path) -> str | None:
    """Why what stands at `path` is no desktop entry, or None (one, or nothing there)."""
    try:
        text = read_bytes(path).decode("utf-8")
    except FileNotFoundError:
        return None
    except Damaged as error:
        return str(error)
    except UnicodeDecodeError:
        return "not text"
    groups = [line.strip() for line in text.splitlines() if line.startswith("[")]
    return None if "[Desktop Entry]" in groups else "not a desktop entry"


def set_start_at_login(
    enabled: bool, config_home: Path | None = None, notices: Notices | None = None
) -> Path | None:
    """Write (or remove) the autostart entry; the path written, or None. Linux only: other
    systems keep their own lists (the README says where). `notices` hears of a damaged entry
    set aside."""
    if not sys.platform.startswith("linux"):
        return None
    path = autostart_path(config_home)
    damage = _damage(path)
    if damage is not None:
        then = "wrote a new one" if enabled else "left start at login off"
        notice = keep_aside(path, "The start-at-login entry", damage, then)
        (notices or Notices()).add(notice)
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(path, autostart_entry())
        return path
    path.unlink(missing_ok=True)
    return None
