"""The Help menu's actions: About, Open log folder, and Copy diagnostics (what a bug report
needs, every secret redacted: diagnostics.py)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from songbird_gui import __version__
from songbird_gui.ui.diagnostics import diagnostics_text
from songbird_gui.ui.run_status import RunStatus
from songbird_gui.ui.window_action import window_action
from songbird_gui.ui.window_library import WindowLibrary


class HelpActions(QObject):
    """Attributes: about_action, log_folder_action, diagnostics_action."""

    def __init__(self, window: QWidget, library: WindowLibrary, status: RunStatus) -> None:
        super().__init__(window)
        self.window = window
        self.library = library
        self.run_status = status
        self.about_action = window_action(window, "Abo&ut", "F1", "About Songbird", self.open_about)
        self.log_folder_action = window_action(
            window, "Open &log folder", "Ctrl+Shift+L", "Show the log files", self.open_log_folder
        )
        self.diagnostics_action = window_action(
            window,
            "Copy &diagnostics",
            "Ctrl+Shift+D",
            "Copy version, settings and recent log lines (no secrets) for a bug report",
            self.copy_diagnostics,
        )

    def open_about(self) -> None:
        QMessageBox.about(
            self.window,
            "About Songbird",
            f"<b>Songbird {__version__}</b><p>Keeps playlists in sync between Spotify and "
            "YouTube Music.</p><p>Searches run many at once, never faster than each service "
            "allows; uncertain matches wait for you; every decision is remembered.</p>",
        )

    def open_log_folder(self) -> None:
        folder = self.library.songbird.paths.log_dir
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def diagnostics(self) -> str:
        songbird = self.library.songbird
        return diagnostics_text(songbird.settings, songbird.paths, self.library.demo)

    def copy_diagnostics(self) -> None:
        QGuiApplication.clipboard().setText(self.diagnostics())
        self.run_status.say("Diagnostics copied to the clipboard (no secrets in them).")
