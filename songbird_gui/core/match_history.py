"""What Songbird remembers, as a person looks at it: every decision and every "never this one"
of one library's match store, listed (the Matches view, `songbird matches`), forgotten or
lifted, and carried to another machine (export and import).

Listing is made for tens of thousands of rows: one light `HistoryRow` per decision, read in
one query, whose tracks stay JSON text until a row is shown or filtered; the candidates are
not read at all (`MatchStore.candidates_of` reads one decision's when it is opened).

The export is versioned JSON, sorted, so that exporting the same memory twice gives the same
bytes. Importing merges, per source track and target service: a person's decision beats an
automatic one whatever their dates; between two of the same kind the newer wins (ours on a
tie); "never this one" rejections are united, and a rejection newer than a decision to the
same track drops that decision, as rejecting it here would have. A file of the demo
library's memory is never merged into the person's, nor the other way round.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from songbird_gui.core.atomic import write_text_atomically
from songbird_gui.core.pairs import snapshot_from_json
from songbird_gui.core.store import MatchStore, track_from_dict, track_from_json
from songbird_gui.core.types import Decision, MatchOrigin, ServiceId, Track

FORMAT = "songbird-matches"
FORMAT_VERSION = 1
DEMO_LIBRARY = "demo"
PERSON_LIBRARY = "yours"


class How(StrEnum):
    """How a remembered decision was made, as `--decided` names it."""

    AUTO = "auto"
    YOU = "you"
    HAND = "hand"
    NEVER = "never"

    @property
    def words(self) -> str:
        return {
            How.AUTO: "automatic",
            How.YOU: "accepted by you",
            How.HAND: "searched by hand",
            How.NEVER: "never this one",
        }[self]


def how_of(origin: str, by_hand: bool) -> How:
    """How a decision was made, from the store's origin and "found by hand" columns."""
    if origin != MatchOrigin.PERSON:
        return How.AUTO
    return How.HAND if by_hand else How.YOU


class ScoreBand(StrEnum):
    """The matcher's bands, to filter by: sure (taken without asking), review, low, none."""

    ANY = "any"
    SURE = "sure"
    REVIEW = "review"
    LOW = "low"
    NONE = "none"

    @property
    def words(self) -> str:
        return {
            ScoreBand.ANY: "Any score",
            ScoreBand.SURE: "Sure (taken without asking)",
            ScoreBand.REVIEW: "Review band",
            ScoreBand.LOW: "Below the review band",
            ScoreBand.NONE: "No score",
        }[self]

    def holds(self, score: float | None, accept: float, review: float) -> bool:
        if self is ScoreBand.ANY:
            return True
        if score is None:
            return self is ScoreBand.NONE
        if self is ScoreBand.SURE:
            return score >= accept
        if self is ScoreBand.REVIEW:
            return review <= score < accept
        return self is ScoreBand.LOW and score < review


_HOWS = {how.value: how for how in How}
_SERVICES = {service.value: service for service in ServiceId}
_DECISIONS = {decision.value: decision for decision in Decision}


class HistoryRow(NamedTuple):
    """One remembered decision, or one "never this one" (`how` NEVER, `decision` None).

    A tuple as SQLite gives it, so that listing twenty thousand costs next to nothing: the
    codes become enums, and the tracks (JSON text) become tracks, only when asked for.
    """

    how_code: str
    source_key: str
    service_code: str
    decision_code: str | None
    target_id: str | None
    score: float | None
    decided_at: float
    source_json: str | None = None
    target_json: str | None = None

    @property
    def how(self) -> How:
        return _HOWS[self.how_code]

    @property
    def target_service(self) -> ServiceId:
        return _SERVICES[self.service_code]

    @property
    def decision(self) -> Decision | None:
        return None if self.decision_code is None else _DECISIONS[self.decision_code]

    @property
    def source(self) -> Track | None:
        """The source track, when the store knows it (a decision older than the Matches view
        learns it at its next sync)."""
        return track_from_json(self.source_json)

    @property
    def target(self) -> Track | None:
        """The chosen (or, for NEVER, the refused) target track, when one is known."""
        track = track_from_json(self.target_json)
        if track is None and self.target_id:
            return Track(self.target_service, self.target_id, "")
        return track

    @property
    def row_id(self) -> str:
        """A short id that stays the same as long as the row means the same thing (and on
        another machine): what `songbird matches forget` takes."""
        parts = [self.source_key, self.service_code]
        if self.how_code == How.NEVER:
            parts = ["never", *parts, self.target_id or ""]
        return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:10]

    @property
    def state_words(self) -> str:
        """What became of the track, in the words the track table uses."""
        decision = self.decision
        if decision is None:
            return "never this one"
        return {
            Decision.ACCEPT: "matched",
            Decision.REVIEW: "needs review",
            Decision.NOT_FOUND: "not found",
            Decision.SKIPPED: "left out by you",
        }[decision]


