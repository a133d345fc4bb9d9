"""The fault matrix: every file Songbird keeps × every way it is found damaged × every way of
opening it (the command line, the window), then the environment (a read-only folder, a full
disk, the network down) × the same ways. Each cell ends in one sentence per thing to say, a
documented exit code, the damaged file kept aside byte for byte (or refused and left as it
is), and nothing else changed.

Table-driven: a new kept file joins by one line in KEPT_FILES (its place, and its kind, which
says what each damage should give); a new way of opening by one line in OPENINGS (round two:
each command of the command line, the window's start). Everything runs in this process on
the composition root (`Songbird`) and its services, as the command line and the window
build them; the read-only folders and the full disk are real (a read-only bind mount, a
tiny tmpfs) where this process may mount, as in CI.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sqlite3
import subprocess
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import requests

from songbird_gui.app import Songbird
from songbird_gui.core.exit_codes import (
    EXIT_DISK_FULL,
    EXIT_FILES,
    EXIT_OK,
    EXIT_SERVICE,
    EXIT_STORE,
    EXIT_USAGE,
)
from songbird_gui.core.failure import failure_of
from songbird_gui.core.paths import AppPaths, learnt_rates_file
from songbird_gui.core.settings import (
    BackgroundSettings,
    RateSettings,
    RetrySettings,
    Settings,
    SettingsFile,
)
from songbird_gui.core.throttle import gather
from songbird_gui.core.types import ONLINE_SERVICES, ServiceId
from songbird_gui.services import http_session
from songbird_gui.services.accounts import Accounts
from songbird_gui.services.demo import DemoConfig, DemoServerConfig, state_file
from songbird_gui.services.http_session import TimeoutAdapter
from songbird_gui.services.secrets import FileSecretStore, SecretStore
from songbird_gui.ui.autostart import autostart_path
from songbird_gui.ui.launch import open_for_window
from tests.security.test_no_secret_left_behind import connect

pytestmark = pytest.mark.usefixtures("qapp", "test_keyring")

INSTANT = DemoServerConfig(latency_s=0.0, limit=1e6, burst=1_000_000)
FAST = Settings(
    workers=4,
    spotify=RateSettings(rate=1000.0, burst=1000),
    ytmusic=RateSettings(rate=1000.0, burst=1000),
    retry=RetrySettings(max_attempts=2, base_delay_s=0.01, max_delay_s=0.02),
)
AN_HOUR_AGO = 3600.0
GARBAGE = b"\x00\x13garbage from a sync tool\xff\n" * 8


@dataclass(frozen=True)
class Home:
    """One person's folders: Songbird's own, and the secrets file they chose."""

    root: Path

    @property
    def paths(self) -> AppPaths:
        return AppPaths(self.root / "config", self.root / "data", self.root / "log")

    @property
    def secrets_file(self) -> Path:
        return self.root / "server" / "secrets.json"

    @property
    def xdg_config(self) -> Path:
        return self.root / "xdg-config"

    @property
    def window_state(self) -> Path:
        return self.xdg_config / "Songbird" / "songbird.ini"


class Kind(Enum):
    """What a kept file is, which says what each damage to it should give."""

    SETTINGS = "settings"
    LEARNT_RATES = "learnt rates"  # JSON read at the start and written at close, beside a store
    DEMO_STATE = "demo state"  # read and written under its lock file, beside it
    STORE = "store"
    FILE_LOCK = "file lock"  # an fcntl lock: its content is never read
    WRITER_LOCK = "writer lock"
    SECRETS = "secrets"
    DESKTOP_ENTRY = "desktop entry"
    INI = "ini"


@dataclass(frozen=True)
class KeptFile:
    name: str
    where: Callable[[Home], Path]
    kind: Kind
    opened_by: frozenset[str]  # the OPENINGS that open it


CLI_DEMO, CLI_SECRETS, WINDOW = "cli --demo", "cli --secrets-file", "window"
EVERY = frozenset({CLI_DEMO, CLI_SECRETS, WINDOW})


def demo_lock(service: ServiceId) -> Callable[[Home], Path]:
    def where(home: Home) -> Path:
        path = state_file(home.paths.demo_state_dir, service)
        return path.with_name(path.name + ".lock")

    return where


# Every file Songbird keeps, one line each.
KEPT_FILES = [
    KeptFile("settings", lambda h: h.paths.settings_file, Kind.SETTINGS, EVERY),
    KeptFile("match store", lambda h: h.paths.match_store, Kind.STORE, EVERY),
    KeptFile("demo match store", lambda h: h.paths.demo_match_store, Kind.STORE, EVERY),
    KeptFile(
        "demo Spotify state",
        lambda h: state_file(h.paths.demo_state_dir, ServiceId.SPOTIFY),
        Kind.DEMO_STATE,
        EVERY,
    ),
    KeptFile(
        "demo YouTube Music state",
        lambda h: state_file(h.paths.demo_state_dir, ServiceId.YTMUSIC),
        Kind.DEMO_STATE,
        EVERY,
    ),
    KeptFile("demo YouTube Music lock", demo_lock(ServiceId.YTMUSIC), Kind.FILE_LOCK, EVERY),
    KeptFile("writer lock", lambda h: h.paths.data_dir / "sync.lock", Kind.WRITER_LOCK, EVERY),
    KeptFile("secrets file", lambda h: h.secrets_file, Kind.SECRETS, frozenset({CLI_SECRETS})),
    KeptFile(
        "start-at-login entry",
        lambda h: autostart_path(h.xdg_config),
        Kind.DESKTOP_ENTRY,
        frozenset({WINDOW}),
    ),
    KeptFile("window layout", lambda h: h.window_state, Kind.INI, frozenset({WINDOW})),
    KeptFile(
        "demo learnt rates",
        lambda h: learnt_rates_file(h.paths.demo_state_dir, ServiceId.YTMUSIC),
        Kind.LEARNT_RATES,
        EVERY,
    ),
]


# -- the ways of opening: as the command line and the window do ---------------------------------


@dataclass
class Outcome:
    code: int
    said: list[str]


def open_and_use(home: Home, songbird: Songbird) -> None:
    """What every way of opening does once Songbird is built: the library's services and
    store, its pairs, both services' playlists, the writer lock taken and let go."""
    services, _ = songbird.choose_services()
    songbird.context(services).pairs.all()
    gather([service.list_playlists for service in services.values()])
    if not songbird.writer_lock.try_hold():
        raise AssertionError("the writer lock could not be taken")
    songbird.writer_lock.release()


