"""How a signal ends a command: SIGINT (Ctrl+C) with exit code 130, SIGTERM (systemd stopping a
unit, `kill`) with 143, from any phase within a second, the writer lock let go on the way out.

Python runs a signal handler on the main thread, between two bytecodes. Outside Qt's event
loop the handler raises `Interrupted`: it unwinds the command through its `finally` blocks
(the writer lock released, the library closed) to the entry point, which says "Stopped" and
ends with the code. Before raising, it cancels the command's Stop token (`Stop.token`, the
request scope every command runs in), so that reads on worker threads (`gather`) end at
their next request instead of being waited for. Inside the event loop (a sync's legs) an
exception would only reach PySide's slot caller, which prints it and goes on; there the
handler hands the stop to the loop instead (`Stop.handing_to`), and the session ends its
phase and says so by its signals.

A second signal while the first is handled changes nothing: the way out is taken already, and
an exception in the middle of letting go of the lock would leave it held.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.exit_codes import EXIT_INTERRUPTED, exit_code_for_signal

STOPPING_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """A signal stopped the command. A BaseException, as KeyboardInterrupt is, so that no
    `except Exception` on the way takes it for a failure of its own."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return exit_code_for_signal(self.signum)


class Stop:
    """The command's Stop: the signal that asked for it, and the token it cancels.

    Attributes:
        token: cancelled by the first SIGINT or SIGTERM; the command's requests run in its
            scope.
        signum: that signal's number; None while none came.
    """

    def __init__(self) -> None:
        self.token = CancelToken()
        self.signum: int | None = None
        self._hand_to: Callable[[], None] | None = None

    @property
    def requested(self) -> bool:
        return self.signum is not None

    @property
    def exit_code(self) -> int:
        """The code of a command this Stop ended: 130 after SIGINT, 143 after SIGTERM."""
        return EXIT_INTERRUPTED if self.signum is None else exit_code_for_signal(self.signum)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self.signum is not None:
            return
        self.signum = signum
        # The token's own lock may be held by the very code this handler interrupted: a
        # thread of its own waits for it rather than this one.
        threading.Thread(target=self.token.cancel, name="stop", daemon=True).start()
        if self._hand_to is not None:
            self._hand_to()
            return
        raise Interrupted(signum)

    @contextmanager
    def listening(self) -> Iterator[Stop]:
        """SIGINT and SIGTERM stop the command while inside (the main thread only)."""
        previous = {s: signal.signal(s, self._on_signal) for s in STOPPING_SIGNALS}
        try:
            yield self
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    @contextmanager
    def handing_to(self, stop_loop: Callable[[], None]) -> Iterator[None]:
        """While inside (Qt's event loop runs), a signal calls `stop_loop` instead of raising;
        `stop_loop` must not wait, and may run before the loop has started."""
        self._hand_to = stop_loop
        try:
            yield
        finally:
            self._hand_to = None
