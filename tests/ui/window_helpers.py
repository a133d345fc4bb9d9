"""Driving the window as a person does: a window on the demo library, ticking, pictures."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QSize, Qt

from songbird_gui.app import Songbird
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.settings import RateSettings, RetrySettings, Settings
from songbird_gui.services.accounts import Accounts
from songbird_gui.services.demo import DemoConfig, DemoServerConfig, with_quirks
from songbird_gui.ui.launch import create_window
from tests.demo_catalogue import small_catalogue

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


FAST_SETTINGS = Settings(
    workers=4,
    spotify=RateSettings(200, 20),
    ytmusic=RateSettings(200, 20),
    retry=RetrySettings(base_delay_s=0.001, max_delay_s=0.01),
)


def make_window(
    qtbot,
    tmp_path: Path,
    server: DemoServerConfig,
    extra: int = 0,
    settings: Settings = FAST_SETTINGS,
    layout: str = "ui.ini",
    **demo: Any,
):
    """A window on a demo library kept in `tmp_path`, its layout in `tmp_path / layout`,
    shown, its playlists read (`demo`: see `built_window`)."""
    window = built_window(qtbot, tmp_path, server, extra, settings, layout, **demo)
    window.show()
    qtbot.waitUntil(lambda: window.playlists.playlist_model.rowCount() > 0, timeout=10_000)
    return window, window.songbird.demo_services()


def built_window(
    qtbot,
    tmp_path: Path,
    server: DemoServerConfig,
    extra: int = 0,
    settings: Settings = FAST_SETTINGS,
    layout: str = "ui.ini",
    catalogue: dict[str, Any] | None = None,
    quirks: str = "",
    accounts: Accounts | None = None,
):
    """The window as `songbird-gui` builds it, not yet shown (its library not yet open), on
    the small catalogue (or `catalogue`), with the demo `quirks` named (2026's refusals);
    `accounts` gives it an Accounts dialog (the demo library stays in use)."""
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    config = DemoConfig(
        spotify=server,
        ytmusic=server,
        state_dir=paths.demo_state_dir,
        catalogue=catalogue or small_catalogue(extra),
    )
    songbird = Songbird(
        paths, accounts=accounts, demo=with_quirks(config, quirks), settings=settings
    )
    window = create_window(songbird, QSettings(str(tmp_path / layout), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    return window


def restart(qtbot, window, tmp_path: Path, server: DemoServerConfig, extra: int = 0):
    """Quit Songbird as a person does (File ▸ Quit: its layout and ticks kept), let its work
    end, and start it again on the same folders, reading the layout from disk as a new
    process does: this process's QSettings would answer from what it cached while writing,
    in memory and typed, so the new window reads a copy of the file under another name."""
    window.quit_action.trigger()
    window.drain(10_000)
    window.songbird.close()
    kept = Path(window.qsettings.fileName())
    again = kept.with_name(f"ui-{len(list(tmp_path.glob('ui*.ini')))}.ini")
    shutil.copyfile(kept, again)
    return make_window(qtbot, tmp_path, server, extra, layout=again.name)


def tick(window, name: str, state: Qt.CheckState = Qt.CheckState.Checked) -> None:
    for row in range(window.playlists.playlist_model.rowCount()):
        index = window.playlists.playlist_model.index(row, 0)
        if index.data() == name:
            window.playlists.playlist_model.setData(index, state, Qt.ItemDataRole.CheckStateRole)
            return
    raise AssertionError(f"no playlist {name}")


def untick(window, name: str) -> None:
    tick(window, name, Qt.CheckState.Unchecked)


def save(widget, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    widget.grab().save(str(ARTIFACTS / name))


def at_laptop_size(window) -> None:
    """The window as it first opens on a 1366×768 screen (offscreen's is 800 px wide)."""
    window.use_default_size(QSize(1366, 768))
