"""`songbird-gui`: the QApplication, the window on the composition root, the event loop.

The composition root (`songbird_gui.app.Songbird`) builds everything the window works with;
this module only adds what is the window's own: the application object, the icon, the
window's kept files (its layout, the start-at-login entry), and the order of things at exit
(the loop returns, the last requests end, the store closes).

It is the window's error boundary at start: whatever keeps Songbird from opening (a store
from a newer Songbird, a data folder it cannot write, a full disk) is said in one sentence,
on stderr and in a message box, and the process ends with the README's exit code for it
(`core/failure.py`), never with a traceback. Once the loop runs, what escapes a slot goes to
the scheduled runs' boundary (`BackgroundSync.on_escaped`), which says it where the person is.
"""

from __future__ import annotations

import argparse
import gc
import linecache
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings, QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from songbird_gui import __version__, resources_path
from songbird_gui.app import Songbird
from songbird_gui.core.c_heap import use_two_heaps
from songbird_gui.core.exit_codes import EXIT_NO_DISPLAY, EXIT_USAGE
from songbird_gui.core.failure import failure_of
from songbird_gui.core.log_file import setup_logging
from songbird_gui.core.paths import AppPaths
from songbird_gui.services.accounts import Accounts
from songbird_gui.services.demo import DemoConfig, with_quirks
from songbird_gui.services.demo_quirks import Quirk
from songbird_gui.ui.autostart import set_start_at_login
from songbird_gui.ui.main_window import MainWindow
from songbird_gui.ui.qt_platform import prepare_platform
from songbird_gui.ui.quit_signals import QuitOnSignals
from songbird_gui.ui.window_state import open_window_state

if TYPE_CHECKING:  # built after the window, and only by `songbird-gui`
    from songbird_gui.ui.background import BackgroundSync

log = logging.getLogger(__name__)

# How long, once the window has closed and the loop returned, the last requests in flight
# may take to end (a batch being written is answered, or left to the write journal).
EXIT_DRAIN_MS = 30_000


def app_icon() -> QIcon:
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        icon.addFile(str(resources_path() / "icons" / f"songbird-{size}.png"), QSize(size, size))
    return icon


def open_for_window(
    paths: AppPaths,
    demo: DemoConfig | None = None,
    *,
    layout: Path | None = None,
    config_home: Path | None = None,
) -> tuple[Songbird, QSettings]:
    """What the window works on, opened as `songbird-gui` opens it: the composition root (the
    accounts in the keyring, or the `demo` library named), the window's layout (at `layout`,
    else where Qt keeps it) and, while it is ticked, the start-at-login entry (under
    `config_home`, else XDG's). Each kept file is used as it is, or set aside and said in
    `songbird.notices`; what cannot be opened at all is raised, for the error boundary."""
    songbird = Songbird(paths, accounts=None if demo else Accounts(), demo=demo)
    try:
        layout_state = open_window_state(layout, songbird.notices)
        if songbird.settings.background.start_at_login:
            # Looked at (and pointed at this installation) now, not at the next Settings:
            # a damaged entry starts nothing at login, and nothing would say so.
            set_start_at_login(True, config_home, songbird.notices)
    except BaseException:
        songbird.close()
        raise
    return songbird, layout_state


def create_window(songbird: Songbird, qsettings: QSettings | None = None) -> MainWindow:
    """The window over `songbird`'s parts."""
    window = MainWindow(songbird, qsettings)
    window.setWindowIcon(app_icon())
    # Searches run Python on worker threads; the window's thread waits for the interpreter
    # lock up to this long each time one of them holds it (5 ms by default): a shorter turn
    # keeps the window answering within a frame while they work.
    sys.setswitchinterval(0.001)
    return window


def settle_start_up() -> None:
    """Leave behind what start-up built, once the window is up (`run_window` calls it).

    Not in `create_window`: the tests build many windows in one process, and freezing each
    test's leftovers would keep them for the rest of the run.
    """
    # What is built by now (modules, the window, the library) lasts as long as the program: out
    # of the collector's sight, a full collection during a sync stops every thread for less.
    gc.freeze()
    # PySide6 reads the source of each module imported after it (to see whether it asks for
    # Qt's `__feature__` options), which leaves every module's text in `linecache`: 7 MB
    # that only a traceback would read, and it reads the files again when it needs them.
    linecache.clearcache()
    use_two_heaps()  # before the first search starts its threads


def start_background(window: MainWindow, app: QApplication) -> BackgroundSync:
    """The scheduled syncs, with a tray icon where the desktop has a tray."""
    from PySide6.QtWidgets import QSystemTrayIcon

    from songbird_gui.ui.background import BackgroundSync
    from songbird_gui.ui.notifications import desktop_notifier

    tray = QSystemTrayIcon(app_icon(), window) if QSystemTrayIcon.isSystemTrayAvailable() else None
    background = BackgroundSync(window, desktop_notifier(tray, window), tray, quit_app=app.quit)
    if tray is not None:
        tray.activated.connect(
            lambda reason: (
                background.show_window()
                if reason == QSystemTrayIcon.ActivationReason.Trigger
                else None
            )
        )
    return background


