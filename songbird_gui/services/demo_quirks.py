"""Spotify's and YouTube Music's 2026 refusals, modelled in the demo services: `Quirk`.

Off by default; `songbird sync --demo --demo-quirks followed,quota` (or "all") switches some
on, so that a person can watch Songbird meet each one, and say it in one sentence, without an
account. Each quirk belongs to one side and answers in that service's own words:

- followed (Spotify-like): two playlists of someone else's are listed; reading their items is
  refused (403), as Spotify refuses apps since February 2026.
- invalid-limit (Spotify-like): a page of more than 20 entries is refused (400 "Invalid
  limit"), as some apps met on `/playlists/{id}/items`; pages are then 20 long.
- quota (Spotify-like): after 40 searches every request is refused (429 "QUOTA_EXCEEDED" with
  a Retry-After of 48,925 s, what one app was told); it renews when the demo starts again.
- precondition (YouTube Music-like): a new playlist refuses edits for 6 s (400 "Precondition
  check failed."; the real one, for up to about 20 s).
- too-many-playlists (YouTube Music-like): the third creation is refused (400 "You are
  creating too many playlists. Please wait a while before creating further playlists.").
- gated (YouTube Music-like): a creation is answered with a dialog to answer instead of done
  (ytmusicapi's `YTMusicGatedError`).
- expired-session (YouTube Music-like): the sign-in ends after 30 requests (401 "You must be
  signed in to perform this operation.") until the demo is signed in again.
- status-failed (YouTube Music-like): the first add into each playlist lands half of its
  tracks and answers STATUS_FAILED, with no reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from songbird_gui.core.types import ServiceId


class Quirk(StrEnum):
    FOLLOWED = "followed"
    INVALID_LIMIT = "invalid-limit"
    QUOTA = "quota"
    PRECONDITION = "precondition"
    TOO_MANY_PLAYLISTS = "too-many-playlists"
    GATED = "gated"
    EXPIRED_SESSION = "expired-session"
    STATUS_FAILED = "status-failed"

    @property
    def service(self) -> ServiceId:
        """The side that shows it (each refusal is one service's)."""
        spotify = (Quirk.FOLLOWED, Quirk.INVALID_LIMIT, Quirk.QUOTA)
        return ServiceId.SPOTIFY if self in spotify else ServiceId.YTMUSIC


# The numbers each quirk plays with (see the module's docstring).
FOLLOWED_OWNER = "Demo Radio"
FOLLOWED_NAMES = ("This Week's Hits", "Editors' Picks")
FOLLOWED_LENGTH = 25
INVALID_LIMIT_ABOVE = 20
QUOTA_AFTER_SEARCHES = 40
QUOTA_RETRY_AFTER_S = 48_925
NEW_PLAYLIST_SETTLES_S = 6.0
CREATIONS_ALLOWED = 2
EXPIRES_AFTER_REQUESTS = 30
GATE_DIALOG = "PAfeature_enablement"  # the dialog ytmusicapi's own test names

ALL = "all"


def parse_quirks(text: str) -> frozenset[Quirk]:
    """The quirks named in `text`, comma-separated ("followed,quota"; "all"; "" for none).

    Raises ValueError with one sentence naming the known ones (for `--demo-quirks`).
    """
    names = [name.strip().casefold() for name in text.split(",") if name.strip()]
    if ALL in names:
        return frozenset(Quirk)
    known = {quirk.value: quirk for quirk in Quirk}
    unknown = [name for name in names if name not in known]
    if unknown:
        listed = ", ".join(quirk.value for quirk in Quirk)
        raise ValueError(
            f"no demo quirk named {', '.join(unknown)}; there are: {listed} (or {ALL})"
        )
    return frozenset(known[name] for name in names)


def of_service(quirks: Iterable[Quirk], service: ServiceId) -> frozenset[Quirk]:
    return frozenset(quirk for quirk in quirks if quirk.service is service)
