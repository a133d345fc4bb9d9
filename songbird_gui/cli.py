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
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from songbird_gui import __version__
from songbird_gui.app import build_buckets, build_context, build_demo_services
from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import ServiceError
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.ratelimit import TokenBucket
from songbird_gui.core.retry import RetryPolicy
from songbird_gui.core.service import MusicService
from songbird_gui.core.settings import RateSettings, Settings, SettingsFile
from songbird_gui.core.types import Decision, EntryState, Playlist, ServiceId, TrackStatus
from songbird_gui.logging_setup import setup_logging
from songbird_gui.services.accounts import Accounts
from songbird_gui.services.demo import DemoConfig, DemoServerConfig

if TYPE_CHECKING:
    from songbird_gui.engine.session import Row

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_UNKNOWN_PLAYLIST = 3
EXIT_SERVICE = 4
EXIT_NO_ACCOUNT = 5
EXIT_INTERRUPTED = 130

SERVICE_NAMES = {
    "spotify": ServiceId.SPOTIFY,
    "ytmusic": ServiceId.YTMUSIC,
    "youtube": ServiceId.YTMUSIC,
}


class CliError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def _found(row: Row) -> bool:
    """A confident match from this run or an earlier decision (not one the target held)."""
    if row.status in (TrackStatus.MATCHED, TrackStatus.ADDED):
        return True
    accepted = row.result is not None and row.result.decision is Decision.ACCEPT
    return row.status is TrackStatus.FAILED and accepted


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
    """One CLI invocation: its settings, services and output."""

    def __init__(
        self, args: argparse.Namespace, paths: AppPaths, out: TextIO | None = None
    ) -> None:
        self.args = args
        self.paths = paths
        self.out = out or sys.stdout
        self.settings = self._settings()

    def _settings(self) -> Settings:
        settings = SettingsFile(self.paths.settings_file).load()
        if getattr(self.args, "workers", None):
            settings = replace(settings, workers=self.args.workers)
        if getattr(self.args, "rate", None):
            target = self.args.target
            current = settings.rate_for(target)
            fixed = RateSettings(self.args.rate, current.burst, False, current.headroom)
            settings = settings.with_rate(target, fixed)
        return settings.validated()

    def _services(self) -> dict[ServiceId, MusicService]:
        if not self.args.demo:
            real = Accounts().services()
            if real is None:
                raise CliError(
                    "Spotify and YouTube Music are not both connected: connect them in the "
                    "window (songbird-gui, Accounts), or use --demo for the demo library",
                    EXIT_NO_ACCOUNT,
                )
            return real
        config = DemoConfig()
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

        config = replace(config, spotify=tuned(config.spotify), ytmusic=tuned(config.ytmusic))
        if self.args.demo_reset:
            for state in self.paths.demo_state_dir.glob("demo-*.json"):
                state.unlink()
        return build_demo_services(self.paths, config)

    def run(self) -> int:
        if self.args.command == "playlists":
            return self.list_playlists()
        if self.args.command == "eval-matches":
            return self.eval_matches()
        return SyncCommand(self).run()

    def eval_matches(self) -> int:
        from songbird_gui.core.scoring import Matcher
        from songbird_gui.match_eval import evaluate, report

        try:
            tally = evaluate(self.args.file, Matcher(self.settings.match))
        except OSError as error:
            raise CliError(f"cannot read {self.args.file}: {error.strerror}", EXIT_USAGE) from error
        except (ValueError, KeyError, TypeError) as error:
            raise CliError(
                f"{self.args.file} is not a file of cases: {error}", EXIT_USAGE
            ) from error
        report(tally, self.out, self.args.json)
        return EXIT_OK

    def read_playlists(
        self, service: MusicService, policy: RetryPolicy, bucket: TokenBucket
    ) -> list[Playlist]:
        """The service's playlists, under the run's throttle and retries."""
        try:
            return policy.call(service.list_playlists, bucket, CancelToken())
        except ServiceError as error:
            raise CliError(f"could not read the playlists: {error}", EXIT_SERVICE) from error

    def list_playlists(self) -> int:
        service_id = self.args.service
        bucket = build_buckets(self.settings)[service_id]
        policy = RetryPolicy(self.settings.retry)
        playlists = self.read_playlists(self._services()[service_id], policy, bucket)
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
        services = self.command._services()
        # One context for the whole run: the playlists are read under the same buckets as
        # the searches and writes that follow.
        context = build_context(self.command.settings, self.command.paths, services)
        source = self.args.source
        try:
            playlists = self.command.read_playlists(
                services[source], context.policy, context.buckets[source]
            )
            chosen = self._choose(playlists)
        except CliError:
            context.store.close()
            raise
        session = SyncSession(context, self.args.source, self.args.target)
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

        def on_expired(message: str) -> None:
            self.progress.clear()
            print(
                f"songbird: {message}. Connect again in the window (songbird-gui, Accounts), "
                "then run the same command: what was found so far is remembered.",
                file=sys.stderr,
            )
            finish(EXIT_SERVICE)

        session.failed.connect(on_failed)
        session.sessionExpired.connect(on_expired)
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
            session.plan(chosen)
            app.exec()
        finally:
            ticker.stop()
            session.shutdown()
            signal.signal(signal.SIGINT, previous)
            context.store.close()
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
        statuses = Counter(row.status for row in session.rows)
        added = sum(report.added for report in session.reports)
        stats = session.figures.search_stats
        return {
            "considered": len(session.rows),
            # Found, whether or not the write then landed (a refused write shows as failed).
            "matched": sum(1 for row in session.rows if _found(row)),
            "review": statuses[TrackStatus.REVIEW],
            "not_found": statuses[TrackStatus.NOT_FOUND],
            "failed": statuses[TrackStatus.FAILED],  # searches and writes: each row once
            "added": added,
            "already_there": statuses[TrackStatus.PRESENT],
            "not_syncable": statuses[TrackStatus.UNSYNCABLE],
            "skipped": statuses[TrackStatus.SKIPPED],
            "searched_tracks": sum(
                1 for row in session.rows if row.result is not None and row.result.searches
            ),
            "search_requests": stats.requests,
            "retries": stats.retries + session.figures.io_stats.retries,
            "rate_limited": stats.rate_limited + session.figures.io_stats.rate_limited,
            "created": [r.playlist.name for r in session.reports if r.created and r.playlist],
            "elapsed_s": round(time.monotonic() - self.started, 2),
        }

    def _print_summary(self) -> None:
        f = self.figures()
        for report in self.session.reports:
            print(f"{report.name}: {report.outcome()}", file=self.out)
        print(
            f"{f['considered']} tracks: {f['matched']} matched, "
            f"{f['already_there']} already there, {f['review']} need review, "
            f"{f['not_found']} not found, {f['failed']} failed, "
            f"{f['not_syncable']} not syncable; {f['added']} added; {f['search_requests']} "
            f"searches, {f['rate_limited']} rate-limited, {f['elapsed_s']} s",
            file=self.out,
        )
        if f["review"]:
            print("Open songbird-gui to review the uncertain matches.", file=self.out)
        if self.args.json:
            print(json.dumps(f, ensure_ascii=False), file=self.out)

    def _print_plan(self) -> None:
        settings = self.command.settings
        rate = settings.rate_for(self.args.target)
        rows = self.session.rows
        to_search = sum(1 for r in rows if r.status is TrackStatus.QUEUED)
        # About one request per track, a second search for the uncertain few.
        requests = math.ceil(to_search * 1.1)
        seconds = max(requests - rate.burst, 0) / rate.rate
        for plan in self.session.plans:
            target = plan.target.name if plan.target else f"{plan.target_name} (new)"
            print(
                f"{plan.source.name} → {target}: {len(plan.entries)} entries, "
                f"{plan.count(EntryState.SEARCH)} to search",
                file=self.out,
            )
        print(
            f"Dry run: {to_search} tracks to search, about {requests} requests, "
            f"about {seconds:.0f} s at {rate.rate:g} requests/s; nothing was written.",
            file=self.out,
        )
        if self.args.json:
            statuses = Counter(r.status for r in rows)
            print(
                json.dumps(
                    {
                        "considered": len(rows),
                        "to_search": to_search,
                        "already_there": statuses[TrackStatus.PRESENT],
                        "remembered": sum(
                            1
                            for r in rows
                            if r.result is not None and r.status is not TrackStatus.PRESENT
                        ),
                        "not_syncable": statuses[TrackStatus.UNSYNCABLE],
                        "estimated_requests": requests,
                        "estimated_s": round(seconds, 1),
                        "matched": 0,
                        "review": 0,
                        "not_found": 0,
                        "failed": 0,
                        "added": 0,
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

    def show(self, done: int, total: int, session: Any) -> None:
        if not self.enabled or total == 0:
            return
        statuses = Counter(row.status for row in session.rows)
        elapsed = max(time.monotonic() - session.figures.search_started_at, 1e-6)
        rate = session.figures.search_stats.requests / elapsed
        self._draw(
            done,
            total,
            f"searching · {rate:.1f} req/s · matched {statuses[TrackStatus.MATCHED]} · "
            f"review {statuses[TrackStatus.REVIEW]} · not found {statuses[TrackStatus.NOT_FOUND]}",
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
