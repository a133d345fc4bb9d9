"""Pairs in the window: what each playlist syncs as, mirror chosen per pair, the removals seen
before writing, the guard asking, and putting removals back."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from songbird_gui.core.types import ServiceId, SyncMode
from songbird_gui.ui.apply_dialog import ApplyDialog
from songbird_gui.ui.playlist_model import SYNC
from tests.ui.test_window_trust import answer_next_modal, searched
from tests.ui.window_helpers import make_window


def row_of(window, name: str) -> int:
    model = window.playlists.playlist_model
    return next(r for r in range(model.rowCount()) if model.index(r, 0).data() == name)


def select(window, name: str) -> None:
    index = window.playlists.playlist_proxy.mapFromSource(
        window.playlists.playlist_model.index(row_of(window, name), 0)
    )
    window.playlists.playlist_view.setCurrentIndex(index)


def synced(qtbot, window, name: str, allowed_boxes: bool = False):
    session = searched(qtbot, window, name)
    dialog = ApplyDialog(session, window)
    qtbot.addWidget(dialog)
    for box, _ in dialog.guard_boxes.values():
        box.setChecked(allowed_boxes)
    with (
        qtbot.waitSignal(window.library.loader.loaded, timeout=20_000),
        qtbot.waitSignal(session.applied, timeout=20_000),
    ):
        dialog.write()
    return session, dialog


def test_a_playlist_shows_its_pair_and_mirror_follows_a_removal_listed_before_writing(
    qtbot, tmp_path, fast
):
    window, services = make_window(qtbot, tmp_path, fast, extra=12)
    synced(qtbot, window, "Evening")
    model = window.playlists.playlist_model
    assert model.index(row_of(window, "Evening"), SYNC).data() == "add · just now"

    select(window, "Evening")
    window.playlists.mode_actions[SyncMode.MIRROR].trigger()
    assert model.pair_at(row_of(window, "Evening")).mode is SyncMode.MIRROR
    assert model.index(row_of(window, "Evening"), SYNC).data().startswith("mirror")

    server = services[ServiceId.SPOTIFY].server
    evening = model.playlist_at(row_of(window, "Evening"))
    server.edit_as_a_person(evening.id, lambda ids: [i for i in ids if i != "sp1"])
    session = searched(qtbot, window, "Evening")
    dialog = ApplyDialog(session, window)
    qtbot.addWidget(dialog)
    text = dialog.summary.toPlainText()
    assert "(Spotify, mirror)" in text and "remove 1" in text
    assert "− Paper Lanterns · Mira Vale" in text and "(left the source)" in text
    with (
        qtbot.waitSignal(window.library.loader.loaded, timeout=20_000),
        qtbot.waitSignal(session.applied, timeout=20_000),
    ):
        dialog.write()
    target = services[ServiceId.YTMUSIC]
    (on_yt,) = [p for p in target.list_playlists() if p.name == "Evening"]
    assert "yt1" not in [t.id for t in target.playlist_tracks(on_yt)]
    assert "1 removed" in dialog.summary.toPlainText()

    select(window, "Evening")
    window.playlists.update_pair_actions()
    assert (
        window.playlists.restore_action.isEnabled()
        and "(1)" in window.playlists.restore_action.text()
    )
    with qtbot.waitSignal(window.tasks.done, timeout=20_000):
        window.playlists.restore_action.trigger()
    assert "yt1" in [t.id for t in target.playlist_tracks(on_yt)]


def test_the_guard_asks_before_a_mass_removal_and_nothing_is_written_unless_ticked(
    qtbot, tmp_path, fast
):
    window, services = make_window(qtbot, tmp_path, fast, extra=12)
    select(window, "Evening")
    window.playlists.mode_actions[SyncMode.MIRROR].trigger()
    synced(qtbot, window, "Evening")
    server = services[ServiceId.SPOTIFY].server
    evening = window.playlists.playlist_model.playlist_at(row_of(window, "Evening"))
    server.edit_as_a_person(evening.id, lambda ids: ids[:3])  # most of it gone
    target = services[ServiceId.YTMUSIC]
    (on_yt,) = [p for p in target.list_playlists() if p.name == "Evening"]
    before = [t.id for t in target.playlist_tracks(on_yt)]

    _, dialog = synced(qtbot, window, "Evening", allowed_boxes=False)
    assert dialog.guard_boxes  # it asked
    assert "nothing written: would remove" in dialog.summary.toPlainText()
    assert [t.id for t in target.playlist_tracks(on_yt)] == before

    synced(qtbot, window, "Evening", allowed_boxes=True)
    assert len([t.id for t in target.playlist_tracks(on_yt)]) < len(before)


def test_exact_mirror_is_chosen_only_after_a_warning(qtbot, tmp_path, fast):
    window, _ = make_window(qtbot, tmp_path, fast)
    select(window, "Evening")
    answer_next_modal(lambda box: box.button(QMessageBox.StandardButton.Cancel).click())
    window.playlists.mode_actions[SyncMode.EXACT].trigger()
    playlist_id = window.playlists.playlist_model.playlist_at(row_of(window, "Evening")).id
    assert window.playlists.modes.get(playlist_id) is not SyncMode.EXACT
    answer_next_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    window.playlists.mode_actions[SyncMode.EXACT].trigger()
    assert window.playlists.modes[playlist_id] is SyncMode.EXACT