def describe(track: Track | None, fallback: str = "") -> str:
    """ "Title — Artist, Artist" (the id where the title is not known)."""
    if track is None:
        return fallback
    if not track.title:
        return track.id or fallback
    artists = ", ".join(track.artists)
    return f"{track.title} — {artists}" if artists else track.title


# "How" worked out by SQLite, so that a listed row is the tuple it returns, untouched.
_LISTED = (
    "CASE WHEN origin != 'person' THEN 'auto' WHEN by_hand THEN 'hand' ELSE 'you' END,"
    " source_key, target_service, decision, target_id, score, decided_at, source, target"
)


def load_history(store: MatchStore) -> list[HistoryRow]:
    """Every decision and rejection of `store`, the newest first."""
    rows = store.rows(
        f"SELECT {_LISTED} FROM decisions UNION ALL SELECT 'never', source_key,"
        " target_service, NULL, target_id, NULL, decided_at, source, target FROM rejections"
    )
    # Sorted here rather than by SQLite, whose sorter would carry each row's track texts
    # through its merge: a third of the time of listing twenty thousand.
    rows.sort(key=itemgetter(6), reverse=True)
    return list(map(HistoryRow._make, rows))


def history_row(store: MatchStore, source_key: str, target_service: ServiceId) -> HistoryRow | None:
    """The decision row for one source track, as `load_history` builds it."""
    found = store.rows(
        f"SELECT {_LISTED} FROM decisions WHERE source_key=? AND target_service=?",
        (source_key, str(target_service)),
    )
    return HistoryRow._make(found[0]) if found else None


PlaylistIndex = Mapping[tuple[str, str, str], tuple[str, ...]]


def holding_playlists(store: MatchStore) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """(source key, target service, target id) → the target playlists whose pair's last sync
    wrote or found that target track for that source track (from the pairs' snapshots)."""
    index: dict[tuple[str, str, str], list[str]] = {}
    for service, name, text in store.rows(
        "SELECT target_service, target_name, snapshot FROM pairs WHERE snapshot IS NOT NULL "
        "ORDER BY target_name"
    ):
        snapshot = snapshot_from_json(str(text))
        if snapshot is None:
            continue
        for entry in snapshot.entries:
            if entry.target_id is None:
                continue
            names = index.setdefault((entry.source_key, str(service), entry.target_id), [])
            if name not in names:
                names.append(str(name))
    return {key: tuple(names) for key, names in index.items()}


def playlists_of(row: HistoryRow, index: PlaylistIndex) -> tuple[str, ...]:
    if row.how_code == How.NEVER or row.target_id is None:
        return ()
    return index.get((row.source_key, str(row.target_service), row.target_id), ())


def search_text(row: HistoryRow) -> str:
    """What a text filter looks in, case-folded: both tracks' titles, artists and albums."""
    parts = [row.source_key, row.target_id or ""]
    for track in (row.source, row.target):
        if track is not None:
            parts.extend((track.title, *track.artists, track.album or ""))
    return " ".join(parts).casefold()


def matches_words(text: str, words: str) -> bool:
    """Every word of `words` is in `text` (already case-folded)."""
    return all(word in text for word in words.casefold().split())


def select(rows: Iterable[HistoryRow], words: str = "", how: How | None = None) -> list[HistoryRow]:
    """The rows a text and a "how decided" choose (the command line's --query, --decided)."""
    return [
        r
        for r in rows
        if (how is None or r.how_code == how)
        and (not words or matches_words(search_text(r), words))
    ]


def forget(store: MatchStore, row: HistoryRow) -> bool:
    """Drop a decision (the next sync searches its track again), or lift a "never this one".
    False when it was gone already."""
    if row.how_code == How.NEVER:
        return store.lift_rejection(row.source_key, row.target_service, row.target_id or "")
    return store.forget_key(row.source_key, row.target_service)


# -- carrying the memory to another machine ------------------------------------------------------


class MatchesFileError(ValueError):
    """A file that cannot be imported; `str(error)` says why, in words."""


