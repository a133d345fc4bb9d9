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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import (
    Cancelled,
    NotFound,
    PermanentError,
    RunBlocked,
    ServiceError,
)
from songbird_gui.core.retry import RetryPolicy
from songbird_gui.core.service import MusicService
from songbird_gui.core.throttle import current_scope, request_scope
from songbird_gui.core.types import Entry, Playlist, ServiceId, Track

T = TypeVar("T")


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
    # Why nothing of this playlist was synced at all (its pair is paused, or it would sync
    # back into its own source): a refusal, not a success with nothing to do.
    held_back: str = ""
    entries: list[Entry] | None = None  # the target as read back after the write

    @property
    def delivered(self) -> set[str]:
        """Planned ids this write put in the playlist, or found there already."""
        return set(self.sent) | set(self.already_there)

    @property
    def added(self) -> int:
        return len([i for i in self.landed if i not in set(self.already_there)])

    def outcome(self) -> str:
        """What happened to the playlist, in words: "created, 12 added, 1 failed (…)"."""
        if self.stopped or self.held_back:
            return f"nothing written: {self.stopped or self.held_back}"
        if self.playlist is None:
            text = "nothing written" if self.planned else "nothing to add"
        else:
            text = f"{'created' if self.created else 'updated'}, {self.added} added"
            if self.removed:
                text += f", {len(self.removed)} removed"
            if self.moved:
                text += f", {self.moved} moved"
        if self.failed:
            text += f", {len(self.failed)} failed"
        if self.warning:
            text += f" ({self.warning})"
        return text


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
    ) -> None:
        self.service = service
        self.policy = policy
        self.journal = journal
        self.readback_cancel = readback_cancel or CancelToken()
        # The service's playlists as the run's plan read them: what was there before any
        # playlist this writer creates (saves a round trip per created playlist).
        self.listed = list(listed) if listed is not None else None

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
        except ServiceError as error:
            self._fail_unsent(ids, report, str(error))
        if report.playlist is not None:
            self._read_back(report.playlist, name, ids, report)
        return report

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

        made = self._repeat(create)
        if self.listed is not None:
            self.listed.append(made)  # a later playlist of this run named alike is not it
        return made

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
                held = {t.id for t in service.playlist_tracks(target)}
                todo = [i for i in batch if i not in held]
                if not todo:
                    return
            sent_once = True
            service.add_tracks(target, todo)

        try:
            self._repeat(send)
            report.sent.extend(batch)
            if journal is not None:
                journal.journal_confirmed(entry)
        except (RunBlocked, NotFound):
            raise  # every later batch would fail alike: the whole write ends, in words
        except PermanentError as error:
            if len(batch) == 1:
                report.failed[batch[0]] = str(error)
                return
            middle = len(batch) // 2
            self._add(target, batch[:middle], report)
            self._add(target, batch[middle:], report)
        except ServiceError as error:
            for track_id in batch:
                report.failed[track_id] = str(error)
