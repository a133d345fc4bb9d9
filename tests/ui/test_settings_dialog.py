"""Settings for new playlists (issue 22): how many a run may create and how far apart, refused
in place when out of bounds like every other value, and the adaptive rate's tooltip."""

from __future__ import annotations

from songbird_gui.core.pairs import SyncPair
from songbird_gui.core.settings import CreationSettings, Settings
from songbird_gui.core.types import ServiceId, SyncMode
from songbird_gui.ui.settings_dialog import SettingsDialog
from tests.ui.test_window_trust import typed

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC


def test_new_playlists_per_run_and_their_spacing_are_set_and_kept(qtbot):
    dialog = SettingsDialog(Settings(creation=CreationSettings(per_run=4, spacing_s=8.0)))
    qtbot.addWidget(dialog)
    dialog.show()
    assert (dialog.per_run.value(), dialog.spacing_s.value()) == (4, 8.0)
    typed(qtbot, dialog.per_run, "25")
    typed(qtbot, dialog.spacing_s, "12.5")
    assert dialog.ok_button.isEnabled()
    assert dialog.result_settings().creation == CreationSettings(per_run=25, spacing_s=12.5)
    dialog.buttons.button(dialog.buttons.StandardButton.RestoreDefaults).click()
    assert dialog.result_settings().creation == CreationSettings()


def test_new_playlist_values_out_of_bounds_are_refused_in_place_with_the_reason(qtbot):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    typed(qtbot, dialog.per_run, "5000")
    assert dialog.per_run.value() == 5000  # kept as typed, not snapped to 1000
    assert dialog.per_run_problem.isVisible()
    assert dialog.per_run_problem.text() == "must be at most 1000"
    typed(qtbot, dialog.spacing_s, "7200")
    assert dialog.spacing_problem.text() == "must be at most 3600 s"
    assert not dialog.ok_button.isEnabled()
    typed(qtbot, dialog.per_run, "10")
    typed(qtbot, dialog.spacing_s, "5")
    assert not dialog.per_run_problem.isVisible() and not dialog.spacing_problem.isVisible()
    assert dialog.ok_button.isEnabled()


def test_the_adaptive_rate_says_what_it_does(qtbot):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    assert dialog.ytmusic.adaptive.toolTip() == (
        "Take the rate and burst above for granted, climb beyond them one request at a time, "
        "keep to what the service's 429s teach (remembered between runs)"
    )


def test_the_dialog_fits_a_laptop_screen_however_many_pairs_it_lists(qtbot):
    pairs = [
        SyncPair(n, SP, f"s{n}", f"Playlist {n}", YT, f"t{n}", f"Playlist {n}", SyncMode.ADD)
        for n in range(30)
    ]
    dialog = SettingsDialog(Settings(), None, pairs)
    qtbot.addWidget(dialog)
    dialog.show()
    # 768 px, less a title bar and a desktop's panel: every field stays in sight.
    assert dialog.sizeHint().height() <= 680
    assert dialog.schedule_area.verticalScrollBar().maximum() > 0  # the rest scroll
