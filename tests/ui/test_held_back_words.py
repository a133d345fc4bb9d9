"""What the window says when a run holds playlists back or is refused (issue 22): in the Apply
report and the status bar, once for all the playlists rather than once per playlist; a used-up
quota with the time the run may go on."""

from __future__ import annotations

import dataclasses
import time

from songbird_gui.core.apply import HeldBack, creation_stop_words
from songbird_gui.core.retry import clock_text
from songbird_gui.core.settings import CreationSettings
from songbird_gui.services.demo_quirks import GATE_DIALOG
from songbird_gui.services.refusal_words import gated_words
from songbird_gui.ui.apply_dialog import ApplyDialog
from tests.engine import test_demo_quirks
from tests.engine.test_demo_quirks import YT, Demo, planned, quota_catalogue, with_playlists
from tests.ui.test_run_status import Watched

ended = test_demo_quirks.ended  # the fixture that closes the runs a test made


def written_in_dialog(qtbot, session) -> tuple[ApplyDialog, Watched]:
    """The Apply dialog on a searched run, and the status bar; the write done."""
    with qtbot.waitSignal(session.searchFinished, timeout=30_000):
        session.search()
    watched = Watched(qtbot, session)
    dialog = ApplyDialog(session)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(session.applied, timeout=30_000):
        dialog.write()
    return dialog, watched


def test_a_gated_write_is_said_once_in_the_report_and_the_status_bar(qtbot, tmp_path, ended):
    demo = Demo(tmp_path, "gated", with_playlists(3))
    session = planned(qtbot, demo.session(), ["A", "B", "C"])
    ended.append(session)
    dialog, watched = written_in_dialog(qtbot, session)
    assert [r.held_back for r in session.reports] == [HeldBack.GATED] * 3
    report = dialog.summary.toPlainText()
    sentence = gated_words(GATE_DIALOG)
    assert report.count(sentence) == 1  # once, below the playlists
    # Each playlist says its tracks were held back, as the command line's lines do: held
    # back by the service, not failed.
    assert report.count("nothing written, 3 held back (why: see below)") == 3
    assert "failed" not in report
    assert watched.status.text() == (
        f"Nothing written to YouTube Music: 9 matched, 9 held back. {sentence}"
    )


def test_playlists_left_uncreated_are_said_once_with_how_many_were_made(qtbot, tmp_path, ended):
    demo = Demo(tmp_path, "", with_playlists(3))
    one_a_run = CreationSettings(per_run=1, spacing_s=5.0)
    demo.context = dataclasses.replace(demo.context, creation=one_a_run)
    session = planned(qtbot, demo.session(), ["A", "B", "C"])
    ended.append(session)
    dialog, watched = written_in_dialog(qtbot, session)
    words = creation_stop_words(session.reports)
    assert words.startswith("Songbird creates at most 1 new playlists in one run")
    assert words.endswith("(1 playlist created this run; left to create: “B”, “C”).")
    report = dialog.summary.toPlainText()
    assert "A: created, 3 added" in report and report.count(words) == 1
    assert "B: nothing written, 3 held back (why: see below)" in report
    assert "failed" not in report and "failed" not in watched.status.text()
    assert watched.status.text().endswith(words)
    assert demo.server(YT).counters.by_endpoint["create_playlist"] == 1


def test_a_used_up_quota_says_when_the_run_may_go_on(qtbot, tmp_path, ended):
    demo = Demo(tmp_path, "quota", quota_catalogue())
    session = planned(qtbot, demo.session(source=YT), ["A"])
    ended.append(session)
    watched = Watched(qtbot, session)
    with qtbot.waitSignal(session.blocked, timeout=30_000):
        session.search()
    assert session.resume_at is not None
    at = clock_text(session.resume_at, time.time())  # "Tue 08:21", 13 h 35 min from now
    text = watched.status.text()
    assert text.startswith(
        "Paused: Spotify's quota for your app is used up; it may be used again after "
    )
    assert at in text
    assert text.endswith(f"Press Sync (Ctrl+R) after {at} to go on.")
    assert "later" not in text and "Accounts" not in text