_DECISION_COLUMNS = (
    "source_key, target_service, decision, target_id, score, origin, by_hand, decided_at,"
    " retry_at, candidates, source, target"
)


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def export_data(store: MatchStore, library: str) -> dict[str, Any]:
    """Every decision and rejection of `store`, in the export's form, sorted."""
    decisions = [
        {
            "source_key": key,
            "target_service": service,
            "decision": decision,
            "target_id": target_id,
            "score": score,
            "origin": origin,
            "by_hand": bool(by_hand),
            "decided_at": at,
            "retry_at": retry_at,
            "source": _loads(source),
            "target": _loads(target),
            "candidates": json.loads(candidates or "[]"),
        }
        for (
            key,
            service,
            decision,
            target_id,
            score,
            origin,
            by_hand,
            at,
            retry_at,
            candidates,
            source,
            target,
        ) in store.rows(
            f"SELECT {_DECISION_COLUMNS} FROM decisions ORDER BY source_key, target_service"
        )
    ]
    rejections = [
        {
            "source_key": key,
            "target_service": service,
            "target_id": target_id,
            "decided_at": at,
            "source": _loads(source),
            "target": _loads(target),
        }
        for key, service, target_id, at, source, target in store.rows(
            "SELECT source_key, target_service, target_id, decided_at, source, target "
            "FROM rejections ORDER BY source_key, target_service, target_id"
        )
    ]
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "library": library,
        "decisions": decisions,
        "rejections": rejections,
    }


def export_text(store: MatchStore, library: str) -> str:
    return json.dumps(export_data(store, library), ensure_ascii=False, indent=1) + "\n"


@dataclass(frozen=True, slots=True)
class ExportSummary:
    decisions: int
    rejections: int

    def sentence(self, path: Path) -> str:
        return (
            f"Exported {self.decisions} decisions and {self.rejections} “never this one” to {path}."
        )


def write_export(store: MatchStore, path: Path, library: str) -> ExportSummary:
    """Write the export to `path` (atomically: a reader never sees half of it)."""
    data = export_data(store, library)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    write_text_atomically(path, text)
    return ExportSummary(len(data["decisions"]), len(data["rejections"]))


@dataclass(frozen=True, slots=True)
class _Decision:
    """One decision of an export, checked."""

    source_key: str
    target_service: ServiceId
    decision: Decision
    target_id: str | None
    score: float | None
    origin: MatchOrigin
    by_hand: bool
    decided_at: float
    retry_at: float | None
    source: str | None
    target: str | None
    candidates: str

    @property
    def person(self) -> bool:
        return self.origin is MatchOrigin.PERSON

    def values(self) -> tuple[Any, ...]:
        return (
            self.source_key,
            str(self.target_service),
            str(self.decision),
            self.target_id,
            self.score,
            str(self.origin),
            int(self.by_hand),
            self.decided_at,
            self.retry_at,
            self.candidates,
            self.source,
            self.target,
        )

    def words(self) -> str:
        target = track_from_json(self.target)
        chosen = describe(target, self.target_id or "") or str(self.decision)
        how = how_of(str(self.origin), self.by_hand).words
        return f"{chosen} ({how}, {_date(self.decided_at)})"


@dataclass(frozen=True, slots=True)
class _Rejection:
    source_key: str
    target_service: ServiceId
    target_id: str
    decided_at: float
    source: str | None
    target: str | None


@dataclass(frozen=True, slots=True)
class MatchesFile:
    """An export, read and checked."""

    library: str
    decisions: tuple[_Decision, ...]
    rejections: tuple[_Rejection, ...]


