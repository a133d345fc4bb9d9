"""`songbird demo-change PLAYLIST`: edit a demo playlist as a person would in the service's
app (remove, add, move entries), to watch a mirror follow at the next sync."""

from __future__ import annotations

import argparse
from typing import TextIO

from songbird_gui.cli.checked_values import entries_changed
from songbird_gui.cli.command import Command
from songbird_gui.cli.options import add_library_options, add_service_option
from songbird_gui.cli.stopping import Stop
from songbird_gui.core.exit_codes import EXIT_OK
from songbird_gui.core.paths import AppPaths


class DemoChangeCommand(Command):
    name = "demo-change"
    summary = "edit a demo playlist as a person would on the service"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("playlist", metavar="PLAYLIST", help="its name")
        add_service_option(parser)
        for option, words in (
            ("--remove", "remove N entries"),
            ("--add", "add N tracks"),
            ("--move", "move N entries"),
        ):
            parser.add_argument(option, type=entries_changed, default=0, metavar="N", help=words)
        parser.add_argument("--seed", type=int, metavar="S", help="the same change each time")
        add_library_options(parser)

    def __init__(
        self,
        args: argparse.Namespace,
        paths: AppPaths,
        out: TextIO | None = None,
        stop: Stop | None = None,
    ) -> None:
        super().__init__(args, paths, out, stop)
        self.args.demo = True  # only the demo library is changed from here

    def execute(self) -> int:
        from songbird_gui.services.demo import DemoService
        from songbird_gui.services.demo_change import change_playlist

        service = self.service(self.args.service)
        assert isinstance(service, DemoService)
        playlist = self.playlist_named(service, self.args.playlist)
        lines = change_playlist(
            service.server,
            playlist.id,
            remove=self.args.remove,
            add=self.args.add,
            move=self.args.move,
            seed=self.args.seed,
        )
        for line in lines or ["nothing changed"]:
            print(line, file=self.out)
        return EXIT_OK
