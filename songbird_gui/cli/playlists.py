"""`songbird playlists`: the playlists of one service, or of a playlist file (`--file`: what
`songbird sync --file` would read), as a table or as JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from songbird_gui.cli.command import Command
from songbird_gui.cli.options import add_library_options, add_service_option
from songbird_gui.core.exit_codes import EXIT_OK


class PlaylistsCommand(Command):
    name = "playlists"
    summary = "list the playlists of a service"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        add_service_option(parser)
        parser.add_argument("--json", action="store_true", help="print JSON")
        add_library_options(parser)
        parser.add_argument(
            "--file",
            type=Path,
            metavar="PATH",
            help="the playlists of a file instead (a Spotify data export, CSV, M3U8, XSPF, "
            "JSPF, or a zip or folder of them)",
        )

    def execute(self) -> int:
        if self.args.file is not None:  # a file needs no account
            playlists = self.open_playlist_file(self.playlist_files(), self.args.file)
        else:
            (playlists,) = self.read_playlists(self.service(self.args.service))
        if self.args.json:
            rows = [
                {
                    "id": p.id,
                    "name": p.name,
                    "owner": p.owner,
                    "tracks": p.track_count,
                    "kind": str(p.kind),
                }
                for p in playlists
            ]
            print(json.dumps(rows, ensure_ascii=False), file=self.out)
            return EXIT_OK
        width = max((len(p.name) for p in playlists), default=10)
        for p in playlists:
            count = "" if p.track_count is None else str(p.track_count)
            # Spotify lets apps read only the person's own playlists: said up front, not as
            # a refusal in the middle of a sync.
            followed = "  (followed — not syncable)" if p.is_followed else ""
            print(f"{p.name:<{width}}  {count:>5}  {p.owner}{followed}", file=self.out)
        return EXIT_OK
