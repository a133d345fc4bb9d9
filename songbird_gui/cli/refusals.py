"""What a service's refusal means on the command line: the exit code cron reads, and what the
person does next, in words.

The adapters type every refusal that no retry cures (`core/errors.py`), and the writer says
why it held a playlist back (`core/apply.HeldBack`); the command line goes by those types,
never by the words. A sign-in that ended or an account the service will not serve is a
matter of the account (exit code 8: connect again in the window); a quota used up is the
service's (7, and its sentence says when it may resume); a write gated behind a dialog, or
playlists left uncreated, hold some pairs back (6). What was found or written before the
refusal is kept: the same command later goes on from there.
"""

from __future__ import annotations

from songbird_gui.core.apply import ApplyReport, HeldBack, held_back_by
from songbird_gui.core.errors import AccountNotAllowed, AuthExpired, RunBlocked
from songbird_gui.core.exit_codes import EXIT_NO_ACCOUNT, EXIT_PAIRS_FAILED, EXIT_SERVICE

RECONNECT = "Connect again in songbird-gui (Tools ▸ Accounts), then run the same command"
LATER = "Run the same command later"
# Why a playlist the person follows is never read (Spotify refuses apps those since
# February 2026): `sync` and `export` skip them, or refuse one named (exit code 3).
FOLLOWED_WORDS = (
    "Spotify lets apps read only your own playlists (copy one into a playlist of your own "
    "on Spotify to sync it)."
)

# The code of each reason a playlist was held back.
HELD_BACK_CODES = {
    HeldBack.LOGIN: EXIT_NO_ACCOUNT,
    HeldBack.ACCOUNT: EXIT_NO_ACCOUNT,
    HeldBack.QUOTA: EXIT_SERVICE,
    HeldBack.GATED: EXIT_PAIRS_FAILED,
    HeldBack.CREATION_CAP: EXIT_PAIRS_FAILED,
    HeldBack.CREATIONS_REFUSED: EXIT_PAIRS_FAILED,
    HeldBack.PAIR: EXIT_PAIRS_FAILED,  # paused, or it would sync into its own source
}
# Which of two reasons decides the exit code: the person's account first (nothing more can
# be written until they act), then the service's quota, then the pairs held back.
_FIRST = [HeldBack.LOGIN, HeldBack.ACCOUNT, HeldBack.QUOTA]


def refusal_code(refusal: RunBlocked) -> int:
    """The exit code of a run a refusal ended."""
    return HELD_BACK_CODES[held_back_by(refusal)]


def next_step(refusal: RunBlocked) -> str:
    """What the person does after `refusal`, as the start of a sentence."""
    return RECONNECT if isinstance(refusal, AuthExpired | AccountNotAllowed) else LATER


def held_back(reports: list[ApplyReport]) -> HeldBack | None:
    """The reason that decides a write's exit code, of those its playlists were held back
    for (None: none was)."""
    reasons = {r.held_back for r in reports if r.held_back is not None}
    return next((h for h in _FIRST if h in reasons), next(iter(sorted(reasons)), None))
