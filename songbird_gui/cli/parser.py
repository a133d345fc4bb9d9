"""The `songbird` parser, and which command runs: the dispatcher.

Each command declares its own options (`Command.add_arguments`); here they are gathered in
the order `songbird --help` lists them, the options that do not go together are refused
(exit code 2, as argparse refuses the others), and the command asked for is chosen.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from songbird_gui import __version__
from songbird_gui.cli.command import Command
from songbird_gui.cli.demo_change import DemoChangeCommand
from songbird_gui.cli.eval_matches import EvalMatchesCommand
from songbird_gui.cli.export_secrets import ExportSecretsCommand
from songbird_gui.cli.matches import MatchesCommand
from songbird_gui.cli.pairs import PairsCommand
from songbird_gui.cli.playlists import PlaylistsCommand
from songbird_gui.cli.show import ShowCommand
from songbird_gui.cli.sync import SyncCommand

COMMANDS: tuple[type[Command], ...] = (
    PlaylistsCommand,
    EvalMatchesCommand,
    SyncCommand,
    PairsCommand,
    ShowCommand,
    MatchesCommand,
    DemoChangeCommand,
    ExportSecretsCommand,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="songbird", description="Keep playlists in sync between Spotify and YouTube Music."
    )
    parser.add_argument("--version", action="version", version=f"songbird {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_arguments(
            commands.add_parser(command.name, help=command.summary, description=command.description)
        )
    return parser


def parse_command_line(argv: Sequence[str] | None) -> tuple[type[Command], argparse.Namespace]:
    """The command `argv` asks for and its arguments; exits with code 2 on a usage error."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command = next(c for c in COMMANDS if c.name == args.command)
    complaint = command.check(args)
    if complaint is not None:
        parser.error(complaint)
    return command, args
