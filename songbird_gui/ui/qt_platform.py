"""Choosing Qt's platform plugin before the QApplication exists, on Linux.

PySide6's X11 plugin (`libqxcb.so`) links system libraries that a plain desktop install may
lack (libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, ...). Without one of them Qt prints a
message that names only libxcb-cursor0, whatever is missing, and aborts the process (exit 134).
So before Qt starts, this module loads the plugin the way Qt would: if a library is missing it
picks the Wayland plugin where the session has one, and otherwise tells the person exactly what
to install, on every channel they may be watching, and the window is not started.

Pure Python on purpose: it must run before Qt loads anything, and must not import PySide6's
Qt modules (it only locates the PySide6 folder).
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

log = logging.getLogger(__name__)

XCB_PLUGIN = "libqxcb.so"
WAYLAND_PLUGIN = "libqwayland.so"
NOTIFICATION_TITLE = "Songbird cannot open its window"

# The system libraries PySide6's xcb and wayland plugins (and the Qt libraries they load) link,
# as `readelf -d` lists them for PySide6-Essentials 6.11, with the package that ships each:
# (Debian 12 and Ubuntu 24.04, Fedora). Qt's own libraries travel in the wheel.
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    # Ubuntu 24.04 renamed it libglib2.0-0t64; apt-get selects that for the old name.
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor"),
}

# glibc's dlerror() for a library the loader cannot find (Python leaves LC_MESSAGES at "C").
_NOT_FOUND = re.compile(r"^(?P<name>[^:\s]+): cannot open shared object file")

Probe = Callable[[Path], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class PlatformChoice:
    """What to do before the QApplication.

    Attributes:
        platform: the value for QT_QPA_PLATFORM, or None to leave Qt's own choice alone.
        missing: the libraries the xcb plugin could not load (empty when it loads).
        message: set when no platform plugin can start: what to tell the person.
    """

    platform: str | None = None
    missing: tuple[str, ...] = ()
    message: str | None = None


def _ldd_not_found(path: Path) -> list[str]:
    """Every library ldd reports as `not found` for `path`; [] where ldd is absent."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        done = subprocess.run(
            [ldd, str(path)], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.split()[0] for line in done.stdout.splitlines() if line.endswith("=> not found")]


def missing_libraries(
    plugin: Path,
    dlopen: Callable[[str], object] = ctypes.CDLL,
    list_not_found: Callable[[Path], list[str]] = _ldd_not_found,
) -> tuple[str, ...]:
    """The libraries `plugin` needs that the dynamic loader cannot find; () when it loads.

    Loading the plugin itself is the check, not resolving a list of sonames: it is what Qt's
    plugin loader does a moment later, through the same loader and search path (the plugin's
    RUNPATH, LD_LIBRARY_PATH, ld.so.cache), over the whole tree (libqxcb -> libQt6XcbQpa ->
    libxcb-cursor) that a list would have to repeat and keep up to date. A failure costs about
    2 ms; a success maps the libraries Qt is about to map anyway. dlopen names only the first
    missing library, so only then does ldd list them all for the message. Any other error (an
    undefined symbol under ctypes' RTLD_NOW, where Qt loads lazily) is not a missing library:
    Qt is left to try.
    """
    try:
        dlopen(str(plugin))
    except OSError as error:
        # In a PyInstaller bundle ctypes re-raises with its own text, dlerror()'s as the cause.
        found = _NOT_FOUND.match(str(error.__cause__ or error))
        if found is None or found["name"] == str(plugin):
            return ()
        return tuple(dict.fromkeys([found["name"], *list_not_found(plugin)]))
    return ()


