"""One-off background work for the window (putting removals back, say): `BackgroundTasks`.

Each task runs on the holder's pool inside a request scope (paced and retried like any
request, stopped by `cancel_all`), and answers on the window's thread. As everywhere in the
engine, neither the task nor its answer's slot may hold the window in a closure that the job
would then own: the caller passes plain functions of plain values and a bound slot.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

from songbird_gui.core.cancel import CancelToken
from songbird_gui.engine.jobs import TaskJob, TaskSignals


class BackgroundTasks(QObject):
    """Signals: done(object tag, object result); failed(object tag, str message)."""

    done = Signal(object, object)
    failed = Signal(object, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cancel = CancelToken()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)

    def run(self, tag: object, task: Callable[[], Any]) -> None:
        """Run `task`; its result comes back as done(tag, result)."""
        signals = TaskSignals(self)
        signals.setProperty("tag", tag)
        signals.done.connect(self._on_done)
        signals.failed.connect(self._on_failed)
        signals.blocked.connect(self._on_blocked)
        for signal in (signals.done, signals.failed, signals.blocked):
            signal.connect(signals.deleteLater)
        self._pool.start(TaskJob(task, signals, self.cancel))

    def _tag(self) -> object:
        sender = self.sender()
        return sender.property("tag") if sender is not None else None

    def _on_done(self, result: object) -> None:
        self.done.emit(self._tag(), result)

    def _on_failed(self, message: str) -> None:
        self.failed.emit(self._tag(), message)

    def _on_blocked(self, error: object) -> None:
        self.failed.emit(self._tag(), str(error))

    def cancel_all(self) -> None:
        self.cancel.cancel()
        self._pool.clear()

    def drain(self, timeout_ms: int) -> bool:
        return bool(self._pool.waitForDone(timeout_ms))
