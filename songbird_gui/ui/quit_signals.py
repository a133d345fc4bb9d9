"""Quitting on a signal as File ▸ Quit does: `QuitOnSignals`.

A logout, a shutdown or `kill` sends SIGTERM, and Ctrl+C in the terminal that started
Songbird sends SIGINT. Python's default ends the process where it stands (SIGTERM) or raises
KeyboardInterrupt somewhere inside Qt (SIGINT): the ticks, the layout and the run's last
words are lost. Here both quit the way the menu does, and the exit code says which signal
(130, 143: the README's, as on the command line).

Python runs a signal's handler only between two bytecodes, and Qt's event loop waits in C: the
handler would wait for the next mouse move. `signal.set_wakeup_fd` has the C-level handler
write a byte to a socket the loop watches, so the loop wakes and Python runs the handler at
once.
"""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable
from types import FrameType

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Slot

from songbird_gui.core.exit_codes import exit_code_for_signal

log = logging.getLogger(__name__)

QUIT_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class QuitOnSignals(QObject):
    """While it lives, SIGINT and SIGTERM call `quit` from the event loop; `exit_code` is then
    the signal's (None: no signal came). `close` puts the previous handlers back."""

    def __init__(self, quit: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._quit = quit
        self.exit_code: int | None = None
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._previous = {s: signal.signal(s, self._on_signal) for s in QUIT_SIGNALS}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        log.info("SIGINT and SIGTERM quit as File ▸ Quit does")

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        first = self.exit_code is None
        self.exit_code = exit_code_for_signal(signum)
        if first:  # a second signal while quitting changes nothing
            QTimer.singleShot(0, self._quit)

    @Slot()
    def _drain(self) -> None:
        try:
            while self._reader.recv(64):
                pass
        except BlockingIOError:
            pass

    def close(self) -> None:
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._reader.close()
        self._writer.close()