def platforms_folder() -> Path | None:
    """PySide6's `Qt/plugins/platforms` folder, found without importing PySide6."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms"


def _platform_given(environ: Mapping[str, str], argv: Sequence[str]) -> bool:
    # Qt reads `-platform NAME` (or `--platform`) from the command line and ignores an empty
    # QT_QPA_PLATFORM: either way a person's explicit choice is theirs.
    return bool(environ.get("QT_QPA_PLATFORM")) or any(
        arg in ("-platform", "--platform") for arg in argv
    )


def install_message(missing: Sequence[str]) -> str:
    """What to tell the person: the missing libraries and the commands that install them."""
    known = [name for name in missing if name in PACKAGES]
    debian = list(dict.fromkeys(PACKAGES[name][0] for name in known))
    fedora = list(dict.fromkeys(PACKAGES[name][1] for name in known))
    lines = [
        "Songbird cannot open its window: Qt's X11 (xcb) platform plugin needs system "
        f"libraries that are not installed: {', '.join(missing)}.",
    ]
    if known:
        lines += [
            "Install them, then start Songbird again:",
            f"  Debian, Ubuntu:  sudo apt-get install {' '.join(debian)}",
            f"  Fedora:          sudo dnf install {' '.join(fedora)}",
        ]
    unknown = [name for name in missing if name not in PACKAGES]
    if unknown:
        names = ", ".join(unknown)
        lines.append(f"Your distribution's package manager can tell which package ships {names}.")
    return "\n".join(lines)


def choose_platform(
    environ: Mapping[str, str],
    argv: Sequence[str] = (),
    *,
    system: str = sys.platform,
    folder: Path | None = None,
    probe: Probe = missing_libraries,
) -> PlatformChoice:
    """Decide the platform plugin: Qt's default, Wayland, or none (with the message why).

    Only on Linux, and only when neither QT_QPA_PLATFORM nor `-platform` chose already. When
    the plugins cannot be found, Qt is left to report it: there is nothing better to say.
    """
    if not system.startswith("linux") or _platform_given(environ, argv):
        return PlatformChoice()
    folder = folder or platforms_folder()
    if folder is None or not (folder / XCB_PLUGIN).is_file():
        return PlatformChoice()
    missing = probe(folder / XCB_PLUGIN)
    if not missing:
        return PlatformChoice()
    if environ.get("WAYLAND_DISPLAY") and (folder / WAYLAND_PLUGIN).is_file():
        wayland_missing = probe(folder / WAYLAND_PLUGIN)
        if not wayland_missing:
            return PlatformChoice(platform="wayland", missing=missing)
        missing = tuple(dict.fromkeys([*missing, *wayland_missing]))
    return PlatformChoice(missing=missing, message=install_message(missing))


def _spawn_detached(command: list[str]) -> None:
    subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def report_problem(
    message: str,
    *,
    stream: TextIO | None = None,
    which: Callable[[str], str | None] = shutil.which,
    spawn: Callable[[list[str]], None] = _spawn_detached,
) -> None:
    """Tell the person on every channel they may be watching: stderr, the log, the desktop.

    Started from the applications menu there is no terminal, so the notification is the one
    they see. notify-send is started and not waited for: on a desktop without a notification
    service it can hang until a D-Bus timeout, while the person waits for a window. Its
    failures are ignored: the message is already on stderr and in the log.
    """
    out = stream or sys.stderr
    if out is not None:  # a windowed launch may have no stderr at all
        print(message, file=out, flush=True)
    log.error("%s", message)
    notify_send = which("notify-send")
    if notify_send is None:
        return
    command = [notify_send, "--app-name=Songbird", "--urgency=critical", "--icon=dialog-error"]
    with contextlib.suppress(OSError):
        spawn([*command, NOTIFICATION_TITLE, message])


def prepare_platform(
    argv: Sequence[str],
    environ: MutableMapping[str, str] | None = None,
    *,
    choose: Callable[[Mapping[str, str], Sequence[str]], PlatformChoice] = choose_platform,
    report: Callable[[str], None] = report_problem,
) -> bool:
    """Call before the QApplication: sets QT_QPA_PLATFORM where needed; False when no platform
    plugin can start, after the person has been told what to install."""
    environ = os.environ if environ is None else environ
    choice = choose(environ, argv)
    if choice.platform is not None:
        environ["QT_QPA_PLATFORM"] = choice.platform
        log.warning(
            "Qt's xcb plugin cannot load (%s missing): using the %s platform",
            ", ".join(choice.missing),
            choice.platform,
        )
    if choice.message is not None:
        report(choice.message)
        return False
    return True
