"""The command line's exit codes, and the error that carries one (for cron and scripts).

0 done · 1 the match store is from a newer Songbird · 2 bad arguments · 3 unknown playlist ·
4 a mirror stopped by the removal guard (nothing written to that playlist) · 5 a sync is
already running · 6 some pairs failed or are paused · 7 a service or the network failed ·
8 no account connected · 9 no keyring reachable · 130 stopped (Ctrl+C).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_STORE = 1
EXIT_USAGE = 2
EXIT_UNKNOWN_PLAYLIST = 3
EXIT_GUARD = 4
EXIT_LOCKED = 5
EXIT_PAIRS_FAILED = 6
EXIT_SERVICE = 7
EXIT_NO_ACCOUNT = 8
EXIT_NO_KEYRING = 9
EXIT_INTERRUPTED = 130


class CliError(Exception):
    """A sentence for stderr and the exit code that goes with it."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code
