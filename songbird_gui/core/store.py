"""The match store: every decision Songbird or the person made, in SQLite, so the next sync
of an unchanged playlist needs no search at all.

One row per (source track, target service): the matched target track (or "not found",
"skipped", "needs review" with its candidates), the score, who decided (the matcher or the
person) and when. Failed searches are kept apart, with their reason and when to try again.
Rejections ("never this candidate for this track") live in their own table and are honoured
by every later search. The database runs in WAL mode and every write is one
transaction, so a crash at any point leaves it consistent.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from songbird_gui.core.types import (
    Candidate,
    Decision,
    MatchOrigin,
    MatchResult,
    ScorePart,
    ServiceId,
    Track,
    TrackKind,
)

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    source_key     TEXT NOT NULL,
    target_service TEXT NOT NULL,
    decision       TEXT NOT NULL,
    target_id      TEXT,
    score          REAL,
    origin         TEXT NOT NULL,
    decided_at     REAL NOT NULL,
    retry_at       REAL,
    candidates     TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (source_key, target_service)
);
CREATE TABLE IF NOT EXISTS failures (
    source_key     TEXT NOT NULL,
    target_service TEXT NOT NULL,
    reason         TEXT NOT NULL,
    attempts       INTEGER NOT NULL,
    failed_at      REAL NOT NULL,
    retry_at       REAL NOT NULL,
    PRIMARY KEY (source_key, target_service)
);
CREATE TABLE IF NOT EXISTS journal (
    batch_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    target_service TEXT NOT NULL,
    playlist_id    TEXT NOT NULL,
    track_ids      TEXT NOT NULL,
    planned_at     REAL NOT NULL,
    confirmed_at   REAL
);
CREATE TABLE IF NOT EXISTS rejections (
    source_key     TEXT NOT NULL,
    target_service TEXT NOT NULL,
    target_id      TEXT NOT NULL,
    decided_at     REAL NOT NULL,
    PRIMARY KEY (source_key, target_service, target_id)
);
"""

# How long a "not found" stands before the next sync searches again: catalogues grow.
NOT_FOUND_RETRY_S = 7 * 24 * 3600.0
# A search the service refused outright (400, 404) is tried again after this; one that failed
# for a passing reason (network, 5xx, retries used up) at the very next sync.
PERMANENT_FAILURE_RETRY_S = 24 * 3600.0


@dataclass(frozen=True, slots=True)
class StoredFailure:
    reason: str
    attempts: int
    retry_at: float


def track_to_dict(track: Track) -> dict[str, Any]:
    return {
        "service": str(track.service),
        "id": track.id,
        "title": track.title,
        "artists": list(track.artists),
        "album": track.album,
        "duration_ms": track.duration_ms,
        "isrc": track.isrc,
        "explicit": track.explicit,
        "kind": str(track.kind),
    }


def track_from_dict(data: dict[str, Any]) -> Track:
    return Track(
        service=ServiceId(data["service"]),
        id=data.get("id"),
        title=data.get("title") or "",
        artists=tuple(data.get("artists") or ()),
        album=data.get("album"),
        duration_ms=data.get("duration_ms"),
        isrc=data.get("isrc"),
        explicit=bool(data.get("explicit")),
        kind=TrackKind(data.get("kind") or TrackKind.SONG),
    )


def _candidates_to_json(candidates: Iterable[Candidate]) -> str:
    return json.dumps(
        [
            {
                "track": track_to_dict(c.track),
                "score": c.score,
                "parts": [[p.name, p.value, p.weight, p.note] for p in c.parts],
            }
            for c in candidates
        ],
        ensure_ascii=False,
    )


def _candidates_from_json(text: str) -> tuple[Candidate, ...]:
    try:
        rows = json.loads(text)
        return tuple(
            Candidate(
                track_from_dict(row["track"]),
                float(row["score"]),
                tuple(
                    ScorePart(str(n), float(v), float(w), str(note))
                    for n, v, w, note in row["parts"]
                ),
            )
            for row in rows
        )
    except (ValueError, KeyError, TypeError):
        return ()


