"""What every `songbird` command shares: `Command`, one invocation of the command line.

A command gets its parsed arguments, the person's folders, where to print and its Stop (the
signals' token, `stopping.py`). It builds the composition root (`Songbird`) only when it
first needs it: on the demo library with `--demo`, else on the accounts (from the keyring,
or from the file `--secrets-file` names). A command asks for the services it needs: both
for a sync (`services`), one for a listing (`service`, so that a person with one account
connected can list its playlists). What the composition root has to say of the kept files
it opened (a damaged file set aside, a value it could not use) is printed on stderr as soon
as it is known: after the library opens, after the sync takes the writer lock, at the end.

Each command lives in its own module of this package, a subclass that declares its name,
its options and what it does; `parser.py` gathers them. This module imports no command.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar, TextIO

from songbird_gui.app import Songbird
from songbird_gui.cli.account_secrets import accounts_for, require_keyring
from songbird_gui.cli.cli_error import CliError
from songbird_gui.cli.refusals import next_step, refusal_code
from songbird_gui.cli.stopping import Stop
from songbird_gui.core.errors import RunBlocked, ServiceError
from songbird_gui.core.exit_codes import (
    EXIT_NO_ACCOUNT,
    EXIT_SERVICE,
    EXIT_UNKNOWN_PLAYLIST,
    EXIT_USAGE,
)
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.playlist_files import PlaylistFileError
from songbird_gui.core.service import MusicService
from songbird_gui.core.settings import Settings
from songbird_gui.core.store import MatchStore
from songbird_gui.core.throttle import gather, request_scope
from songbird_gui.core.types import ONLINE_SERVICES, Playlist, ServiceId
from songbird_gui.services.demo import (
    DemoConfig,
    DemoServerConfig,
    forget_demo_state,
    with_quirks,
)
from songbird_gui.services.file_source import FileSource


def not_connected(missing: list[ServiceId], needed_for: str) -> str:
    """What a person without the accounts a command needs reads, and how to get on."""
    names = " and ".join(s.display_name for s in missing)
    verb = "is" if len(missing) == 1 else "are"
    them = "it" if len(missing) == 1 else "them"
    return (
        f"{names} {verb} not connected, and {needed_for}: connect {them} in the window "
        f"(songbird-gui, Tools ▸ Accounts), or try Songbird without an account on its demo "
        f"library: add --demo"
    )


class Command:
    """One CLI invocation: its settings, its library (demo or the person's) and output.

    A command says `name` (the word after `songbird`), `summary` (its line in `songbird
    --help`), optionally `description`; declares its options in `add_arguments`, the ones
    that do not go together in `check`, and does its work in `execute`.
    """

    name: ClassVar[str]
    summary: ClassVar[str]
    description: ClassVar[str | None] = None

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        """Declare the command's options on its own parser."""

    @classmethod
    def check(cls, args: argparse.Namespace) -> str | None:
        """What is wrong with the options given together, in words; None when nothing is."""
        return None

    def __init__(
        self,
        args: argparse.Namespace,
        paths: AppPaths,
        out: TextIO | None = None,
        stop: Stop | None = None,
    ) -> None:
        self.args = args
        self.paths = paths
        self.out = out or sys.stdout
        self.stop = stop or Stop()
        self._songbird: Songbird | None = None

    def run(self) -> int:
        """Do the command's work; its exit code. The library it opened is closed after.

        Its requests run in the Stop's scope: a signal ends the reads of any thread at their
        next request.
        """
        try:
            with request_scope(self.stop.token):
                return self.execute()
        finally:
            if self._songbird is not None:
                self._songbird.close()
                self.print_notices()

    def execute(self) -> int:
        raise NotImplementedError

    def print_notices(self) -> None:
        """What the library has to say of its kept files and has not said yet, on stderr."""
        if self._songbird is not None:
            for message in self._songbird.notices.unshown():
                print(f"songbird: {message}", file=sys.stderr)

    def _settings(self, settings: Settings) -> Settings:
        """The kept settings with this invocation's --workers and --rate."""
        if getattr(self.args, "workers", None):
            settings = replace(settings, workers=self.args.workers)
        if getattr(self.args, "rate", None):
            target = self.args.target
            fixed = replace(settings.rate_for(target), rate=self.args.rate, adaptive=False)
            settings = settings.with_rate(target, fixed)
        return settings.validated()

    @property
    def songbird(self) -> Songbird:
        """The composition root, on the demo library with --demo, else on the accounts."""
        if self._songbird is None:
            if self.args.demo:
                demo = self._demo_config()
                self._songbird = Songbird(self.paths, demo=demo, tune=self._settings)
            else:
                accounts = accounts_for(self.args)
                self._songbird = Songbird(self.paths, accounts=accounts, tune=self._settings)
            self.print_notices()
        return self._songbird

    def _demo_config(self) -> DemoConfig:
        config = DemoConfig(state_dir=self.paths.demo_state_dir)
        server_overrides: dict[str, Any] = {}
        if self.args.demo_latency_ms is not None:
            server_overrides["latency_s"] = self.args.demo_latency_ms / 1000.0
        if self.args.demo_limit is not None:
            limit = self.args.demo_limit
            server_overrides["limit"] = limit
            server_overrides["burst"] = max(1, round(limit))
        if self.args.demo_faults is not None:
            server_overrides["fault_rate"] = self.args.demo_faults

        def tuned(server: DemoServerConfig) -> DemoServerConfig:
            return replace(server, **server_overrides)

        if self.args.demo_reset:  # its playlists and its memory (decisions, pairs)
            forget_demo_state(self.paths.demo_state_dir)
        config = replace(config, spotify=tuned(config.spotify), ytmusic=tuned(config.ytmusic))
        return with_quirks(config, self.args.demo_quirks or "")

    @property
    def memory(self) -> MatchStore:
        """The memory (decisions, pairs) of the library asked for: the demo's with --demo,
        else the person's. Asks no service anything."""
        return self.songbird.demo_store if self.args.demo else self.songbird.store

    def require_accounts(self, needed_for: str) -> None:
        """Refuse (exit code 8, or 9 with no keyring) unless both accounts are connected;
        `needed_for` says why they are needed. Builds no service: asks nothing yet."""
        if self.args.demo:
            return
        accounts = self.songbird.accounts
        require_keyring(accounts)  # exit code 9, and what to do instead
        missing = [s for s in ONLINE_SERVICES if not (accounts and accounts.connected(s))]
        if missing:
            raise CliError(not_connected(missing, needed_for), EXIT_NO_ACCOUNT)

    def services(self) -> dict[ServiceId, MusicService]:
        """Both services of the library (and its playlist files), for a sync between them."""
        if self.args.demo:
            return self.songbird.demo_services()
        self.require_accounts("a sync needs both")
        services, _ = self.songbird.choose_services()
        return services

    def pair_services(self) -> dict[ServiceId, MusicService]:
        """The library's services that are connected, with its playlist files, for its pairs
        (a person with YouTube Music alone has pairs from their playlist files)."""
        if self.args.demo:
            return self.songbird.demo_services()
        accounts = self.songbird.accounts
        require_keyring(accounts)
        services: dict[ServiceId, MusicService] = {ServiceId.FILE: self.songbird.files}
        for service_id in ONLINE_SERVICES:
            connected = self.songbird.connected_service(service_id)
            if connected is not None:
                services[service_id] = connected
        if len(services) == 1:
            needed = "`songbird sync --pairs` writes into them"
            raise CliError(not_connected(list(ONLINE_SERVICES), needed), EXIT_NO_ACCOUNT)
        return services

    def playlist_files(self) -> FileSource:
        """The library's playlist files: the demo's with --demo, else the person's."""
        songbird = self.songbird
        files = songbird.demo_services()[ServiceId.FILE] if self.args.demo else songbird.files
        assert isinstance(files, FileSource)
        return files

    def open_playlist_file(self, files: MusicService, path: Path) -> list[Playlist]:
        """The playlists of the file, zip or folder at `path`: exit code 2 when it cannot be
        read. The files in a zip or folder that could not be, while others were, are said."""
        assert isinstance(files, FileSource)
        try:
            opened = files.open(path)
        except PlaylistFileError as error:
            raise CliError(str(error), EXIT_USAGE) from None
        for sentence in files.skipped:
            print(f"songbird: {sentence}", file=sys.stderr)
        return opened

    def service(self, service_id: ServiceId) -> MusicService:
        """One service of the library, for a command that needs that one alone."""
        if self.args.demo:
            return self.songbird.demo_services()[service_id]
        require_keyring(self.songbird.accounts)
        found = self.songbird.connected_service(service_id)
        if found is None:
            raise CliError(
                not_connected([service_id], f"`songbird {self.name}` reads from it"),
                EXIT_NO_ACCOUNT,
            )
        return found

    def read_playlists(self, *services: MusicService) -> list[list[Playlist]]:
        """The playlist lists of `services`, read at once (each paced by its throttle)."""
        try:
            return gather([service.list_playlists for service in services])
        except RunBlocked as refusal:  # a sign-in that ended, a quota used up
            raise CliError(f"{refusal} {next_step(refusal)}.", refusal_code(refusal)) from None
        except ServiceError as error:
            raise CliError(f"could not read the playlists: {error}", EXIT_SERVICE) from error

    def playlist_named(self, service: MusicService, name: str) -> Playlist:
        """The playlist of `service` called `name` (any case); exit code 3 when none is."""
        (playlists,) = self.read_playlists(service)
        wanted = name.strip().casefold()
        found = next((p for p in playlists if p.name.strip().casefold() == wanted), None)
        if found is None:
            known = ", ".join(p.name for p in playlists)
            raise CliError(
                f'no playlist named "{name}" on {service.service_id.display_name}; '
                f"there are: {known}",
                EXIT_UNKNOWN_PLAYLIST,
            )
        return found
