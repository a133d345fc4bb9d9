"""Connecting YouTube Music again after its browser sign-in expired: one prompt, the steps.

The window opens the Accounts dialog with `connect_again` when a run was refused for the
sign-in (`SyncSession.needs_login`, `refusal.service`): the YouTube Music tab, the reason in
its status line, the paste steps above the box, the cursor in it; saving fresh headers
connects it, and the run goes on from where it stopped.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from songbird_gui.core.types import ServiceId
from songbird_gui.services.accounts import Accounts
from songbird_gui.services.refusal_words import SIGNED_OUT
from songbird_gui.services.secrets import SecretStore
from songbird_gui.ui.accounts_dialog import AccountsDialog
from tests.ui.test_accounts_dialog import HEADERS


def test_connect_again_opens_on_the_paste_steps_with_the_reason(qtbot, test_keyring):
    dialog = AccountsDialog(Accounts(SecretStore()))
    qtbot.addWidget(dialog)
    dialog.connect_again(ServiceId.YTMUSIC, SIGNED_OUT)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "YouTube Music"
    assert dialog.ytmusic_state.message() == SIGNED_OUT
    shown = " ".join(label.text() for label in dialog.tabs.currentWidget().findChildren(QLabel))
    assert "copy its <b>request headers</b>" in shown  # the paste steps, on that tab
    with qtbot.waitSignal(dialog.changed):
        dialog.headers.setPlainText(HEADERS)
        dialog.ytmusic_save.click()
    assert dialog.ytmusic_state.message() == "Connected to YouTube Music."


def test_connect_again_for_spotify_opens_its_own_tab(qtbot, test_keyring):
    dialog = AccountsDialog(Accounts(SecretStore()))
    qtbot.addWidget(dialog)
    dialog.connect_again(ServiceId.SPOTIFY, "The Spotify login has expired. Connect Spotify again.")
    assert dialog.tabs.currentIndex() == 0
    assert dialog.spotify_state.message().startswith("The Spotify login has expired")
