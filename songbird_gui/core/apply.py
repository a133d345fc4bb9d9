"""Writing a plan's additions to the target service: create, add in batches, verify.

Before writing, the target is read again, so a track that arrived since the plan was made is
not added twice (and a re-run adds nothing). A batch the service refuses is split in halves
until the bad track is found alone; the rest still land. After writing, the target is read
once more and the report says what is really there, not what was sent.

Each request is paced by the service's throttle, and a read that fails is retried there. A
write whose answer is lost (a reset, a timeout, a 5xx) may still have been carried out, so the
throttle does not send it again; the writer retries the whole operation instead, and that
retry first looks: a creation looks for the playlist it may have made, a batch re-reads the
playlist and sends only what is not there yet. A failure that ends one playlist's write (it
was deleted, the login expired) goes into its report, in words.

The writer stops between batches when the run's Stop fires (the request scope's token); the
read-back after the write uses `readback_cancel` instead, so that a Stop still leaves a true
report, while closing the window cancels that too.

What services refuse in 2025–2026 is met once per run, not once per track. A refusal of the
whole run (the sign-in ended, a quota, a write gated behind a dialog) ends that playlist's
write and holds back the later ones without a request. New playlists are created at most
`CreationSettings.per_run` a run and `spacing_s` apart, and none after the service says "You
are creating too many playlists": each report says why it was held back (`HeldBack`), so the
command line and the window need not read sentences. A playlist created moments ago refuses
edits for a while ("Precondition check failed"): its adds wait 2, 4, 8 and 16 s and try
again, paced like any request, on a wait that Stop ends. After a refused or unclear add the
playlist is read again, so what is resent and what the report says is what really landed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, TypeVar

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import (
    AuthExpired,
    Cancelled,
    CreationRefused,
    NotFound,
    PermanentError,
    PlaylistNotReady,
    QuotaExceeded,
    RunBlocked,
    ServiceError,
    WritesGated,
)
from songbird_gui.core.retry import RetryPolicy
from songbird_gui.core.service import MusicService
from songbird_gui.core.settings import CreationSettings
from songbird_gui.core.throttle import current_scope, request_scope
from songbird_gui.core.types import Entry, Playlist, ServiceId, Track

T = TypeVar("T")
log = logging.getLogger(__name__)

# How long adds into a playlist created moments ago wait, in turn, while it answers
# "Precondition check failed" (YouTube Music refuses edits to a new playlist for up to about
# 20 s; ytmusicapi's own tests wait out the same).
NEW_PLAYLIST_WAITS_S = (2.0, 4.0, 8.0, 16.0)

# Waits `seconds` unless the token is cancelled first; True when it was (tests inject one
# that moves a fake clock instead of sleeping).
Sleeper = Callable[[CancelToken, float], bool]


def cancellable_sleep(cancel: CancelToken, seconds: float) -> bool:
    return cancel.wait(seconds)


class HeldBack(StrEnum):
    """Why a playlist's tracks were not written when it was the run's or the service's doing,
    not the tracks' (the command line's exit code and the window's prompt go by it)."""

    CREATION_CAP = "creation cap"  # Songbird's own cap on new playlists a run was reached
    CREATIONS_REFUSED = "creations refused"  # "You are creating too many playlists"
    GATED = "gated"  # the service wants a dialog answered in its own app first
    LOGIN = "login"  # the sign-in ended: connect again, then write again
    QUOTA = "quota"  # the service's quota is used up (until the refusal's `retry_at`)
    ACCOUNT = "account"  # the service refuses the account (Premium, allow-list)
    PAIR = "pair"  # its pair is paused, or it would sync back into its own source

    @property
    def stopped_creating(self) -> bool:
        return self in (HeldBack.CREATION_CAP, HeldBack.CREATIONS_REFUSED)


def held_back_by(refusal: RunBlocked) -> HeldBack:
    if isinstance(refusal, AuthExpired):
        return HeldBack.LOGIN
    if isinstance(refusal, QuotaExceeded):
        return HeldBack.QUOTA
    if isinstance(refusal, WritesGated):
        return HeldBack.GATED
    return HeldBack.ACCOUNT


