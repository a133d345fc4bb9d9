"""Apply: a summary before writing, the write with progress, then what really landed.

Both services and every playlist are named, and what is not added is said, with why. The
report can be exported as CSV or JSON: every track that was not added, and why.

Playlists the run held back (the creations it may make this run were made, the service
refused more, or it refused the run itself: a sign-in that ended, a quota, a question to
answer in its app) are marked so, and why is said once below them (`held_back_words`), not
once per playlist. When the write was held back for the sign-in, connecting again writes the
rest in this same dialog (`reconnected`, from the window's reconnect prompt).
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import SignalInstance, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from songbird_gui.core.apply import ApplyReport, held_back_words
from songbird_gui.core.atomic import write_text_atomically
from songbird_gui.core.mirror import MirrorPlan
from songbird_gui.core.types import SyncMode, TrackStatus
from songbird_gui.engine.session import SyncSession
from songbird_gui.engine.summary import counted, plural
from songbird_gui.ui.file_places import documents_folder

SHOWN_REMOVALS = 12  # the rest are counted ("… and 30 more"); the report lists them all

REPORTED = (
    TrackStatus.REVIEW,
    TrackStatus.NOT_FOUND,
    TrackStatus.FAILED,
    TrackStatus.NOT_SEARCHED,
    TrackStatus.SKIPPED,
    TrackStatus.UNSYNCABLE,
    TrackStatus.DUPLICATE,
)


def report_rows(session: SyncSession, with_plan_index: bool = False) -> list[dict[str, Any]]:
    """Every source track that did not land, with its playlist and the reason."""
    failed_writes: dict[tuple[int, str], str] = {}
    for index, report in enumerate(session.reports):
        for track_id, reason in report.failed.items():
            failed_writes[(index, track_id)] = reason
    rows = []
    for row in session.rows:
        best = row.result.best if row.result else None
        write_error = (
            failed_writes.get((row.plan_index, best.track.id)) if best and best.track.id else None
        )
        if row.status not in REPORTED and write_error is None:
            continue
        track = row.entry.source
        extra = {"plan_index": row.plan_index} if with_plan_index else {}
        rows.append(
            {
                **extra,
                "playlist": session.plans[row.plan_index].source.name,
                "position": row.entry.position,
                "title": track.title,
                "artists": ", ".join(track.artists),
                "album": track.album or "",
                "status": "failed" if write_error else str(row.status),
                "reason": write_error or row.reason or _default_reason(row.status),
                "best_candidate": best.track.describe() if best and best.track.title else "",
                "score": round(best.score, 3) if best else None,
            }
        )
    return rows


def _default_reason(status: TrackStatus) -> str:
    return {
        TrackStatus.REVIEW: "left for review: the best candidate was uncertain",
        TrackStatus.NOT_FOUND: "no candidate on the target was close enough",
        TrackStatus.SKIPPED: "you chose to leave it out",
        TrackStatus.NOT_SEARCHED: "the search was stopped before this track's turn",
    }.get(status, "")


def report_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    fields = [
        "playlist",
        "position",
        "title",
        "artists",
        "album",
        "status",
        "reason",
        "best_candidate",
        "score",
    ]
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


class ApplyDialog(QDialog):
    """Before writing: per playlist, what will be created and added, and what will not, and
    why. While writing: progress (Esc stops between batches). After: what really landed."""

    def __init__(
        self,
        session: SyncSession,
        parent: QWidget | None = None,
        reconnected: SignalInstance | None = None,
    ) -> None:
        """`reconnected(session)`: the session's sign-in was connected again after its
        write was held back for it; the rest is then written here."""
        super().__init__(parent)
        self.session = session
        self.target_name = session.target.display_name
        self.setWindowTitle(f"Write to {self.target_name}")
        self.summary = QTextBrowser()
        self.summary.setOpenLinks(False)
        self.progress = QProgressBar()
        self.progress.hide()
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.write_button = QPushButton(f"&Write to {self.target_name}")
        self.write_button.setDefault(True)
        self.export_csv = QPushButton("Export &CSV…")
        self.export_json = QPushButton("Export &JSON…")
        self.buttons.addButton(self.write_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.export_csv, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.export_json, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_csv.hide()
        self.export_json.hide()
        self.guard_boxes: dict[int, tuple[QCheckBox, int]] = {}
        self.guards_layout = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(self.guards_layout)
        layout.addWidget(self.state)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.write_button.clicked.connect(self.write)
        self.close_button.clicked.connect(self._close)
        self.export_csv.clicked.connect(lambda: self._export("csv"))
        self.export_json.clicked.connect(lambda: self._export("json"))
        session.applyProgress.connect(self._on_progress)
        session.applied.connect(self._on_applied)
        session.failed.connect(self._on_failed)
        if reconnected is not None:
            reconnected.connect(self._write_the_rest)
        self._writing = False
        self.resize(680, 460)
        self._show_plan()

    def _show_plan(self) -> None:
        session = self.session
        source = session.source.display_name
        previews = session.previews()
        mirrors = any(setup.mode is not SyncMode.ADD for setup in session.setups)
        lines = [
            f"<h3>From {source} to {self.target_name}</h3>",
            "<p>Nothing is added twice; what the sync removes is listed here, and can be "
            "put back afterwards.</p><ul>"
            if mirrors
            else "<p>Only what is missing is added; nothing is removed or added twice.</p><ul>",
        ]
        left_by_plan = _not_added_by_plan(session)
        changes = 0
        for index, (plan, setup, (preview, verdict)) in enumerate(
            zip(session.plans, session.setups, previews, strict=True)
        ):
            if plan.target:
                where = f"{escape(plan.target.name)} on {self.target_name}"
            else:
                where = f"{escape(plan.target_name)}, a new playlist on {self.target_name}"
            lines.append(
                f"<li><b>{escape(plan.source.name)}</b> ({source}, {setup.mode.words}) → "
                f"{where}: {writes_in_words(preview)}"
            )
            if setup.paused:
                lines.append(f"<br><small>{escape(setup.paused)}</small>")
            lines += _removal_lines(
                [f"{r.entry.track.describe()} ({r.reason})" for r in preview.removals]
            )
            left = left_by_plan.get(index)
            if left:
                lines.append(f"<br><small>not added: {escape(left)}</small>")
            lines.append("</li>")
            if verdict.stop:
                self._ask_removals(index, plan.source.name, verdict.reason, len(preview.removals))
            changes += len(preview.additions) + len(preview.removals) + len(preview.moves)
        lines.append("</ul>")
        if session.summary().review:
            lines.append(
                "<p>Tracks that need review are not added until you accept a candidate.</p>"
            )
        self.summary.setHtml("".join(lines))
        self.write_button.setEnabled(changes > 0)
        if changes:
            every = [preview for preview, _ in previews]
            self.state.setText(f"To write to {self.target_name}: {writes_in_words(*every)}.")
        else:
            self.state.setText("Nothing to write.")

    def _ask_removals(self, index: int, name: str, reason: str, count: int) -> None:
        """The guard stopped this playlist: nothing of it is written unless ticked here."""
        box = QCheckBox(f"“{name}” {reason}. Remove them anyway")
        box.setStyleSheet("color: #b3261e;")
        box.setToolTip(
            "Unticked, nothing is written to this playlist: a source read that came back "
            "short must not empty the other side."
        )
        self.guard_boxes[index] = (box, count)
        self.guards_layout.addWidget(box)

    def allowed_removals(self) -> dict[int, int]:
        return {i: n for i, (box, n) in self.guard_boxes.items() if box.isChecked()}

    def write(self) -> None:
        self._writing = True
        self.write_button.setEnabled(False)
        for box, _count in self.guard_boxes.values():
            box.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.state.setText(f"Writing to {self.target_name}…  (Esc stops between batches)")
        self.session.apply(self.allowed_removals())

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        """Every write counted: additions, removals and moves."""
        if not total:
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.state.setText(
            f"Writing to {self.target_name}: {done}/{total}…  (Esc stops between batches)"
        )

    @Slot(object)
    def _on_applied(self, reports: list[ApplyReport]) -> None:
        self._writing = False
        self.progress.hide()
        self.write_button.hide()  # written: the report is what is left to read
        for box, _count in self.guard_boxes.values():
            box.hide()  # asked before the write; the report says what became of it
        lines = [f"<h3>What landed on {self.target_name}</h3><ul>"]
        left_by_plan = _not_added_by_plan(self.session)
        for index, report in enumerate(reports):
            name, outcome = escape(report.name), escape(outcome_words(report))
            lines.append(f"<li><b>{name}</b>: {outcome}")
            lines += _removal_lines([track.describe() for _position, track in report.removed])
            if report.removed:
                lines.append(
                    "<br><small>(Sync ▸ Pair of the selected playlist ▸ Put back puts them "
                    "back where they were.)</small>"
                )
            left = left_by_plan.get(index)
            if left:
                lines.append(f"<br><small>not added: {escape(left)}</small>")
            lines.append("</li>")
        lines.append("</ul>")
        held_back = held_back_words(self.session.reports)
        if held_back:
            lines.append(f"<p><b>{escape(held_back)}</b></p>")
        if any(r.cancelled for r in reports):
            lines.append(
                "<p>Stopped before every batch was written; a new Apply finishes the rest.</p>"
            )
        self.summary.setHtml("".join(lines))
        self.state.setText(
            "Done. Export the list of what was not added, and why, if you want to keep it."
        )
        self.export_csv.show()
        self.export_json.show()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if not self._writing:
            return
        self._writing = False
        self.progress.hide()
        self.state.setText(f"Could not write: {message}")
        self.write_button.setEnabled(True)
        for box, _count in self.guard_boxes.values():
            box.setEnabled(True)

    @Slot(object)
    def _write_the_rest(self, session: SyncSession) -> None:
        """Connected again after a write held back for the sign-in: write what is left."""
        if session is self.session and self.isVisible() and not self._writing:
            self.write()

    def _close(self) -> None:
        if self._writing:
            self.session.stop()
            return
        self.accept()

    def reject(self) -> None:  # Esc
        if self._writing:
            self.session.stop()
            return
        super().reject()

    def _export(self, kind: str) -> None:
        name = f"songbird-report-{time.strftime('%Y-%m-%d-%H%M')}.{kind}"
        path, _ = QFileDialog.getSaveFileName(
            self, "Export report", str(documents_folder() / name), f"{kind.upper()} (*.{kind})"
        )
        if path:
            self.export_to(Path(path), kind)

    def export_to(self, path: Path, kind: str) -> bool:
        rows = report_rows(self.session)
        text = report_csv(rows) if kind == "csv" else json.dumps(rows, ensure_ascii=False, indent=2)
        try:
            write_text_atomically(path, text)
        except OSError as error:
            QMessageBox.warning(self, "Export report", f"Could not write {path}: {error.strerror}")
            return False
        self.state.setText(f"Saved the report ({plural(len(rows), 'track')}) to {path}.")
        return True


def writes_in_words(*previews: MirrorPlan) -> str:
    """ "add 3 tracks, remove 1, move 52 into the source's order": every kind of write the
    plans hold (a first mirror moves many: the target had its own order until then)."""
    added = sum(len(p.additions) for p in previews)
    removed = sum(len(p.removals) for p in previews)
    moved = sum(len(p.moves) for p in previews)
    what = [f"add {plural(added, 'track')}"] if added else []
    what += [f"remove {removed}"] if removed else []
    what += [f"move {moved} into the source's order"] if moved else []
    return ", ".join(what) or "nothing to change"


def outcome_words(report: ApplyReport) -> str:
    """What happened to a playlist; for one the run held back, the reason is said once for
    all of them below the list (`held_back_words`)."""
    if not report.held_by_run:
        return report.outcome()
    return f"{report.outcome()} (why: see below)"


def _removal_lines(described: list[str]) -> list[str]:
    """The first removals in words, and how many more (Put back restores them all)."""
    lines = [f"<br><small>− {escape(text)}</small>" for text in described[:SHOWN_REMOVALS]]
    if len(described) > SHOWN_REMOVALS:
        lines.append(f"<br><small>… and {len(described) - SHOWN_REMOVALS} more</small>")
    return lines


def _not_added_by_plan(session: SyncSession) -> dict[int, str]:
    """For each plan, what will not be (or was not) added, counted by reason, in words."""
    counts: dict[int, Counter[str]] = {}
    for row in report_rows(session, with_plan_index=True):
        counts.setdefault(int(row["plan_index"]), Counter())[str(row["status"])] += 1
    return {
        index: ", ".join(counted(TrackStatus(status), n) for status, n in tally.most_common())
        for index, tally in counts.items()
    }
