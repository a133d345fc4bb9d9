"""The errors a service adapter may raise, sorted by what the caller should do about them.

Adapters translate their library's exceptions into these, so the retry policy and the UI
decide on the kind of failure (retry it, wait, give up, pause the run until the person acts),
never on a status code or a library's exception type.
"""

from __future__ import annotations

from songbird_gui.core.types import ServiceId


class ServiceError(Exception):
    """A request to a music service failed; `str(error)` is a sentence a person can read."""


class TransientError(ServiceError):
    """Worth retrying: 5xx, a timeout, a reset connection, an answer cut short."""


class RateLimited(TransientError):
    """The service said "too many requests" (429); `retry_after` is its Retry-After, if any.

    `quota` is true when the answer names a quota (Spotify's "QUOTA_EXCEEDED"): that is not a
    pause to wait out but the end of the run, until the time the Retry-After gives.
    """

    def __init__(
        self, message: str, retry_after: float | None = None, *, quota: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.quota = quota


class PermanentError(ServiceError):
    """Retrying will not help: a bad request, a missing playlist, no permission."""


class NotFound(PermanentError):
    """The playlist is not there any more (a 404 from a playlist's endpoint): deleted."""


class PlaylistNotReady(PermanentError):
    """A playlist refuses edits for now (YouTube Music's "Precondition check failed").

    A playlist created seconds ago answers so for up to about 20 s; the writer waits and
    tries again only then. For an older playlist it means what it says: refused.
    """


class CreationRefused(PermanentError):
    """The service refuses to create more playlists for now ("You are creating too many
    playlists"). Asking again soon only makes it worse: nothing more is created this run."""


class RunBlocked(ServiceError):
    """The service will serve no request of this run until something changes.

    The person must reconnect, or put their account right, or a quota must renew. Every
    further request would fail alike, so nothing is retried: the run pauses, keeps what it
    found, and goes on from there later.
    """


class AuthExpired(RunBlocked):
    """The account's session is no longer valid; the person must reconnect.

    `service` is the one to connect again (the window opens its tab), where the adapter knows.
    """

    def __init__(self, message: str, service: ServiceId | None = None) -> None:
        super().__init__(message)
        self.service = service


class AccountNotAllowed(RunBlocked):
    """The service refuses this account for a reason the person can fix (in words)."""


class WritesGated(RunBlocked):
    """The service wants a dialog answered in its own app before it writes again.

    YouTube Music answers a gated write with the dialog instead of doing it
    (ytmusicapi's `YTMusicGatedError`); every further write would be answered alike.
    """


class QuotaExceeded(RunBlocked):
    """A quota is used up, or the service asked for a pause of many minutes.

    Retrying sooner only burns the next window. `retry_at` is when to try again (wall-clock
    seconds since the epoch), if the service said.
    """

    def __init__(self, message: str, retry_at: float | None = None) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class Cancelled(Exception):
    """The person pressed Stop; the work was abandoned cleanly."""