@dataclass
class ApplyReport:
    """What an apply did; `landed` is read back from the service, not assumed."""

    name: str = ""  # the target playlist's name, also when it could not be written at all
    playlist: Playlist | None = None  # None: not created, or gone
    created: bool = False
    planned: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # target id → reason
    landed: list[str] = field(default_factory=list)  # planned ids present after the write
    already_there: list[str] = field(default_factory=list)  # planned ids present before it
    cancelled: bool = False
    warning: str = ""
    recovered: list[str] = field(default_factory=list)  # landed in an interrupted earlier run
    gone: bool = False  # the playlist was deleted: nothing of it is there any more
    # A pair's sync in a mirror mode (core/pair_writer.py):
    removed: list[tuple[int, Track]] = field(default_factory=list)  # (old position, track)
    moved: int = 0
    stopped: str = ""  # why the guard stopped it before anything was written
    entries: list[Entry] | None = None  # the target as read back after the write
    # Why nothing of this playlist was written at all, when it was the pair's, the run's or
    # the service's doing and not the tracks' (`warning` says it in words): a refusal, not a
    # success with nothing to do.
    held_back: HeldBack | None = None
    refusal: RunBlocked | None = None  # the refusal of the whole run behind it, if that
    # Planned ids not sent because the run or the service held the playlist back: not the
    # tracks' failures (nothing was wrong with them), written by a later sync.
    held: list[str] = field(default_factory=list)

    @property
    def delivered(self) -> set[str]:
        """Planned ids this write put in the playlist, or found there already."""
        return set(self.sent) | set(self.already_there)

    @property
    def added(self) -> int:
        return len([i for i in self.landed if i not in set(self.already_there)])

    @property
    def held_by_run(self) -> bool:
        """Held back by the run or the service (not by its pair): why is the run's sentence,
        said once for every playlist, never on each one's line."""
        return self.held_back is not None and self.held_back is not HeldBack.PAIR

    def outcome(self) -> str:
        """What happened to the playlist, in words: "created, 12 added, 1 failed (…)"; one
        the run held back says so, "nothing written, 58 held back", without the run's reason."""
        if self.stopped:
            return f"nothing written: {self.stopped}"
        if self.held_back is HeldBack.PAIR:  # set aside before writing: it says why
            return f"not synced: {self.warning}"
        if self.playlist is None:
            text = "nothing written" if self.planned else "nothing to add"
        elif not (self.created or self.added or self.removed or self.moved or self.failed):
            text = "nothing to change"  # as the plan said: "updated, 0 added" read as a write
        else:
            text = f"{'created' if self.created else 'updated'}, {self.added} added"
            if self.removed:
                text += f", {len(self.removed)} removed"
            if self.moved:
                text += f", {self.moved} moved"
        if self.failed:
            text += f", {len(self.failed)} failed"
        if self.held:
            text += f", {len(self.held)} held back"
        if self.warning and not self.held_by_run:
            text += f" ({self.warning})"
        return text


def creation_stop_words(reports: Sequence[ApplyReport]) -> str:
    """How a run's creations stopped, in one sentence: how many playlists were created, which
    are left, and why ("" when every playlist needed was created)."""
    left = [r.name for r in reports if r.held_back is not None and r.held_back.stopped_creating]
    if not left:
        return ""
    created = sum(1 for r in reports if r.created)
    why = next(r.warning for r in reports if r.held_back and r.held_back.stopped_creating)
    names = ", ".join(f"“{name}”" for name in left[:3])
    if len(left) > 3:
        names += f" and {len(left) - 3} more"
    made = "1 playlist" if created == 1 else f"{created} playlists"
    return f"{why.rstrip('.')} ({made} created this run; left to create: {names})."


def held_back_words(reports: Sequence[ApplyReport]) -> str:
    """Why an Apply held playlists back, in a sentence or two ("" when it held none): how
    its creations stopped, and the run's refusal (a sign-in that ended, a quota, a question
    to answer in the service's app, an account refused)."""
    said = [creation_stop_words(reports)]
    refusals = [r.refusal for r in reports if r.refusal is not None]
    if refusals:
        said.append(str(refusals[0]))
    return " ".join(part for part in said if part)


