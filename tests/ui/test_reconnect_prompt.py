"""Connecting again when a run's sign-in ended (issue 22): one prompt, and the same run goes on.

On the demo library the expired-session switch signs the demo YouTube Music out after 30
requests; the window asks once ("Connect again" / "Later"), and a yes signs it in anew: a
paused search resumes where it stopped, a write held back writes the rest in the same Apply
dialog. With the person's own accounts the Accounts dialog opens on that service's tab, with
the reason and the paste steps.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from songbird_gui.app import Songbird
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.types import ServiceId, TrackStatus
from songbird_gui.engine.session import RunState
from songbird_gui.services.accounts import Accounts
from songbird_gui.services.demo import DEMO_SIGNED_OUT
from songbird_gui.services.refusal_words import SIGNED_OUT
from songbird_gui.services.secrets import SecretStore
from songbird_gui.ui.accounts_dialog import AccountsDialog
from songbird_gui.ui.apply_dialog import ApplyDialog
from songbird_gui.ui.reconnect_prompt import ReconnectPrompt
from songbird_gui.ui.window_library import WindowLibrary
from tests.ui.test_accounts_dialog import HEADERS
from tests.ui.test_window_files import answer_next
from tests.ui.window_helpers import make_window, tick

YT = ServiceId.YTMUSIC


def answer_prompt(asked: list[str], button: QMessageBox.StandardButton) -> None:
    """Answer the next "Connect again" question with `button`, keeping what it said."""

    def answer(box: QMessageBox) -> None:
        asked.append(box.text())
        box.button(button).click()

    answer_next(QMessageBox, answer)


def shown_whole(label: QLabel) -> bool:
    """Whether the label shows all of its text, as it lays it out (one line, or wrapped)."""
    metrics, text = label.fontMetrics(), label.text()
    if not label.wordWrap():
        return metrics.horizontalAdvance(text) <= label.contentsRect().width()
    room = QRect(0, 0, label.contentsRect().width(), 10_000)
    used = metrics.boundingRect(room, Qt.TextFlag.TextWordWrap, text)
    return used.height() <= label.contentsRect().height()


def test_a_search_paused_by_an_ended_sign_in_asks_once_and_goes_on(qtbot, tmp_path, fast):
    window, services = make_window(qtbot, tmp_path, fast, extra=40, quirks="expired-session")
    tick(window, "Evening")
    asked: list[str] = []
    answer_prompt(asked, QMessageBox.StandardButton.Yes)  # "Connect again"
    window.run.sync_action.trigger()
    session = window.run.session
    with qtbot.waitSignal(session.searchFinished, timeout=30_000):
        pass  # paused at the 30th request, asked, signed in, resumed
    assert asked == [f"{DEMO_SIGNED_OUT}\n\nConnect the demo YouTube Music again now?"]
    assert window.run.session is session  # the same run went on
    assert all(row.status.is_final for row in session.rows)
    assert not [row for row in session.rows if row.status is TrackStatus.FAILED]
    assert services[YT].server.counters.by_endpoint["search"] > 30


def test_later_leaves_the_run_paused_with_how_to_go_on(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast, extra=40, quirks="expired-session")
    tick(window, "Evening")
    asked: list[str] = []
    answer_prompt(asked, QMessageBox.StandardButton.No)  # "Later"
    window.run.sync_action.trigger()
    session = window.run.session
    qtbot.waitUntil(lambda: bool(asked), timeout=30_000)
    assert session.paused and len(asked) == 1
    assert window.run_status.text().endswith(
        "Press Sync (Ctrl+R) to connect again and go on from there."
    )
    window.resize(1280, 720)  # the window's size on a 1366 × 768 laptop
    qtbot.waitUntil(lambda: shown_whole(window.run_status.label), timeout=5_000)
    answer_prompt(asked, QMessageBox.StandardButton.Yes)  # Sync meets it again, asks anew
    with qtbot.waitSignal(session.searchFinished, timeout=30_000):
        window.run.sync_action.trigger()
    assert len(asked) == 2 and all(row.status.is_final for row in session.rows)


def test_a_write_held_back_for_the_sign_in_writes_the_rest_after_connecting(qtbot, tmp_path, fast):
    window, services = make_window(qtbot, tmp_path, fast, quirks="expired-session")
    tick(window, "Evening")
    window.run.sync_action.trigger()
    session = window.run.session
    with qtbot.waitSignal(session.searchFinished, timeout=20_000):
        pass
    services[YT].server.quirk_state.signed_in = False  # the sign-in ends before the write
    asked: list[str] = []
    reports: list[str] = []

    def write(dialog: ApplyDialog) -> None:
        answer_prompt(asked, QMessageBox.StandardButton.Yes)
        with qtbot.waitSignal(session.applied, timeout=20_000):  # held back
            dialog.write_button.click()
        reports.append(dialog.summary.toPlainText())
        with qtbot.waitSignal(session.applied, timeout=20_000):  # the rest, once connected
            pass
        reports.append(dialog.summary.toPlainText())
        dialog.accept()

    answer_next(ApplyDialog, write)
    window.run.apply_action.trigger()
    assert "Evening: nothing written, 3 held back (why: see below)" in reports[0]
    assert DEMO_SIGNED_OUT in reports[0]
    assert len(asked) == 1
    assert "Evening: created, 3 added" in reports[1]
    (evening,) = [p for p in services[YT].list_playlists() if p.name == "Evening"]
    assert len(services[YT].playlist_tracks(evening)) == 3
    assert session.state is RunState.APPLIED and not session.needs_login


def test_own_accounts_open_on_the_service_to_connect_again(qtbot, tmp_path, test_keyring):
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    accounts = Accounts(SecretStore())
    songbird = Songbird(paths, accounts=accounts)
    window = QWidget()
    qtbot.addWidget(window)
    library = WindowLibrary(songbird, window)
    prompt = ReconnectPrompt(window, library, lambda: None)
    shown: list[tuple[str, str]] = []

    def paste_fresh_headers(dialog: AccountsDialog) -> None:
        shown.append(
            (dialog.tabs.tabText(dialog.tabs.currentIndex()), dialog.ytmusic_state.message())
        )
        assert dialog.headers.hasFocus() or dialog.focusWidget() is dialog.headers
        dialog.headers.setPlainText(HEADERS)
        dialog.ytmusic_save.click()
        dialog.accept()

    answer_next(AccountsDialog, paste_fresh_headers)
    assert prompt.connect_again(YT, SIGNED_OUT)
    assert shown == [("YouTube Music", SIGNED_OUT)]
    answer_next(AccountsDialog, lambda dialog: dialog.reject())  # closed without connecting
    accounts.disconnect(YT)
    assert not prompt.connect_again(YT, SIGNED_OUT)
    songbird.close()