def cli_demo(home: Home) -> Songbird:
    """`songbird … --demo`: the demo library, named."""
    demo = DemoConfig(spotify=INSTANT, ytmusic=INSTANT, state_dir=home.paths.demo_state_dir)
    return Songbird(home.paths, demo=demo, tune=lambda _: FAST)


def cli_secrets(home: Home) -> Songbird:
    """`songbird … --secrets-file PATH`: the accounts from the person's file."""
    accounts = Accounts(FileSecretStore(home.secrets_file))
    return Songbird(home.paths, accounts=accounts, tune=lambda _: FAST)


def window(home: Home) -> Songbird:
    """`songbird-gui`, as its launch opens what the window works on: the keyring's accounts
    (none here: the demo library), the window's layout, the start-at-login entry (ticked)."""
    songbird, _ = open_for_window(home.paths, layout=home.window_state, config_home=home.xdg_config)
    return songbird


OPENINGS: dict[str, Callable[[Home], Songbird]] = {
    CLI_DEMO: cli_demo,
    CLI_SECRETS: cli_secrets,
    WINDOW: window,
}


def open_as(opening: str, home: Home) -> Outcome:
    """Open `home` the way `opening` does, through the error boundary's mapping."""
    songbird: Songbird | None = None
    try:
        songbird = OPENINGS[opening](home)
        open_and_use(home, songbird)
        return Outcome(EXIT_OK, songbird.notices.messages())
    except Exception as error:
        failure = failure_of(error, home.paths.data_dir)
        said = songbird.notices.messages() if songbird else []
        return Outcome(failure.exit_code, [*said, failure.sentence])
    finally:
        if songbird is not None:
            songbird.close()


