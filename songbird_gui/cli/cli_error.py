"""`CliError`: what a command refuses or cannot do, as one sentence and its exit code.

A command raises it where it knows what went wrong in the person's terms (an unknown
playlist, no account connected, a sync already running); the entry point (`cli/__init__.py`)
prints it on stderr and ends with its code. The codes themselves live in one module for the
whole program, `core/exit_codes.py`, which the README's table lists.
"""

from __future__ import annotations


class CliError(Exception):
    """A sentence for stderr and the exit code that goes with it."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code
