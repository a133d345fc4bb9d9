"""The command line, headless, on the window's engine: `songbird sync`, `pairs`, `show`,
`playlists`, `demo-change`, `matches` and `eval-matches`.

`sync` lives in cli_sync.py, `matches` in cli_matches.py; the exit codes in cli_exit.py.
Everything here is built by the composition root (`Songbird`), on the demo library with
`--demo`, else on the accounts.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from songbird_gui import __version__
from songbird_gui.app import Songbird
from songbird_gui.cli_exit import (
    EXIT_NO_ACCOUNT,
    EXIT_OK,
    EXIT_SERVICE,
    EXIT_STORE,
    EXIT_UNKNOWN_PLAYLIST,
    EXIT_USAGE,
    CliError,
)
from songbird_gui.cli_secrets import (
    RISK,
    accounts_for,
    add_secrets_option,
    export_secrets,
    require_keyring,
)
from songbird_gui.core.errors import ServiceError
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.service import MusicService
from songbird_gui.core.settings import Settings, SettingsFile
from songbird_gui.core.store import StoreTooNew
from songbird_gui.core.throttle import gather
from songbird_gui.core.types import Playlist, ServiceId, SyncMode
from songbird_gui.logging_setup import setup_logging
from songbird_gui.services.demo import DemoConfig, DemoServerConfig

if TYPE_CHECKING:
    pass

SERVICE_NAMES = {
    "spotify": ServiceId.SPOTIFY,
    "ytmusic": ServiceId.YTMUSIC,
    "youtube": ServiceId.YTMUSIC,
}


def _service(text: str) -> ServiceId:
    try:
        return SERVICE_NAMES[text.lower()]
    except KeyError:
        raise argparse.ArgumentTypeError("choose spotify or ytmusic") from None


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="songbird", description="Keep playlists in sync between Spotify and YouTube Music."
    )
    parser.add_argument("--version", action="version", version=f"songbird {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    def add_demo_options(p: argparse.ArgumentParser) -> None:
        g = p.add_argument_group("demo library")
        g.add_argument("--demo", action="store_true", help="use the embedded demo library")
        g.add_argument(
            "--demo-latency-ms", type=float, metavar="MS", help="latency of each request"
        )
        g.add_argument(
            "--demo-limit",
            type=_positive_float,
            metavar="R",
            help="server limit: requests/s on average over each demo service's window "
            "(Spotify-like 30 s, YouTube Music-like 5 s)",
        )
        g.add_argument(
            "--demo-faults", type=_share, metavar="SHARE", help="share of requests failing"
        )
        g.add_argument("--demo-reset", action="store_true", help="forget the demo's earlier writes")
        add_secrets_option(p)

    listing = commands.add_parser("playlists", help="list the playlists of a service")
    listing.add_argument(
        "--service", type=_service, default=ServiceId.SPOTIFY, help="spotify or ytmusic"
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    add_demo_options(listing)

    evaluation = commands.add_parser(
        "eval-matches", help="judge the matcher on labelled searches (../shared/eval format)"
    )
    evaluation.add_argument("file", type=Path, help="a JSON file of labelled cases")
    evaluation.add_argument("--json", action="store_true", help="end with one JSON line")

    sync = commands.add_parser("sync", help="sync playlists from one service to the other")
    sync.add_argument("--from", dest="source", type=_service, default=ServiceId.SPOTIFY)
    sync.add_argument("--to", dest="target", type=_service, default=ServiceId.YTMUSIC)
    which = sync.add_argument_group("what to sync (at least one)")
    which.add_argument("--playlist", action="append", default=[], metavar="NAME", help="repeatable")
    which.add_argument("--all", action="store_true", help="every playlist of the source")
    which.add_argument("--liked", action="store_true", help="Liked Songs / Liked Music too")
    which.add_argument(
        "--pairs", action="store_true", help="every remembered pair, both ways (for cron)"
    )
    mirror = sync.add_argument_group("keeping in sync")
    mirror.add_argument(
        "--mode",
        choices=[m.value for m in SyncMode],
        help="set the mode of the pairs synced: add only, mirror, or exact mirror",
    )
    mirror.add_argument(
        "--allow-removals",
        type=_positive_int,
        metavar="N",
        help="let a mirror remove up to N entries of a playlist past the guard",
    )
    mirror.add_argument(
        "--restore-last",
        action="store_true",
        help="with --pairs: put back what each pair's last sync removed",
    )
    sync.add_argument("--workers", type=_positive_int, help="searches at once")
    sync.add_argument(
        "--rate",
        type=_positive_float,
        help="requests/s to the target on average over its window, told (not learnt)",
    )
    sync.add_argument("--dry-run", action="store_true", help="plan only: search and write nothing")
    sync.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    add_demo_options(sync)

    pairs = commands.add_parser("pairs", help="the remembered sync pairs")
    pairs.add_argument("--json", action="store_true", help="print JSON")
    add_demo_options(pairs)

    show = commands.add_parser("show", help="a playlist's entries, in order")
    show.add_argument("playlist", metavar="PLAYLIST", help="its name")
    show.add_argument(
        "--service", type=_service, default=ServiceId.SPOTIFY, help="spotify or ytmusic"
    )
    show.add_argument("--json", action="store_true", help="print JSON")
    add_demo_options(show)

    matches = commands.add_parser(
        "matches",
        help="what Songbird remembers: list it, forget a decision, export or import it",
        description="List the remembered decisions (no action), forget one by its id (or "
        "lift a “never this one”), or carry them to another machine (export, then import).",
    )
    matches.add_argument(
        "action",
        nargs="?",
        choices=["list", "forget", "export", "import"],
        default="list",
        help="what to do (default: list)",
    )
    matches.add_argument(
        "argument", nargs="?", metavar="ID|FILE", help="forget: a row's id; export, import: a file"
    )
    matches.add_argument("--json", action="store_true", help="print JSON")
    matches.add_argument("--query", metavar="WORDS", help="only rows with these words")
    matches.add_argument(
        "--decided",
        choices=["auto", "you", "hand", "never"],
        help="only rows decided so: automatically, accepted by you, searched by hand, never",
    )
    add_demo_options(matches)

    change = commands.add_parser(
        "demo-change", help="edit a demo playlist as a person would on the service"
    )
    change.add_argument("playlist", metavar="PLAYLIST", help="its name")
    change.add_argument(
        "--service", type=_service, default=ServiceId.SPOTIFY, help="spotify or ytmusic"
    )
    change.add_argument("--remove", type=int, default=0, metavar="N", help="remove N entries")
    change.add_argument("--add", type=int, default=0, metavar="N", help="add N tracks")
    change.add_argument("--move", type=int, default=0, metavar="N", help="move N entries")
    change.add_argument("--seed", type=int, metavar="S", help="the same change each time")
    add_demo_options(change)

    export = commands.add_parser(
        "export-secrets",
        help="copy the accounts from the keyring into a file, for a server without one",
        description=f"Copy the accounts from this desktop's keyring into PATH, created "
        f"readable by you only; then use --secrets-file PATH where no keyring is. Note: {RISK}.",
    )
    export.add_argument("path", type=Path, metavar="PATH")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "sync":
        if args.source is args.target:
            parser.error("--from and --to must be different services")
        if not (args.playlist or args.all or args.liked or args.pairs):
            parser.error("say what to sync: --playlist NAME, --all, --liked or --pairs")
        if args.pairs and (args.playlist or args.all or args.liked):
            parser.error("--pairs syncs every pair: name no playlist with it")
        if args.restore_last and not args.pairs:
            parser.error("--restore-last goes with --pairs")
    if args.command == "matches":
        if args.action != "list" and not args.argument:
            parser.error(
                f"matches {args.action} needs {'an ID' if args.action == 'forget' else 'a FILE'}"
            )
        if args.action == "list" and args.argument:
            parser.error("say what to do with it: matches forget ID, export FILE, import FILE")
        if args.action != "list" and (args.query or args.decided):
            parser.error("--query and --decided go with the listing")
        if args.action in ("export", "import"):
            args.argument = Path(args.argument)
    if args.command == "demo-change":
        args.demo = True  # only the demo library is changed from here
    paths = AppPaths.default()
    setup_logging(paths)
    try:
        code = Command(args, paths).run()
        sys.stdout.flush()  # a reader that went away shows here, not in a message at exit
        return code
    except CliError as error:
        print(f"songbird: {error}", file=sys.stderr)
        return error.code
    except BrokenPipeError:
        # The reader went away (`songbird matches | head`): nothing more to say, and no
        # traceback either. Python would complain again when flushing stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


class Command:
    """One CLI invocation: its settings, its library (demo or the person's) and output."""

    def __init__(
        self, args: argparse.Namespace, paths: AppPaths, out: TextIO | None = None
    ) -> None:
        self.args = args
        self.paths = paths
        self.out = out or sys.stdout
        self._songbird: Songbird | None = None

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

    def run(self) -> int:
        try:
            command = self.args.command
            if command == "playlists":
                return self.list_playlists()
            if command == "eval-matches":
                return self.eval_matches()
            if command == "export-secrets":
                return export_secrets(self.args.path, self.out)
            if command == "pairs":
                return self.list_pairs()
            if command == "show":
                return self.show()
            if command == "demo-change":
                return self.demo_change()
            if command == "matches":
                from songbird_gui.cli_matches import MatchesCommand

                return MatchesCommand(self).run()
            from songbird_gui.cli_sync import SyncCommand

            return SyncCommand(self).run()
        finally:
            if self._songbird is not None:
                self._songbird.close()

    def eval_matches(self) -> int:
        from songbird_gui.core.scoring import Matcher
        from songbird_gui.match_eval import evaluate, report

        settings = SettingsFile(self.paths.settings_file).load()
        try:
            tally = evaluate(self.args.file, Matcher(settings.match))
        except OSError as error:
            raise CliError(f"cannot read {self.args.file}: {error.strerror}", EXIT_USAGE) from error
        except (ValueError, KeyError, TypeError) as error:
            raise CliError(
                f"{self.args.file} is not a file of cases: {error}", EXIT_USAGE
            ) from error
        report(tally, self.out, self.args.json)
        return EXIT_OK

    def read_playlists(self, *services: MusicService) -> list[list[Playlist]]:
        """The playlist lists of `services`, read at once (each paced by its throttle)."""
        try:
            return gather([service.list_playlists for service in services])
        except ServiceError as error:
            raise CliError(f"could not read the playlists: {error}", EXIT_SERVICE) from error

    def list_playlists(self) -> int:
        (playlists,) = self.read_playlists(self.services()[self.args.service])
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
            print(f"{p.name:<{width}}  {count:>5}  {p.owner}", file=self.out)
        return EXIT_OK

    def _playlist_named(self, service: MusicService, name: str) -> Playlist:
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

    def list_pairs(self) -> int:
        from songbird_gui.core.schedule import Schedule, in_words, next_sync

        services = self.services()
        pairs = self.songbird.context(services).pairs.all()
        now = time.time()
        if self.args.json:
            rows = [
                {
                    "id": p.pair_id,
                    "source": str(p.source),
                    "source_playlist": p.source_name,
                    "source_id": p.source_id,
                    "target": str(p.target),
                    "target_playlist": p.target_name,
                    "target_id": p.target_id,
                    "mode": str(p.mode),
                    "schedule_hours": p.schedule_h,
                    "schedule": Schedule.of(p.schedule_h).words,
                    "last_sync": p.synced_at,
                    "next_sync": next_sync(p),  # None: no schedule, or paused
                    "paused": p.paused,
                }
                for p in pairs
            ]
            print(json.dumps(rows, ensure_ascii=False), file=self.out)
            return EXIT_OK
        if not pairs:
            print("No pairs yet: sync a playlist once and it becomes one.", file=self.out)
        for p in pairs:
            state = f"paused: {p.paused}" if p.paused else p.synced_words(now)
            at = next_sync(p)
            if at is not None:
                state += f" · {Schedule.of(p.schedule_h).words}, next sync {in_words(at - now)}"
            print(f"{p.pair_id:>3}  {p.describe()}  · {state}", file=self.out)
        return EXIT_OK

    def show(self) -> int:
        service = self.services()[self.args.service]
        playlist = self._playlist_named(service, self.args.playlist)
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

    def demo_change(self) -> int:
        from songbird_gui.services.demo import DemoService
        from songbird_gui.services.demo_change import change_playlist

        service = self.services()[self.args.service]
        assert isinstance(service, DemoService)
        playlist = self._playlist_named(service, self.args.playlist)
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


if __name__ == "__main__":
    sys.exit(main())