# -- a sound home, and the damages --------------------------------------------------------------


@pytest.fixture(scope="module")
def sound_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every kept file, sound, as a person's folders hold them after some use."""
    home = Home(tmp_path_factory.mktemp("sound") / "home")
    ticked = BackgroundSettings(start_at_login=True)
    SettingsFile(home.paths.settings_file).save(Settings(workers=6, background=ticked))
    home.secrets_file.parent.mkdir(parents=True)
    FileSecretStore(home.secrets_file).set("spotify-client-id", "0123456789abcdef")
    home.window_state.parent.mkdir(parents=True)
    home.window_state.write_text("[window-state-of-songbird]\ngeometry=800x600\n", "utf-8")
    songbird = window(home)
    services = songbird.demo_services()
    for online in ONLINE_SERVICES:  # each demo service writes its state file once
        services[online].create_playlist("Made in the demo", "")
    open_and_use(home, songbird)
    songbird.close()
    return home.root


@pytest.fixture
def home(sound_home: Path, tmp_path: Path) -> Home:
    copy = tmp_path / "person"
    shutil.copytree(sound_home, copy, symlinks=True)
    return Home(copy)


class Damage(Enum):
    GARBAGE = "garbage"
    TRUNCATED = "truncated"
    EMPTY = "empty"
    WRONG_SHAPE = "wrong JSON shape"
    OUT_OF_RANGE = "a value out of range"
    MISSING_TABLE = "missing table"
    MISSING_COLUMN = "missing column"
    NEWER_VERSION = "newer version"
    FOLDER = "a folder in its place"
    READ_ONLY = "read-only"


JSON_SHAPES = {
    Kind.SETTINGS: b'[{"workers": 4}]',
    Kind.LEARNT_RATES: b'[{"a list": "where an object belongs"}]',
    Kind.DEMO_STATE: b'{"playlists": [{"id": 5, "tracks": "all"}]}',
    Kind.SECRETS: b'{"spotify-token": {"access_token": 1}}',
}
STORE_EDITS = {
    Damage.MISSING_TABLE: "DROP TABLE pairs",
    Damage.MISSING_COLUMN: "ALTER TABLE journal DROP COLUMN kind",
    Damage.NEWER_VERSION: "PRAGMA user_version=999",
}


def applies(damage: Damage, kind: Kind) -> bool:
    if damage is Damage.WRONG_SHAPE:
        return kind in JSON_SHAPES
    if damage is Damage.OUT_OF_RANGE:
        return kind is Kind.SETTINGS
    if damage in STORE_EDITS:
        return kind is Kind.STORE
    return True


