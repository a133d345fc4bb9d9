"""The fault matrix: every file Songbird keeps × every way it is found damaged × every way of
opening it (the command line, the window), then the environment (a read-only folder, a full
disk, the network down) × the same ways. Each cell ends in one sentence per thing to say, a
documented exit code, the damaged file kept aside byte for byte (or refused and left as it
is), and nothing else changed.

Table-driven: a new kept file joins by one line in KEPT_FILES (its place, its kind, which says
what each damage should give, and what reaches it); a new way of opening by one line in
OPENINGS: the composition root as the command line and the window build it (`Songbird` and
its services), the window's start, and each command of the command line, run in this process
through its entry point (`main`), whose exit code and stderr are the outcome. A command
joins the cells of the kept files it reaches (a command on the demo library never reads a
secrets file). The read-only folders and the full disk are real (a read-only bind mount, a
tiny tmpfs) where this process may mount, as in CI.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import socket
import sqlite3
import subprocess
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import requests

from songbird_gui.app import Songbird
from songbird_gui.cli import main
from songbird_gui.core.exit_codes import (
    EXIT_DISK_FULL,
    EXIT_FILES,
    EXIT_OK,
    EXIT_SERVICE,
    EXIT_STORE,
    EXIT_USAGE,
)
from songbird_gui.core.failure import failure_of
from songbird_gui.core.pairs import PairStore
from songbird_gui.core.paths import AppPaths, learnt_rates_file
from songbird_gui.core.settings import (
    BackgroundSettings,
    RateSettings,
    RetrySettings,
    Settings,
    SettingsFile,
)
from songbird_gui.core.store import MatchStore
from songbird_gui.core.throttle import gather
from songbird_gui.core.types import ONLINE_SERVICES, Playlist, ServiceId, SyncMode
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
        """As the command line finds them from the XDG variables (`env`)."""
        return AppPaths(
            self.xdg_config / "songbird",
            self.root / "xdg-data" / "songbird",
            self.root / "xdg-state" / "songbird" / "log",
        )

    @property
    def env(self) -> dict[str, str]:
        return {
            "XDG_CONFIG_HOME": str(self.xdg_config),
            "XDG_DATA_HOME": str(self.root / "xdg-data"),
            "XDG_STATE_HOME": str(self.root / "xdg-state"),
        }

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


class Reach(Enum):
    """What of a person's folders a way of opening reaches, beside the settings and the
    person's own match store, which every one does."""

    DEMO = "the demo library"
    SECRETS = "a secrets file"
    WINDOW = "the window's files"
    LOCK = "the writer lock"


@dataclass(frozen=True)
class KeptFile:
    name: str
    where: Callable[[Home], Path]
    kind: Kind
    reached_by: Reach | None = None  # None: every way of opening reads it


def demo_lock(service: ServiceId) -> Callable[[Home], Path]:
    def where(home: Home) -> Path:
        path = state_file(home.paths.demo_state_dir, service)
        return path.with_name(path.name + ".lock")

    return where


# Every file Songbird keeps, one line each.
KEPT_FILES = [
    KeptFile("settings", lambda h: h.paths.settings_file, Kind.SETTINGS),
    KeptFile("match store", lambda h: h.paths.match_store, Kind.STORE),
    KeptFile("demo match store", lambda h: h.paths.demo_match_store, Kind.STORE, Reach.DEMO),
    KeptFile(
        "demo Spotify state",
        lambda h: state_file(h.paths.demo_state_dir, ServiceId.SPOTIFY),
        Kind.DEMO_STATE,
        Reach.DEMO,
    ),
    KeptFile(
        "demo YouTube Music state",
        lambda h: state_file(h.paths.demo_state_dir, ServiceId.YTMUSIC),
        Kind.DEMO_STATE,
        Reach.DEMO,
    ),
    KeptFile("demo YouTube Music lock", demo_lock(ServiceId.YTMUSIC), Kind.FILE_LOCK, Reach.DEMO),
    KeptFile("writer lock", lambda h: h.paths.data_dir / "sync.lock", Kind.WRITER_LOCK, Reach.LOCK),
    KeptFile("secrets file", lambda h: h.secrets_file, Kind.SECRETS, Reach.SECRETS),
    KeptFile(
        "start-at-login entry",
        lambda h: autostart_path(h.xdg_config),
        Kind.DESKTOP_ENTRY,
        Reach.WINDOW,
    ),
    KeptFile("window layout", lambda h: h.window_state, Kind.INI, Reach.WINDOW),
    KeptFile(
        "demo learnt rates",
        lambda h: learnt_rates_file(h.paths.demo_state_dir, ServiceId.YTMUSIC),
        Kind.LEARNT_RATES,
        Reach.DEMO,
    ),
]


