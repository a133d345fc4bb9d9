"""The C allocator's heaps, on Linux with glibc: fewer of them, and a run's freed memory given
back to the system when its search ends.

Python's small objects come from its own allocator; larger ones (lists, long strings, SQLite's
pages, Qt's) from the C library's, which on glibc keeps what is freed for the next allocation
instead of giving it back. Over a 10,000-track sync that was about 8 MB of bench_gui's memory
(issue 23). Elsewhere (macOS, Windows, musl) these functions do nothing.
"""

from __future__ import annotations

import ctypes
import sys

# glibc's <malloc.h>: the most heaps ("arenas") the allocator may create.
_M_ARENA_MAX = -8


def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def use_two_heaps() -> None:
    """Let the allocator keep two heaps rather than one per thread (up to eight per core).

    What a search worker frees stays in its own heap for the next allocation there. The
    workers gain nothing from heaps of their own: they run Python one at a time. Called
    before the first search starts its threads.
    """
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_ARENA_MAX, 2)


def give_back_freed() -> None:
    """Return to the system what the heaps hold free (a search's answers, once read)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
