"""The one-line progress bar `songbird sync` draws on a terminal while it searches and writes;
silent when its output goes to a file or a pipe (cron)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from songbird_gui.engine.session import SyncSession


class ProgressLine:
    """A one-line progress bar on a terminal; silent when the stream is not one."""

    WIDTH = 28

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self._shown = False

    def show(self, done: int, total: int, session: SyncSession) -> None:
        if not self.enabled or total == 0:
            return
        summary = session.summary()
        self._draw(
            done,
            total,
            f"searching · {session.request_rate():.1f} req/s · "
            f"{', '.join(summary.parts()) or 'nothing yet'}",
        )

    def show_apply(self, done: int, total: int) -> None:
        if self.enabled and total:
            self._draw(done, total, "writing")

    def _draw(self, done: int, total: int, text: str) -> None:
        filled = round(self.WIDTH * done / total)
        bar = "█" * filled + "·" * (self.WIDTH - filled)
        self.stream.write(f"\r\x1b[2K{bar} {done}/{total} {text}")
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._shown = False