# -- the ways of opening: as the command line and the window do ---------------------------------


@dataclass
class Outcome:
    code: int
    said: list[str]  # each a sentence for the person (the command line's stderr, a line each)


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


def composed(build: Callable[[Home], Songbird]) -> Callable[[Home], Outcome]:
    """Open `home` as `build` does, then use it, through the error boundary's mapping."""

    def opened(home: Home) -> Outcome:
        songbird: Songbird | None = None
        try:
            songbird = build(home)
            open_and_use(home, songbird)
            return Outcome(EXIT_OK, songbird.notices.messages())
        except Exception as error:
            failure = failure_of(error, home.paths.data_dir)
            said = songbird.notices.messages() if songbird else []
            return Outcome(failure.exit_code, [*said, failure.sentence])
        finally:
            if songbird is not None:
                songbird.close()

    return opened


def command(*words: str) -> Callable[[Home], Outcome]:
    """`songbird WORDS`, in this process through its entry point, on `home`'s folders (the
    XDG variables point there); `{secrets}` in a word is the home's secrets file. What it
    said is its stderr, a sentence a line, without the "songbird: " each begins with."""

    def ran(home: Home) -> Outcome:
        out, err = io.StringIO(), io.StringIO()
        with pytest.MonkeyPatch.context() as env:
            for variable, value in home.env.items():
                env.setenv(variable, value)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main([word.format(secrets=home.secrets_file) for word in words])
        return Outcome(
            code, [line.removeprefix("songbird: ") for line in err.getvalue().splitlines()]
        )

    return ran


@dataclass(frozen=True)
class Opening:
    """One way of opening a person's folders.

    Attributes:
        reaches: what of the folders it reaches (beside the settings and the person's store).
        opens: it, done on a home.
        writes: where it writes when it works (a sync writes the demo's state and memory).
        network: it needs the services' network: their accounts must be connected.
        every_cell: it joins every cell of the kept files' matrix, also those of files it
            never reaches (to check it leaves them alone); else only those it reaches.
    """

    name: str
    reaches: frozenset[Reach]
    opens: Callable[[Home], Outcome]
    writes: Callable[[Home], list[Path]] = lambda _: []
    network: bool = False
    every_cell: bool = False

    def reads(self, kept: KeptFile) -> bool:
        return kept.reached_by is None or kept.reached_by in self.reaches


DEMO = frozenset({Reach.DEMO})
ON_DEMO = ["--demo", "--demo-latency-ms", "0", "--demo-limit", "2000"]
WITH_FILE = ["--secrets-file", "{secrets}"]


def demo_folder(home: Home) -> list[Path]:
    return [home.paths.demo_state_dir]


# Every way of opening, one line each: the composition root as each front end builds it,
# then each command of the command line.
OPENINGS = [
    Opening("cli --demo", frozenset({Reach.DEMO, Reach.LOCK}), composed(cli_demo), every_cell=True),
    Opening(
        "cli --secrets-file",
        frozenset({Reach.SECRETS, Reach.DEMO, Reach.LOCK}),
        composed(cli_secrets),
        network=True,
        every_cell=True,
    ),
    Opening(
        "window",
        frozenset({Reach.WINDOW, Reach.DEMO, Reach.LOCK}),
        composed(window),
        network=True,
        every_cell=True,
    ),
    Opening("playlists", DEMO, command("playlists", *ON_DEMO)),
    Opening("pairs", DEMO, command("pairs", *ON_DEMO)),
    Opening("show", DEMO, command("show", "Road Trip", *ON_DEMO)),
    Opening("matches", DEMO, command("matches", *ON_DEMO)),
    Opening("matches --secrets-file", frozenset({Reach.SECRETS}), command("matches", *WITH_FILE)),
    Opening(
        "sync --dry-run", DEMO, command("sync", "--playlist", "Road Trip", "--dry-run", *ON_DEMO)
    ),
    Opening(
        "sync",
        frozenset({Reach.DEMO, Reach.LOCK}),
        command("sync", "--playlist", "Road Trip", *ON_DEMO, "--rate", "2000"),
        writes=demo_folder,
    ),
    Opening(
        "demo-change",
        DEMO,
        command("demo-change", "Road Trip", "--add", "2", "--seed", "1", *ON_DEMO),
        writes=demo_folder,
    ),
]
# The commands that read a service, on the accounts of a secrets file: the environment's
# cells (the network down), where their accounts are connected.
ON_ACCOUNTS = [
    Opening(
        "playlists --secrets-file",
        frozenset({Reach.SECRETS}),
        command("playlists", *WITH_FILE),
        network=True,
    ),
    Opening(
        "show --secrets-file",
        frozenset({Reach.SECRETS}),
        command("show", "Road Trip", "--service", "ytmusic", *WITH_FILE),
        network=True,
    ),
    Opening("pairs --secrets-file", frozenset({Reach.SECRETS}), command("pairs", *WITH_FILE)),
    Opening(
        "sync --all --secrets-file",
        frozenset({Reach.SECRETS, Reach.LOCK}),
        command("sync", "--all", *WITH_FILE),
        network=True,
    ),
    Opening(
        "sync --pairs --secrets-file",
        frozenset({Reach.SECRETS, Reach.LOCK}),
        command("sync", "--pairs", *WITH_FILE),
        network=True,
    ),
]


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
    if kind is Kind.SECRETS:
        return Expect.REFUSED, EXIT_USAGE  # the person's file (they named it): never moved
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


