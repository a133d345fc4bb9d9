"""Reading both services' playlist lists off the GUI thread, for the window's left pane."""

from __future__ import annotations

from PySide6.QtCore import QObject, QThreadPool, Signal

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.types import Playlist, ServiceId
from songbird_gui.engine.jobs import TaskJob, TaskSignals
from songbird_gui.engine.session import SyncContext


class PlaylistLoader(QObject):
    """Signals:
    loaded(object dict[ServiceId, list[Playlist]]): every service's playlists, Liked first.
    failed(str): a sentence saying which service could not be read and why.
    """

    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, context: SyncContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.cancel = CancelToken()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)

    def load(self) -> None:
        def read_all() -> dict[ServiceId, list[Playlist]]:
            result = {}
            for service_id, service in self.context.services.items():
                result[service_id] = self.context.policy.call(
                    service.list_playlists, self.context.buckets[service_id], self.cancel
                )
            return result

        signals = TaskSignals(self)
        signals.done.connect(self.loaded)
        signals.failed.connect(self.failed)
        self._pool.start(TaskJob(read_all, signals))

    def shutdown(self) -> None:
        self.cancel.cancel()
        self._pool.clear()
        self._pool.waitForDone()
