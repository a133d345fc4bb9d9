"""Exports open where the person keeps files, on a desktop with or without a Documents
folder (a file dialog asked for a folder that does not exist opens in the working folder)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from songbird_gui.ui.apply_dialog import ApplyDialog
from songbird_gui.ui.file_places import documents_folder
from tests.demo_catalogue import small_catalogue
from tests.engine.test_session import end, make_session
from tests.engine.test_session_journeys import applied, searched
from tests.ui.test_apply_dialog import FAST
from tests.ui.test_window_trust import answer_next_modal


def test_the_report_export_opens_in_documents_or_else_in_home(qtbot, tmp_path, monkeypatch):
    home = tmp_path / "person"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)  # the working folder: never where an export opens
    session, _ = make_session(tmp_path, small_catalogue(), FAST)
    searched(qtbot, session, "Evening")
    dialog = ApplyDialog(session)
    qtbot.addWidget(dialog)
    applied(qtbot, session)

    def opened_in() -> Path:
        seen: list[Path] = []

        def look(box: QFileDialog) -> None:
            seen.append(Path(box.directory().absolutePath()))
            box.reject()

        answer_next_modal(look)
        dialog.export_csv.click()
        return seen[0]

    assert opened_in() == home  # a fresh desktop: no Documents folder yet
    (home / "Documents").mkdir()
    assert opened_in() == home / "Documents" == documents_folder()
    end(session)
