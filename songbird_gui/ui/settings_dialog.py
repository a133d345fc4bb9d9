"""The settings dialog: workers, each service's rate, the match thresholds, new playlists.

It edits a copy of the one `Settings` object; the window hands the result to the composition
root (saved as JSON, applied to the next requests of a run already going) and to the run
(new thresholds decide again the rows the person has not decided).

Bad input is refused where it is typed, with the reason beside the field, and OK waits until
every field is right: nothing is snapped back silently. A rate far above the default asks first,
since a service that is pushed too hard refuses or suspends the app.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from songbird_gui.core.pairs import SyncPair
from songbird_gui.core.schedule import Schedule
from songbird_gui.core.settings import (
    CreationSettings,
    MatchThresholds,
    RateSettings,
    Settings,
    range_of,
)
from songbird_gui.core.types import ServiceId

MIN_WIDTH = 900  # px: two columns, each with room for a refused value's reason
# More than this many times the default rate asks first.
WARN_ABOVE_DEFAULT = 3.0
# A spin box keeps what is typed within these (wider than what the settings allow), so that a
# value out of bounds is refused in words beside it, never snapped silently to another.
TYPED_LIMIT = 1_000_000
SHOWN_SCHEDULES = 8  # pairs whose schedule shows at once; more scroll


def _out_of_range(value: float, bounds: tuple[float, float], unit: str = "") -> str:
    """Why `value` is out of `bounds`, in words ("" when it is within them)."""
    low, high = bounds
    if value < low:
        return f"at least {low:g}{unit}"
    if value > high:
        return f"at most {high:g}{unit}"
    return ""


def _problem_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet("color: #b3261e;")  # an error's red, readable on light and dark
    label.setWordWrap(True)
    label.hide()
    return label


def _beside(field: QWidget, label: QLabel) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(field)
    layout.addWidget(label, 1)
    return row


class _RateEditor(QGroupBox):
    def __init__(self, service: ServiceId, rate: RateSettings) -> None:
        super().__init__(service.display_name)
        self.service = service
        self._rate = rate
        self.rate = QDoubleSpinBox()
        self.rate.setRange(0.0, TYPED_LIMIT)
        self.rate.setDecimals(1)
        self.rate.setSuffix(" requests/s")
        self.rate.setValue(rate.rate)
        self.window_s = QDoubleSpinBox()
        self.window_s.setRange(*range_of(RateSettings, "window_s"))
        self.window_s.setDecimals(0)
        self.window_s.setSuffix(" s")
        self.window_s.setSpecialValueText("none (a burst at most)")
        self.window_s.setValue(rate.window_s)
        self.window_s.setToolTip(
            "The window over which the service counts requests (Spotify: a rolling 30 s); "
            "at most rate × window requests go in any such window"
        )
        self.burst = QSpinBox()
        self.burst.setRange(0, TYPED_LIMIT)
        self.burst.setValue(rate.burst)
        self.burst.setToolTip("Requests that may go at once")
        self.adaptive = QCheckBox("Find the limit by itself (adaptive)")
        self.adaptive.setChecked(rate.adaptive)
        self.adaptive.setToolTip(
            "Take the rate and burst above for granted, climb beyond them one request at a "
            "time, keep to what the service's 429s teach (remembered between runs)"
        )
        self.problem = _problem_label()
        self.burst_problem = _problem_label()
        form = QFormLayout(self)
        form.addRow("&Rate", _beside(self.rate, self.problem))
        form.addRow("&Window", self.window_s)
        form.addRow("&Burst", _beside(self.burst, self.burst_problem))
        form.addRow(self.adaptive)

    def value(self) -> RateSettings:
        return replace(
            self._rate,
            rate=self.rate.value(),
            burst=self.burst.value(),
            window_s=self.window_s.value(),
            adaptive=self.adaptive.isChecked(),
        )

    def set_value(self, rate: RateSettings) -> None:
        self.rate.setValue(rate.rate)
        self.window_s.setValue(rate.window_s)
        self.burst.setValue(rate.burst)
        self.adaptive.setChecked(rate.adaptive)

    def problem_text(self) -> str:
        """Why the rate cannot stand (empty: it can)."""
        rate = self.rate.value()
        out = _out_of_range(rate, range_of(RateSettings, "rate"), " requests/s")
        if out:
            return f"must be {out}" + (" (0 would send nothing)" if not rate else "")
        window = self.window_s.value()
        if window and rate * window < 1:
            return "under one request per window: raise the rate or the window"
        return ""

    def burst_problem_text(self) -> str:
        out = _out_of_range(self.burst.value(), range_of(RateSettings, "burst"))
        return f"must be {out}" if out else ""

    def far_above(self, default: RateSettings) -> float:
        """How many times the default rate a newly typed rate is, when that is too many.

        A rate kept from before is not asked about again.
        """
        if self.rate.value() == self._rate.rate:
            return 0.0
        ratio = self.rate.value() / default.rate
        return ratio if ratio > WARN_ABOVE_DEFAULT else 0.0


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        pairs: Sequence[SyncPair] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._settings = settings
        self._defaults = Settings()
        self.workers = QSpinBox()
        self.workers.setRange(0, TYPED_LIMIT)
        self.workers.setValue(settings.workers)
        self.workers.setToolTip("How many searches run at once")
        self.spotify = _RateEditor(ServiceId.SPOTIFY, settings.spotify)
        self.ytmusic = _RateEditor(ServiceId.YTMUSIC, settings.ytmusic)
        self.accept_at = QDoubleSpinBox()
        self.accept_at.setRange(*range_of(MatchThresholds, "accept"))
        self.accept_at.setSingleStep(0.01)
        self.accept_at.setValue(settings.match.accept)
        self.accept_at.setToolTip("A match scoring this or more is added without asking")
        self.review_at = QDoubleSpinBox()
        self.review_at.setRange(*range_of(MatchThresholds, "review"))
        self.review_at.setSingleStep(0.01)
        self.review_at.setValue(settings.match.review)
        self.review_at.setToolTip(
            "A match scoring this or more, but below the score above, waits for you in review"
        )
        self.threshold_problem = _problem_label()
        self.workers_problem = _problem_label()
        general = QGroupBox("Searching and matching")
        form = QFormLayout(general)
        form.addRow("&Workers", _beside(self.workers, self.workers_problem))
        form.addRow("&Add without asking from", self.accept_at)
        form.addRow("Re&view from", _beside(self.review_at, self.threshold_problem))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        restore = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(self._restore_defaults)
        # Two columns, so that the dialog fits a laptop's 768 px however many pairs it lists:
        # what Songbird does on the left, how fast it talks to each service on the right.
        left = QVBoxLayout()
        left.addWidget(general)
        left.addWidget(self._creation_group(settings.creation))
        left.addWidget(self._background_group(settings, pairs))
        left.addStretch()
        right = QVBoxLayout()
        right.addWidget(self.spotify)
        right.addWidget(self.ytmusic)
        right.addStretch()
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.buttons)
        # Room beside each field for the reason a value is refused, on one or two lines.
        self.setMinimumWidth(MIN_WIDTH)
        for spin in (self.accept_at, self.review_at, self.per_run, self.spacing_s):
            spin.valueChanged.connect(self._check)
        self.workers.valueChanged.connect(self._check)
        for editor in (self.spotify, self.ytmusic):
            editor.rate.valueChanged.connect(self._check)
            editor.window_s.valueChanged.connect(self._check)
            editor.burst.valueChanged.connect(self._check)
        self._check()

    def _creation_group(self, creation: CreationSettings) -> QGroupBox:
        """How many playlists a run may create, and how far apart (see CreationSettings)."""
        self.per_run = QSpinBox()
        self.per_run.setRange(0, TYPED_LIMIT)
        self.per_run.setValue(creation.per_run)
        self.per_run.setToolTip(
            "YouTube Music answers a burst of new playlists with “You are creating too many "
            "playlists”; the playlists left over are created by the next sync (0: none)"
        )
        self.spacing_s = QDoubleSpinBox()
        self.spacing_s.setRange(0.0, TYPED_LIMIT)
        self.spacing_s.setDecimals(1)
        self.spacing_s.setSuffix(" s")
        self.spacing_s.setValue(creation.spacing_s)
        self.spacing_s.setToolTip("The least time between two new playlists of one run")
        self.per_run_problem = _problem_label()
        self.spacing_problem = _problem_label()
        group = QGroupBox("New playlists")
        form = QFormLayout(group)
        form.addRow("New &playlists per run", _beside(self.per_run, self.per_run_problem))
        form.addRow("S&econds between new playlists", _beside(self.spacing_s, self.spacing_problem))
        return group

    def _background_group(self, settings: Settings, pairs: Sequence[SyncPair]) -> QGroupBox:
        """Each pair's schedule, and what Songbird does while it has one."""
        group = QGroupBox("Automatic sync")
        layout = QVBoxLayout(group)
        listed = QWidget()
        form = QFormLayout(listed)
        form.setContentsMargins(0, 0, 0, 0)
        self.schedules: dict[int, QComboBox] = {}
        for pair in pairs:
            choice = QComboBox()
            for schedule in Schedule:
                choice.addItem(schedule.words.capitalize(), schedule.value)
            choice.setCurrentIndex(list(Schedule).index(Schedule.of(pair.schedule_h)))
            choice.setAccessibleName(f"Schedule of {pair.source_name}")
            choice.setToolTip(pair.describe())
            form.addRow(pair.source_name, choice)
            self.schedules[pair.pair_id] = choice
        if not pairs:
            form.addRow(QLabel("Sync a playlist once: its pair can then sync on its own."))
        # Many pairs scroll in their own box: the dialog must fit a laptop's 768 px.
        self.schedule_area = QScrollArea()
        self.schedule_area.setWidget(listed)
        self.schedule_area.setWidgetResizable(True)
        self.schedule_area.setFrameShape(QFrame.Shape.NoFrame)
        self.schedule_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows = min(len(pairs), SHOWN_SCHEDULES) or 1
        row_height = listed.sizeHint().height() / max(len(pairs), 1)
        self.schedule_area.setFixedHeight(round(rows * row_height) + 2)
        layout.addWidget(self.schedule_area)
        self.keep_running = QCheckBox("&Keep running in the tray when the window is closed")
        self.keep_running.setChecked(settings.background.keep_running)
        self.keep_running.setToolTip("While any pair has a schedule; off: closing quits")
        self.start_at_login = QCheckBox("Start Songbird at &login, in the tray")
        self.start_at_login.setChecked(settings.background.start_at_login)
        layout.addWidget(self.keep_running)
        layout.addWidget(self.start_at_login)
        return group

    def result_schedules(self) -> dict[int, int]:
        """Each pair's chosen schedule, in hours (0: off)."""
        return {pair_id: int(box.currentData()) for pair_id, box in self.schedules.items()}

    @property
    def ok_button(self) -> QWidget:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _check(self) -> bool:
        """Show every field's problem beside it; OK only when there is none."""
        ok = True
        if self.review_at.value() >= self.accept_at.value():
            self.threshold_problem.setText(
                f"must be below {self.accept_at.value():.2f}, where matches are added "
                "without asking: else nothing would wait for review"
            )
            ok = False
        self.threshold_problem.setVisible(not ok)
        workers = _out_of_range(self.workers.value(), range_of(Settings, "workers"))
        per_run = _out_of_range(self.per_run.value(), range_of(CreationSettings, "per_run"))
        spacing = _out_of_range(
            self.spacing_s.value(), range_of(CreationSettings, "spacing_s"), " s"
        )
        shown = [
            (self.workers_problem, f"must be {workers} at once" if workers else ""),
            (self.per_run_problem, f"must be {per_run}" if per_run else ""),
            (self.spacing_problem, f"must be {spacing}" if spacing else ""),
        ]
        for editor in (self.spotify, self.ytmusic):
            shown += [
                (editor.problem, editor.problem_text()),
                (editor.burst_problem, editor.burst_problem_text()),
            ]
        for label, problem in shown:
            label.setText(problem)
            label.setVisible(bool(problem))
            ok = ok and not problem
        self.ok_button.setEnabled(ok)
        return ok

    def accept(self) -> None:
        if not self._check():
            return
        for editor in (self.spotify, self.ytmusic):
            default = self._defaults.rate_for(editor.service)
            times = editor.far_above(default)
            if times and not self._confirm_fast(editor, default, times):
                editor.rate.setFocus()
                return
        super().accept()

    def _confirm_fast(self, editor: _RateEditor, default: RateSettings, times: float) -> bool:
        name = editor.service.display_name
        answer = QMessageBox.warning(
            self,
            "A fast rate",
            f"{editor.rate.value():g} requests/s is {times:.0f} times the default for {name} "
            f"({default.rate:g}/s). A service pushed too hard refuses requests, and may "
            "suspend your access for a while. Use it anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _restore_defaults(self) -> None:
        defaults = self._defaults
        self.workers.setValue(defaults.workers)
        self.accept_at.setValue(defaults.match.accept)
        self.review_at.setValue(defaults.match.review)
        self.per_run.setValue(defaults.creation.per_run)
        self.spacing_s.setValue(defaults.creation.spacing_s)
        self.spotify.set_value(defaults.spotify)
        self.ytmusic.set_value(defaults.ytmusic)

    def result_settings(self) -> Settings:
        match = replace(
            self._settings.match, accept=self.accept_at.value(), review=self.review_at.value()
        )
        return replace(
            self._settings,
            workers=self.workers.value(),
            spotify=self.spotify.value(),
            ytmusic=self.ytmusic.value(),
            match=match,
            creation=replace(
                self._settings.creation,
                per_run=self.per_run.value(),
                spacing_s=self.spacing_s.value(),
            ),
            background=replace(
                self._settings.background,
                keep_running=self.keep_running.isChecked(),
                start_at_login=self.start_at_login.isChecked(),
            ),
        ).validated()
