"""Driving the window as a person does: a window on the demo library, ticking, pictures."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from songbird_gui.app import Songbird
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.settings import RateSettings, RetrySettings, Settings
from songbird_gui.services.demo import DemoConfig, DemoServerConfig
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
    catalogue: dict | None = None,
):
    """A window on the demo library of `catalogue` (else the small one, `extra` longer)."""
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    config = DemoConfig(
        spotify=server,
        ytmusic=server,
        state_dir=paths.demo_state_dir,
        catalogue=catalogue or small_catalogue(extra),
    )
    songbird = Songbird(paths, demo=config, settings=settings)
    window = create_window(
        songbird, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.playlists.playlist_model.rowCount() > 0, timeout=10_000)
    return window, songbird.demo_services()


def tick(window, name: str) -> None:
    for row in range(window.playlists.playlist_model.rowCount()):
        index = window.playlists.playlist_model.index(row, 0)
        if index.data() == name:
            window.playlists.playlist_model.setData(
                index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
            )
            return
    raise AssertionError(f"no playlist {name}")


def save(widget, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    widget.grab().save(str(ARTIFACTS / name))
