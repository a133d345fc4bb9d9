"""What every `songbird` command shares: `Command`, one invocation of the command line.

A command gets its parsed arguments, the person's folders and where to print. It builds the
composition root (`Songbird`) only when it first needs it: on the demo library with `--demo`,
else on the accounts (from the keyring, or from the file `--secrets-file` names). Each command
lives in its own module of this package, a subclass that declares its name, its options and
what it does; `parser.py` gathers them. This module imports no command.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import Any, ClassVar, TextIO

from songbird_gui.app import Songbird
from songbird_gui.cli.account_secrets import accounts_for, require_keyring
from songbird_gui.cli.exit_codes import (
    EXIT_NO_ACCOUNT,
    EXIT_SERVICE,
    EXIT_STORE,
    EXIT_UNKNOWN_PLAYLIST,
    CliError,
)
from songbird_gui.core.errors import ServiceError
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.service import MusicService
from songbird_gui.core.settings import Settings, SettingsFile
from songbird_gui.core.store import StoreTooNew
from songbird_gui.core.throttle import gather
from songbird_gui.core.types import Playlist, ServiceId
from songbird_gui.services.demo import DemoConfig, DemoServerConfig


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
        self, args: argparse.Namespace, paths: AppPaths, out: TextIO | None = None
    ) -> None:
        self.args = args
        self.paths = paths
        self.out = out or sys.stdout
        self._songbird: Songbird | None = None

    def run(self) -> int:
        """Do the command's work; its exit code. The library it opened is closed after."""
        try:
            return self.execute()
        finally:
            if self._songbird is not None:
                self._songbird.close()

    def execute(self) -> int:
        raise NotImplementedError

    def _settings(self, settings: Settings) -> Settings:
        """The saved settings with this invocation's --workers and --rate."""
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
            settings = self._settings(SettingsFile(self.paths.settings_file).load())
            try:
                if self.args.demo:
                    self._songbird = Songbird(
                        self.paths, demo=self._demo_config(), settings=settings
                    )
                else:
                    accounts = accounts_for(self.args)
                    self._songbird = Songbird(self.paths, accounts=accounts, settings=settings)
            except StoreTooNew as error:
                raise CliError(str(error), EXIT_STORE) from error
            for message in self._songbird.recovery_messages:
                print(f"songbird: {message}", file=sys.stderr)
        return self._songbird

    def _demo_config(self) -> DemoConfig:
        config = DemoConfig(state_dir=self.paths.demo_state_dir)
        server_overrides: dict[str, Any] = {}
        if self.args.demo_latency_ms is not None:
            server_overrides["latency_s"] = max(self.args.demo_latency_ms, 0.0) / 1000.0
        if self.args.demo_limit is not None:
            limit = self.args.demo_limit
            server_overrides["limit"] = limit
            server_overrides["burst"] = max(1, round(limit))
        if self.args.demo_faults is not None:
            server_overrides["fault_rate"] = self.args.demo_faults

        def tuned(server: DemoServerConfig) -> DemoServerConfig:
            return replace(server, **server_overrides)

        if self.args.demo_reset:  # its playlists and its memory (decisions, pairs)
            for state in self.paths.demo_state_dir.glob("demo-*.json*"):
                state.unlink()
            for store in self.paths.demo_state_dir.glob("matches.sqlite3*"):
                store.unlink()
        return replace(config, spotify=tuned(config.spotify), ytmusic=tuned(config.ytmusic))

    def services(self) -> dict[ServiceId, MusicService]:
        if not self.args.demo:
            require_keyring(self.songbird.accounts)  # exit code 9, and what to do instead
        services, demo = self.songbird.choose_services()
        if demo and not self.args.demo:
            raise CliError(
                "Spotify and YouTube Music are not both connected: connect them in the "
                "window (songbird-gui, Accounts), or use --demo for the demo library",
                EXIT_NO_ACCOUNT,
            )
        return services

    def read_playlists(self, *services: MusicService) -> list[list[Playlist]]:
        """The playlist lists of `services`, read at once (each paced by its throttle)."""
        try:
            return gather([service.list_playlists for service in services])
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