def damage_file(path: Path, damage: Damage, kind: Kind) -> None:
    """Damage the kept file at `path` (sound, or absent) as `damage` says; an hour old, as a
    damaged file found at start is."""
    if damage is Damage.FOLDER:
        if path.exists():
            path.unlink()
        path.mkdir(parents=True)
        (path / "the person's note.txt").write_text("kept", encoding="utf-8")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if damage is Damage.GARBAGE:
        path.write_bytes(GARBAGE)
    elif damage is Damage.TRUNCATED:
        whole = path.read_bytes() if path.exists() else b"4194303\npython\nhost\n"
        path.write_bytes(whole[: len(whole) // 2])
    elif damage is Damage.EMPTY:
        path.write_bytes(b"")
    elif damage is Damage.WRONG_SHAPE:
        path.write_bytes(JSON_SHAPES[kind])
    elif damage is Damage.OUT_OF_RANGE:
        path.write_bytes(b'{"workers": 4, "spotify": {"rate": -2, "burst": 90, "window_s": 30}}')
    elif damage in STORE_EDITS:
        db = sqlite3.connect(path, isolation_level=None)
        db.execute(STORE_EDITS[damage])
        db.close()
    os.utime(path, (os.path.getmtime(path) - AN_HOUR_AGO,) * 2)


# -- what each cell should give ---------------------------------------------------------------


class Expect(Enum):
    SET_ASIDE = "kept aside and said, the run goes on"
    NAMED = "what cannot be used is said, the file left as it is, the run goes on"
    USED = "used as it is, nothing said"
    REFUSED = "refused in one sentence, left as it is"


def expected(kind: Kind, damage: Damage) -> tuple[Expect, int]:
    """What opening a kept file of `kind` damaged so gives, and the exit code."""
    if damage is Damage.READ_ONLY:
        # Read where it is; where it must be written, the folder is said (a store always is,
        # and the demo's state takes its lock file beside it).
        if kind in (Kind.SETTINGS, Kind.SECRETS, Kind.INI):
            return Expect.USED, EXIT_OK
        return Expect.REFUSED, EXIT_FILES
    if damage is Damage.OUT_OF_RANGE:
        return Expect.NAMED, EXIT_OK
    if damage is Damage.NEWER_VERSION:
        return Expect.REFUSED, EXIT_STORE
    if damage is Damage.EMPTY and kind in (Kind.STORE, Kind.SECRETS, Kind.INI):
        return Expect.USED, EXIT_OK  # a new store, a secrets file to fill, a layout to make
    if kind is Kind.FILE_LOCK and damage is not Damage.FOLDER:
        return Expect.USED, EXIT_OK  # its content is never read
    if damage is Damage.TRUNCATED and kind in (Kind.WRITER_LOCK, Kind.DESKTOP_ENTRY):
        return Expect.USED, EXIT_OK  # still names a (dead) holder; still a desktop entry
    if kind is Kind.SECRETS and damage is Damage.FOLDER:
        return Expect.REFUSED, EXIT_USAGE  # the person's file: refused, never moved
    return Expect.SET_ASIDE, EXIT_OK


# -- the environment ---------------------------------------------------------------------------


def run(*command: str) -> bool:
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """`folder` read-only for real: a read-only bind mount where this process may mount
    (root ignores a folder's mode), its mode otherwise."""
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(mode)
        return
    if not run("mount", "--bind", str(folder), str(folder)):
        pytest.skip("this machine lets root neither mount nor be refused by a folder's mode")
    try:
        if not run("mount", "-o", "remount,ro,bind", str(folder)):
            pytest.skip("this machine does not remount read-only")
        yield
    finally:
        run("umount", str(folder))


@contextlib.contextmanager
def full_disk(folder: Path) -> Iterator[None]:
    """`folder` on a disk with no room left: a tiny tmpfs holding its files, filled up."""
    saved = folder.with_name(folder.name + ".saved")
    folder.rename(saved)
    folder.mkdir()
    if os.geteuid() != 0 or not run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)):
        folder.rmdir()
        saved.rename(folder)
        pytest.skip("a tiny file system cannot be mounted here")
    try:
        for item in saved.iterdir():
            shutil.copytree(item, folder / item.name) if item.is_dir() else shutil.copy2(
                item, folder / item.name
            )
        with contextlib.suppress(OSError), (folder / "filler").open("wb") as filler:
            while True:
                filler.write(b"\0" * 65536)
        yield
    finally:
        run("umount", str(folder))
        folder.rmdir()
        saved.rename(folder)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DownAdapter(TimeoutAdapter):
    """The network edge with the network down: every request goes to a closed local port."""

    def __init__(self, timeout: float, port: int) -> None:
        super().__init__(timeout)
        self.port = port

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        url = urllib.parse.urlsplit(request.url or "")
        request = request.copy()
        request.url = urllib.parse.urlunsplit(
            ("http", f"127.0.0.1:{self.port}", url.path, url.query, "")
        )
        return super().send(request, **kwargs)


# -- the checks --------------------------------------------------------------------------------


def snapshot(root: Path) -> dict[Path, bytes]:
    """Every regular file under `root` but SQLite's -wal and -shm, which come and go."""
    return {
        p: p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink() and not p.name.endswith(("-wal", "-shm"))
    }


def kept_copies(path: Path) -> list[Path]:
    """The copies of `path` set aside (without SQLite's files that went with a store)."""
    copies = path.parent.glob(f"{path.name}.damaged-*")
    return sorted(p for p in copies if not p.name.endswith(("-wal", "-shm", "-journal")))


