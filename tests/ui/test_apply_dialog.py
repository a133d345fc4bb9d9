"""Apply as a person reads it: every kind of write counted before and while writing, the
removals listed with how many more, and a guard's question gone once the write has answered
it."""

from __future__ import annotations

from songbird_gui.core.types import ServiceId, SyncMode
from songbird_gui.services.demo import DemoServerConfig
from songbird_gui.ui.apply_dialog import SHOWN_REMOVALS, ApplyDialog
from tests.demo_catalogue import small_catalogue
from tests.engine.test_session import end, make_session
from tests.engine.test_session_journeys import applied, searched

FAST = DemoServerConfig(latency_s=0.002, limit=1000, burst=100, seed=3)


def mirrored(qtbot, tmp_path, extra: int, change):
    """A mirror pair written once, its source then changed by `change`; a run searched."""
    catalogue = small_catalogue(extra_spotify=extra)
    first, services = make_session(tmp_path, catalogue, FAST)
    searched(qtbot, first, "Evening", SyncMode.MIRROR)
    applied(qtbot, first)
    end(first)
    services[ServiceId.SPOTIFY].server.edit_as_a_person("plA", change)
    session, _ = make_session(tmp_path, catalogue, FAST)
    searched(qtbot, session, "Evening")
    return session


def test_a_plan_of_moves_says_what_it_will_write_and_counts_the_moves(qtbot, tmp_path):
    session = mirrored(qtbot, tmp_path, 6, lambda ids: ids[::-1])
    dialog = ApplyDialog(session)
    qtbot.addWidget(dialog)
    (preview, _), *_ = session.previews()
    moves = len(preview.moves)
    assert moves and not preview.additions
    assert (
        dialog.state.text() == f"To write to YouTube Music: move {moves} into the source's order."
    )
    assert dialog.write_button.isEnabled()
    counted: list[str] = []
    session.applyProgress.connect(lambda *_: counted.append(dialog.state.text()))
    with qtbot.waitSignal(session.applied, timeout=20_000):
        dialog.write()
    assert counted[0].startswith(f"Writing to YouTube Music: 0/{moves}…")
    assert counted[-1].startswith(f"Writing to YouTube Music: {moves}/{moves}…")
    assert dialog.progress.maximum() == moves
    end(session)


def test_many_removals_are_counted_and_the_guard_no_longer_asks_after_the_write(qtbot, tmp_path):
    session = mirrored(qtbot, tmp_path, 24, lambda ids: ids[:6])  # most of it left the source
    dialog = ApplyDialog(session)
    qtbot.addWidget(dialog)
    (preview, verdict), *_ = session.previews()
    gone = len(preview.removals)
    more = f"… and {gone - SHOWN_REMOVALS} more"
    assert verdict.stop and gone > SHOWN_REMOVALS
    assert more in dialog.summary.toPlainText()
    assert dialog.state.text() == f"To write to YouTube Music: remove {gone}."
    (box, _count), *_ = dialog.guard_boxes.values()
    assert "would remove" in box.text()
    box.setChecked(True)  # remove them anyway
    with qtbot.waitSignal(session.applied, timeout=20_000):
        dialog.write()
    (report,) = session.reports
    assert len(report.removed) == gone
    assert f"{gone} removed" in dialog.summary.toPlainText()
    assert more in dialog.summary.toPlainText()  # the report counts the rest too
    assert not box.isVisible() and not box.isVisibleTo(dialog)  # asked and answered
    end(session)
