"""The match store: every decision Songbird or the person made, in SQLite, so the next sync
of an unchanged playlist needs no search at all.

One row per (source track, target service): the matched target track (or "not found",
"skipped", "needs review" with its candidates), the score, who decided (the matcher or the
person) and when. Failed searches are kept apart, with their reason and when to try again.
Rejections ("never this candidate for this track") live in their own table and are honoured
by every later search. The database runs in WAL mode and every write is one
transaction, so a crash at any point leaves it consistent.

A store file that cannot be read (a disk error, a sync tool, a half-copied backup, a table or
a column gone, a row this version cannot understand) never stops the app: it is looked at
before anything writes to it, moved aside under a dated name with its -wal and -shm
(`core/kept_file.py`), and a new store starts; `MatchStore.recovery_message` tells the person
where the old one went. A store written by a newer Songbird is left alone and refused
(`StoreTooNew`): this version must not change it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from songbird_gui.core.kept_file import SetAside, keep_aside, not_a_file
from songbird_gui.core.types import (
    Candidate,
    Decision,
    MatchOrigin,
    MatchResult,
    ScorePart,
    ServiceId,
    SyncMode,
    Track,
    TrackKind,
)

SCHEMA_VERSION = 3

# Version 1, the baseline. Files stamped 1 by earlier builds may lack tables added to it since
# (failures, journal), so its statements create only what is missing and run at every open.
_BASELINE = (
    """
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
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS failures (
        source_key     TEXT NOT NULL,
        target_service TEXT NOT NULL,
        reason         TEXT NOT NULL,
        attempts       INTEGER NOT NULL,
        failed_at      REAL NOT NULL,
        retry_at       REAL NOT NULL,
        PRIMARY KEY (source_key, target_service)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS journal (
        batch_id       INTEGER PRIMARY KEY AUTOINCREMENT,
        target_service TEXT NOT NULL,
        playlist_id    TEXT NOT NULL,
        track_ids      TEXT NOT NULL,
        planned_at     REAL NOT NULL,
        confirmed_at   REAL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rejections (
        source_key     TEXT NOT NULL,
        target_service TEXT NOT NULL,
        target_id      TEXT NOT NULL,
        decided_at     REAL NOT NULL,
        PRIMARY KEY (source_key, target_service, target_id)
    )
    """,
)

# Version 2: sync pairs (core/pairs.py), the removals of each pair's last sync (to put them
# back), a journal that records removals, moves and re-insertions as well as additions, and a
# table of one-time facts about the store itself.
_PAIRS = (
    """
    CREATE TABLE pairs (
        pair_id        INTEGER PRIMARY KEY AUTOINCREMENT,
        source_service TEXT NOT NULL,
        source_id      TEXT NOT NULL,
        source_name    TEXT NOT NULL,
        target_service TEXT NOT NULL,
        target_id      TEXT NOT NULL,
        target_name    TEXT NOT NULL,
        mode           TEXT NOT NULL DEFAULT 'add',
        schedule_h     INTEGER NOT NULL DEFAULT 0,
        created_at     REAL NOT NULL,
        synced_at      REAL,
        paused         TEXT NOT NULL DEFAULT '',
        snapshot       TEXT,
        UNIQUE (source_service, source_id, target_service)
    )
    """,
    """
    CREATE TABLE pair_removals (
        pair_id        INTEGER NOT NULL REFERENCES pairs(pair_id) ON DELETE CASCADE,
        removed_at     REAL NOT NULL,
        position       INTEGER NOT NULL,
        track          TEXT NOT NULL,
        restored_at    REAL
    )
    """,
    "ALTER TABLE journal ADD COLUMN kind TEXT NOT NULL DEFAULT 'add'",
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


def _learn_targets(db: sqlite3.Connection) -> None:
    """Version 3's backfill: each standing match's target track, from the candidates it was
    chosen among, and whether the person found it by a search of their own (not among them).

    In Python rather than with SQLite's JSON functions, which a system's SQLite may lack.
    """
    rows = db.execute(
        "SELECT source_key, target_service, target_id, origin, candidates FROM decisions "
        "WHERE target_id IS NOT NULL"
    ).fetchall()
    updates = []
    for source_key, service, target_id, origin, text in rows:
        offered = candidates_from_json(text)
        chosen = next((c.track for c in offered if c.track.id == target_id), None)
        target = track_json(chosen) if chosen else None
        by_hand = int(chosen is None and origin == str(MatchOrigin.PERSON))
        updates.append((target, by_hand, source_key, service))
    db.executemany(
        "UPDATE decisions SET target=?, by_hand=? WHERE source_key=? AND target_service=?",
        updates,
    )


# Version 3: what a person needs to see their matches (the Matches view, `songbird matches`):
# the source track and the chosen target track as they were at the decision (the candidates
# alone lose a track found by a search of the person's own), and whether it was so found.
# A decision older than this learns its source track the next time a sync recalls it.
_HISTORY_COLUMNS = {
    "decisions": ("source TEXT", "target TEXT", "by_hand INTEGER NOT NULL DEFAULT 0"),
    "rejections": ("source TEXT", "target TEXT"),
}


def _add_history_columns(db: sqlite3.Connection) -> None:
    """Version 3's columns, each added only where it is missing (a store stamped with an
    older version by hand, or by a build that had some of them, still opens)."""
    for table, columns in _HISTORY_COLUMNS.items():
        present = {str(row[1]) for row in db.execute(f"PRAGMA table_info({table})")}
        for column in columns:
            if column.split()[0] not in present:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")


_HISTORY: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _add_history_columns,
    _learn_targets,
)

# The steps that bring a store from the version before each key to that key, applied in order
# and in one transaction at open: SQL statements, or a function of the connection for a
# backfill. A later change adds a step (`4: ("CREATE TABLE ...",)`) and raises SCHEMA_VERSION
# to match; a step never changes once released.
_MIGRATIONS: dict[int, tuple[str | Callable[[sqlite3.Connection], None], ...]] = {
    1: _BASELINE,
    2: _PAIRS,
    3: _HISTORY,
}

# The journal's kind for one entry a sync removed, put back by the person's asking: the one
# kind `journal_settle` leaves alone (core/pair_writer.py's `restore_removed` settles its own).
PUT_BACK = "put back"

# How long a "not found" stands before the next sync searches again: catalogues grow.
NOT_FOUND_RETRY_S = 7 * 24 * 3600.0
# A search the service refused outright (400, 404) is tried again after this; one that failed
# for a passing reason (network, 5xx, retries used up) at the very next sync.
PERMANENT_FAILURE_RETRY_S = 24 * 3600.0


# Source keys bound in one query: SQLite's limit of bound values is 999 in older builds.
_KEYS_PER_QUERY = 500

# What SQLite says of a file it cannot read as a database. Anything else (locked, busy, I/O,
# cannot open, read-only, full) is a passing or outside trouble, and the file is left alone.
_DAMAGE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
_SQLITE_MAGIC = b"SQLite format 3\x00"
# Files SQLite keeps beside a database; they travel with it when it is moved aside.
_SIBLINGS = ("-wal", "-shm", "-journal")


class StoreTooNew(Exception):
    """The store was written by a newer Songbird (the person went back to an older one).

    It is left exactly as it is: this version can neither read it nor safely change it.
    """

    def __init__(self, path: Path, found: int) -> None:
        super().__init__(
            f"The match store {path} was written by a newer version of Songbird (store version"
            f" {found}; this version reads up to {SCHEMA_VERSION}). Use the newer Songbird"
            " again, or move the file away to start a new store with this one."
        )
        self.path = path
        self.found = found


class _StoreDamaged(sqlite3.DatabaseError):
    """The store file cannot be read as a database; raised only while opening it."""


def _is_damage(error: sqlite3.DatabaseError) -> bool:
    return error.sqlite_errorcode & 0xFF in _DAMAGE_CODES


def _damage(path: Path) -> str | None:
    """Why the store file at `path` cannot be used, or None: there is no file, an empty one
    (a new store), a sound one, or SQLite cannot tell (opening it to write then fares as it
    always did). Something else in its place (a folder) is damage too. Raises StoreTooNew
    for a newer store; OSError when the file cannot be read (no permission): that is not
    damage, and moving the file would not help.

    It looks without writing: at the first bytes in Python (SQLite would rewrite the -shm
    beside a file that is not a database), at the rest through a read-only connection (one
    that may write folds the -wal into the file when it closes, changing the kept bytes).
    Beyond SQLite's own check it looks at what this version reads back: every table and
    column the store's version has, and rows whose values this version knows.
    """
    in_place = not_a_file(path)
    if in_place is not None:
        return in_place
    try:
        with path.open("rb") as file:
            head = file.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return None
    if not head:
        return None
    if head != _SQLITE_MAGIC:
        return "file is not a database"
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        found = int(probe.execute("PRAGMA user_version").fetchone()[0])
        if found > SCHEMA_VERSION:
            raise StoreTooNew(path, found)
        problems = [str(row[0]) for row in probe.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            return "; ".join(problems[:3])
        return _missing_structure(probe, found) or _unknown_values(probe)
    except sqlite3.DatabaseError as error:
        return str(error) if _is_damage(error) else None
    finally:
        probe.close()


def _columns(db: sqlite3.Connection) -> dict[str, set[str]]:
    tables = [
        str(name)
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        if name != "sqlite_sequence"
    ]
    quoted = {t: '"' + t.replace('"', '""') + '"' for t in tables}
    return {
        t: {str(row[1]) for row in db.execute(f"PRAGMA table_info({quoted[t]})")} for t in tables
    }


@lru_cache(maxsize=SCHEMA_VERSION + 1)
def _expected_columns(version: int) -> dict[str, frozenset[str]]:
    """The tables and columns a store of `version` has: those its steps make in a new one."""
    fresh = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for step_version, statements in sorted(_MIGRATIONS.items()):
            if step_version <= version:
                for statement in statements:
                    if isinstance(statement, str):
                        fresh.execute(statement)
                    else:
                        statement(fresh)
        expected = {table: frozenset(columns) for table, columns in _columns(fresh).items()}
    finally:
        fresh.close()
    return expected


def _missing_structure(db: sqlite3.Connection, version: int) -> str | None:
    """The first table or column of `version` the store lacks, in words, or None.

    The first release stamped version 1 before some of its tables existed, and the baseline
    makes what is missing at every open: at version 1 a missing table is not damage.
    """
    present = _columns(db)
    for table, columns in sorted(_expected_columns(version).items()):
        if table not in present:
            if version == 1:
                continue
            return f"the table {table} is missing"
        lacking = sorted(columns - present[table])
        if lacking:
            return f"the table {table} has no column {lacking[0]}"
    return None


# The columns whose values this version turns into its own types when it reads them back: the
# values of an enum, or a number (`None` among them: the column may be empty).
_KNOWN_VALUES: tuple[tuple[str, str, type[StrEnum] | tuple[str, ...]], ...] = (
    ("decisions", "target_service", ServiceId),
    ("decisions", "decision", Decision),
    ("decisions", "origin", MatchOrigin),
    ("decisions", "score", ("integer", "real", "null")),
    ("decisions", "decided_at", ("integer", "real")),
    ("decisions", "retry_at", ("integer", "real", "null")),
    ("failures", "target_service", ServiceId),
    ("failures", "retry_at", ("integer", "real")),
    ("rejections", "target_service", ServiceId),
    ("journal", "target_service", ServiceId),
    ("pairs", "source_service", ServiceId),
    ("pairs", "target_service", ServiceId),
    ("pairs", "mode", SyncMode),
    ("pairs", "schedule_h", ("integer",)),
    ("pairs", "created_at", ("integer", "real")),
    ("pairs", "synced_at", ("integer", "real", "null")),
)


def _unknown_values(db: sqlite3.Connection) -> str | None:
    """The first value this version could not read back, in words, or None."""
    present = _columns(db)
    for table, column, known in _KNOWN_VALUES:
        if column not in present.get(table, ()):
            continue
        if isinstance(known, tuple):
            marks = ",".join("?" * len(known))
            sql = f"SELECT {column} FROM {table} WHERE typeof({column}) NOT IN ({marks}) LIMIT 1"
            row = db.execute(sql, known).fetchone()
            if row is not None:
                return f"the table {table} holds {row[0]!r} as {column}, not a number"
        else:
            values = [str(member) for member in known]
            marks = ",".join("?" * len(values))
            sql = f"SELECT {column} FROM {table} WHERE {column} NOT IN ({marks}) LIMIT 1"
            row = db.execute(sql, values).fetchone()
            if row is not None:
                return f"the table {table} holds the {column} {row[0]!r}, unknown to Songbird"
    return None


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
        explicit=None if data.get("explicit") is None else bool(data["explicit"]),
        kind=TrackKind(data.get("kind") or TrackKind.SONG),
    )


def track_json(track: Track) -> str:
    return json.dumps(track_to_dict(track), ensure_ascii=False)


def track_from_json(text: str | None) -> Track | None:
    """A track kept as JSON, or None (none kept, or unreadable)."""
    if not text:
        return None
    try:
        return track_from_dict(json.loads(text))
    except (ValueError, KeyError, TypeError):
        return None


def candidates_to_json(candidates: Iterable[Candidate]) -> str:
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


def candidates_from_json(text: str) -> tuple[Candidate, ...]:
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
    """Thread-safe: workers and the GUI thread share one connection behind a lock.

    Attributes:
        set_aside: what was said when the store file was found damaged at open and kept
            aside (this store then started empty), else None.
    """

    def __init__(
        self,
        path: Path | str,
        clock: Callable[[], float] = time.time,
        what: str = "The match store",
    ) -> None:
        """Open the store at `path` (":memory:" for one that lives in memory only).

        A damaged file is moved aside and a new store started (see `recovery_message`,
        which calls the store `what`). Raises StoreTooNew for a store from a newer Songbird,
        OSError when the file cannot be reached, sqlite3.Error when SQLite fails for another
        reason (e.g. the store is locked, the disk is full).
        """
        self._clock = clock
        self._lock = threading.Lock()
        self.set_aside: SetAside | None = None
        if str(path) in ("", ":memory:"):
            self._connect(str(path), Path(str(path)))
            return
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        damage = _damage(path)
        if damage is None:
            try:
                self._connect(str(path), path)
                return
            except _StoreDamaged as error:
                damage = str(error)
        then = "started a new one"
        self.set_aside = keep_aside(path, what, damage, then, clock, _SIBLINGS)
        self._connect(str(path), path)

    @property
    def damaged_copy(self) -> Path | None:
        """Where the store file was kept when it was found damaged at open, else None."""
        return self.set_aside.kept if self.set_aside else None

    @property
    def recovery_message(self) -> str | None:
        """One sentence for the person when the store was found damaged at open, else None."""
        return self.set_aside.message if self.set_aside else None

    def _connect(self, target: str, path: Path) -> None:
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        try:
            self._set_up(path)
        except BaseException as error:
            self._db.close()
            # damage the read-only look could not reach (say, a hot journal barred it)
            if isinstance(error, sqlite3.DatabaseError) and _is_damage(error):
                raise _StoreDamaged(str(error)) from error
            raise

    def _set_up(self, path: Path) -> None:
        found = self._user_version()  # a newer store is refused before anything writes to it
        if found > SCHEMA_VERSION:
            raise StoreTooNew(path, found)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._transaction():
            found = self._user_version()  # again: another process may have migrated it
            if found > SCHEMA_VERSION:
                raise StoreTooNew(path, found)
            for version, statements in sorted(_MIGRATIONS.items()):
                if version > found or version == 1:
                    for statement in statements:
                        if isinstance(statement, str):
                            self._db.execute(statement)
                        else:
                            statement(self._db)
            if found != SCHEMA_VERSION:
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _user_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """Hold the lock for one write transaction: all of its statements land, or none."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    # -- for the modules that keep tables of their own here (core/pairs.py) -----------------

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of one read."""
        with self._lock:
            return list(self._db.execute(sql, params).fetchall())

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on the store's connection: all of it lands, or none."""
        with self._transaction():
            yield self._db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- reading ---------------------------------------------------------------------------

    def recall(self, source: Track, target_service: ServiceId) -> MatchResult | None:
        """The standing decision for `source` on `target_service`, or None (search it).

        A sure match comes with its best candidate only (`MatchResult.slim`; the others are
        for `candidates_left`). A "not found" older than `NOT_FOUND_RETRY_S` no longer
        stands. A decision from before the store kept source tracks learns this one here,
        once (the Matches view shows it).
        """
        with self._lock:
            row = self._db.execute(
                "SELECT decision, target_id, score, retry_at, candidates, target, "
                "source IS NULL, origin FROM decisions WHERE source_key=? AND target_service=?",
                (source.key, str(target_service)),
            ).fetchone()
        if row is None:
            return None
        decision_text, target_id, score, retry_at, candidates_json, target_json, unknown = row[:7]
        made_by = row[7]
        if unknown:
            self._learn_source(source, target_service)
        if retry_at is not None and retry_at <= self._clock():
            return None
        decision = Decision(decision_text)
        candidates = candidates_from_json(candidates_json)
        best = next((c for c in candidates if c.track.id == target_id), None)
        if best is None and target_id is not None:
            # A track the person found by a search of their own: its description is kept apart.
            track = track_from_json(target_json) or Track(target_service, target_id, "")
            best = Candidate(track, float(score or 0.0), ())
        # The person's decision stays theirs when recalled: new thresholds never re-decide it.
        origin = MatchOrigin.PERSON if made_by == MatchOrigin.PERSON else MatchOrigin.REMEMBERED
        return MatchResult(source, decision, best, candidates, 0, origin).slim()

    def _learn_source(self, source: Track, target_service: ServiceId) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE decisions SET source=? WHERE source_key=? AND target_service=? "
                "AND source IS NULL",
                (track_json(source), source.key, str(target_service)),
            )

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

    def journal_planned(
        self, service: ServiceId, playlist_id: str, ids: Sequence[str], kind: str = "add"
    ) -> int:
        """Note a step before it is sent: `kind` "add" (these ids), "reinsert" (copies of
        a track put back after Spotify removed every copy: `ids` is [track id, *positions]),
        or PUT_BACK (one removed entry put back: see `restore_removed`)."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO journal (target_service, playlist_id, track_ids, planned_at, kind) "
                "VALUES (?,?,?,?,?)",
                (str(service), playlist_id, json.dumps(list(ids)), self._clock(), kind),
            )
            return int(cursor.lastrowid or 0)

    def journal_confirmed(self, batch_id: int) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE journal SET confirmed_at=? WHERE batch_id=?", (self._clock(), batch_id)
            )

    def journal_unconfirmed(
        self, service: ServiceId, playlist_id: str, kind: str = "add"
    ) -> list[str]:
        """Ids of `kind` steps planned but never confirmed (a crash or a kill in the middle)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT track_ids FROM journal WHERE target_service=? AND playlist_id=? "
                "AND confirmed_at IS NULL AND kind=?",
                (str(service), playlist_id, kind),
            ).fetchall()
        return [track_id for (ids,) in rows for track_id in json.loads(ids)]

    def journal_unconfirmed_steps(
        self, service: ServiceId, playlist_id: str, kind: str
    ) -> list[list[str]]:
        """Each unconfirmed `kind` step's ids, step by step."""
        with self._lock:
            rows = self._db.execute(
                "SELECT track_ids FROM journal WHERE target_service=? AND playlist_id=? "
                "AND confirmed_at IS NULL AND kind=? ORDER BY batch_id",
                (str(service), playlist_id, kind),
            ).fetchall()
        return [list(json.loads(ids)) for (ids,) in rows]

    def journal_unconfirmed_batches(
        self, service: ServiceId, playlist_id: str | None, kind: str
    ) -> list[tuple[int, str, list[str]]]:
        """Each unconfirmed `kind` step as (batch id, playlist id, ids), oldest first; of
        every playlist of `service` when `playlist_id` is None."""
        sql = (
            "SELECT batch_id, playlist_id, track_ids FROM journal WHERE target_service=? "
            "AND confirmed_at IS NULL AND kind=?"
        )
        params: list[Any] = [str(service), kind]
        if playlist_id is not None:
            sql += " AND playlist_id=?"
            params.append(playlist_id)
        rows = self.rows(sql + " ORDER BY batch_id", params)
        return [(int(b), str(p), list(json.loads(ids))) for b, p, ids in rows]

    def journal_settle(self, service: ServiceId, playlist_id: str) -> None:
        """The target was read back: interrupted batches are accounted for. Put back's
        steps are not: only a put back can tell whether one landed, and a sync between a
        killed put back and the next must not make it forget (see `restore_removed`)."""
        with self._lock:
            self._db.execute(
                "UPDATE journal SET confirmed_at=? WHERE target_service=? AND playlist_id=? "
                "AND confirmed_at IS NULL AND kind<>?",
                (self._clock(), str(service), playlist_id, PUT_BACK),
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
        self,
        result: MatchResult,
        target_service: ServiceId,
        by_person: bool = False,
        by_hand: bool = False,
    ) -> None:
        """Store the decision in `result` (replacing any earlier one for that track).

        `by_hand`: the person found the chosen track by a search of their own words; a
        person's choice that is not among `result.candidates` counts as such too.
        """
        now = self._clock()
        retry_at = now + NOT_FOUND_RETRY_S if result.decision is Decision.NOT_FOUND else None
        chosen = (
            result.best.track if result.best and result.decision is not Decision.NOT_FOUND else None
        )
        offered = {c.track.id for c in result.candidates}
        hand = by_person and chosen is not None and (by_hand or chosen.id not in offered)
        origin = MatchOrigin.PERSON if by_person else MatchOrigin.SCORED
        with self._transaction():
            self._db.execute(
                "DELETE FROM failures WHERE source_key=? AND target_service=?",
                (result.source.key, str(target_service)),
            )
            self._db.execute(
                "INSERT OR REPLACE INTO decisions (source_key, target_service, decision, target_id,"
                " score, origin, decided_at, retry_at, candidates, source, target, by_hand)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    result.source.key,
                    str(target_service),
                    str(result.decision),
                    chosen.id if chosen else None,
                    result.best.score if result.best else None,
                    str(origin),
                    now,
                    retry_at,
                    candidates_to_json(result.candidates),
                    track_json(result.source),
                    track_json(chosen) if chosen else None,
                    int(hand),
                ),
            )

    def reject(self, source: Track, target: Track) -> None:
        """Never propose `target` for `source` again; drops a standing match to it."""
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO rejections (source_key, target_service, target_id,"
                " decided_at, source, target) VALUES (?,?,?,?,?,?)",
                (
                    source.key,
                    str(target.service),
                    target.id,
                    self._clock(),
                    track_json(source),
                    track_json(target),
                ),
            )
            self._db.execute(
                "DELETE FROM decisions WHERE source_key=? AND target_service=? AND target_id=?",
                (source.key, str(target.service), target.id),
            )

    def forget(self, source: Track, target_service: ServiceId) -> None:
        self.forget_key(source.key, target_service)

    def forget_key(self, source_key: str, target_service: ServiceId) -> bool:
        """Drop the decision for this source track: the next sync searches it again.
        True when there was one."""
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM decisions WHERE source_key=? AND target_service=?",
                (source_key, str(target_service)),
            )
        return cursor.rowcount > 0

    def lift_rejection(self, source_key: str, target_service: ServiceId, target_id: str) -> bool:
        """Take back a "never this one": the track may be proposed again. True when it was."""
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM rejections WHERE source_key=? AND target_service=? AND target_id=?",
                (source_key, str(target_service), target_id),
            )
        return cursor.rowcount > 0

    def candidates_of(self, source_key: str, target_service: ServiceId) -> tuple[Candidate, ...]:
        """The candidates a decision was made among (read one at a time, when asked for)."""
        return self._stored_candidates([source_key], target_service).get(source_key, ())

    def candidates_left(
        self, source_keys: Iterable[str], target_service: ServiceId
    ) -> dict[str, tuple[Candidate, ...]]:
        """For each of these source tracks that has a decision, the candidates it was made
        among, less those the person has said "never this one" to since; best first.

        What a run reads back of a sure match when a person opens its track, or when new
        thresholds decide it again (see `MatchResult.slim`).
        """
        keys = list(source_keys)
        offered = self._stored_candidates(keys, target_service)
        rejected: dict[str, set[str]] = {}
        for key, target_id in self._rows_for("rejections", "target_id", keys, target_service):
            rejected.setdefault(key, set()).add(target_id)
        return {
            key: tuple(c for c in candidates if c.track.id not in rejected.get(key, ()))
            for key, candidates in offered.items()
        }

    def _stored_candidates(
        self, source_keys: Sequence[str], target_service: ServiceId
    ) -> dict[str, tuple[Candidate, ...]]:
        rows = self._rows_for("decisions", "candidates", source_keys, target_service)
        return {key: candidates_from_json(str(text)) for key, text in rows}

    def _rows_for(
        self, table: str, column: str, source_keys: Sequence[str], target_service: ServiceId
    ) -> list[tuple[str, Any]]:
        """(source key, `column`) of `table`'s rows for these source tracks, in chunks that
        stay within SQLite's limit of bound values."""
        found: list[tuple[str, Any]] = []
        for start in range(0, len(source_keys), _KEYS_PER_QUERY):
            chunk = source_keys[start : start + _KEYS_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            found += self.rows(
                f"SELECT source_key, {column} FROM {table} "
                f"WHERE target_service=? AND source_key IN ({marks})",
                [str(target_service), *chunk],
            )
        return [(str(key), value) for key, value in found]

    # -- facts about the store itself, and moving decisions between stores -------------------

    def meta(self, key: str) -> str | None:
        rows = self.rows("SELECT value FROM meta WHERE key=?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction():
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (key, value))

    def split_off(self, source_keys: Iterable[str], into: MatchStore) -> int:
        """Move every decision, rejection and failure of these source tracks to `into`;
        returns how many decisions moved. Copied there first, then removed here: a crash in
        between leaves them in both, never in neither."""
        keys = sorted(set(source_keys))
        moved = 0
        tables = ("decisions", "rejections", "failures")
        # By name: a column added by a migration may stand at another place in each file.
        columns = {
            table: ", ".join(str(row[1]) for row in self.rows(f"PRAGMA table_info({table})"))
            for table in tables
        }
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[start : start + _KEYS_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            rows = {
                table: self.rows(
                    f"SELECT {columns[table]} FROM {table} WHERE source_key IN ({marks})", chunk
                )
                for table in tables
            }
            with into.transaction() as db:
                for table, found in rows.items():
                    if found:
                        places = ",".join("?" * len(found[0]))
                        db.executemany(
                            f"INSERT OR REPLACE INTO {table} ({columns[table]}) VALUES ({places})",
                            found,
                        )
            with self._transaction():
                for table in tables:
                    self._db.execute(f"DELETE FROM {table} WHERE source_key IN ({marks})", chunk)
            moved += len(rows["decisions"])
        return moved