class MatchStore:
    """Thread-safe: workers and the GUI thread share one connection behind a lock."""

    def __init__(self, path: Path | str, clock: Any = time.time) -> None:
        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- reading ---------------------------------------------------------------------------

    def recall(self, source: Track, target_service: ServiceId) -> MatchResult | None:
        """The standing decision for `source` on `target_service`, or None (search it).

        A "not found" older than `NOT_FOUND_RETRY_S` no longer stands.
        """
        with self._lock:
            row = self._db.execute(
                "SELECT decision, target_id, score, retry_at, candidates FROM decisions "
                "WHERE source_key=? AND target_service=?",
                (source.key, str(target_service)),
            ).fetchone()
        if row is None:
            return None
        decision_text, target_id, score, retry_at, candidates_json = row
        if retry_at is not None and retry_at <= self._clock():
            return None
        decision = Decision(decision_text)
        candidates = _candidates_from_json(candidates_json)
        best = next((c for c in candidates if c.track.id == target_id), None)
        if best is None and target_id is not None:
            best = Candidate(Track(target_service, target_id, ""), float(score or 0.0), ())
        return MatchResult(source, decision, best, candidates, 0, MatchOrigin.REMEMBERED)

    def failure(self, source: Track, target_service: ServiceId) -> StoredFailure | None:
        """A failure that still stands (its retry time is still to come), or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT reason, attempts, retry_at FROM failures "
                "WHERE source_key=? AND target_service=? AND retry_at>?",
                (source.key, str(target_service), self._clock()),
            ).fetchone()
        return StoredFailure(row[0], int(row[1]), float(row[2])) if row else None

    def record_failure(
        self, source: Track, target_service: ServiceId, reason: str, permanent: bool
    ) -> None:
        now = self._clock()
        retry_at = now + (PERMANENT_FAILURE_RETRY_S if permanent else 0.0)
        with self._lock:
            self._db.execute(
                "INSERT INTO failures VALUES (?,?,?,1,?,?) ON CONFLICT (source_key, "
                "target_service) DO UPDATE SET reason=excluded.reason, attempts=attempts+1, "
                "failed_at=excluded.failed_at, retry_at=excluded.retry_at",
                (source.key, str(target_service), reason, now, retry_at),
            )

    # -- the write journal: planned before each batch, confirmed after ------------------------

    def journal_planned(self, service: ServiceId, playlist_id: str, ids: Sequence[str]) -> int:
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO journal (target_service, playlist_id, track_ids, planned_at) "
                "VALUES (?,?,?,?)",
                (str(service), playlist_id, json.dumps(list(ids)), self._clock()),
            )
            return int(cursor.lastrowid or 0)

    def journal_confirmed(self, batch_id: int) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE journal SET confirmed_at=? WHERE batch_id=?", (self._clock(), batch_id)
            )

    def journal_unconfirmed(self, service: ServiceId, playlist_id: str) -> list[str]:
        """Ids of batches planned but never confirmed (a crash or a kill in the middle)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT track_ids FROM journal WHERE target_service=? AND playlist_id=? "
                "AND confirmed_at IS NULL",
                (str(service), playlist_id),
            ).fetchall()
        return [track_id for (ids,) in rows for track_id in json.loads(ids)]

    def journal_settle(self, service: ServiceId, playlist_id: str) -> None:
        """The target was read back: interrupted batches are accounted for."""
        with self._lock:
            self._db.execute(
                "UPDATE journal SET confirmed_at=? WHERE target_service=? AND playlist_id=? "
                "AND confirmed_at IS NULL",
                (self._clock(), str(service), playlist_id),
            )

    def rejected_ids(self, source: Track, target_service: ServiceId) -> frozenset[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT target_id FROM rejections WHERE source_key=? AND target_service=?",
                (source.key, str(target_service)),
            ).fetchall()
        return frozenset(r[0] for r in rows)

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0])

    # -- writing ---------------------------------------------------------------------------

    def remember(
        self, result: MatchResult, target_service: ServiceId, by_person: bool = False
    ) -> None:
        """Store the decision in `result` (replacing any earlier one for that track)."""
        now = self._clock()
        retry_at = now + NOT_FOUND_RETRY_S if result.decision is Decision.NOT_FOUND else None
        target_id = (
            result.best.track.id
            if result.best and result.decision is not Decision.NOT_FOUND
            else None
        )
        origin = MatchOrigin.PERSON if by_person else MatchOrigin.SCORED
        with self._lock:
            self._db.execute(
                "DELETE FROM failures WHERE source_key=? AND target_service=?",
                (result.source.key, str(target_service)),
            )
            self._db.execute(
                "INSERT OR REPLACE INTO decisions (source_key, target_service, decision, target_id,"
                " score, origin, decided_at, retry_at, candidates) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    result.source.key,
                    str(target_service),
                    str(result.decision),
                    target_id,
                    result.best.score if result.best else None,
                    str(origin),
                    now,
                    retry_at,
                    _candidates_to_json(result.candidates),
                ),
            )

    def reject(self, source: Track, target: Track) -> None:
        """Never propose `target` for `source` again; drops a standing match to it."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.execute(
                    "INSERT OR REPLACE INTO rejections VALUES (?,?,?,?)",
                    (source.key, str(target.service), target.id, self._clock()),
                )
                self._db.execute(
                    "DELETE FROM decisions WHERE source_key=? AND target_service=? AND target_id=?",
                    (source.key, str(target.service), target.id),
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def forget(self, source: Track, target_service: ServiceId) -> None:
        with self._lock:
            self._db.execute(
                "DELETE FROM decisions WHERE source_key=? AND target_service=?",
                (source.key, str(target_service)),
            )
