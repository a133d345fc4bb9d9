"""Starting the window: the QApplication, the composition of its parts, the event loop."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QSettings, QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from songbird_gui import __version__, resources_path
from songbird_gui.app import build_context, build_demo_services
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.service import MusicService
from songbird_gui.core.settings import Settings, SettingsFile
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import ServiceId
from songbird_gui.engine.session import SyncContext
from songbird_gui.logging_setup import setup_logging
from songbird_gui.services.accounts import Accounts
from songbird_gui.ui.main_window import MainWindow


def app_icon() -> QIcon:
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        icon.addFile(str(resources_path() / "icons" / f"songbird-{size}.png"), QSize(size, size))
    return icon


def create_window(
    paths: AppPaths | None = None,
    services: dict[ServiceId, MusicService] | None = None,
    accounts: Accounts | None = None,
) -> MainWindow:
    """Build the window: on `services` if given, else on the connected accounts when both
    are, else on the demo library."""
    paths = paths or AppPaths.default()
    resolved = paths
    store = MatchStore(paths.match_store)
    demo_services: dict[ServiceId, MusicService] = {}

    def choose_services() -> tuple[dict[ServiceId, MusicService], bool]:
        if services is not None:
            return services, False
        real = accounts.services() if accounts is not None else None
        if real is not None:
            return real, False
        if not demo_services:
            demo_services.update(build_demo_services(resolved))
        return demo_services, True

    def make_context(settings: Settings, chosen: dict[ServiceId, MusicService]) -> SyncContext:
        return build_context(settings, resolved, chosen, store)

    window = MainWindow(
        SettingsFile(paths.settings_file),
        make_context,
        choose_services,
        paths=paths,
        accounts=accounts,
    )
    window.setWindowIcon(app_icon())
    window.destroyed.connect(store.close)
    return window


def run_window(argv: Sequence[str]) -> int:
    QCoreApplication.setOrganizationName("Songbird")
    QCoreApplication.setApplicationName("songbird")
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication(list(argv))
    QApplication.setDesktopFileName("io.github.songbird.Songbird")
    QApplication.setWindowIcon(app_icon())
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    setup_logging(AppPaths.default())
    window = create_window(accounts=Accounts())
    window.show()
    code = app.exec()
    return int(code)


if __name__ == "__main__":
    sys.exit(run_window(sys.argv))