def nothing_else_changed(
    before: dict[Path, bytes], after: dict[Path, bytes], but: Sequence[Path]
) -> None:
    changed = [
        p
        for p, content in before.items()
        if not any(p == b or p.is_relative_to(b) for b in but) and after.get(p) != content
    ]
    assert changed == []


def left_alone(home: Home, opening: Opening, *also: Path) -> list[Path]:
    """What may change when `opening` runs: what it writes, its log, and `also`."""
    return [*opening.writes(home), home.paths.log_dir, *also]


CELLS = [
    pytest.param(kept, damage, opening, id=f"{kept.name}-{damage.value}-{opening.name}")
    for kept in KEPT_FILES
    for damage in Damage
    if applies(damage, kept.kind)
    for opening in OPENINGS
    if opening.every_cell or opening.reads(kept)
]


@pytest.mark.parametrize(("kept", "damage", "opening"), CELLS)
def test_a_damaged_kept_file_is_said_kept_and_nothing_else_changes(
    home: Home, kept: KeptFile, damage: Damage, opening: Opening, songbird_log: None
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
        outcome = opening.opens(home)

    expect, code = expected(kept.kind, damage) if opening.reads(kept) else (Expect.USED, EXIT_OK)
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
    nothing_else_changed(before, snapshot(home.root), left_alone(home, opening, path))


ENVIRONMENTS = ["read-only data folder", "full disk", "network down"]


@pytest.mark.parametrize("opening", OPENINGS + ON_ACCOUNTS, ids=lambda o: o.name)
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_environment_is_said_in_one_sentence_naming_the_folder(
    home: Home,
    environment: str,
    opening: Opening,
    monkeypatch: pytest.MonkeyPatch,
    songbird_log: None,
) -> None:
    data_dir = home.paths.data_dir
    if environment == "network down":
        port = closed_port()
        monkeypatch.setattr(http_session, "transport_adapter", lambda t: DownAdapter(t, port))
        connect(SecretStore())  # the window's accounts, in the test's keyring
        connect(FileSecretStore(home.secrets_file))  # the command line's, in its file
        a_pair_of_the_persons(home)  # for `sync --pairs` to have something to read
        before = snapshot(home.root)
        outcome = opening.opens(home)
        one_sentence_each(outcome.said)
        if not opening.network:  # the demo library, the person's memory: no network
            assert (outcome.code, outcome.said) == (EXIT_OK, []), outcome.said
        else:
            assert outcome.code == EXIT_SERVICE, outcome.said
            (sentence,) = outcome.said
            assert "could not be reached" in sentence, sentence
        nothing_else_changed(
            before, snapshot(home.root), left_alone(home, opening, home.secrets_file)
        )
        return
    before = snapshot(home.root)
    guard = read_only(data_dir) if environment.startswith("read-only") else full_disk(data_dir)
    with guard:
        outcome = opening.opens(home)
        after = snapshot(home.root)
    one_sentence_each(outcome.said)
    (sentence,) = outcome.said
    if environment == "full disk":
        assert outcome.code == EXIT_DISK_FULL, sentence
        assert f"The disk holding {data_dir}" in sentence
    else:
        assert outcome.code == EXIT_FILES, sentence
        assert f"{data_dir} is on a read-only disk" in sentence
        nothing_else_changed(before, after, left_alone(home, opening, data_dir / "sync.lock"))


def a_pair_of_the_persons(home: Home) -> None:
    """A pair in the person's own library (Road Trip from Spotify to YouTube Music)."""
    store = MatchStore(home.paths.match_store)
    try:
        target = Playlist(ServiceId.YTMUSIC, "PLroad", "Road Trip")
        source = Playlist(ServiceId.SPOTIFY, "37i9road", "Road Trip")
        PairStore(store).ensure(source, target, SyncMode.ADD)
    finally:
        store.close()
