"""The errors a service adapter may raise, sorted by what the caller should do about them.

Adapters translate their library's exceptions into these, so the retry policy and the UI
decide on the kind of failure (retry it, wait, give up, ask to reconnect), never on a status
code or a library's exception type.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A request to a music service failed; `str(error)` is a sentence a person can read."""


class TransientError(ServiceError):
    """Worth retrying: 5xx, a timeout, a reset connection."""


class RateLimited(TransientError):
    """The service said "too many requests" (429); `retry_after` is its Retry-After, if any."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(ServiceError):
    """Retrying will not help: a bad request, a missing playlist, no permission."""


class NotFound(PermanentError):
    """The playlist is not there any more (a 404 from a playlist's endpoint): deleted."""


class AuthExpired(PermanentError):
    """The account's session is no longer valid; the person must reconnect."""


class Cancelled(Exception):
    """The person pressed Stop; the work was abandoned cleanly."""
