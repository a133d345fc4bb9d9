"""How a run of Songbird ended, as the number cron, systemd and scripts read (README's table).

One place for every code the program can return: the command line's dispatcher, the window's
launch and the error boundary (`core/failure.py`) all take them from here.
"""

from __future__ import annotations

import signal

EXIT_OK = 0
EXIT_STORE = 1  # the match store is from a newer Songbird (left untouched)
EXIT_USAGE = 2  # bad arguments, or a file the person named that cannot be used
EXIT_UNKNOWN_PLAYLIST = 3
EXIT_GUARD = 4  # a mirror stopped by the removal guard: nothing written to that playlist
EXIT_LOCKED = 5  # a sync is already running
EXIT_PAIRS_FAILED = 6  # some pairs failed or are paused
EXIT_SERVICE = 7  # a service or the network failed
EXIT_NO_ACCOUNT = 8
EXIT_NO_KEYRING = 9
EXIT_DISK_FULL = 10  # the disk holding Songbird's files is full
EXIT_FILES = (
    11  # a folder of Songbird's files cannot be used: read-only, no permission, a disk error
)
EXIT_UNEXPECTED = 12  # an unexpected error (a bug): the log holds its trace
EXIT_NO_DISPLAY = 13  # the window cannot start: no Qt platform (display) can start here
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130: stopped by Ctrl+C
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143: stopped by SIGTERM (systemd stopping it, kill)


def exit_code_for_signal(signum: int) -> int:
    """The code of a run a signal stopped: 128 + its number, as shells report it."""
    return 128 + signum
