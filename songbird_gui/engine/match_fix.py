"""Correcting a match off the GUI thread: `MatchFixer` searches the target again for a track,
searches with the person's own words, and replaces a wrong track in the playlists.

Each piece of work runs on the fixer's own pool (one at a time, in order) inside a request
scope, paced and retried like any request, and answers through a signal holder the fixer
owns. As everywhere in the engine, the jobs get plain values and module functions, never the
fixer or a widget. `dispose` stops the work and deletes the fixer once its pool is idle, so
closing the dialog never waits for a request in flight; a replacement cut short is left to
the write journal (`core.match_fix.finish_interrupted`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.match_fix import (
    Replacement,
    ReplaceOutcome,
    finish_interrupted,
    replace_everywhere,
)
from songbird_gui.core.matching import find_match
from songbird_gui.core.retry import RetryPolicy
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.service import MusicService
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import Candidate, Track
from songbird_gui.engine.jobs import STOPPED, TaskJob, TaskSignals, delete_when_idle
from songbird_gui.engine.session import search_by_hand
from songbird_gui.engine.writer_lock import WriterLock, holding

SEARCH = "search"
HAND = "hand"
REPLACE = "replace"
FINISH = "finish"


def fresh_candidates(
    service: MusicService, matcher: Matcher, store: MatchStore, source: Track
) -> tuple[Candidate, ...]:
    """The matcher's own search for `source` again, today (on a worker thread)."""
    rejected = store.rejected_ids(source, service.service_id)
    return find_match(source, service, matcher, rejected=rejected).candidates


def hand_candidates(
    service: MusicService, matcher: Matcher, store: MatchStore, source: Track, words: str
) -> tuple[Candidate, ...] | str:
    """The person's own words on the target: candidates, or why not (on a worker thread)."""
    rejected = store.rejected_ids(source, service.service_id)
    # Scored against the source track, as the window's review pane and the matcher score it.
    _row, answer = search_by_hand(service, matcher, source, words, rejected, 0)
    return answer


class MatchFixer(QObject):
    """Signals:
    searched(object): the fresh search's candidates (a tuple of Candidate).
    handSearched(object): the candidates of a search with the person's words, or a str
        saying why there are none (the search failed).
    replaced(object): a list of ReplaceOutcome, one per playlist.
    finished(object): the same, for the replacements an earlier run left half done.
    failed(str what, str message): SEARCH, HAND, REPLACE or FINISH could not be done.
    """

    searched = Signal(object)
    handSearched = Signal(object)
    replaced = Signal(object)
    finished = Signal(object)
    failed = Signal(str, str)

    def __init__(
        self,
        service: MusicService,
        matcher: Matcher,
        store: MatchStore,
        policy: RetryPolicy,
        parent: QObject | None = None,
        writer_lock: WriterLock | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.matcher = matcher
        self.store = store
        self.policy = policy
        # A replacement writes playlists: it waits, on its worker, for any other writer (a
        # scheduled sync, `songbird sync` from cron) like every write does.
        self.writer_lock = writer_lock
        self.cancel = CancelToken()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # in order: a replacement after the search it follows

    def search(self, source: Track) -> None:
        task = partial(fresh_candidates, self.service, self.matcher, self.store, source)
        self._run(SEARCH, task, self._on_searched)

    def search_by_hand(self, source: Track, words: str) -> None:
        task = partial(hand_candidates, self.service, self.matcher, self.store, source, words)
        self._run(HAND, task, self._on_hand_searched)

    def replace_track(self, replacement: Replacement) -> None:
        task = partial(replace_everywhere, self.service, self.store, self.policy, replacement)
        self._run(REPLACE, holding(self.writer_lock, task, self.cancel), self._on_replaced)

    def finish_interrupted(self) -> None:
        """Finish the replacements an earlier run left half done (journal), if any."""
        task = partial(finish_interrupted, self.service, self.store, self.policy)
        self._run(FINISH, holding(self.writer_lock, task, self.cancel), self._on_finished)

    def busy(self) -> bool:
        return self._pool.activeThreadCount() > 0

    def dispose(self) -> None:
        """Stop, tell nobody anything more, and go once the last request has ended."""
        self.cancel.cancel()
        self._pool.clear()
        self.blockSignals(True)
        delete_when_idle(self, self._pool)

    # -- plumbing ----------------------------------------------------------------------------

    def _run(self, what: str, task: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        signals = TaskSignals(self)
        signals.setProperty("what", what)
        signals.done.connect(on_done)
        signals.failed.connect(self._on_failed)
        signals.blocked.connect(self._on_blocked)
        for signal in (signals.done, signals.failed, signals.blocked):
            signal.connect(signals.deleteLater)
        self._pool.start(TaskJob(task, signals, self.cancel))

    def _what(self) -> str:
        sender = self.sender()
        return str(sender.property("what")) if sender is not None else ""

    @Slot(object)
    def _on_searched(self, candidates: tuple[Candidate, ...]) -> None:
        self.searched.emit(candidates)

    @Slot(object)
    def _on_hand_searched(self, answer: tuple[Candidate, ...] | str) -> None:
        self.handSearched.emit(answer)

    @Slot(object)
    def _on_replaced(self, outcomes: list[ReplaceOutcome]) -> None:
        self.replaced.emit(outcomes)

    @Slot(object)
    def _on_finished(self, outcomes: list[ReplaceOutcome]) -> None:
        self.finished.emit(outcomes)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if message != STOPPED:
            self.failed.emit(self._what(), message)

    @Slot(object)
    def _on_blocked(self, error: object) -> None:
        self.failed.emit(self._what(), str(error))
