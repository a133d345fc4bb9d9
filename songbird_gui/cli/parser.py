"""The `songbird` parser, and which command runs: the dispatcher.

Each command declares its own options (`Command.add_arguments`); here they are gathered in
the order `songbird --help` lists them, the options that do not go together are refused
(exit code 2, as argparse refuses the others), and the command asked for is chosen.

A command's options go anywhere among its arguments: `songbird matches forget --demo ID` as
well as `songbird matches --demo forget ID`. Argparse alone gives the first of two optional
arguments everything before an option (and "unrecognized arguments: ID"), so a command's
words are read again by its own parser, options first and its arguments after
(`parse_intermixed_args`); the top parser only finds the command (and `--help`, `--version`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from songbird_gui import __version__
from songbird_gui.cli.command import Command
from songbird_gui.cli.demo_change import DemoChangeCommand
from songbird_gui.cli.eval_matches import EvalMatchesCommand
from songbird_gui.cli.export import ExportCommand
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
    ExportCommand,
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


def command_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Each command's own parser, by its name."""
    (chooser,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(chooser.choices)


def parse_command_line(argv: Sequence[str] | None) -> tuple[type[Command], argparse.Namespace]:
    """The command `argv` asks for and its arguments; exits with code 2 on a usage error."""
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    found, _ = parser.parse_known_args(words)  # which command; --help and --version end here
    command = next(c for c in COMMANDS if c.name == found.command)
    own = command_parsers(parser)[command.name]
    # The top parser takes no option before the command but --help and --version, which
    # have ended the run: the command's name is the first of its words.
    after = words[words.index(command.name) + 1 :]
    args = own.parse_intermixed_args(after, argparse.Namespace(command=command.name))
    complaint = command.check(args)
    if complaint is not None:
        own.error(complaint)
    return command, args
