"""One writer at a time on a data folder: the window's (or a scheduled) write waits for the
writer that holds the lock, then runs; a Stop ends the wait; a whole-run holder (the command
line) is refused to a second one, and the lock names its holder's pid."""

from __future__ import annotations

import os

import pytest

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import Cancelled
from songbird_gui.core.types import ServiceId
from songbird_gui.engine.session import RunState
from songbird_gui.engine.writer_lock import WriterLock
from songbird_gui.services.demo import DemoServerConfig
from tests.demo_catalogue import small_catalogue
from tests.engine.test_session import end, make_session


def test_a_second_whole_run_holder_is_refused_and_told_the_holders_pid(tmp_path):
    cron, window = WriterLock(tmp_path), WriterLock(tmp_path)
    assert window.holder() is None
    assert cron.try_hold()
    assert not window.try_hold()
    assert window.holder() == os.getpid()
    cron.release()
    assert window.holder() is None
    assert window.try_hold()
    window.release()


def test_a_stop_ends_the_wait_for_the_lock(tmp_path):
    other = WriterLock(tmp_path)
    assert other.try_hold()
    cancel = CancelToken()
    told: list[int | None] = []
    cancel.cancel()
    with pytest.raises(Cancelled), WriterLock(tmp_path).writing(cancel, told.append):
        raise AssertionError("wrote while another writer held the lock")
    assert told == [os.getpid()]
    other.release()


def test_the_windows_write_waits_for_another_writer_then_writes(qtbot, tmp_path):
    server = DemoServerConfig(latency_s=0.002, limit=500, burst=50, seed=1)
    session, services = make_session(tmp_path, small_catalogue(), server)
    source = services[ServiceId.SPOTIFY]
    target = services[ServiceId.YTMUSIC]
    with qtbot.waitSignal(session.planned, timeout=10_000):
        session.plan([p for p in source.list_playlists() if p.name == "Evening"])
    with qtbot.waitSignal(session.searchFinished, timeout=30_000):
        session.search()

    # A `songbird sync` from cron holds the data folder's lock (another process would; the
    # lock file cannot tell, as it names only a pid).
    cron = WriterLock(session.context.writer_lock.path.parent)
    assert cron.try_hold()
    with qtbot.waitSignal(session.applyWaiting, timeout=10_000) as waiting:
        session.apply()
    assert waiting.args == [os.getpid()]
    assert session.state is RunState.APPLYING
    assert not [p for p in target.list_playlists() if p.name == "Evening"]  # nothing written

    with qtbot.waitSignal(session.applied, timeout=30_000):
        cron.release()
    (evening,) = [p for p in target.list_playlists() if p.name == "Evening"]
    assert [t.id for t in target.playlist_tracks(evening)] == ["yt1", "yt2", "yt3"]
    assert session.context.writer_lock.holder() is None  # let go after the write
    end(session)


# -- a lock file that names no holder ----------------------------------------------------------

LONG_AGO = 1_000_000.0  # the damaged lock file's time, far before the lock's clock


def left_behind(tmp_path, content: bytes):
    """A sync.lock as a crash between its making and its naming, or a disk error, leaves it."""
    path = tmp_path / "sync.lock"
    path.write_bytes(content)
    os.utime(path, (LONG_AGO, LONG_AGO))
    return path


@pytest.mark.parametrize("content", [b"", b"\x00\x00garbage\xff\n"], ids=["empty", "garbage"])
def test_a_lock_file_that_names_no_holder_is_set_aside_and_taken_over(tmp_path, content):
    """Before, every run exited 5 "already running (pid unknown)", forever."""
    left_behind(tmp_path, content)
    lock = WriterLock(tmp_path, clock=lambda: LONG_AGO + 3600)
    assert lock.try_hold()
    try:
        (kept,) = tmp_path.glob("sync.lock.damaged-*")
        assert kept.read_bytes() == content
        (said,) = lock.notices.messages()
        reason = "empty" if not content else "it names no writer"
        assert said == (
            f"The writer lock could not be read ({reason}); Songbird kept it as {kept} and "
            "took the lock over."
        )
        assert WriterLock(tmp_path).holder() == os.getpid()
    finally:
        lock.release()


def test_a_folder_in_the_locks_place_is_set_aside_and_the_lock_taken(tmp_path):
    (tmp_path / "sync.lock").mkdir()
    lock = WriterLock(tmp_path)
    assert lock.try_hold()
    lock.release()
    (kept,) = tmp_path.glob("sync.lock.damaged-*")
    assert kept.is_dir()
    assert "a folder in its place" in lock.notices.messages()[0]


def test_a_lock_file_being_made_right_now_is_left_to_its_writer(tmp_path):
    """A writer makes the file, then names itself in it: an unnamed file that new is not
    damage (taking it would make two writers)."""
    path = left_behind(tmp_path, b"")
    lock = WriterLock(tmp_path, clock=lambda: LONG_AGO + 1)
    assert not lock.try_hold()
    assert path.exists() and list(tmp_path.glob("sync.lock.damaged-*")) == []
    assert lock.notices.messages() == []


@pytest.mark.skipif(os.name != "posix", reason="file locks are POSIX here")
def test_an_unnamed_lock_file_a_live_process_holds_is_left_alone(tmp_path):
    import fcntl

    path = left_behind(tmp_path, b"garbage")
    with path.open("rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # as a live QLockFile holds its file
        lock = WriterLock(tmp_path, clock=lambda: LONG_AGO + 3600)
        assert not lock.try_hold()
    assert list(tmp_path.glob("sync.lock.damaged-*")) == []
