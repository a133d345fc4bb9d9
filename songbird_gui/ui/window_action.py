"""One way to make a window's action: its text, shortcut, tip and slot, and the shortcut
working anywhere in the window (each part of the window makes its own actions with it); and
Shift+F10 opening a view's context menu, as the Menu key does."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QWidget


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


def menu_on_shift_f10(view: QAbstractItemView) -> QShortcut:
    """Shift+F10 opens `view`'s context menu at its current row, as the Menu key does: the
    keys Windows, GNOME and KDE give it, and laptops without a Menu key have only these."""
    shortcut = QShortcut(QKeySequence("Shift+F10"), view)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def open_menu() -> None:
        current = view.visualRect(view.currentIndex())
        view.customContextMenuRequested.emit(current.center())

    shortcut.activated.connect(open_menu)
    return shortcut
