"""Apply: a summary before writing, the write with progress, then what really landed.

The report can be exported as CSV or JSON: every track that was not added, and why.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
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

from songbird_gui.core.apply import ApplyReport
from songbird_gui.core.types import TrackStatus
from songbird_gui.engine.session import SyncSession

REPORTED = (
    TrackStatus.REVIEW,
    TrackStatus.NOT_FOUND,
    TrackStatus.FAILED,
    TrackStatus.SKIPPED,
    TrackStatus.UNSYNCABLE,
)


def report_rows(session: SyncSession) -> list[dict[str, Any]]:
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
        rows.append(
            {
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
        TrackStatus.SKIPPED: "skipped",
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
    def __init__(self, session: SyncSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Apply")
        self.session = session
        self.summary = QTextBrowser()
        self.summary.setOpenLinks(False)
        self.progress = QProgressBar()
        self.progress.hide()
        self.state = QLabel()
        self.buttons = QDialogButtonBox()
        self.write_button = QPushButton("&Write to the target")
        self.write_button.setDefault(True)
        self.export_csv = QPushButton("Export &CSV…")
        self.export_json = QPushButton("Export &JSON…")
        self.buttons.addButton(self.write_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.export_csv, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.export_json, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_csv.hide()
        self.export_json.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
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
        self._writing = False
        self.resize(640, 420)
        self._show_plan()

    def _show_plan(self) -> None:
        lines = ["<h3>Before writing</h3><ul>"]
        additions = self.session.planned_additions()
        total = 0
        for plan, ids in zip(self.session.plans, additions, strict=True):
            target = plan.target.name if plan.target else f"{plan.target_name} — a new playlist"
            lines.append(
                f"<li><b>{_html(plan.source.name)}</b> → {_html(target)}: add {len(ids)}</li>"
            )
            total += len(ids)
        lines.append("</ul>")
        statuses = {s: 0 for s in REPORTED}
        for row in self.session.rows:
            if row.status in statuses:
                statuses[row.status] += 1
        left = ", ".join(f"{count} {status}" for status, count in statuses.items() if count)
        if left:
            lines.append(f"<p>Not added: {left}.</p>")
        if statuses[TrackStatus.REVIEW]:
            lines.append(
                "<p>Tracks that need review are not added until you accept a candidate.</p>"
            )
        self.summary.setHtml("".join(lines))
        self.write_button.setEnabled(total > 0)
        self.state.setText(f"{total} track(s) to write." if total else "Nothing to write.")

    def write(self) -> None:
        self._writing = True
        self.write_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.state.setText("Writing…  (Esc stops between batches)")
        self.session.apply()

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    @Slot(object)
    def _on_applied(self, reports: list[ApplyReport]) -> None:
        self._writing = False
        self.progress.hide()
        lines = ["<h3>What landed</h3><ul>"]
        for report in reports:
            name, outcome = _html(report.name), _html(report.outcome())
            lines.append(f"<li><b>{name}</b>: {outcome}</li>")
        lines.append("</ul>")
        if any(r.cancelled for r in reports):
            lines.append(
                "<p>Stopped before every batch was written; a new Apply finishes the rest.</p>"
            )
        self.summary.setHtml("".join(lines))
        self.state.setText("Done. Export the report of what was not added, if you like.")
        self.export_csv.show()
        self.export_json.show()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._writing = False
        self.progress.hide()
        self.state.setText(f"Could not write: {message}")
        self.write_button.setEnabled(True)

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
        path, _ = QFileDialog.getSaveFileName(
            self, "Export report", f"songbird-report.{kind}", f"{kind.upper()} (*.{kind})"
        )
        if path:
            self.export_to(Path(path), kind)

    def export_to(self, path: Path, kind: str) -> None:
        rows = report_rows(self.session)
        text = report_csv(rows) if kind == "csv" else json.dumps(rows, ensure_ascii=False, indent=2)
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            QMessageBox.warning(self, "Export report", f"Could not write {path}: {error.strerror}")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
