"""The command line: `songbird playlists` and `songbird sync`, headless, on the same engine.

The sync runs the window's `SyncSession` under a `QCoreApplication`: the same thread pool, the
same throttling, the same store. Uncertain matches are left for review in the window (they
are remembered, not added). Exit codes: 0 done, 2 bad arguments, 3 unknown playlist,
4 service or network failure, 5 no account connected, 130 stopped by Ctrl+C.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from songbird_gui import __version__
from songbird_gui.app import Songbird
from songbird_gui.core.errors import ServiceError
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.planner import estimate_search
from songbird_gui.core.service import MusicService
from songbird_gui.core.settings import Settings, SettingsFile
from songbird_gui.core.store import StoreTooNew
from songbird_gui.core.throttle import gather
from songbird_gui.core.types import EntryState, Playlist, ServiceId, TrackStatus
from songbird_gui.engine.summary import plural
from songbird_gui.logging_setup import setup_logging
from songbird_gui.services.accounts import Accounts
from songbird_gui.services.demo import DemoConfig, DemoServerConfig

if TYPE_CHECKING:
    from songbird_gui.engine.session import SyncSession

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_UNKNOWN_PLAYLIST = 3
EXIT_SERVICE = 4
EXIT_NO_ACCOUNT = 5
EXIT_STORE = 1  # the match store is from a newer Songbird
EXIT_INTERRUPTED = 130

# How long, once the loop has returned, a run may take to let its last request end.
REQUEST_DRAIN_MS = 30_000

SERVICE_NAMES = {
    "spotify": ServiceId.SPOTIFY,
    "ytmusic": ServiceId.YTMUSIC,
    "youtube": ServiceId.YTMUSIC,
}


class CliError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


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
            "--demo-limit", type=_positive_float, metavar="R", help="server limit, requests/s"
        )
        g.add_argument(
            "--demo-faults", type=_share, metavar="SHARE", help="share of requests failing"
        )
        g.add_argument("--demo-reset", action="store_true", help="forget the demo's earlier writes")

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
    sync.add_argument("--workers", type=_positive_int, help="searches at once")
    sync.add_argument("--rate", type=_positive_float, help="requests/s to the target (fixed rate)")
    sync.add_argument("--dry-run", action="store_true", help="plan only: search and write nothing")
    sync.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    add_demo_options(sync)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "sync":
        if args.source is args.target:
            parser.error("--from and --to must be different services")
        if not (args.playlist or args.all or args.liked):
            parser.error("say what to sync: --playlist NAME, --all or --liked")
    paths = AppPaths.default()
    setup_logging(paths)
    try:
        return Command(args, paths).run()
    except CliError as error:
        print(f"songbird: {error}", file=sys.stderr)
        return error.code


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
                    self._songbird = Songbird(self.paths, accounts=Accounts(), settings=settings)
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

        if self.args.demo_reset:
            for state in self.paths.demo_state_dir.glob("demo-*.json"):
                state.unlink()
        return replace(config, spotify=tuned(config.spotify), ytmusic=tuned(config.ytmusic))

    def services(self) -> dict[ServiceId, MusicService]:
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
            if self.args.command == "playlists":
                return self.list_playlists()
            if self.args.command == "eval-matches":
                return self.eval_matches()
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


class SyncCommand:
    """`songbird sync`: plan, search, apply, under a QCoreApplication."""

    def __init__(self, command: Command) -> None:
        self.command = command
        self.args = command.args
        self.out = command.out
        self.exit_code = EXIT_OK
        self.started = time.monotonic()
        self.progress = ProgressLine(sys.stderr)

    def run(self) -> int:
        from PySide6.QtCore import QCoreApplication, QTimer

        from songbird_gui.engine.session import SyncSession

        app = QCoreApplication.instance() or QCoreApplication([])
        songbird = self.command.songbird
        services = self.command.services()
        source, target = self.args.source, self.args.target
        # Both lists at once: the source's to find the playlists named, the target's to
        # find where each goes (the plan then needs not read it again).
        source_list, target_list = self.command.read_playlists(services[source], services[target])
        chosen = self._choose(source_list)
        session = SyncSession(songbird.context(services), source, target)
        self.session = session

        def finish(code: int) -> None:
            self.exit_code = code
            app.exit(code)

        def on_failed(message: str) -> None:
            self.progress.clear()
            print(f"songbird: {message}", file=sys.stderr)
            finish(EXIT_INTERRUPTED if session.cancel.cancelled else EXIT_SERVICE)

        def on_planned() -> None:
            if self.args.dry_run:
                self._print_plan()
                finish(EXIT_OK)
                return
            session.search()

        def on_search_finished(stopped: bool) -> None:
            self.progress.clear()
            if stopped:
                finish(EXIT_INTERRUPTED)
                return
            session.apply()

        def on_applied(_reports: object) -> None:
            finish(EXIT_INTERRUPTED if session.cancel.cancelled else EXIT_OK)

        def on_blocked(message: str, reconnect: bool) -> None:
            self.progress.clear()
            then = (
                "Connect again in the window (songbird-gui, Accounts), then run the same command"
                if reconnect
                else "Run the same command later"
            )
            print(
                f"songbird: {message}\n{then}: what was found so far is remembered, and "
                "only the rest is searched.",
                file=sys.stderr,
            )
            finish(EXIT_SERVICE)

        session.failed.connect(on_failed)
        session.blocked.connect(on_blocked)
        session.planned.connect(on_planned)
        session.progress.connect(lambda done, total: self.progress.show(done, total, session))
        session.searchFinished.connect(on_search_finished)
        session.applyProgress.connect(lambda done, total: self.progress.show_apply(done, total))
        session.applied.connect(on_applied)

        # Ctrl+C: Python runs signal handlers only when it gets control, so a timer hands it
        # control ten times a second while Qt's loop runs.
        previous = signal.signal(signal.SIGINT, lambda *_: session.stop())
        ticker = QTimer()
        ticker.timeout.connect(lambda: None)
        ticker.start(100)
        try:
            session.plan(chosen, target_list)
            app.exec()
        finally:
            ticker.stop()
            session.close()
            # The event loop has returned: waiting here freezes nothing. A request in flight
            # ends within its timeout; the write journal covers a batch cut short.
            session.drain(REQUEST_DRAIN_MS)
            signal.signal(signal.SIGINT, previous)
        self.progress.clear()
        if not self.args.dry_run:
            self._print_summary()
        return self.exit_code

    def _choose(self, playlists: list[Playlist]) -> list[Playlist]:
        chosen: list[Playlist] = []
        if self.args.liked:
            chosen.extend(p for p in playlists if p.is_liked)
        if self.args.all:
            chosen.extend(p for p in playlists if not p.is_liked)
        by_name = {p.name.casefold(): p for p in playlists}
        for name in self.args.playlist:
            playlist = by_name.get(name.strip().casefold())
            if playlist is None:
                known = ", ".join(p.name for p in playlists if not p.is_liked)
                raise CliError(
                    f'no playlist named "{name}" on {self.args.source.display_name}; '
                    f"there are: {known}",
                    EXIT_UNKNOWN_PLAYLIST,
                )
            if playlist not in chosen:
                chosen.append(playlist)
        return chosen

    def figures(self) -> dict[str, Any]:
        session = self.session
        stats = session.figures.search_stats
        io = session.figures.io_stats
        return {
            **session.summary().figures(),
            "searched_tracks": sum(
                1 for row in session.rows if row.result is not None and row.result.searches
            ),
            "search_requests": stats.requests,
            "retries": stats.retries + io.retries,
            "rate_limited": stats.rate_limited + io.rate_limited,
            "created": [r.playlist.name for r in session.reports if r.created and r.playlist],
            "elapsed_s": round(time.monotonic() - self.started, 2),
        }

    def _print_summary(self) -> None:
        f = self.figures()
        summary = self.session.summary()
        for report in self.session.reports:
            print(f"{report.name}: {report.outcome()}", file=self.out)
        print(
            f"{summary.sentence()}; {plural(f['search_requests'], 'search', 'searches')}, "
            f"{f['rate_limited']} rate-limited, {f['elapsed_s']} s",
            file=self.out,
        )
        if summary.review:
            print("Open songbird-gui to review the uncertain matches.", file=self.out)
        if self.args.json:
            print(json.dumps(f, ensure_ascii=False), file=self.out)

    def _print_plan(self) -> None:
        settings = self.command.songbird.settings
        rate = settings.rate_for(self.args.target)
        session = self.session
        estimate = estimate_search(session.plans, rate)
        for plan in session.plans:
            target = plan.target.name if plan.target else f"{plan.target_name} (new)"
            print(
                f"{plan.source.name} → {target}: {plural(len(plan.entries), 'entry', 'entries')}, "
                f"{plan.count(EntryState.SEARCH)} to search",
                file=self.out,
            )
        print(
            f"Dry run: {plural(estimate.tracks, 'track')} to search, about "
            f"{plural(estimate.requests, 'request')}, about {estimate.seconds:.0f} s at "
            f"{rate.rate:g} requests/s; nothing was written.",
            file=self.out,
        )
        if self.args.json:
            summary = session.summary()
            print(
                json.dumps(
                    {
                        **summary.figures(),
                        "to_search": estimate.tracks,
                        "remembered": sum(
                            1
                            for r in session.rows
                            if r.result is not None and r.status is not TrackStatus.PRESENT
                        ),
                        "estimated_requests": estimate.requests,
                        "estimated_s": round(estimate.seconds, 1),
                        "search_requests": 0,
                        "rate_limited": 0,
                        "elapsed_s": round(time.monotonic() - self.started, 2),
                    }
                ),
                file=self.out,
            )


class ProgressLine:
    """A one-line progress bar on a terminal; silent when the stream is not one."""

    WIDTH = 28

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self._shown = False

    def show(self, done: int, total: int, session: SyncSession) -> None:
        if not self.enabled or total == 0:
            return
        summary = session.summary()
        self._draw(
            done,
            total,
            f"searching · {session.request_rate():.1f} req/s · "
            f"{', '.join(summary.parts()) or 'nothing yet'}",
        )

    def show_apply(self, done: int, total: int) -> None:
        if self.enabled and total:
            self._draw(done, total, "writing")

    def _draw(self, done: int, total: int, text: str) -> None:
        filled = round(self.WIDTH * done / total)
        bar = "█" * filled + "·" * (self.WIDTH - filled)
        self.stream.write(f"\r\x1b[2K{bar} {done}/{total} {text}")
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._shown = False


if __name__ == "__main__":
    sys.exit(main())
