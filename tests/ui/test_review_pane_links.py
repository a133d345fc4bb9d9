"""The review pane's "Open in browser": the candidate in focus, at its service's own address
(`core.track_links`, the one place Songbird builds a track's link), and never a demo track's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from songbird_gui.core.types import Candidate, EntryState, PlanEntry, ServiceId, Track, TrackStatus
from songbird_gui.engine.rows import Row
from songbird_gui.ui.review_pane import ReviewPane

SOURCE = Track(ServiceId.SPOTIFY, "sp1", "Paper Lanterns", ("Mira Vale",), duration_ms=200_000)
SONG = Track(ServiceId.YTMUSIC, "yt1", "Paper Lanterns", ("Mira Vale",), duration_ms=200_000)
DEMO = Track(ServiceId.YTMUSIC, "yt1b", "Paper Lanterns (Demo)", ("Mira Vale",))
CANDIDATES = (Candidate(SONG, 0.98, ()), Candidate(DEMO, 0.7, ()))


class Browser(QObject):
    """Where the desktop would open https links: Qt's own hook for a handler of a scheme."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def browser() -> Iterator[Browser]:
    handler = Browser()
    QDesktopServices.setUrlHandler("https", handler, "open")
    yield handler
    QDesktopServices.unsetUrlHandler("https")


def pane_on_the_track(qtbot, can_open_links: bool) -> ReviewPane:
    pane = ReviewPane(can_open_links=can_open_links)
    qtbot.addWidget(pane)
    row = Row(0, PlanEntry(0, SOURCE, EntryState.SEARCH), TrackStatus.REVIEW)
    pane.show_row(0, row, CANDIDATES)
    return pane


def test_open_in_browser_opens_the_candidate_in_focus(qtbot, browser):
    pane = pane_on_the_track(qtbot, can_open_links=True)
    pane.table.selectRow(1)

    pane.open_button.click()

    assert browser.opened == ["https://music.youtube.com/watch?v=yt1b"]


def test_a_demo_track_is_never_opened(qtbot, browser):
    pane = pane_on_the_track(qtbot, can_open_links=False)  # the demo library's tracks

    assert not pane.open_button.isEnabled()
    pane._open()  # Ctrl+O
    assert browser.opened == []
