"""`songbird matches`: what Songbird remembers, from the command line.

    songbird matches [--json] [--query WORDS] [--decided auto|you|hand|never]
    songbird matches forget ID
    songbird matches export FILE
    songbird matches import FILE [--json]

Each works on one library's memory: the person's, or with `--demo` the demo library's. No
service is asked anything, so it works without a connected account (on a server, say,
before its first `sync --pairs`). The ids are the `id` of `--json` (the first letters do,
when they name one row); an unknown id exits with 3, a file that cannot be read or imported
with 2.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from songbird_gui.cli.cli_error import CliError
from songbird_gui.cli.command import Command
from songbird_gui.cli.options import add_library_options
from songbird_gui.core.exit_codes import EXIT_OK, EXIT_UNKNOWN_PLAYLIST, EXIT_USAGE
from songbird_gui.core.match_history import (
    HistoryRow,
    How,
    PlaylistIndex,
    describe,
    find,
    forget,
    holding_playlists,
    load_history,
    playlists_of,
    select,
)
from songbird_gui.core.matches_file import (
    DEMO_LIBRARY,
    PERSON_LIBRARY,
    MatchesFileError,
    read_export,
    write_export,
)
from songbird_gui.core.matches_merge import merge
from songbird_gui.core.types import Track

ACTIONS = ("list", "forget", "export", "import")
EXIT_UNKNOWN = EXIT_UNKNOWN_PLAYLIST  # "unknown": an id that names no remembered row


def _track_json(track: Track | None) -> dict[str, Any] | None:
    if track is None:
        return None
    return {
        "id": track.id,
        "title": track.title,
        "artists": list(track.artists),
        "album": track.album,
        "duration_ms": track.duration_ms,
        "kind": str(track.kind),
    }


def row_json(row: HistoryRow, playlists: PlaylistIndex) -> dict[str, Any]:
    """One row of `songbird matches --json`."""
    return {
        "id": row.row_id,
        "decided": row.how_code,
        "state": row.decision_code or "never",
        "source_key": row.source_key,
        "source": _track_json(row.source),
        "target_service": row.service_code,
        "target_id": row.target_id,
        "target": _track_json(row.target) if row.target_json else None,
        "score": row.score,
        "decided_at": row.decided_at,
        "playlists": list(playlists_of(row, playlists)),
    }


def row_line(row: HistoryRow, playlists: PlaylistIndex) -> str:
    """One row of the listing: id, how decided, score, source → target, where it is."""
    score = "" if row.score is None else f"{row.score:.2f}"
    target = describe(row.target, row.target_id or "")
    if row.how is How.NEVER:
        target = f"never “{target}”"
    elif row.decision_code != "accept":
        target = f"({row.state_words})" + (f" best: {target}" if target else "")
    held = playlists_of(row, playlists)
    where = f"  [{', '.join(held)}]" if held else ""
    return (
        f"{row.row_id}  {row.how.words:<16} {score:>4}  "
        f"{describe(row.source, row.source_key)} → {target} "
        f"({row.target_service.display_name}){where}"
    )


class MatchesCommand(Command):
    name = "matches"
    summary = "what Songbird remembers: list it, forget a decision, export or import it"
    description = (
        "List the remembered decisions (no action), forget one by its id (or "
        "lift a “never this one”), or carry them to another machine (export, then import)."
    )

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "action",
            nargs="?",
            choices=ACTIONS,
            default="list",
            help="what to do (default: list)",
        )
        parser.add_argument(
            "argument",
            nargs="?",
            metavar="ID|FILE",
            help="forget: a row's id; export, import: a file",
        )
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--query", metavar="WORDS", help="only rows with these words")
        parser.add_argument(
            "--decided",
            choices=[how.value for how in How],
            help="only rows decided so: automatically, accepted by you, searched by hand, never",
        )
        add_library_options(parser)

    @classmethod
    def check(cls, args: argparse.Namespace) -> str | None:
        if args.action != "list" and not args.argument:
            return f"matches {args.action} needs {'an ID' if args.action == 'forget' else 'a FILE'}"
        if args.action == "list" and args.argument:
            return "say what to do with it: matches forget ID, export FILE, import FILE"
        if args.action != "list" and (args.query or args.decided):
            return "--query and --decided go with the listing"
        return None

    @property
    def library(self) -> str:
        return DEMO_LIBRARY if self.args.demo else PERSON_LIBRARY

    def execute(self) -> int:
        action = self.args.action
        if action == "forget":
            return self.forget()
        if action == "export":
            return self.export()
        if action == "import":
            return self.import_()
        return self.list()

    def list(self) -> int:
        store = self.memory
        how = How(self.args.decided) if self.args.decided else None
        rows = select(load_history(store), self.args.query or "", how)
        playlists = holding_playlists(store)
        if self.args.json:
            print(
                json.dumps([row_json(r, playlists) for r in rows], ensure_ascii=False),
                file=self.out,
            )
            return EXIT_OK
        if not rows:
            print(
                "Nothing remembered matches that."
                if self.args.query or how
                else "Nothing remembered yet: a sync remembers every decision.",
                file=self.out,
            )
        for row in rows:
            print(row_line(row, playlists), file=self.out)
        return EXIT_OK

    def forget(self) -> int:
        store = self.memory
        row = find(load_history(store), self.args.argument)
        if row is None:
            raise CliError(
                f"no remembered decision has the id {self.args.argument}; "
                "`songbird matches --json` lists them with their ids",
                EXIT_UNKNOWN,
            )
        forget(store, row)
        source = describe(row.source, row.source_key)
        if row.how is How.NEVER:
            print(
                f"Lifted “never this one”: {describe(row.target, row.target_id or '')} may be "
                f"proposed for {source} again.",
                file=self.out,
            )
        else:
            print(
                f"Forgot the decision for {source}: the next sync searches it again.", file=self.out
            )
        return EXIT_OK

    def export(self) -> int:
        path = Path(self.args.argument)
        try:
            summary = write_export(self.memory, path, self.library)
        except OSError as error:
            raise CliError(f"cannot write {path}: {error.strerror}", EXIT_USAGE) from error
        print(summary.sentence(path), file=self.out)
        return EXIT_OK

    def import_(self) -> int:
        path = Path(self.args.argument)
        try:
            incoming = read_export(path)
            report = merge(self.memory, incoming, self.library)
        except OSError as error:
            raise CliError(f"cannot read {path}: {error.strerror}", EXIT_USAGE) from error
        except MatchesFileError as error:
            raise CliError(f"{path} was not imported: {error}", EXIT_USAGE) from error
        print(f"From {path}: {report.sentence()}", file=self.out)
        for note in report.notes:
            print(f"  {note}", file=self.out)
        if self.args.json:
            print(json.dumps(report.figures()), file=self.out)
        return EXIT_OK
