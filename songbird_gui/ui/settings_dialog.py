"""The settings dialog: workers, each service's rate, the match thresholds.

It edits a copy of the one `Settings` object; the window saves it (JSON in the user config
directory) and builds the next sync from it, as the CLI does.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from songbird_gui.core.settings import RateSettings, Settings
from songbird_gui.core.types import ServiceId


class _RateEditor(QGroupBox):
    def __init__(self, service: ServiceId, rate: RateSettings) -> None:
        super().__init__(service.display_name)
        self._rate = rate
        self.rate = QDoubleSpinBox()
        self.rate.setRange(0.1, 1000.0)
        self.rate.setDecimals(1)
        self.rate.setSuffix(" requests/s")
        self.rate.setValue(rate.rate)
        self.burst = QSpinBox()
        self.burst.setRange(1, 1000)
        self.burst.setValue(rate.burst)
        self.adaptive = QCheckBox("Find the limit by itself (adaptive)")
        self.adaptive.setChecked(rate.adaptive)
        self.adaptive.setToolTip(
            "Start at the rate above, grow while the service answers, slow down when it says 429"
        )
        form = QFormLayout(self)
        form.addRow("&Rate", self.rate)
        form.addRow("&Burst", self.burst)
        form.addRow(self.adaptive)

    def value(self) -> RateSettings:
        return replace(
            self._rate,
            rate=self.rate.value(),
            burst=self.burst.value(),
            adaptive=self.adaptive.isChecked(),
        )


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._settings = settings
        self.workers = QSpinBox()
        self.workers.setRange(1, 64)
        self.workers.setValue(settings.workers)
        self.workers.setToolTip("How many searches run at once")
        self.spotify = _RateEditor(ServiceId.SPOTIFY, settings.spotify)
        self.ytmusic = _RateEditor(ServiceId.YTMUSIC, settings.ytmusic)
        self.accept_at = QDoubleSpinBox()
        self.accept_at.setRange(0.0, 1.0)
        self.accept_at.setSingleStep(0.01)
        self.accept_at.setValue(settings.match.accept)
        self.accept_at.setToolTip("A match scoring this or more is added without asking")
        self.review_at = QDoubleSpinBox()
        self.review_at.setRange(0.0, 1.0)
        self.review_at.setSingleStep(0.01)
        self.review_at.setValue(settings.match.review)
        self.review_at.setToolTip("Below the accept score but at least this: shown for review")
        general = QGroupBox("Searching and matching")
        form = QFormLayout(general)
        form.addRow("&Workers", self.workers)
        form.addRow("&Accept at", self.accept_at)
        form.addRow("Re&view from", self.review_at)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        restore = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(self._restore_defaults)
        layout = QVBoxLayout(self)
        layout.addWidget(general)
        layout.addWidget(self.spotify)
        layout.addWidget(self.ytmusic)
        layout.addWidget(buttons)

    def _restore_defaults(self) -> None:
        defaults = Settings()
        self.workers.setValue(defaults.workers)
        self.accept_at.setValue(defaults.match.accept)
        self.review_at.setValue(defaults.match.review)
        for editor, rate in ((self.spotify, defaults.spotify), (self.ytmusic, defaults.ytmusic)):
            editor.rate.setValue(rate.rate)
            editor.burst.setValue(rate.burst)
            editor.adaptive.setChecked(rate.adaptive)

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
        ).validated()
