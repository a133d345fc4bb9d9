"""The file that carries Songbird's memory to another machine: `songbird-matches` JSON.

An export holds every decision and every "never this one" of one library's match store,
versioned, and sorted so that exporting the same memory twice gives the same bytes; it says
whose library it is from (the demo's or yours), so that an import into the other one is
refused (matches_merge.py). Reading one checks everything an import relies on and says what
is wrong in words ("decision 3: its score is not a number"): `parse_export` is the one place
a file is read.

The checks are written by hand rather than with a schema library (jsonschema, pydantic): a
schema would not be shorter once each of its errors is turned back into such a sentence, a
track is checked by the store's own `track_from_dict` either way, and a new runtime
dependency (with its compiled parts) would travel in every bundle for ninety lines of checks.

The file is the person's: anything may be in it, and it may be big (a library of 20,000
decisions is about 70 MB). It is read as a stream, one record at a time
(`core/playlist_files/json_stream.py`, the playlist files' reader): what is held is the
records read so far, as compact as the store keeps them, never the document decoded whole
(which took nine times the file's size). Bytes that are not UTF-8, numbers that are not
finite (NaN, Infinity), nesting deeper than the decoder goes: each is refused in words, a
`MatchesFileError`, which is a `FileRefused` (exit code 2), never a traceback.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO, TypeVar

from songbird_gui.core.atomic import write_text_atomically
from songbird_gui.core.failure import FileRefused
from songbird_gui.core.kept_file import Damaged, open_regular
from songbird_gui.core.playlist_files.json_stream import JsonShapeError, JsonStream
from songbird_gui.core.store import MatchStore, track_from_dict
from songbird_gui.core.types import Decision, MatchOrigin, ServiceId

FORMAT = "songbird-matches"
FORMAT_VERSION = 1
DEMO_LIBRARY = "demo"
PERSON_LIBRARY = "yours"

R = TypeVar("R")


class MatchesFileError(FileRefused, ValueError):
    """A file that cannot be imported; `str(error)` says why, in words."""


# A decision's columns in the store, in the order `DecisionRecord.values` gives them.
DECISION_COLUMNS = (
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
            f"SELECT {DECISION_COLUMNS} FROM decisions ORDER BY source_key, target_service"
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
class DecisionRecord:
    """One decision, as an export holds it (checked) and as the store's table does."""

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


@dataclass(frozen=True, slots=True)
class RejectionRecord:
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
    decisions: tuple[DecisionRecord, ...]
    rejections: tuple[RejectionRecord, ...]


def _number(value: Any, what: str, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MatchesFileError(f"{what} is not a number")
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits
        raise MatchesFileError(f"{what} is not a number") from None
    if not math.isfinite(number):  # NaN, Infinity: JSON has neither, Python reads both
        raise MatchesFileError(f"{what} is not a number")
    return number


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


def _read_decision(row: Any, n: int) -> DecisionRecord:
    where = f"decision {n + 1}"
    if not isinstance(row, dict):
        raise MatchesFileError(f"{where} is not an object")
    candidates = row.get("candidates", [])
    if not isinstance(candidates, list):
        raise MatchesFileError(f"{where}: its candidates are not a list")
    score = _number(row.get("score"), f"{where}: its score", optional=True)
    at = _number(row.get("decided_at"), f"{where}: its date")
    assert at is not None
    return DecisionRecord(
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


def _read_rejection(row: Any, n: int) -> RejectionRecord:
    where = f"“never this one” {n + 1}"
    if not isinstance(row, dict):
        raise MatchesFileError(f"{where} is not an object")
    at = _number(row.get("decided_at"), f"{where}: its date")
    assert at is not None
    return RejectionRecord(
        source_key=str(_text(row.get("source_key"), f"{where}: its source track")),
        target_service=_enum(ServiceId, row.get("target_service"), f"{where}: service"),
        target_id=str(_text(row.get("target_id"), f"{where}: its target")),
        decided_at=at,
        source=_track_text(row.get("source"), f"{where}: its source"),
        target=_track_text(row.get("target"), f"{where}: its target"),
    )


def _check_header(header: dict[str, Any]) -> str:
    """The library an export says it is from, once its format and version are checked."""
    if header.get("format") != FORMAT:
        raise MatchesFileError("it is not a file of Songbird matches")
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise MatchesFileError("its version is missing")
    if version > FORMAT_VERSION:
        raise MatchesFileError(
            f"it was written by a newer Songbird (version {version}; this one reads up to "
            f"{FORMAT_VERSION})"
        )
    library = header.get("library")
    if library not in (DEMO_LIBRARY, PERSON_LIBRARY):
        raise MatchesFileError("it does not say whose library it is from")
    return str(library)


def _read_records(stream: JsonStream, what: str, read: Callable[[Any, int], R]) -> Iterator[R]:
    """Each record of the list that comes next in `stream`, checked as it is read."""
    if stream.peek() != "[":
        raise MatchesFileError(f"its {what} are not a list")
    for n, row in enumerate(stream.items()):
        yield read(row, n)


def _read_stream(stream: JsonStream) -> MatchesFile:
    if stream.peek() != "{":
        raise MatchesFileError("it is not a file of Songbird matches")
    header: dict[str, Any] = {}
    decisions: list[DecisionRecord] = []
    rejections: list[RejectionRecord] = []
    for key in stream.members():
        if key == "decisions":
            decisions.extend(_read_records(stream, "decisions", _read_decision))
        elif key == "rejections":
            rejections.extend(_read_records(stream, "“never this one”", _read_rejection))
        else:
            header[key] = stream.value()
    stream.end()
    library = _check_header(header)
    return MatchesFile(library, tuple(decisions), tuple(rejections))


def _read_text(text: TextIO) -> MatchesFile:
    try:
        return _read_stream(JsonStream(text))
    except UnicodeDecodeError:
        raise MatchesFileError("it is not text (UTF-8)") from None
    except RecursionError:
        raise MatchesFileError("it is nested deeper than any export") from None
    except JsonShapeError as error:
        raise MatchesFileError(f"it is not JSON ({error})") from None


def parse_export(text: str) -> MatchesFile:
    """Read an export's text; raises MatchesFileError (in words) for anything else."""
    return _read_text(io.StringIO(text))


def read_export(path: Path) -> MatchesFile:
    """Read an export file, streamed; OSError when it cannot be read (no such file, no
    permission), MatchesFileError when it is not one."""
    try:
        with open_regular(path) as raw, io.TextIOWrapper(raw, encoding="utf-8") as text:
            return _read_text(text)
    except Damaged as error:
        raise MatchesFileError(f"it is not a file ({error})") from None
