"""One tally of a run's rows, read by every front end: `RunSummary`.

The command line's summary and progress line, its JSON figures, the window's status bar and
the apply dialog all count from here, so each word means one thing everywhere:

- matched: a confident match was found (this run or an earlier one), written or not yet;
- added: tracks the writes put in the targets, read back after writing (a row whose match
  landed shows "added"; two rows may stand for one track);
- already there: the target held the track before this run;
- needs review / not found / failed / not searched (the search was stopped first) /
  skipped by you / not syncable / listed twice: the row's status, as the table shows it;
- held back: matched tracks the last write did not send because the run or the service held
  their playlist back (a dialog to answer, creations stopped, a sign-in that ended): not
  failures of theirs, and never counted as failed; a later sync writes them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from songbird_gui.core.types import Decision, TrackStatus
from songbird_gui.engine.rows import Row

IN_PROGRESS = frozenset({TrackStatus.QUEUED, TrackStatus.SEARCHING, TrackStatus.WAITING})


def plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 track", "3 tracks"; `many` for the irregular ones ("1 needs review", "2 need …")."""
    return f"{count} {one if count == 1 else many or one + 's'}"


def counted(status: TrackStatus, count: int) -> str:
    """ "1 needs review", "5 need review", "3 not found": a status word with its count."""
    word = str(status)
    return plural(count, word, "need review" if status is TrackStatus.REVIEW else word)


def _failed_after_a_match(row: Row) -> bool:
    # A confident match whose write then failed was still found.
    accepted = row.result is not None and row.result.decision is Decision.ACCEPT
    return row.status is TrackStatus.FAILED and accepted


@dataclass(frozen=True, slots=True)
class RunSummary:
    """Counts of a run's rows; build with `RunSummary.of(rows, written)`.

    `written` is the number of tracks the writes put in the targets, read back (None before
    any write): "added" counts those, since two source entries may stand for one recording.
    `held_back` counts the tracks the last write held back (`ApplyReport.held`).
    """

    total: int
    statuses: Counter[TrackStatus]
    matched: int
    written: int | None = None
    held_back: int = 0

    @classmethod
    def of(cls, rows: Iterable[Row], written: int | None = None, held_back: int = 0) -> RunSummary:
        # Read several times a second during a sync of thousands of rows: one pass to count,
        # and a look at results only for the few rows that failed.
        rows = list(rows)
        statuses = Counter(r.status for r in rows)
        matched = statuses[TrackStatus.MATCHED] + statuses[TrackStatus.ADDED]
        if statuses[TrackStatus.FAILED]:
            matched += sum(1 for r in rows if _failed_after_a_match(r))
        return cls(len(rows), statuses, matched, written, held_back)

    def count(self, status: TrackStatus) -> int:
        return self.statuses[status]

    @property
    def in_progress(self) -> int:
        return sum(self.statuses[s] for s in IN_PROGRESS)

    @property
    def added(self) -> int:
        """Tracks put in the targets: read back after the writes."""
        return self.statuses[TrackStatus.ADDED] if self.written is None else self.written

    @property
    def review(self) -> int:
        return self.statuses[TrackStatus.REVIEW]

    def parts(self) -> list[str]:
        """The non-zero counts in words, in the order a person reads them."""
        s = self.statuses
        parts = [
            plural(self.matched, "matched", "matched"),
            plural(self.added, "added", "added"),
            plural(s[TrackStatus.PRESENT], "already there", "already there"),
            plural(s[TrackStatus.REVIEW], "needs review", "need review"),
            plural(s[TrackStatus.NOT_FOUND], "not found", "not found"),
            plural(s[TrackStatus.FAILED], "failed", "failed"),
            plural(self.held_back, "held back", "held back"),
            plural(s[TrackStatus.NOT_SEARCHED], "not searched", "not searched"),
            plural(s[TrackStatus.SKIPPED], "skipped by you", "skipped by you"),
            plural(s[TrackStatus.UNSYNCABLE], "not syncable", "not syncable"),
            plural(s[TrackStatus.DUPLICATE], "listed twice", "listed twice"),
        ]
        return [p for p in parts if not p.startswith("0 ")]

    def sentence(self) -> str:
        """ "120 tracks: 100 matched, 12 already there, 3 need review, 5 not found"."""
        parts = self.parts()
        head = plural(self.total, "track")
        return f"{head}: {', '.join(parts)}" if parts else head

    def figures(self) -> dict[str, int]:
        """The counts under the keys of the command line's JSON line."""
        s = self.statuses
        return {
            "considered": self.total,
            "matched": self.matched,
            "review": s[TrackStatus.REVIEW],
            "not_found": s[TrackStatus.NOT_FOUND],
            "failed": s[TrackStatus.FAILED],
            "held_back": self.held_back,
            "added": self.added,
            "already_there": s[TrackStatus.PRESENT],
            "not_syncable": s[TrackStatus.UNSYNCABLE],
            "not_searched": s[TrackStatus.NOT_SEARCHED],
            "skipped": s[TrackStatus.SKIPPED],
            "duplicates": s[TrackStatus.DUPLICATE],
        }
