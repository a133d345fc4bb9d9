"""One way to make a window's action: its text, shortcut, tip and slot, and the shortcut
working anywhere in the window (each part of the window makes its own actions with it)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def window_action(
    window: QWidget,
    text: str,
    shortcut: QKeySequence | QKeySequence.StandardKey | str,
    tip: str,
    slot: Callable[[], object],
) -> QAction:
    """An action of `window`, its shortcut named in its tooltip."""
    action = QAction(text, window)
    action.setShortcut(QKeySequence(shortcut))
    action.setToolTip(
        f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
    )
    action.setStatusTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)
    return action