def contents(path: Path) -> dict[Path, bytes]:
    """What stands at `path`: a file's bytes, a folder's files, or nothing."""
    if path.is_dir():
        return snapshot(path)
    return {path: path.read_bytes()} if path.exists() else {}


def one_sentence_each(said: list[str]) -> None:
    for sentence in said:
        assert sentence and "\n" not in sentence and "Traceback" not in sentence, sentence


def nothing_else_changed(before: dict[Path, bytes], after: dict[Path, bytes], but: Path) -> None:
    changed = [
        p
        for p, content in before.items()
        if p != but and not p.is_relative_to(but) and after.get(p) != content
    ]
    assert changed == []


CELLS = [
    pytest.param(kept, damage, opening, id=f"{kept.name}-{damage.value}-{opening}")
    for kept in KEPT_FILES
    for damage in Damage
    if applies(damage, kept.kind)
    for opening in OPENINGS
]


@pytest.mark.parametrize(("kept", "damage", "opening"), CELLS)
def test_a_damaged_kept_file_is_said_kept_and_nothing_else_changes(
    home: Home, kept: KeptFile, damage: Damage, opening: str
) -> None:
    path = kept.where(home)
    if damage is Damage.READ_ONLY:
        guard: contextlib.AbstractContextManager[None] = read_only(path.parent)
    else:
        damage_file(path, damage, kept.kind)
        guard = contextlib.nullcontext()
    damaged = contents(path)
    before = snapshot(home.root)

    with guard:
        outcome = open_as(opening, home)

    touched = opening in kept.opened_by
    expect, code = expected(kept.kind, damage) if touched else (Expect.USED, EXIT_OK)
    one_sentence_each(outcome.said)
    assert outcome.code == code, outcome.said
    if expect is Expect.SET_ASIDE:
        (copy,) = kept_copies(path)
        about = [s for s in outcome.said if str(copy) in s]
        assert len(about) == 1 and len(outcome.said) == 1, outcome.said
        if copy.is_dir():
            assert {copy / p.relative_to(path): b for p, b in damaged.items()} == snapshot(copy)
        else:
            assert copy.read_bytes() == damaged[path]
    elif expect in (Expect.REFUSED, Expect.NAMED):
        assert len(outcome.said) == 1, outcome.said
        assert kept_copies(path) == []
        assert contents(path) == damaged
    else:  # used as it is: what it is used for may write it (a new store in an empty file)
        assert (outcome.said, kept_copies(path)) == ([], [])
    nothing_else_changed(before, snapshot(home.root), but=path)


ENVIRONMENTS = ["read-only data folder", "full disk", "network down"]


@pytest.mark.parametrize("opening", list(OPENINGS))
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_environment_is_said_in_one_sentence_naming_the_folder(
    home: Home, environment: str, opening: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = home.paths.data_dir
    before = snapshot(home.root)
    if environment == "network down":
        port = closed_port()
        monkeypatch.setattr(http_session, "transport_adapter", lambda t: DownAdapter(t, port))
        connect(SecretStore())  # the window's accounts, in the test's keyring
        connect(FileSecretStore(home.secrets_file))  # the command line's, in its file
        outcome = open_as(opening, home)
        one_sentence_each(outcome.said)
        if opening == CLI_DEMO:  # the demo library needs no network
            assert (outcome.code, outcome.said) == (EXIT_OK, []), outcome.said
        else:
            assert outcome.code == EXIT_SERVICE, outcome.said
            (sentence,) = outcome.said
            assert "could not be reached" in sentence, sentence
        nothing_else_changed(before, snapshot(home.root), but=home.secrets_file)
        return
    guard = read_only(data_dir) if environment.startswith("read-only") else full_disk(data_dir)
    with guard:
        outcome = open_as(opening, home)
        after = snapshot(home.root)
    one_sentence_each(outcome.said)
    (sentence,) = outcome.said
    if environment == "full disk":
        assert outcome.code == EXIT_DISK_FULL, sentence
        assert f"The disk holding {data_dir}" in sentence
    else:
        assert outcome.code == EXIT_FILES, sentence
        assert f"{data_dir} is on a read-only disk" in sentence
        nothing_else_changed(before, after, but=data_dir / "sync.lock")
