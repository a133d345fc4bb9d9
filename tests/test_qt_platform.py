"""The platform choice made before the QApplication: every branch on injected loaders, then the
real plugins of the installed PySide6 on this machine."""

from __future__ import annotations

import io
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

from songbird_gui.ui import qt_platform
from songbird_gui.ui.qt_platform import (
    PACKAGES,
    WAYLAND_PLUGIN,
    XCB_PLUGIN,
    PlatformChoice,
    choose_platform,
    install_message,
    missing_libraries,
    platforms_folder,
    prepare_platform,
    report_problem,
)

CURSOR = "libxcb-cursor.so.0"
ICCCM = "libxcb-icccm.so.4"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A platforms folder holding both plugins (empty files: the probe is faked)."""
    for name in (XCB_PLUGIN, WAYLAND_PLUGIN):
        (tmp_path / name).touch()
    return tmp_path


class FakeProbe:
    """Reports `missing[plugin stem]` for each plugin and records which plugins it was asked."""

    def __init__(self, **missing: tuple[str, ...]) -> None:
        self.missing = missing
        self.asked: list[str] = []

    def __call__(self, plugin: Path) -> tuple[str, ...]:
        self.asked.append(plugin.name)
        return self.missing.get(plugin.stem, ())


def choose(environ, folder, probe, argv=(), system="linux") -> PlatformChoice:
    return choose_platform(environ, argv, system=system, folder=folder, probe=probe)


def test_xcb_that_loads_changes_nothing(folder):
    probe = FakeProbe()
    assert choose({"WAYLAND_DISPLAY": "wayland-0"}, folder, probe) == PlatformChoice()
    assert probe.asked == [XCB_PLUGIN]


def test_broken_xcb_in_a_wayland_session_uses_wayland(folder):
    probe = FakeProbe(libqxcb=(CURSOR,))
    choice = choose({"WAYLAND_DISPLAY": "wayland-0"}, folder, probe)
    assert choice == PlatformChoice(platform="wayland", missing=(CURSOR,))


def test_broken_xcb_without_wayland_says_what_to_install(folder):
    choice = choose({"DISPLAY": ":0"}, folder, FakeProbe(libqxcb=(CURSOR, ICCCM)))
    assert choice.platform is None
    assert choice.missing == (CURSOR, ICCCM)
    assert choice.message is not None
    assert "libxcb-cursor.so.0, libxcb-icccm.so.4" in choice.message
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4\n" in choice.message
    assert choice.message.endswith("sudo dnf install xcb-util-cursor xcb-util-wm")


def test_broken_wayland_too_adds_its_libraries_to_the_message(folder):
    probe = FakeProbe(libqxcb=(CURSOR,), libqwayland=("libwayland-cursor.so.0",))
    choice = choose({"WAYLAND_DISPLAY": "wayland-0"}, folder, probe)
    assert choice.platform is None
    assert choice.missing == (CURSOR, "libwayland-cursor.so.0")
    assert "apt-get install libxcb-cursor0 libwayland-cursor0" in (choice.message or "")


def test_a_wayland_session_without_the_wayland_plugin_gets_the_message(folder):
    (folder / WAYLAND_PLUGIN).unlink()
    choice = choose({"WAYLAND_DISPLAY": "wayland-0"}, folder, FakeProbe(libqxcb=(CURSOR,)))
    assert choice.platform is None and choice.message is not None


@pytest.mark.parametrize("system", ["win32", "darwin"])
def test_other_systems_are_left_to_qt(folder, system):
    probe = FakeProbe(libqxcb=(CURSOR,))
    assert choose({}, folder, probe, system=system) == PlatformChoice()
    assert probe.asked == []


@pytest.mark.parametrize(
    ("environ", "argv"),
    [
        ({"QT_QPA_PLATFORM": "xcb"}, []),
        ({"QT_QPA_PLATFORM": "offscreen"}, []),
        ({}, ["-platform", "xcb"]),
        ({}, ["--platform", "wayland"]),
    ],
)
def test_a_platform_chosen_already_is_untouched(folder, environ, argv):
    probe = FakeProbe(libqxcb=(CURSOR,))
    assert choose(environ, folder, probe, argv=argv) == PlatformChoice()
    assert probe.asked == []


def test_an_empty_qt_qpa_platform_counts_as_unset_as_in_qt(folder):
    choice = choose({"QT_QPA_PLATFORM": ""}, folder, FakeProbe(libqxcb=(CURSOR,)))
    assert choice.message is not None


def test_without_the_plugin_qt_is_left_to_report(tmp_path):
    probe = FakeProbe(libqxcb=(CURSOR,))
    assert choose({}, tmp_path, probe) == PlatformChoice()
    assert probe.asked == []


def test_missing_libraries_names_the_first_from_dlopen_then_all_from_ldd():
    def dlopen(path: str) -> None:
        raise OSError(f"{ICCCM}: cannot open shared object file: No such file or directory")

    found = missing_libraries(Path("/x/libqxcb.so"), dlopen, lambda _: [ICCCM, CURSOR])
    assert found == (ICCCM, CURSOR)
    assert missing_libraries(Path("/x/libqxcb.so"), dlopen, lambda _: []) == (ICCCM,)


def test_missing_libraries_reads_dlerror_behind_a_frozen_bundles_ctypes():
    # PyInstaller's ctypes.CDLL raises its own OSError "from" the one with dlerror()'s text.
    def frozen_dlopen(path: str) -> None:
        try:
            raise OSError(f"{CURSOR}: cannot open shared object file: No such file or directory")
        except OSError as error:
            raise OSError(f"Failed to load dynlib/dll {path!r}.") from error

    assert missing_libraries(Path("/x/libqxcb.so"), frozen_dlopen, lambda _: []) == (CURSOR,)


def test_missing_libraries_is_empty_when_the_plugin_loads_or_fails_otherwise():
    assert missing_libraries(Path("/x/libqxcb.so"), lambda _: None) == ()

    def undefined_symbol(path: str) -> None:
        raise OSError(f"{path}: undefined symbol: _ZN7QString4fromEv")

    assert missing_libraries(Path("/x/libqxcb.so"), undefined_symbol) == ()


def test_a_library_without_a_known_package_is_still_named():
    message = install_message(["libfoo.so.3"])
    assert "libfoo.so.3" in message and "apt-get" not in message
    assert "which package ships libfoo.so.3" in message


def test_report_goes_to_stderr_the_log_and_notify_send(caplog):
    stream, spawned = io.StringIO(), []
    with caplog.at_level(logging.ERROR, logger="songbird_gui"):
        report_problem(
            "install libxcb-cursor0",
            stream=stream,
            which=lambda name: f"/usr/bin/{name}",
            spawn=spawned.append,
        )
    assert stream.getvalue() == "install libxcb-cursor0\n"
    assert [r.getMessage() for r in caplog.records] == ["install libxcb-cursor0"]
    assert spawned[0][0] == "/usr/bin/notify-send"
    assert spawned[0][-2:] == [qt_platform.NOTIFICATION_TITLE, "install libxcb-cursor0"]


def test_report_without_notify_send_or_when_it_fails_still_prints():
    def broken(command: list[str]) -> None:
        raise OSError("exec format error")

    for which in (lambda name: None, lambda name: "/usr/bin/notify-send"):
        stream = io.StringIO()
        report_problem("message", stream=stream, which=which, spawn=broken)
        assert stream.getvalue() == "message\n"


def test_prepare_sets_the_chosen_platform():
    environ: dict[str, str] = {}
    choice = PlatformChoice(platform="wayland", missing=(CURSOR,))
    assert prepare_platform([], environ, choose=lambda e, a: choice, report=pytest.fail)
    assert environ == {"QT_QPA_PLATFORM": "wayland"}


def test_prepare_reports_and_refuses_when_nothing_can_start():
    environ: dict[str, str] = {}
    reported: list[str] = []
    choice = PlatformChoice(missing=(CURSOR,), message="install it")
    assert not prepare_platform([], environ, choose=lambda e, a: choice, report=reported.append)
    assert environ == {} and reported == ["install it"]


def test_prepare_leaves_a_working_setup_alone():
    environ = {"DISPLAY": ":0"}
    assert prepare_platform([], environ, choose=lambda e, a: PlatformChoice(), report=pytest.fail)
    assert environ == {"DISPLAY": ":0"}


# The real plugins of the PySide6 this suite runs on.

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="xcb is Linux's")


@linux_only
def test_the_real_xcb_plugin_loads_on_this_machine():
    # Fails where the system lacks a library the plugin links: the message names the packages
    # (CI installs them in .ci/run, as the README tells a person to).
    folder = platforms_folder()
    assert folder is not None and (folder / XCB_PLUGIN).is_file()
    missing = missing_libraries(folder / XCB_PLUGIN)
    assert missing == (), install_message(missing)


@linux_only
def test_every_x11_library_the_real_plugin_links_has_a_package():
    folder = platforms_folder()
    assert folder is not None
    listed = subprocess.run(
        ["ldd", str(folder / XCB_PLUGIN)], capture_output=True, text=True, check=True
    ).stdout
    x11 = set(re.findall(r"^\s*(lib(?:xcb|X11|xkbcommon)[\w.-]*\.so\.\d+)", listed, re.M))
    assert CURSOR in x11
    assert x11 - PACKAGES.keys() == set()


def test_the_check_imports_no_qt_module():
    code = (
        "import sys\n"
        "from songbird_gui.ui.qt_platform import choose_platform\n"
        "choose_platform({})\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