@contextmanager
def escapes_said_by(background: BackgroundSync) -> Iterator[None]:
    """While the event loop runs: what escapes a slot (PySide hands it to `sys.excepthook`,
    which prints a traceback) goes to the error boundary of `background` instead."""
    previous = sys.excepthook

    def said(
        _kind: type[BaseException], error: BaseException, _trace: TracebackType | None
    ) -> None:
        try:
            background.on_escaped(error)
        except Exception:  # the boundary itself failed (the store it reads is gone, say)
            log.exception("could not say what escaped: %s", error)

    sys.excepthook = said
    try:
        yield
    finally:
        sys.excepthook = previous


def run_window(
    argv: Sequence[str], in_background: bool = False, demo: DemoConfig | None = None
) -> int:
    """The window until it quits; the exit code (the README's). `demo`: the demo library
    named (`--demo-quirks`), instead of the accounts in the keyring."""
    paths = AppPaths.default()
    setup_logging(paths)  # first: the platform check's message belongs in the log too
    # Before the QApplication: a system library Qt's xcb plugin lacks brings the Wayland
    # platform, or a message saying what to install, instead of Qt's abort.
    if not prepare_platform(argv[1:]):
        return EXIT_NO_DISPLAY  # what to install was said on stderr, in the log and a notification
    QCoreApplication.setOrganizationName("Songbird")
    QCoreApplication.setApplicationName("songbird")
    QCoreApplication.setApplicationVersion(__version__)
    running = QApplication.instance()
    app = running if isinstance(running, QApplication) else QApplication(list(argv))
    QApplication.setDesktopFileName("io.github.songbird.Songbird")
    QApplication.setWindowIcon(app_icon())
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    # One Songbird per data folder: a second start shows the first's window and ends.
    from songbird_gui.ui.single_instance import SingleInstance, ask_running_instance, server_name

    instance_name = server_name(paths.data_dir)
    if ask_running_instance(instance_name):
        print("songbird-gui: Songbird is already running; its window was brought forward.")
        return 0
    instance = SingleInstance(instance_name)
    instance.listen()
    try:
        songbird, layout_state = open_for_window(paths, demo)
    except BaseException as error:  # the error boundary: one sentence, the README's code
        failure = failure_of(error, paths.data_dir)
        if failure.sentence:
            print(f"songbird-gui: {failure.sentence}", file=sys.stderr)
            QMessageBox.critical(None, "Songbird", failure.sentence)
        instance.close()
        return failure.exit_code
    window = create_window(songbird, layout_state)
    settle_start_up()
    background = start_background(window, app)
    instance.raiseRequested.connect(background.show_window)
    if in_background:  # at login, Songbird starts in the tray
        background.start_hidden()
    else:
        window.show()
        window.activateWindow()  # keys reach it at once, even where no window manager gives focus
    quitting = QuitOnSignals(background.quit_songbird, window)  # logout, kill, Ctrl+C
    with escapes_said_by(background):
        code = app.exec()
    quitting.close()
    instance.close()
    background.close()
    window.drain(EXIT_DRAIN_MS)  # the loop has returned: waiting freezes nothing now
    background.drain(EXIT_DRAIN_MS)
    songbird.close()
    return quitting.exit_code if quitting.exit_code is not None else int(code)


def main(argv: list[str] | None = None) -> int:
    """`songbird-gui` and `python -m songbird_gui`: start the window (or a maintenance task)."""
    parser = argparse.ArgumentParser(prog="songbird-gui", description="Songbird's window.")
    parser.add_argument("--version", action="version", version=f"songbird-gui {__version__}")
    parser.add_argument(
        "--self-test", action="store_true", help="run a tiny demo sync offscreen and exit"
    )
    parser.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add Songbird to the desktop's applications (Linux, for this user)",
    )
    parser.add_argument("--uninstall-desktop-entry", action="store_true", help="remove it again")
    parser.add_argument(
        "--background",
        action="store_true",
        help="start without the window, syncing on schedule (how Songbird starts at login)",
    )
    parser.add_argument(
        "--demo-quirks",
        metavar="NAMES",
        help="open the demo library with its 2026 refusals switched on, comma-separated: "
        + ", ".join(quirk.value for quirk in Quirk)
        + ", or all",
    )
    args, qt_args = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        from songbird_gui.ui.self_test import run_self_test

        return run_self_test(create_window)
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        from songbird_gui.ui import desktop_entry

        if args.install_desktop_entry:
            for path in desktop_entry.install():
                print(f"wrote {path}")
        else:
            for path in desktop_entry.uninstall():
                print(f"removed {path}")
        return 0
    demo = None
    if args.demo_quirks is not None:
        state_dir = AppPaths.default().demo_state_dir
        try:
            demo = with_quirks(DemoConfig(state_dir=state_dir), args.demo_quirks)
        except ValueError as error:  # an unknown name: the known ones said
            print(f"songbird-gui: {error}", file=sys.stderr)
            return EXIT_USAGE
    return run_window([sys.argv[0], *qt_args], in_background=args.background, demo=demo)


if __name__ == "__main__":
    sys.exit(main())