def _number(value: Any, what: str, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MatchesFileError(f"{what} is not a number")
    return float(value)


def _text(value: Any, what: str, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        raise MatchesFileError(f"{what} is missing")
    return value


def _track_text(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise MatchesFileError(f"{what} is not a track")
    try:
        track_from_dict(value)
    except (KeyError, ValueError, TypeError) as error:
        raise MatchesFileError(f"{what} is not a track") from error
    return _dumps(value)


def _enum(kind: type[Any], value: Any, what: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise MatchesFileError(f"{what} {value!r} is not known") from None


def _read_decision(row: Any, n: int) -> _Decision:
    where = f"decision {n + 1}"
    if not isinstance(row, dict):
        raise MatchesFileError(f"{where} is not an object")
    candidates = row.get("candidates", [])
    if not isinstance(candidates, list):
        raise MatchesFileError(f"{where}: its candidates are not a list")
    score = _number(row.get("score"), f"{where}: its score", optional=True)
    at = _number(row.get("decided_at"), f"{where}: its date")
    assert at is not None
    return _Decision(
        source_key=str(_text(row.get("source_key"), f"{where}: its source track")),
        target_service=_enum(ServiceId, row.get("target_service"), f"{where}: service"),
        decision=_enum(Decision, row.get("decision"), f"{where}: decision"),
        target_id=_text(row.get("target_id"), f"{where}: its target", optional=True),
        score=score,
        origin=_enum(MatchOrigin, row.get("origin"), f"{where}: origin"),
        by_hand=bool(row.get("by_hand")),
        decided_at=at,
        retry_at=_number(row.get("retry_at"), f"{where}: its retry date", optional=True),
        source=_track_text(row.get("source"), f"{where}: its source"),
        target=_track_text(row.get("target"), f"{where}: its target"),
        candidates=json.dumps(candidates, ensure_ascii=False),
    )


def _read_rejection(row: Any, n: int) -> _Rejection:
    where = f"“never this one” {n + 1}"
    if not isinstance(row, dict):
        raise MatchesFileError(f"{where} is not an object")
    at = _number(row.get("decided_at"), f"{where}: its date")
    assert at is not None
    return _Rejection(
        source_key=str(_text(row.get("source_key"), f"{where}: its source track")),
        target_service=_enum(ServiceId, row.get("target_service"), f"{where}: service"),
        target_id=str(_text(row.get("target_id"), f"{where}: its target")),
        decided_at=at,
        source=_track_text(row.get("source"), f"{where}: its source"),
        target=_track_text(row.get("target"), f"{where}: its target"),
    )


def parse_export(text: str) -> MatchesFile:
    """Read an export; raises MatchesFileError (in words) for anything else."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise MatchesFileError(f"it is not JSON ({error})") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise MatchesFileError("it is not a file of Songbird matches")
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise MatchesFileError("its version is missing")
    if version > FORMAT_VERSION:
        raise MatchesFileError(
            f"it was written by a newer Songbird (version {version}; this one reads up to "
            f"{FORMAT_VERSION})"
        )
    decisions, rejections = data.get("decisions", []), data.get("rejections", [])
    if not isinstance(decisions, list) or not isinstance(rejections, list):
        raise MatchesFileError("its decisions are not a list")
    library = data.get("library")
    if library not in (DEMO_LIBRARY, PERSON_LIBRARY):
        raise MatchesFileError("it does not say whose library it is from")
    return MatchesFile(
        str(library),
        tuple(_read_decision(row, n) for n, row in enumerate(decisions)),
        tuple(_read_rejection(row, n) for n, row in enumerate(rejections)),
    )


def read_export(path: Path) -> MatchesFile:
    """Read an export file; OSError when it cannot be read, MatchesFileError when it is not
    one."""
    return parse_export(path.read_text(encoding="utf-8"))


def _date(at: float) -> str:
    return time.strftime("%Y-%m-%d", time.localtime(at))


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


def _wins(theirs: _Decision, ours: _Decision) -> bool:
    """A person's decision beats an automatic one whatever their dates; between two of the
    same kind the newer wins, ours on a tie."""
    if theirs.person != ours.person:
        return theirs.person
    return theirs.decided_at > ours.decided_at


def _stored_decisions(store: MatchStore) -> dict[tuple[str, str], _Decision]:
    found = {}
    for row in store.rows(f"SELECT {_DECISION_COLUMNS} FROM decisions"):
        key, service, decision, target_id, score, origin, by_hand, at, retry_at, cands = row[:10]
        found[(key, service)] = _Decision(
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

    def refused_since(decision: _Decision) -> bool:
        """A "never this one" for its very track, said after it was decided."""
        if decision.target_id is None:
            return False
        key3 = (decision.source_key, str(decision.target_service), decision.target_id)
        return refused.get(key3, -1.0) > decision.decided_at

    writes: list[_Decision] = []
    for theirs in incoming.decisions:
        key = (theirs.source_key, str(theirs.target_service))
        mine = ours.get(key)
        if mine == theirs:
            report.unchanged += 1
        elif mine is not None and not _wins(theirs, mine):
            report.kept += 1
            report.notes.append(
                f"kept: {_source_words(mine, theirs)}: {mine.words()} over {theirs.words()}"
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
                f"replaced: {_source_words(theirs, mine)}: now {theirs.words()}, was {mine.words()}"
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
                f"INSERT OR REPLACE INTO decisions ({_DECISION_COLUMNS}) VALUES ({marks})",
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


def _source_words(first: _Decision, second: _Decision) -> str:
    track = track_from_json(first.source) or track_from_json(second.source)
    return describe(track, first.source_key)


def find(rows: Sequence[HistoryRow], row_id: str) -> HistoryRow | None:
    """The row with this id (or the only one whose id starts with it)."""
    exact = [r for r in rows if r.row_id == row_id]
    if exact:
        return exact[0]
    started = [r for r in rows if row_id and r.row_id.startswith(row_id)]
    return started[0] if len(started) == 1 else None
