"""Reading both services' playlist lists off the GUI thread, for the window's left pane."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import RunBlocked
from songbird_gui.core.service import MusicService
from songbird_gui.core.throttle import gather
from songbird_gui.core.types import Playlist, ServiceId
from songbird_gui.engine.jobs import TaskJob, TaskSignals


class PlaylistLoader(QObject):
    """Signals:
    loaded(object dict[ServiceId, list[Playlist]]): every service's playlists, Liked first.
    failed(str): a sentence saying which service could not be read and why.
    """

    loaded = Signal(object)
    failed = Signal(str)

    def __init__(
        self, services: dict[ServiceId, MusicService], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.cancel = CancelToken()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        # One holder for every load, for the loader's life: no object left behind per load.
        self._signals = TaskSignals(self)
        self._signals.done.connect(self.loaded)
        self._signals.failed.connect(self.failed)
        self._signals.blocked.connect(self._on_blocked)

    def load(self) -> None:
        """Read both lists at once (their requests are paced by each service's throttle)."""
        services = dict(self.services)
        if self.cancel.cancelled:
            self.cancel = CancelToken()

        def read_all() -> dict[ServiceId, list[Playlist]]:
            lists = gather([partial(s.list_playlists) for s in services.values()])
            return dict(zip(services, lists, strict=True))

        self._pool.start(TaskJob(read_all, self._signals, self.cancel))

    @Slot(object)
    def _on_blocked(self, error: RunBlocked) -> None:
        self.failed.emit(str(error))

    def cancel_all(self) -> None:
        """Stop reading; never waits (the pool's thread leaves after its request)."""
        self.cancel.cancel()
        self._pool.clear()

    def drain(self, timeout_ms: int) -> bool:
        """After the event loop has returned: wait for the reading thread to leave."""
        return bool(self._pool.waitForDone(timeout_ms))
