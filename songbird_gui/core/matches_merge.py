"""Importing an export: its decisions merged into this library's match store.

Per source track and target service: a person's decision beats an automatic one whatever
their dates; between two of the same kind the newer wins (ours on a tie); "never this one"
rejections are united, and a rejection newer than a decision to the same track drops that
decision, as rejecting it here would have. A file of the demo library's memory is never
merged into the person's, nor the other way round. The whole merge is one transaction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from songbird_gui.core.match_history import describe, how_of
from songbird_gui.core.matches_file import (
    DECISION_COLUMNS,
    DEMO_LIBRARY,
    PERSON_LIBRARY,
    DecisionRecord,
    MatchesFile,
    MatchesFileError,
)
from songbird_gui.core.store import MatchStore, track_from_json
from songbird_gui.core.types import Decision, MatchOrigin, ServiceId


@dataclass
class MergeReport:
    """What an import changed, in counts and, for each track both sides had decided
    differently, one line."""

    added: int = 0
    replaced: int = 0
    kept: int = 0
    unchanged: int = 0
    dropped: int = 0  # decisions to a track a newer "never this one" refuses
    rejections_added: int = 0
    notes: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, int]:
        return {
            "added": self.added,
            "replaced": self.replaced,
            "kept": self.kept,
            "unchanged": self.unchanged,
            "dropped": self.dropped,
            "never_added": self.rejections_added,
        }

    def sentence(self) -> str:
        return (
            f"{self.added} decisions added, {self.replaced} replaced, {self.kept} kept as they "
            f"were here, {self.unchanged} already the same, {self.rejections_added} “never this "
            f"one” added"
            + (f", {self.dropped} dropped for a newer “never this one”" if self.dropped else "")
            + "."
        )


def _wins(theirs: DecisionRecord, ours: DecisionRecord) -> bool:
    """A person's decision beats an automatic one whatever their dates; between two of the
    same kind the newer wins, ours on a tie."""
    if theirs.person != ours.person:
        return theirs.person
    return theirs.decided_at > ours.decided_at


def _stored_decisions(store: MatchStore) -> dict[tuple[str, str], DecisionRecord]:
    found = {}
    for row in store.rows(f"SELECT {DECISION_COLUMNS} FROM decisions"):
        key, service, decision, target_id, score, origin, by_hand, at, retry_at, cands = row[:10]
        found[(key, service)] = DecisionRecord(
            key,
            ServiceId(service),
            Decision(decision),
            target_id,
            score,
            MatchOrigin(origin),
            bool(by_hand),
            at,
            retry_at,
            row[10],
            row[11],
            cands,
        )
    return found


def merge(store: MatchStore, incoming: MatchesFile, library: str) -> MergeReport:
    """Merge an export into `store` (the memory of `library`), in one transaction."""
    if incoming.library != library:
        where = "the demo library" if incoming.library == DEMO_LIBRARY else "your own library"
        flag = "" if incoming.library == PERSON_LIBRARY else " with --demo"
        raise MatchesFileError(
            f"it holds the memory of {where}: import it there{flag}, never into another one"
        )
    report = MergeReport()
    ours = _stored_decisions(store)
    refused: dict[tuple[str, str, str], float] = {
        (k, s, t): float(at)
        for k, s, t, at in store.rows(
            "SELECT source_key, target_service, target_id, decided_at FROM rejections"
        )
    }
    new_refusals = []
    for rejection in incoming.rejections:
        key3 = (rejection.source_key, str(rejection.target_service), rejection.target_id)
        if key3 not in refused:
            refused[key3] = rejection.decided_at
            new_refusals.append(rejection)
            report.rejections_added += 1

    def refused_since(decision: DecisionRecord) -> bool:
        """A "never this one" for its very track, said after it was decided."""
        if decision.target_id is None:
            return False
        key3 = (decision.source_key, str(decision.target_service), decision.target_id)
        return refused.get(key3, -1.0) > decision.decided_at

    writes: list[DecisionRecord] = []
    for theirs in incoming.decisions:
        key = (theirs.source_key, str(theirs.target_service))
        mine = ours.get(key)
        if mine == theirs:
            report.unchanged += 1
        elif mine is not None and not _wins(theirs, mine):
            report.kept += 1
            report.notes.append(
                f"kept: {_source_words(mine, theirs)}: {_words(mine)} over {_words(theirs)}"
            )
        elif refused_since(theirs):
            report.dropped += 1
        elif mine is None:
            writes.append(theirs)
            report.added += 1
        else:
            writes.append(theirs)
            report.replaced += 1
            report.notes.append(
                f"replaced: {_source_words(theirs, mine)}: now {_words(theirs)}, was {_words(mine)}"
            )
    written = {(d.source_key, str(d.target_service)) for d in writes}
    # Ours, refused on the other machine after they were decided here: dropped, as
    # rejecting them here would have.
    dropped = sorted(key for key, d in ours.items() if key not in written and refused_since(d))
    report.dropped += len(dropped)
    marks = ",".join("?" * 12)
    with store.transaction() as db:
        for decision in writes:
            db.execute(
                "DELETE FROM failures WHERE source_key=? AND target_service=?",
                (decision.source_key, str(decision.target_service)),
            )
            db.execute(
                f"INSERT OR REPLACE INTO decisions ({DECISION_COLUMNS}) VALUES ({marks})",
                decision.values(),
            )
        db.executemany(
            "INSERT OR IGNORE INTO rejections (source_key, target_service, target_id,"
            " decided_at, source, target) VALUES (?,?,?,?,?,?)",
            [
                (r.source_key, str(r.target_service), r.target_id, r.decided_at, r.source, r.target)
                for r in new_refusals
            ],
        )
        db.executemany("DELETE FROM decisions WHERE source_key=? AND target_service=?", dropped)
    return report


def _source_words(first: DecisionRecord, second: DecisionRecord) -> str:
    track = track_from_json(first.source) or track_from_json(second.source)
    return describe(track, first.source_key)


def _words(decision: DecisionRecord) -> str:
    """ "Title — Artist (accepted by you, 2026-03-01)": one side of a conflict, in a note."""
    target = track_from_json(decision.target)
    chosen = describe(target, decision.target_id or "") or str(decision.decision)
    how = how_of(str(decision.origin), decision.by_hand).words
    return f"{chosen} ({how}, {_date(decision.decided_at)})"


def _date(at: float) -> str:
    return time.strftime("%Y-%m-%d", time.localtime(at))
