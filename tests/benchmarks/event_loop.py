"""Running the Qt event loop until a step of a benchmark's sync has ended: `run_until`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer


def run_until(signal: Any, start: Callable[[], object], timeout_s: float = 300) -> None:
    """Call `start`, then run the event loop until `signal` fires; a step that never ends
    ends the benchmark (exit non-zero), so that a stuck run cannot pass.

    Connected first: a step with nothing to do (an apply with every match remembered) can
    finish inside `start` itself.
    """
    loop = QEventLoop()
    fired: list[bool] = []

    def done(*_args: object) -> None:
        fired.append(True)
        loop.quit()

    signal.connect(done)
    start()
    if not fired:
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        loop.exec()
    signal.disconnect(done)
    if not fired:
        raise SystemExit(f"timed out after {timeout_s} s")
