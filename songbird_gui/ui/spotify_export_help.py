"""The Spotify part of Accounts for a person without Premium or without a developer app:
how to get their Spotify data export, step by step, and how to use it here.

`SpotifyExportHelp` is a widget the Accounts dialog embeds (beside "Connect"); its button
asks the window to open the export (`openRequested`), as File ▸ Open playlist file… does.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

PRIVACY_PAGE = "https://www.spotify.com/account/privacy/"

STEPS = (
    "Without Spotify Premium or a developer app, Songbird can still sync your playlists: "
    "from the copy of your data Spotify gives every account.",
    f'Open <a href="{PRIVACY_PAGE}">spotify.com/account/privacy</a> and sign in.',
    "Under <i>Download your data</i>, tick <b>Account data</b> and press "
    "<b>Request data</b>; confirm in the e-mail Spotify sends.",
    "Within a few days a second e-mail links to <b>my_spotify_data.zip</b>: download it.",
    "Press <b>Open the data export…</b> below (or drop the zip onto the window): your "
    "playlists and Liked Songs appear as a third source. Tick them and sync them into "
    "YouTube Music as any playlist; only YouTube Music needs to be connected.",
    "Later, download a newer export into the same folder and open it: the next sync adds "
    "only what is new (a mirror pair also removes what you removed).",
)


def spotify_export_steps() -> str:
    """The steps, as rich text (an introduction, then a numbered list)."""
    intro, *steps = STEPS
    items = "".join(f"<li>{step}</li>" for step in steps)
    return f"<p>{intro}</p><ol>{items}</ol>"


class SpotifyExportHelp(QWidget):
    """Signals:
    openRequested(): the person wants to open their data export now.
    """

    openRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.steps = QLabel(spotify_export_steps())
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        self.steps.setWordWrap(True)
        self.steps.setOpenExternalLinks(True)
        self.open_button = QPushButton("Open the data &export…")
        self.open_button.clicked.connect(self.openRequested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.steps)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
