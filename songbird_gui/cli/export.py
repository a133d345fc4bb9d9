"""`songbird export`: a playlist of either service, or a whole library, written to files.

    songbird export PLAYLIST --service S --format csv|jspf|xspf|m3u8 [-o FILE]
    songbird export --all --service S --format F -o FOLDER

A backup a person can keep, and what another tool can read: each track with its title,
artists, album, length, and its service, id and link (the writers: `core/playlist_files`).
One playlist goes to FILE, or to a file named after it in the working folder; `--all` writes
one file per playlist into FOLDER, each named after its playlist. The playlists are all read
before anything is written, so a read that fails writes nothing. Playlists the person only
follows are left out (Spotify lets apps read only their own); an unknown or followed
playlist named exits with 3, a file or folder that cannot be written with 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from songbird_gui.cli.cli_error import CliError
from songbird_gui.cli.command import Command
from songbird_gui.cli.options import add_library_options, add_service_option
from songbird_gui.cli.refusals import FOLLOWED_WORDS
from songbird_gui.core.exit_codes import EXIT_OK, EXIT_UNKNOWN_PLAYLIST, EXIT_USAGE
from songbird_gui.core.playlist_files import (
    WRITABLE_FORMATS,
    FileFormat,
    PlaylistFileError,
    file_name_for,
    write_playlist,
)
from songbird_gui.core.playlist_files.library_export import export_playlists
from songbird_gui.engine.summary import plural


class ExportCommand(Command):
    name = "export"
    summary = "write a playlist, or every playlist of a service, to files"
    description = (
        "Write a playlist of Spotify or YouTube Music (or with --all every one) to CSV, JSPF, "
        "XSPF or M3U8: title, artists, album, length, and each track's service, id and link."
    )

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("playlist", nargs="?", metavar="PLAYLIST", help="its name")
        parser.add_argument("--all", action="store_true", help="every playlist, into -o FOLDER")
        add_service_option(parser)
        parser.add_argument(
            "--format",
            required=True,
            choices=[f.value for f in WRITABLE_FORMATS],
            help="the files' format",
        )
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            metavar="PATH",
            help="the file (one playlist; default: named after it, here) or the folder (--all)",
        )
        add_library_options(parser)

    @classmethod
    def check(cls, args: argparse.Namespace) -> str | None:
        if args.all == bool(args.playlist):
            return "say what to export: a PLAYLIST by name, or --all"
        if args.all and args.output is None:
            return "--all writes one file per playlist: say into which folder, -o FOLDER"
        return None

    def execute(self) -> int:
        try:
            return self._export_all() if self.args.all else self._export_one()
        except PlaylistFileError as error:  # a file or folder of the person's choosing
            raise CliError(str(error), EXIT_USAGE) from None

    @property
    def file_format(self) -> FileFormat:
        return FileFormat(self.args.format)

    def _export_one(self) -> int:
        service = self.service(self.args.service)
        playlist = self.playlist_named(service, self.args.playlist)
        if playlist.is_followed:
            raise CliError(
                f"“{playlist.name}” is a playlist you follow: {FOLLOWED_WORDS}",
                EXIT_UNKNOWN_PLAYLIST,
            )
        path = self.args.output or Path(file_name_for(playlist.name, self.file_format))
        tracks = service.playlist_tracks(playlist)
        write_playlist(path, self.file_format, playlist.name, tracks)
        print(f"Wrote “{playlist.name}” ({plural(len(tracks), 'track')}) to {path}.", file=self.out)
        return EXIT_OK

    def _export_all(self) -> int:
        service = self.service(self.args.service)
        (playlists,) = self.read_playlists(service)
        followed = [p for p in playlists if p.is_followed]
        if followed:
            print(
                f"songbird: left out {plural(len(followed), 'followed playlist')}: "
                f"{FOLLOWED_WORDS}",
                file=sys.stderr,
            )
        folder: Path = self.args.output
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CliError(f"“{folder}” could not be made: {error.strerror}.", EXIT_USAGE) from None
        owned = [p for p in playlists if not p.is_followed]
        written = export_playlists(service, owned, self.file_format, folder)
        print(f"Wrote {plural(len(written), 'playlist')} to {folder}.", file=self.out)
        return EXIT_OK
