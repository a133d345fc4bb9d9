"""A damaged match store never stops the app: it is kept aside, byte for byte, and a new one
starts. A store from a newer Songbird is refused and left alone. Schema steps run on open."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from core_fakes import FakeClock

from songbird_gui.core import store as store_module
from songbird_gui.core.pairs import PairStore
from songbird_gui.core.store import SCHEMA_VERSION, MatchStore, StoreTooNew
from songbird_gui.core.types import Candidate, Decision, MatchResult, ServiceId, Track

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC
SOURCE = Track(SP, "sp-1", "Hello", ("Adele",))
TARGET = Track(YT, "yt-1", "Hello", ("Adele",))
KEPT = "matches.sqlite3.damaged-20261202-164005"


@pytest.fixture
def clock() -> FakeClock:
    # local time, as the kept file is named in local time
    return FakeClock(datetime(2026, 12, 2, 16, 40, 5).timestamp())


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "matches.sqlite3"


def accept(source: Track = SOURCE) -> MatchResult:
    best = Candidate(TARGET, 0.97)
    return MatchResult(source, Decision.ACCEPT, best, (best,))


def fill(path: Path, tracks: int = 1) -> None:
    """A real store with `tracks` remembered matches, closed (its WAL folded in)."""
    store = MatchStore(path)
    for n in range(tracks):
        store.remember(accept(Track(SP, f"sp-{n}", f"Song {n}", ("Artist",))), YT)
    store.close()


def works(store: MatchStore) -> bool:
    store.remember(accept(), YT)
    recalled = store.recall(SOURCE, YT)
    return recalled is not None and recalled.best is not None and recalled.best.track == TARGET


def names(folder: Path) -> set[str]:
    return set(os.listdir(folder))


def user_version(path: Path) -> int:
    probe = sqlite3.connect(path)
    try:
        return int(probe.execute("PRAGMA user_version").fetchone()[0])
    finally:
        probe.close()


def tables(path: Path) -> set[str]:
    probe = sqlite3.connect(path)
    try:
        rows = probe.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
        return {name for (name,) in rows} - {"sqlite_sequence"}
    finally:
        probe.close()


# -- damaged files are kept aside ------------------------------------------------------------


def test_garbage_is_kept_aside_with_its_wal_and_shm_and_a_new_store_starts(
    path: Path, clock: FakeClock
) -> None:
    path.parent.mkdir()
    originals = {
        "": b"\x00\xffnot a database at all, a half-copied backup\n" * 40,
        "-wal": b"a write-ahead log that belongs to the garbage" * 10,
        "-shm": b"shared memory of the garbage" * 10,
    }
    for suffix, data in originals.items():
        Path(f"{path}{suffix}").write_bytes(data)

    store = MatchStore(path, clock=clock)
    try:
        kept = path.parent / KEPT
        assert store.damaged_copy == kept
        for suffix, data in originals.items():
            assert Path(f"{kept}{suffix}").read_bytes() == data  # exactly the person's bytes
        assert store.recovery_message == (
            "The match store could not be read (file is not a database); Songbird kept it as "
            f"{kept} and started a new one."
        )
        assert store.count() == 0
        assert works(store)
    finally:
        store.close()
    assert {KEPT, f"{KEPT}-wal", f"{KEPT}-shm", "matches.sqlite3"} <= names(path.parent)


def truncate_to_half(path: Path) -> None:
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size // 2)


def overwrite_a_page(path: Path) -> None:
    with path.open("r+b") as file:
        file.seek(path.stat().st_size // 2)
        file.write(b"\xa5" * 3000)


def keep_the_header_only(path: Path) -> None:
    with path.open("r+b") as file:
        file.truncate(60)


@pytest.mark.parametrize("damage", [truncate_to_half, overwrite_a_page, keep_the_header_only])
def test_a_real_store_damaged_on_disk_is_kept_aside_byte_for_byte(
    path: Path, clock: FakeClock, damage: Callable[[Path], None]
) -> None:
    fill(path, tracks=400)
    damage(path)
    damaged = path.read_bytes()

    store = MatchStore(path, clock=clock)
    try:
        assert store.damaged_copy == path.parent / KEPT
        assert (path.parent / KEPT).read_bytes() == damaged
        assert store.recovery_message is not None and KEPT in store.recovery_message
        assert store.count() == 0
        assert works(store)
    finally:
        store.close()


def test_a_damaged_store_is_kept_with_its_wal_of_recent_writes_as_they_were(
    tmp_path: Path, path: Path, clock: FakeClock
) -> None:
    """The -wal holds the last writes; opening the store to write and closing it would fold
    them into the damaged file and delete the -wal. The kept pair is the pair as it was."""
    source = tmp_path / "live" / "matches.sqlite3"
    fill(source, tracks=400)
    live = sqlite3.connect(source, isolation_level=None)
    live.execute("PRAGMA wal_autocheckpoint=0")
    live.execute("CREATE TABLE later (text TEXT)")
    live.executemany("INSERT INTO later VALUES (?)", [("recent " * 50,)] * 50)
    path.parent.mkdir()
    for suffix in ("", "-wal", "-shm"):  # copied mid-run, as a sync tool would
        Path(f"{path}{suffix}").write_bytes(Path(f"{source}{suffix}").read_bytes())
    live.close()
    overwrite_a_page(path)
    originals = {suffix: Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal")}
    assert len(originals["-wal"]) > 0

    store = MatchStore(path, clock=clock)
    store.close()
    kept = path.parent / KEPT
    assert store.damaged_copy == kept
    assert kept.read_bytes() == originals[""]
    assert Path(f"{kept}-wal").read_bytes() == originals["-wal"]


@pytest.mark.parametrize("taken", [KEPT, f"{KEPT}-wal"])
def test_the_kept_name_never_overwrites_a_file(path: Path, clock: FakeClock, taken: str) -> None:
    """Damaged twice in the same second, or a name already used: a counter, never a clobber."""
    path.parent.mkdir()
    path.write_bytes(b"garbage " * 100)
    Path(f"{path}-wal").write_bytes(b"garbage wal")
    (path.parent / taken).write_bytes(b"kept the first time")

    store = MatchStore(path, clock=clock)
    store.close()
    second = "matches.sqlite3.damaged-20261202-164005-2"
    assert store.damaged_copy == path.parent / second
    assert (path.parent / taken).read_bytes() == b"kept the first time"
    assert (path.parent / second).read_bytes() == b"garbage " * 100
    assert (path.parent / f"{second}-wal").read_bytes() == b"garbage wal"


# -- what is not damage ------------------------------------------------------------------------


def test_an_empty_file_is_a_new_store(path: Path, clock: FakeClock) -> None:
    path.parent.mkdir()
    path.write_bytes(b"")
    store = MatchStore(path, clock=clock)
    try:
        assert store.damaged_copy is None and store.recovery_message is None
        assert works(store)
    finally:
        store.close()
    assert not any("damaged" in name for name in names(path.parent))
    assert user_version(path) == SCHEMA_VERSION


def test_a_folder_in_the_stores_place_is_kept_aside_whole_and_a_new_store_starts(
    path: Path, clock: FakeClock
) -> None:
    """Before, every command failed on it; now it goes the way of every kept file."""
    path.mkdir(parents=True)
    (path / "something.txt").write_text("the person's", encoding="utf-8")
    store = MatchStore(path, clock=clock)
    try:
        kept = path.parent / KEPT
        assert store.damaged_copy == kept
        assert (kept / "something.txt").read_text(encoding="utf-8") == "the person's"
        assert "(a folder in its place)" in (store.recovery_message or "")
        assert works(store)
    finally:
        store.close()


def test_a_healthy_store_opens_as_it_is(path: Path, clock: FakeClock) -> None:
    fill(path, tracks=3)
    store = MatchStore(path, clock=clock)
    try:
        assert store.damaged_copy is None and store.recovery_message is None
        assert store.count() == 3
    finally:
        store.close()
    assert not any("damaged" in name for name in names(path.parent))


def test_a_store_in_memory_is_never_damaged(clock: FakeClock) -> None:
    store = MatchStore(":memory:", clock=clock)
    try:
        assert store.damaged_copy is None and store.recovery_message is None
        assert works(store)
    finally:
        store.close()


def test_a_store_from_a_newer_songbird_is_refused_and_left_alone(
    path: Path, clock: FakeClock
) -> None:
    fill(path, tracks=2)
    probe = sqlite3.connect(path)
    probe.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    probe.commit()
    probe.close()
    before = path.read_bytes()
    listing = names(path.parent)

    with pytest.raises(StoreTooNew) as raised:
        MatchStore(path, clock=clock)
    assert "newer version of Songbird" in str(raised.value)
    assert str(path) in str(raised.value)
    assert path.read_bytes() == before
    # at most an empty -wal and its -shm, which SQLite leaves after a read-only look
    assert names(path.parent) - {"matches.sqlite3-wal", "matches.sqlite3-shm"} == listing
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    assert user_version(path) == SCHEMA_VERSION + 1


# -- schema versions and steps -----------------------------------------------------------------


def test_the_steps_cover_every_version_up_to_the_current_one() -> None:
    assert sorted(store_module._MIGRATIONS) == list(range(1, SCHEMA_VERSION + 1))


def test_a_version_0_database_is_brought_up_to_date(path: Path, clock: FakeClock) -> None:
    path.parent.mkdir()
    probe = sqlite3.connect(path)
    probe.execute("CREATE TABLE notes (text TEXT)")
    probe.execute("INSERT INTO notes VALUES ('kept')")
    probe.commit()
    probe.close()
    assert user_version(path) == 0

    store = MatchStore(path, clock=clock)
    try:
        assert store.damaged_copy is None
        assert works(store)
    finally:
        store.close()
    assert user_version(path) == SCHEMA_VERSION
    assert tables(path) == {
        "notes",
        "decisions",
        "failures",
        "journal",
        "rejections",
        "pairs",
        "pair_removals",
        "meta",
    }


def test_a_version_1_store_from_the_first_release_gains_the_later_tables(
    path: Path, clock: FakeClock
) -> None:
    """The first release stamped version 1 before `failures` and `journal` existed."""
    fill(path, tracks=1)
    probe = sqlite3.connect(path)
    probe.executescript(
        "DROP TABLE failures; DROP TABLE journal; DROP TABLE pairs; DROP TABLE pair_removals;"
        " DROP TABLE meta; PRAGMA user_version=1;"
    )
    probe.close()

    store = MatchStore(path, clock=clock)
    try:
        assert store.count() == 1
        store.record_failure(SOURCE, YT, "YouTube Music could not be reached", True)
        assert store.failure(SOURCE, YT) is not None
        assert store.journal_planned(YT, "PL1", ["yt-1"]) > 0
    finally:
        store.close()


def test_steps_run_from_the_stored_version_up(
    path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(path, tracks=1)
    step_next = ("CREATE TABLE sync_notes (source TEXT, target TEXT)",)
    later = SCHEMA_VERSION + 1
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", later)
    monkeypatch.setattr(store_module, "_MIGRATIONS", {**store_module._MIGRATIONS, later: step_next})

    store = MatchStore(path, clock=clock)
    store.close()
    assert user_version(path) == later
    assert "sync_notes" in tables(path)


def test_a_failing_step_changes_nothing_and_is_not_damage(
    path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(path, tracks=1)
    step_next = ("CREATE TABLE sync_notes (source TEXT)", "INSERT INTO no_such_table VALUES (1)")
    later = SCHEMA_VERSION + 1
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", later)
    monkeypatch.setattr(store_module, "_MIGRATIONS", {**store_module._MIGRATIONS, later: step_next})

    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        MatchStore(path, clock=clock)
    assert user_version(path) == later - 1
    assert "sync_notes" not in tables(path)  # the whole step rolled back, not half of it
    assert not any("damaged" in name for name in names(path.parent))
    monkeypatch.undo()
    store = MatchStore(path, clock=clock)
    try:
        assert store.count() == 1
    finally:
        store.close()


# -- damage SQLite does not see: what this version reads back ----------------------------------


def drop_table(table: str) -> Callable[[sqlite3.Connection], None]:
    return lambda db: db.execute(f"DROP TABLE {table}")


def drop_column(table: str, column: str) -> Callable[[sqlite3.Connection], None]:
    return lambda db: db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def set_value(table: str, column: str, value: object) -> Callable[[sqlite3.Connection], None]:
    return lambda db: db.execute(f"UPDATE {table} SET {column}=?", (value,))


def a_pair(db: sqlite3.Connection) -> None:
    db.execute(
        "INSERT INTO pairs (source_service, source_id, source_name, target_service, target_id,"
        " target_name, created_at) VALUES ('spotify','s1','Road Trip','ytmusic','y1','Road',1)"
    )


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (drop_table("pairs"), "the table pairs is missing"),
        (drop_table("journal"), "the table journal is missing"),
        (drop_table("decisions"), "the table decisions is missing"),
        (drop_column("journal", "kind"), "the table journal has no column kind"),
        (drop_column("decisions", "by_hand"), "the table decisions has no column by_hand"),
        (set_value("decisions", "target_service", "deezer"), "the target_service 'deezer'"),
        (set_value("decisions", "decision", "maybe"), "the decision 'maybe'"),
        (set_value("decisions", "origin", "robot"), "the origin 'robot'"),
        (set_value("decisions", "retry_at", "soon"), "'soon' as retry_at, not a number"),
        (set_value("pairs", "mode", "shuffle"), "the mode 'shuffle'"),
        (set_value("pairs", "schedule_h", "daily"), "'daily' as schedule_h, not a number"),
    ],
    ids=[
        "no-pairs",
        "no-journal",
        "no-decisions",
        "journal-without-kind",
        "decisions-without-by_hand",
        "unknown-service",
        "unknown-decision",
        "unknown-origin",
        "retry_at-text",
        "unknown-mode",
        "schedule-text",
    ],
)
def test_a_store_this_version_cannot_read_back_is_kept_aside_byte_for_byte(
    path: Path,
    clock: FakeClock,
    damage: Callable[[sqlite3.Connection], None],
    reason: str,
) -> None:
    """A table or a column gone, a row with a value this version does not know: SQLite finds
    nothing wrong, and every command would fail on it ("no such column: kind", a ValueError)."""
    fill(path, tracks=3)
    edit = sqlite3.connect(path, isolation_level=None)
    a_pair(edit)
    damage(edit)
    edit.close()
    before = path.read_bytes()

    store = MatchStore(path, clock=clock)
    try:
        kept = path.parent / KEPT
        assert store.damaged_copy == kept
        assert kept.read_bytes() == before
        assert store.recovery_message is not None
        assert reason in store.recovery_message and str(kept) in store.recovery_message
        assert store.count() == 0
        assert works(store)
        assert PairStore(store).all() == []  # the new store's pairs table works
    finally:
        store.close()


def test_a_store_of_the_first_release_missing_a_baseline_table_is_not_damage(
    path: Path, clock: FakeClock
) -> None:
    fill(path, tracks=1)
    probe = sqlite3.connect(path, isolation_level=None)
    probe.executescript("DROP TABLE pairs; DROP TABLE pair_removals; DROP TABLE meta;")
    probe.executescript(
        "DROP TABLE rejections; DROP TABLE journal; ALTER TABLE decisions DROP COLUMN source;"
        " ALTER TABLE decisions DROP COLUMN target; ALTER TABLE decisions DROP COLUMN by_hand;"
        " PRAGMA user_version=1;"
    )
    probe.close()
    store = MatchStore(path, clock=clock)
    try:
        assert store.damaged_copy is None
        assert store.count() == 1
        assert works(store)
    finally:
        store.close()
