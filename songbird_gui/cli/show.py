"""`songbird show PLAYLIST`: a playlist's entries, in order (to check what a sync wrote)."""

from __future__ import annotations

import argparse
import json

from songbird_gui.cli.cli_error import CliError
from songbird_gui.cli.command import Command
from songbird_gui.cli.options import add_library_options, add_service_option
from songbird_gui.core.errors import ServiceError
from songbird_gui.core.exit_codes import EXIT_OK, EXIT_SERVICE


class ShowCommand(Command):
    name = "show"
    summary = "a playlist's entries, in order"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("playlist", metavar="PLAYLIST", help="its name")
        add_service_option(parser)
        parser.add_argument("--json", action="store_true", help="print JSON")
        add_library_options(parser)

    def execute(self) -> int:
        service = self.service(self.args.service)
        playlist = self.playlist_named(service, self.args.playlist)
        try:
            entries = service.playlist_entries(playlist)
        except ServiceError as error:
            raise CliError(f"could not read {playlist.name}: {error}", EXIT_SERVICE) from error
        if self.args.json:
            rows = [
                {
                    "position": n,
                    "id": e.track.id,
                    "title": e.track.title,
                    "artists": list(e.track.artists),
                    "duration_ms": e.track.duration_ms,
                }
                for n, e in enumerate(entries, start=1)
            ]
            print(json.dumps(rows, ensure_ascii=False), file=self.out)
            return EXIT_OK
        for n, entry in enumerate(entries, start=1):
            track = entry.track
            print(f"{n:>4}  {track.id or '-':<24} {track.describe()}", file=self.out)
        return EXIT_OK
