"""Installing Songbird's launcher on a Linux desktop: the .desktop file, its icons, AppStream.

`songbird-gui --install-desktop-entry` puts them in the user's XDG data folder (no root
needed), pointing the launcher at the program that ran the command, so a double-click starts
the same installation. `--uninstall-desktop-entry` removes them again.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from songbird_gui import resources_path

APP_ID = "io.github.songbird.Songbird"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def _launcher_command() -> str:
    """The command that starts this installation's window."""
    if getattr(sys, "frozen", False):
        return f'"{Path(sys.executable).resolve()}"'
    script = Path(sys.executable).with_name("songbird-gui")
    if script.exists():
        return f'"{script}"'
    return f'"{Path(sys.executable).resolve()}" -m songbird_gui'


def installed_paths(data_home: Path | None = None) -> list[Path]:
    home = data_home or _data_home()
    paths = [
        home / "applications" / f"{APP_ID}.desktop",
        home / "metainfo" / f"{APP_ID}.metainfo.xml",
    ]
    paths += [
        home / "icons" / "hicolor" / f"{s}x{s}" / "apps" / f"{APP_ID}.png" for s in ICON_SIZES
    ]
    paths.append(home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg")
    return paths


def install(data_home: Path | None = None) -> list[Path]:
    """Write the launcher, icons and metainfo; returns the files written."""
    home = data_home or _data_home()
    resources = resources_path()
    entry = (resources / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    entry = entry.replace("Exec=songbird-gui", f"Exec={_launcher_command()}")
    written = []
    desktop = home / "applications" / f"{APP_ID}.desktop"
    desktop.parent.mkdir(parents=True, exist_ok=True)
    desktop.write_text(entry, encoding="utf-8")
    written.append(desktop)
    metainfo = home / "metainfo" / f"{APP_ID}.metainfo.xml"
    metainfo.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(resources / f"{APP_ID}.metainfo.xml", metainfo)
    written.append(metainfo)
    for size in ICON_SIZES:
        icon = home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        icon.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(resources / "icons" / f"songbird-{size}.png", icon)
        written.append(icon)
    svg = home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    svg.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(resources / "icons" / "songbird.svg", svg)
    written.append(svg)
    return written


def uninstall(data_home: Path | None = None) -> list[Path]:
    removed = []
    for path in installed_paths(data_home):
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed
