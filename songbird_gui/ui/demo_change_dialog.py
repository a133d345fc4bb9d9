"""Changing a demo playlist as its owner would on the service, to watch mirror mode follow.

Only on the demo library (the Demo menu). The change goes to the demo service's shared state,
as `songbird demo-change` in a terminal does; the next sync sees it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from songbird_gui.core.types import Playlist

# What a window manager takes from a title bar besides the title: icon, buttons, margins.
TITLE_ROOM = 260


class DemoChangeDialog(QDialog):
    def __init__(
        self,
        playlists: Sequence[Playlist],
        chosen: str | None,
        service_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change a demo playlist")
        self._playlists = [p for p in playlists if not p.is_liked]
        self.playlist = QComboBox()
        for playlist in self._playlists:
            self.playlist.addItem(playlist.name, playlist.id)
        if chosen is not None and (index := self.playlist.findData(chosen)) >= 0:
            self.playlist.setCurrentIndex(index)
        self.removals = QSpinBox()
        self.additions = QSpinBox()
        self.moves = QSpinBox()
        for spin, value in ((self.removals, 3), (self.additions, 2), (self.moves, 2)):
            spin.setRange(0, 500)
            spin.setValue(value)
        intro = QLabel(
            f"As if you edited it in the {service_name} app: remove some songs, add others, "
            "move a few. Then press Sync to watch the other side follow (in mirror mode)."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Playlist", self.playlist)
        form.addRow("&Remove", self.removals)
        form.addRow("A&dd", self.additions)
        form.addRow("&Move", self.moves)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        # Wide enough for its title beside the window manager's buttons: the form alone is
        # narrow, and the title was cut to "Change a de…".
        font = QFont(QApplication.font())
        font.setBold(True)  # as most title bars draw it
        title = QFontMetrics(font).horizontalAdvance(self.windowTitle())
        self.setMinimumWidth(max(TITLE_ROOM + title, self.sizeHint().width()))

    def chosen_playlist(self) -> Playlist | None:
        index = self.playlist.currentIndex()
        return self._playlists[index] if index >= 0 else None