class WriteJournal(Protocol):
    """Where writes are planned before each batch and confirmed after (the match store)."""

    def journal_planned(
        self, service: ServiceId, playlist_id: str, ids: Sequence[str], kind: str = "add"
    ) -> int: ...

    def journal_confirmed(self, batch_id: int) -> None: ...

    def journal_unconfirmed(
        self, service: ServiceId, playlist_id: str, kind: str = "add"
    ) -> list[str]: ...

    def journal_unconfirmed_steps(
        self, service: ServiceId, playlist_id: str, kind: str
    ) -> list[list[str]]: ...

    def journal_unconfirmed_batches(
        self, service: ServiceId, playlist_id: str | None, kind: str
    ) -> list[tuple[int, str, list[str]]]: ...

    def journal_settle(self, service: ServiceId, playlist_id: str) -> None: ...


class PlanWriter:
    """Writes additions to one service; call `write` inside the run's request scope."""

    def __init__(
        self,
        service: MusicService,
        policy: RetryPolicy,
        journal: WriteJournal | None = None,
        readback_cancel: CancelToken | None = None,
        listed: Sequence[Playlist] | None = None,
        *,
        creation: CreationSettings | None = None,
        sleep: Sleeper = cancellable_sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service = service
        self.policy = policy
        self.journal = journal
        self.readback_cancel = readback_cancel or CancelToken()
        # The service's playlists as the run's plan read them: what was there before any
        # playlist this writer creates (saves a round trip per created playlist).
        self.listed = list(listed) if listed is not None else None
        self.creation = creation or CreationSettings()
        self._sleep = sleep
        self._clock = clock
        # What this writer (one run's writes to one service) has met so far.
        self.refusal: RunBlocked | None = None  # the run was refused: hold back the rest
        self._creations_stopped: tuple[HeldBack, str] | None = None
        self._created: list[str] = []  # ids of the playlists it created, in order
        self._last_created_at: float | None = None

    @property
    def cancel(self) -> CancelToken:
        return current_scope().cancel

    def _repeat(self, operation: Callable[[], T]) -> T:
        """A write operation, tried again (after a look) when its answer was lost."""
        scope = current_scope()
        return self.policy.repeat(operation, scope.cancel, scope.stats)

    def write(
        self,
        target: Playlist | None,
        name: str,
        ids: Sequence[str],
        on_progress: Callable[[int, int], None] | None = None,
    ) -> ApplyReport:
        """Add `ids` to `target` (created as `name` when None); never raises a ServiceError.

        What could not be done is in the report, per track and in words.
        """
        report = ApplyReport(name=name, planned=list(ids))
        if self._hold_back(report, creating=target is None and bool(ids)):
            return report
        try:
            if target is None:
                if not ids:
                    return report
                target = self._create(name)
                report.created = True
            report.playlist = target
            self._write_into(target, ids, report, on_progress)
        except Cancelled:
            report.cancelled = True
        except NotFound:
            self._gone(name, ids, report)
            return report
        except (CreationRefused, RunBlocked) as error:
            self._refused(error, ids, report)
        except ServiceError as error:
            self._fail_unsent(ids, report, str(error))
        if report.playlist is not None and self._readable(report):
            self._read_back(report.playlist, name, ids, report)
        return report

    # -- what the run has met ----------------------------------------------------------------

    def _hold_back(self, report: ApplyReport, creating: bool) -> bool:
        """Hold back a playlist this writer will not even try, sending nothing: the run was
        refused, or it needs a new playlist and creations have stopped (or reached the cap).
        Its planned tracks are held back, not failed; True when held back."""
        if self.refusal is not None:
            kind, reason = held_back_by(self.refusal), str(self.refusal)
            report.refusal = self.refusal
        elif creating and self._creations_stopped is not None:
            kind, reason = self._creations_stopped
        elif creating and len(self._created) >= self.creation.per_run:
            kind = HeldBack.CREATION_CAP
            reason = (
                f"Songbird creates at most {self.creation.per_run} new playlists in one run, "
                "so that the service does not refuse them (or worse); sync again for the rest."
            )
            self._creations_stopped = (kind, reason)
        else:
            return False
        report.held_back = kind
        report.warning = reason
        report.held = list(report.planned)
        return True

    def _refused(
        self, error: CreationRefused | RunBlocked, ids: Sequence[str], report: ApplyReport
    ) -> None:
        """A refusal that the later playlists would meet too: remember it, and say so."""
        if isinstance(error, CreationRefused):
            kind = HeldBack.CREATIONS_REFUSED
            self._creations_stopped = (kind, str(error))
            log.warning("%s refused a creation: %s", self.service.service_id, error)
        else:
            kind = held_back_by(error)
            self.refusal = report.refusal = error
            log.warning("%s refused the run's writes: %s", self.service.service_id, error)
        report.held_back = kind
        report.warning = str(error)
        delivered = report.delivered
        report.held = [i for i in ids if i not in delivered and i not in report.failed]

    @staticmethod
    def _readable(report: ApplyReport) -> bool:
        """Whether reading the playlist back can work: not after a refusal of every request."""
        return report.held_back not in (HeldBack.LOGIN, HeldBack.QUOTA, HeldBack.ACCOUNT)

    def _gone(self, name: str, ids: Sequence[str], report: ApplyReport) -> None:
        """The playlist was deleted, and with it whatever this write had put there."""
        where = self.service.service_id.display_name
        report.warning = (
            f"“{name}” is no longer on {where}: it was deleted after Songbird read it. "
            "Nothing more was added; sync again to create it anew."
        )
        report.failed = dict.fromkeys(ids, report.warning)
        report.landed = []
        report.playlist = None
        report.gone = True

    def _create(self, name: str) -> Playlist:
        """Create the playlist once, even when the first answer is lost and the call retried.

        Only a playlist that was not there before the first attempt counts as that attempt's:
        one of the same name made earlier (another source playlist, an earlier run) is not.
        """
        service = self.service
        wanted = name.strip().casefold()

        def same_name(playlists: Sequence[Playlist]) -> dict[str, Playlist]:
            return {
                p.id: p for p in playlists if not p.is_liked and p.name.strip().casefold() == wanted
            }

        before = self.listed if self.listed is not None else service.list_playlists()
        existing = set(same_name(before))
        sent_once = False

        def create() -> Playlist:
            nonlocal sent_once
            if sent_once:
                # The last answer was lost, not necessarily its effect: look, and ask again
                # only if nothing new is there.
                made = [
                    p for i, p in same_name(service.list_playlists()).items() if i not in existing
                ]
                if made:
                    return made[0]
            sent_once = True
            return service.create_playlist(name, "Synced by Songbird")

        self._space_out_creation()
        made = self._repeat(create)
        self._created.append(made.id)
        self._last_created_at = self._clock()
        if self.listed is not None:
            self.listed.append(made)  # a later playlist of this run named alike is not it
        return made

    def _space_out_creation(self) -> None:
        """Wait until `spacing_s` has passed since this run's last creation (Stop ends it)."""
        if self._last_created_at is None:
            return
        wait = self._last_created_at + self.creation.spacing_s - self._clock()
        if wait > 0 and self._sleep(self.cancel, wait):
            raise Cancelled()

    def _when_ready(self, target: Playlist, request: Callable[[], T]) -> T:
        """`request`, tried again while a playlist this run created refuses edits for now
        ("Precondition check failed"): after 2, 4, 8 and 16 s. An older playlist's refusal
        is not waited out: it is not about to change."""
        waits = iter(NEW_PLAYLIST_WAITS_S if target.id in self._created else ())
        while True:
            try:
                return request()
            except PlaylistNotReady:
                wait = next(waits, None)
                if wait is None:
                    raise
                log.info("%s is not ready for edits yet: trying again in %g s", target.id, wait)
                current_scope().stats.add(retries=1)
                if self._sleep(self.cancel, wait):
                    raise Cancelled() from None

    def _write_into(
        self,
        target: Playlist,
        ids: Sequence[str],
        report: ApplyReport,
        on_progress: Callable[[int, int], None] | None,
    ) -> None:
        entries = self._tracks(target)
        before = {t.id for t in entries}
        if self.journal is not None:
            # Batches an earlier run sent but never confirmed (it was killed): what of
            # them landed is in `before` now and is not sent again.
            interrupted = self.journal.journal_unconfirmed(self.service.service_id, target.id)
            report.recovered = [i for i in interrupted if i in before]
            self.journal.journal_settle(self.service.service_id, target.id)
        report.already_there = [i for i in ids if i in before]
        self._append(target, len(entries), [i for i in ids if i not in before], report, on_progress)

    def _append(
        self,
        target: Playlist,
        held: int,
        to_send: list[str],
        report: ApplyReport,
        on_progress: Callable[[int, int], None] | None,
    ) -> None:
        """Add `to_send` at the end of a playlist holding `held` entries, batch by batch."""
        cap = self.service.limits.playlist_cap
        # The cap counts entries, duplicates and removed tracks included, not distinct ids.
        # Nothing to send is nothing left out, even in a playlist already over the cap.
        if cap is not None and to_send and held + len(to_send) > cap:
            room = max(cap - held, 0)
            report.warning = (
                f"the playlist can hold {cap} tracks: {len(to_send) - room} were left out"
            )
            for track_id in to_send[room:]:
                report.failed[track_id] = f"over the service's {cap}-track limit"
            to_send = to_send[:room]
        size = self.service.limits.add_batch_size
        for start in range(0, len(to_send), size):
            if self.cancel.cancelled:
                raise Cancelled()
            self._add(target, to_send[start : start + size], report)
            if on_progress:
                on_progress(min(start + size, len(to_send)), len(to_send))

    @staticmethod
    def _fail_unsent(ids: Sequence[str], report: ApplyReport, reason: str) -> None:
        """Every id not sent (nor failed already) fails for `reason`, which the report says."""
        delivered = report.delivered
        for track_id in ids:
            if track_id not in delivered:
                report.failed.setdefault(track_id, reason)
        report.warning = reason

    def _read_back(
        self, playlist: Playlist, name: str, ids: Sequence[str], report: ApplyReport
    ) -> None:
        """What of `ids` is in the playlist now, read even after a Stop: the report must be
        true. Only `readback_cancel` (the window closing) cuts it short."""
        try:
            with request_scope(self.readback_cancel, current_scope().stats):
                after = {t.id for t in self._tracks(playlist)}
        except Cancelled:
            delivered = report.delivered
            report.landed = [i for i in ids if i in delivered]
            report.warning = report.warning or "not read back: the counts are what was sent"
            return
        except NotFound:
            self._gone(name, ids, report)
            return
        except ServiceError as error:
            delivered = report.delivered
            report.landed = [i for i in ids if i in delivered]
            report.warning = report.warning or (
                f"the playlist could not be read back ({error}); the counts are what was sent"
            )
            return
        report.landed = [i for i in ids if i in after]
        # A batch whose answer was lost, then given up on, may have landed all the same.
        for track_id in report.landed:
            report.failed.pop(track_id, None)
        report.held = [i for i in report.held if i not in after]

    def _tracks(self, playlist: Playlist) -> list[Track]:
        return self.service.playlist_tracks(playlist)

    def _add(self, target: Playlist, batch: Sequence[str], report: ApplyReport) -> None:
        journal = self.journal
        entry = journal.journal_planned(self.service.service_id, target.id, batch) if journal else 0
        service = self.service
        sent_once = False

        def send() -> None:
            nonlocal sent_once
            todo = list(batch)
            if sent_once:
                # The last answer was lost, not necessarily its effect: re-read, and send
                # only what is missing.
                todo = self._missing(target, batch)
                if not todo:
                    return
            sent_once = True
            self._when_ready(target, lambda: service.add_tracks(target, todo))

        try:
            self._repeat(send)
            report.sent.extend(batch)
            if journal is not None:
                journal.journal_confirmed(entry)
        except (RunBlocked, NotFound):
            raise  # every later batch would fail alike: the whole write ends, in words
        except PermanentError as error:
            if isinstance(error, PlaylistNotReady) and target.id in self._created:
                raise  # waited out already: every later batch would wait alike
            if len(batch) == 1:
                report.failed[batch[0]] = str(error)
                return
            # Refused (YouTube Music's STATUS_FAILED names no track) or unclear: some of
            # it may have landed all the same. What did is not sent again; the rest is
            # split to find the refused track.
            todo = self._missing(target, batch)
            report.sent.extend(i for i in batch if i not in todo)
            if len(todo) == 1 and len(batch) > 1:
                report.failed[todo[0]] = str(error)  # the others landed: it was this one
                return
            middle = len(todo) // 2
            if middle:
                self._add(target, todo[:middle], report)
            if todo[middle:]:
                self._add(target, todo[middle:], report)
        except ServiceError as error:
            for track_id in batch:
                report.failed[track_id] = str(error)

    def _missing(self, target: Playlist, batch: Sequence[str]) -> list[str]:
        """The ids of `batch` the playlist does not hold now (read again)."""
        held = {t.id for t in self.service.playlist_tracks(target)}
        return [i for i in batch if i not in held]
