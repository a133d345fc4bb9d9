"""Starting the window: the QApplication, the composition, the event loop."""

from __future__ import annotations

from collections.abc import Sequence


def run_window(argv: Sequence[str]) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    from songbird_gui import __version__

    app = QApplication.instance() or QApplication(list(argv))
    window = QMainWindow()
    window.setWindowTitle(f"Songbird {__version__}")
    label = QLabel(
        "Demo library — connect your accounts to sync your own playlists.\n\n"
        "The window is on its way; meanwhile `songbird sync --demo --all` runs a whole sync."
    )
    label.setMargin(24)
    window.setCentralWidget(label)
    window.resize(720, 480)
    window.show()
    return int(app.exec())
