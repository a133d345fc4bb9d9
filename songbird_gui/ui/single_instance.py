"""One Songbird window per person and data folder: a second `songbird-gui` raises the first.

The first start listens on a local socket (`QLocalServer`) named after the data folder; a later
start connects to it (`QLocalSocket`), asks it to show its window, waits for its answer and
ends. Two windows on one data folder would each run their own schedules and fight over the
same pairs; the writer lock keeps their writes apart, but two trays would still confuse.

A server left behind by a Songbird that crashed answers nobody: the next start finds nobody
to talk to, removes it and listens itself.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

RAISE = b"raise\n"
RAISED = b"raised\n"
TALK_MS = 5000  # how long a second start waits for the first to answer


def server_name(data_dir: Path) -> str:
    """The socket's name: one per data folder (tests each get their own, as do users)."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return f"songbird-{digest}"


def ask_running_instance(name: str, timeout_ms: int = TALK_MS) -> bool:
    """True when a Songbird already listens on `name` and has shown its window."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(RAISE)
    socket.flush()
    answered = socket.waitForReadyRead(timeout_ms) and socket.readLine().data() == RAISED
    socket.disconnectFromServer()
    return answered


class SingleInstance(QObject):
    """The first start's listener. Signals: raiseRequested(): another start asked for the
    window."""

    raiseRequested = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)

    def listen(self) -> bool:
        if not self._server.listen(self.name):
            # A socket file left by a Songbird that died: nobody answered, so take it over.
            QLocalServer.removeServer(self.name)
            if not self._server.listen(self.name):
                log.warning("single instance: cannot listen on %s", self.name)
                return False
        log.info("single instance: listening on %s", self.name)
        return True

    @Slot()
    def _on_connection(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._on_request(s))
            socket.disconnected.connect(socket.deleteLater)

    def _on_request(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        if socket.readLine().data() == RAISE:
            log.info("single instance: another start asked for the window: shown")
            self.raiseRequested.emit()
            socket.write(RAISED)
            socket.flush()

    def close(self) -> None:
        self._server.close()
