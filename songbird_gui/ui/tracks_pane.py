"""The right of the window: the run's tracks with their filters, and the review pane below.

Only widgets and what they show: which rows the filters let through, which row is selected,
the bulk threshold's bounds. What a decision does is the review controller's
(review_controller.py); what fills the table, the run controller's (run_controller.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from songbird_gui.core.settings import MatchThresholds
from songbird_gui.core.types import TrackStatus
from songbird_gui.ui.review_pane import ReviewPane
from songbird_gui.ui.track_model import (
    ROW_ROLE,
    TrackFilterProxy,
    TrackTableModel,
    fit_track_columns,
)
from songbird_gui.ui.track_view import TrackTableView

STATUS_FILTERS: tuple[tuple[str, frozenset[TrackStatus] | None], ...] = (
    ("All tracks", None),
    ("Needs review", frozenset({TrackStatus.REVIEW})),
    ("Matched or added", frozenset({TrackStatus.MATCHED, TrackStatus.ADDED})),
    ("Not found", frozenset({TrackStatus.NOT_FOUND})),
    ("Failed", frozenset({TrackStatus.FAILED})),
    ("In progress", frozenset({TrackStatus.QUEUED, TrackStatus.SEARCHING, TrackStatus.WAITING})),
    ("Not searched (stopped)", frozenset({TrackStatus.NOT_SEARCHED})),
    ("Skipped by you", frozenset({TrackStatus.SKIPPED})),
    ("Not syncable or listed twice", frozenset({TrackStatus.UNSYNCABLE, TrackStatus.DUPLICATE})),
)
REVIEW_FILTER = 1


class TracksPane(QSplitter):
    """The table above, the review pane below. Attributes: status_filter, track_search (the
    filters); track_model, track_proxy, track_view (the table); accept_all_threshold,
    accept_all_button (the bulk decision); review_pane."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.status_filter = QComboBox()
        for label, _statuses in STATUS_FILTERS:
            self.status_filter.addItem(label)
        self.status_filter.setAccessibleName("Show")
        self.track_search = QLineEdit()
        self.track_search.setPlaceholderText("Search tracks…")
        self.track_search.setClearButtonEnabled(True)
        self.track_model = TrackTableModel(self)
        self.track_proxy = TrackFilterProxy(self)
        self.track_proxy.setSourceModel(self.track_model)
        self.status_filter.currentIndexChanged.connect(
            lambda i: self.track_proxy.set_statuses(STATUS_FILTERS[i][1])
        )
        self.track_search.textChanged.connect(self.track_proxy.set_text)
        self.track_view = TrackTableView()
        self.track_view.setModel(self.track_proxy)
        self.track_view.setAccessibleName("Tracks")
        self.track_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.track_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.track_view.setSortingEnabled(True)
        self.track_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.track_view.verticalHeader().hide()
        self.track_view.verticalHeader().setDefaultSectionSize(22)
        self.track_view.setWordWrap(False)
        self.track_view.horizontalHeader().setStretchLastSection(True)
        fit_track_columns(self.track_view)
        filters = QHBoxLayout()
        show_label = QLabel("Sho&w")
        show_label.setBuddy(self.status_filter)
        filters.addWidget(show_label)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.track_search, 1)

        # A bulk decision on the tracks in review, beside the filter that lists them.
        self.accept_all_threshold = QDoubleSpinBox()
        self.accept_all_threshold.setRange(0.0, 1.0)
        self.accept_all_threshold.setSingleStep(0.05)
        self.accept_all_threshold.setDecimals(2)
        self.accept_all_threshold.setValue(0.75)
        self.accept_all_threshold.setAccessibleName("Accept all in review scoring at least")
        self.accept_all_button = QPushButton("Accept all in review ≥")
        self.accept_all_button.setToolTip(
            "Your decision, in bulk: accept the best candidate of every track that needs "
            "review and scores at least this"
        )
        filters.addWidget(self.accept_all_button)
        filters.addWidget(self.accept_all_threshold)

        self.review_pane = ReviewPane(can_open_links=True)  # until the demo library opens

        tracks = QWidget()
        tracks_layout = QVBoxLayout(tracks)
        tracks_layout.setContentsMargins(0, 0, 0, 0)
        tracks_layout.addLayout(filters)
        tracks_layout.addWidget(self.track_view)
        self.setObjectName("right-splitter")
        self.addWidget(tracks)
        self.addWidget(self.review_pane)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)
        self.setChildrenCollapsible(False)

    def show_thresholds(self, match: MatchThresholds) -> None:
        """The bulk threshold lies in the review band: below it no track is in review."""
        self.accept_all_threshold.setMinimum(match.review)
        self.accept_all_threshold.setToolTip(
            f"Tracks in review score from {match.review:.2f}; from {match.accept:.2f} a match "
            "is taken without asking (Settings)"
        )

    def selected_row(self) -> int | None:
        """The run's row number of the selected track (the table may be sorted and filtered)."""
        index = self.track_view.currentIndex()
        if not index.isValid():
            return None
        value = self.track_proxy.data(index, ROW_ROLE)
        return int(value) if value is not None else None
