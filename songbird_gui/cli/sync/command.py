"""`SyncCommand`: the run of `songbird sync`, leg by leg, and the figures it ends with.

Its options are declared here; the dry run's plan is printed by dry_run.py, the progress line
on a terminal drawn by progress.py.

A signal ends any phase within a second (`cli/stopping.py`): while the playlists are listed
or pairs put back, on the main thread, by unwinding; while a leg runs in Qt's event loop,
by the session's Stop, after which the session says how far it got (stopped while reading,
searching or writing) and the leg ends with the signal's code. The log names each phase as
it begins (`Phase`), for a person reading it and for the tests that stop each one.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from songbird_gui.cli.cli_error import CliError
from songbird_gui.cli.command import Command, not_connected
from songbird_gui.cli.options import add_library_options, positive_float, positive_int, service
from songbird_gui.cli.refusals import (
    FOLLOWED_WORDS,
    HELD_BACK_CODES,
    LATER,
    held_back,
    next_step,
    refusal_code,
)
from songbird_gui.cli.stopping import Stop
from songbird_gui.cli.sync.dry_run import print_plan
from songbird_gui.cli.sync.progress import ProgressLine
from songbird_gui.core import exit_codes as codes
from songbird_gui.core.apply import ApplyReport, HeldBack, creation_stop_words, held_back_by
from songbird_gui.core.pair_writer import put_back_last_removals
from songbird_gui.core.pairs import RemovedEntry, SyncPair
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.service import MusicService
from songbird_gui.core.types import Playlist, ServiceId, SyncMode
from songbird_gui.engine.summary import RunSummary, plural
from songbird_gui.services.file_source import folder_in

if TYPE_CHECKING:
    from songbird_gui.engine.session import SyncSession

log = logging.getLogger(__name__)

FILE = ServiceId.FILE
# How long, once the loop has returned, a run may take to let its last request end.
REQUEST_DRAIN_MS = 30_000
# The codes that end a leg alone: the next leg goes on after them.
PAIR_CODES = (codes.EXIT_OK, codes.EXIT_GUARD, codes.EXIT_PAIRS_FAILED)


class Phase(StrEnum):
    """A phase of a sync, as the log names it when it begins."""

    READING = "reading the playlists"
    PLANNING = "planning"
    SEARCHING = "searching"
    WRITING = "writing"
    PUTTING_BACK = "putting back"


def begin(phase: Phase, details: str) -> None:
    log.info("sync: %s %s", phase, details)


def say(sentence: str) -> None:
    print(f"songbird: {sentence}", file=sys.stderr)


def gone_words(pair: SyncPair) -> str:
    """Why a pair pauses when its source playlist is no longer there, in words."""
    if pair.source is FILE:
        folder = folder_in(pair.source_id)
        where = f" in {folder}" if folder else ""
        return f"“{pair.source_name}” is no longer in a playlist file{where}"
    return f"“{pair.source_name}” is no longer on {pair.source.display_name}"


@dataclass
class Leg:
    """One direction of a sync: which source playlists go to which service, through which
    of the library's services (a sync from a playlist file needs only its target's)."""

    source: ServiceId
    target: ServiceId
    services: dict[ServiceId, MusicService]
    playlists: list[Playlist] = field(default_factory=list)
    target_list: list[Playlist] = field(default_factory=list)


class SyncCommand(Command):
    """`songbird sync`, leg by leg."""

    name = "sync"
    summary = "sync playlists from one service to the other"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--from", dest="source", type=service, default=ServiceId.SPOTIFY)
        parser.add_argument("--to", dest="target", type=service, default=ServiceId.YTMUSIC)
        parser.add_argument(
            "--file",
            type=Path,
            metavar="PATH",
            help="from a playlist file instead of --from: Spotify's data export (the zip, its "
            "folder or a file of it), CSV, M3U8, XSPF or JSPF, or a zip or folder of them",
        )
        which = parser.add_argument_group("what to sync (at least one)")
        which.add_argument(
            "--playlist", action="append", default=[], metavar="NAME", help="repeatable"
        )
        which.add_argument("--all", action="store_true", help="every playlist of the source")
        which.add_argument("--liked", action="store_true", help="Liked Songs / Liked Music too")
        which.add_argument(
            "--pairs", action="store_true", help="every remembered pair, both ways (for cron)"
        )
        mirror = parser.add_argument_group("keeping in sync")
        mirror.add_argument(
            "--mode",
            choices=[m.value for m in SyncMode],
            help="set the mode of the pairs synced: add only, mirror, or exact mirror",
        )
        mirror.add_argument(
            "--allow-removals",
            type=positive_int,
            metavar="N",
            help="let a mirror remove up to N entries of a playlist past the guard",
        )
        mirror.add_argument(
            "--restore-last",
            action="store_true",
            help="with --pairs: put back what each pair's last sync removed",
        )
        parser.add_argument("--workers", type=positive_int, help="searches at once")
        parser.add_argument(
            "--rate",
            type=positive_float,
            help="requests/s to the target on average over its window, told (not learnt)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="plan only: search and write nothing"
        )
        parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
        add_library_options(parser)

    @classmethod
    def check(cls, args: argparse.Namespace) -> str | None:
        if args.file is not None and (args.pairs or args.restore_last):
            return "--file syncs the playlists of a file: --pairs syncs every pair"
        if args.file is None and args.source is args.target:
            return "--from and --to must be different services"
        if not (args.playlist or args.all or args.liked or args.pairs):
            return "say what to sync: --playlist NAME, --all, --liked or --pairs"
        if args.pairs and (args.playlist or args.all or args.liked):
            return "--pairs syncs every pair: name no playlist with it"
        if args.restore_last and not args.pairs:
            return "--restore-last goes with --pairs"
        return None

    def __init__(
        self,
        args: argparse.Namespace,
        paths: AppPaths,
        out: TextIO | None = None,
        stop: Stop | None = None,
    ) -> None:
        super().__init__(args, paths, out, stop)
        self.exit_code = codes.EXIT_OK
        self.started = time.monotonic()
        self.progress = ProgressLine(sys.stderr)
        self.sessions: list[SyncSession] = []

    # -- which playlists -------------------------------------------------------------------

    def legs(self) -> list[Leg]:
        if self.args.file is not None:
            return [self._file_leg()]
        if not self.args.pairs:
            services = self.services()
            source, target = self.args.source, self.args.target
            begin(Phase.READING, f"of {source.display_name} and {target.display_name}")
            source_list, target_list = self.read_playlists(services[source], services[target])
            chosen = self._choose(source_list, f"on {source.display_name}")
            return [Leg(source, target, services, chosen, target_list)]
        return self._pair_legs()

    def _file_leg(self) -> Leg:
        """The playlists of a file, into the target (connected alone, if need be)."""
        target = self.args.target
        services, _ = self.songbird.file_sync_services(target)
        if target not in services:
            raise CliError(
                not_connected([target], "`songbird sync --file` writes into it"),
                codes.EXIT_NO_ACCOUNT,
            )
        opened = self.open_playlist_file(services[FILE], self.args.file)
        begin(Phase.READING, f"of {target.display_name}")
        (target_list,) = self.read_playlists(services[target])
        chosen = self._choose(opened, f"in {self.args.file}")
        return Leg(FILE, target, services, chosen, target_list)

    def _pair_legs(self) -> list[Leg]:
        """Every remembered pair, a leg per direction, through the services connected: a
        person with YouTube Music alone syncs the pairs of their playlist files."""
        services = self.pair_services()
        store = self.songbird.context(services).pairs
        pairs = store.all()
        directions: dict[tuple[ServiceId, ServiceId], set[str]] = defaultdict(set)
        for pair in pairs:
            if pair.paused:
                print(f"{pair.describe()}: paused: {pair.paused}", file=self.out)
                self.exit_code = codes.EXIT_PAIRS_FAILED
                continue
            unconnected = [s for s in (pair.source, pair.target) if s not in services]
            if unconnected:
                print(f"{pair.describe()}: skipped: {unconnected[0].display_name} is not "
                      "connected", file=self.out)  # fmt: skip
                self.exit_code = codes.EXIT_NO_ACCOUNT
                continue
            directions[(pair.source, pair.target)].add(pair.source_id)
        if not directions:
            if not pairs:
                print("No pairs yet: sync a playlist once and it becomes one.", file=self.out)
            return []
        begin(Phase.READING, "of every service with a pair")
        used = [s for s in ServiceId if s in services]
        lists = dict(zip(used, self.read_playlists(*(services[s] for s in used)), strict=True))
        legs = []
        for (source, target), ids in directions.items():
            playlists = [p for p in lists[source] if p.id in ids]
            for missing in ids - {p.id for p in playlists}:
                pair = next(p for p in pairs if p.source == source and p.source_id == missing)
                reason = gone_words(pair)
                print(f"{pair.describe()}: paused: {reason}", file=self.out)
                store.pause(pair.pair_id, reason)
                self.exit_code = codes.EXIT_PAIRS_FAILED
            legs.append(Leg(source, target, services, playlists, lists[target]))
        return legs

    def _choose(self, playlists: list[Playlist], where: str) -> list[Playlist]:
        """The playlists asked for, of those found `where` ("on Spotify"). One followed is never
        read: Spotify refuses apps those since February 2026 (`--all` skips them, saying so;
        naming one is exit 3)."""
        chosen: list[Playlist] = []
        if self.args.liked:
            chosen.extend(p for p in playlists if p.is_liked)
        if self.args.all:
            followed = [p for p in playlists if p.is_followed]
            if followed:
                print(
                    f"Skipped {plural(len(followed), 'followed playlist')}: {FOLLOWED_WORDS}",
                    file=self.out,
                )
            chosen.extend(p for p in playlists if not (p.is_liked or p.is_followed))
        by_name = {p.name.casefold(): p for p in playlists}
        for name in self.args.playlist:
            playlist = by_name.get(name.strip().casefold())
            if playlist is None:
                known = ", ".join(p.name for p in playlists if not p.is_liked)
                raise CliError(
                    f'no playlist named "{name}" {where}; there are: {known}',
                    codes.EXIT_UNKNOWN_PLAYLIST,
                )
            if playlist.is_followed:
                raise CliError(
                    f"“{playlist.name}” is a playlist you follow: {FOLLOWED_WORDS}",
                    codes.EXIT_UNKNOWN_PLAYLIST,
                )
            if playlist not in chosen:
                chosen.append(playlist)
        return chosen

    # -- running ---------------------------------------------------------------------------

    def execute(self) -> int:
        from PySide6.QtCore import QCoreApplication

        QCoreApplication.instance() or QCoreApplication([])
        if self.args.dry_run:
            return self._run()  # reads and plans only: it needs no writer lock
        # One writer at a time on the data folder: from cron, failing at once beats waiting
        # (the next run comes soon); the window and the scheduled syncs wait instead.
        lock = self.songbird.writer_lock
        held = lock.try_hold()
        self.print_notices()  # a damaged lock file it set aside to take it
        if not held:
            holder = lock.holder()
            raise CliError(
                f"a sync is already running (pid {holder if holder else 'unknown'}); nothing "
                "was done. Run again once it has finished.",
                codes.EXIT_LOCKED,
            )
        try:
            return self._run()
        finally:
            lock.release()

    def _run(self) -> int:
        if self.args.restore_last:
            return self.restore_last()
        for leg in self.legs():
            if self.stop.requested:
                break
            code = self._run_leg(leg)
            if code not in PAIR_CODES:
                self.exit_code = code  # the rest would fail alike, or was asked to stop
                break
            if code != codes.EXIT_OK and self.exit_code == codes.EXIT_OK:
                self.exit_code = code
        if not self.args.dry_run and self.sessions:
            self._print_summary()
        return self.stop.exit_code if self.stop.requested else self.exit_code

    def _run_leg(self, leg: Leg) -> int:
        from PySide6.QtCore import QCoreApplication, QTimer

        from songbird_gui.engine.session import RunState, SyncSession

        app = QCoreApplication.instance()
        assert app is not None
        session = SyncSession(self.songbird.context(leg.services), leg.source, leg.target)
        self.sessions.append(session)
        result: dict[str, int] = {}  # the code of the first `finish`: the leg's end
        modes = {p.id: SyncMode(self.args.mode) for p in leg.playlists} if self.args.mode else {}
        allowed = self.args.allow_removals
        target = leg.target.display_name

        def finish(code: int) -> None:
            if not result:  # what closing the session says after that is no news
                result["code"] = code
                app.exit(code)

        def on_state(state: RunState) -> None:
            if state is RunState.STOPPED:  # stopped while reading the playlists
                finish(self.stop.exit_code)

        def on_failed(message: str) -> None:
            self.progress.clear()
            say(message)
            refusal = session.refusal  # the reads were refused: a sign-in ended, a quota
            if refusal is not None:
                say(f"{next_step(refusal)}: nothing was written.")
                finish(refusal_code(refusal))
                return
            failure = session.failure  # the disk full, a read-only folder, a service's failure
            finish(failure.exit_code if failure is not None else codes.EXIT_SERVICE)

        def on_planned() -> None:
            if self.args.dry_run:
                print_plan(session, self.songbird.settings, self.out, self.args.json, self.started)
                finish(codes.EXIT_OK)
                return
            begin(Phase.SEARCHING, f"on {target}")
            session.search()

        def on_search_finished(stopped: bool) -> None:
            self.progress.clear()
            if stopped:
                finish(self.stop.exit_code)
                return
            permitted = {i: allowed for i in range(len(session.plans))} if allowed else None
            begin(Phase.WRITING, f"to {target}")
            session.apply(permitted)

        def on_applied(reports: list[ApplyReport]) -> None:
            set_aside = any(setup.paused for setup in session.setups)  # paused, or refused
            reason = held_back(reports)
            refusal = session.refusal
            if self.stop.requested:
                finish(self.stop.exit_code)
            elif reason in (HeldBack.LOGIN, HeldBack.ACCOUNT, HeldBack.QUOTA):
                if refusal is not None:
                    say(str(refusal))
                    kept = "what was written is kept, and the rest is written then."
                    say(f"{next_step(refusal)}: {kept}")
                finish(HELD_BACK_CODES[reason])
            elif any(r.stopped for r in reports):
                finish(codes.EXIT_GUARD)
            elif reason is not None:  # playlists left uncreated, writes gated behind a dialog
                for words in (creation_stop_words(reports), str(refusal or "")):
                    if words:
                        say(words)
                finish(HELD_BACK_CODES[reason])
            elif set_aside or any(r.gone or (r.failed and not r.landed) for r in reports):
                finish(codes.EXIT_PAIRS_FAILED)
            else:
                finish(codes.EXIT_OK)

        def on_blocked(message: str, reconnect: bool) -> None:
            self.progress.clear()
            say(message)
            refusal = session.refusal
            then = next_step(refusal) if refusal is not None else LATER
            say(f"{then}: what was found so far is remembered, and only the rest is searched.")
            finish(refusal_code(refusal) if refusal is not None else codes.EXIT_SERVICE)

        # What escapes a slot would only reach PySide, which prints it and goes on: the loop
        # would never end. It ends the loop instead, and is raised once the loop has returned,
        # to the entry point's boundary (a reader that went away, the disk full, a bug).
        escaped: list[BaseException] = []

        def guarded(slot: Callable[..., None]) -> Callable[..., None]:
            def called(*args: Any) -> None:
                try:
                    slot(*args)
                except BaseException as error:  # the loop's own boundary, re-raised after it
                    escaped.append(error)
                    finish(codes.EXIT_UNEXPECTED)

            return called

        session.stateChanged.connect(guarded(on_state))
        session.failed.connect(guarded(on_failed))
        session.blocked.connect(guarded(on_blocked))
        session.planned.connect(guarded(on_planned))
        session.progress.connect(
            guarded(lambda done, total: self.progress.show(done, total, session))
        )
        session.searchFinished.connect(guarded(on_search_finished))
        session.applyProgress.connect(
            guarded(lambda done, total: self.progress.show_apply(done, total))
        )
        session.applied.connect(guarded(on_applied))

        # A signal's handler runs only when Python gets control: a timer hands it control ten
        # times a second while Qt's loop runs. It stops the session from within the loop (the
        # loop may not have started yet when the signal comes).
        ticker = QTimer()
        ticker.timeout.connect(lambda: None)
        ticker.start(100)
        try:
            with self.stop.handing_to(lambda: QTimer.singleShot(0, session.stop)):
                begin(Phase.PLANNING, f"{len(leg.playlists)} playlists for {target}")
                session.plan(leg.playlists, leg.target_list, modes)
                app.exec()
        finally:
            ticker.stop()
            session.close()
            # The event loop has returned: waiting here freezes nothing. A request in flight
            # ends within its timeout; the write journal covers a batch cut short.
            session.drain(REQUEST_DRAIN_MS)
        self.progress.clear()
        if escaped:
            raise escaped[0]
        return result.get("code", self.stop.exit_code)

    def restore_last(self) -> int:
        """Put back what each pair's last sync removed, where it was; each entry is marked
        put back as soon as it is, so that a run stopped halfway puts back only the rest
        (and one killed between an add and its mark, journaled, never puts it back twice)."""
        services = self.pair_services()
        context = self.songbird.context(services)
        pairs = context.pairs
        restored_any = False
        for pair in pairs.all():
            removed = [r for r in pairs.last_removals(pair.pair_id) if not r.restored]
            if not removed or pair.target not in services:
                continue
            begin(Phase.PUTTING_BACK, f"{len(removed)} entries into {pair.target_name}")

            def said(entry: RemovedEntry) -> None:
                log.info("sync: put back #%d %s", entry.position + 1, entry.track.describe())

            put = put_back_last_removals(
                pairs, pair, services[pair.target], journal=context.store, on_put_back=said
            )
            restored_any = True
            print(f"{pair.describe()}: put back {plural(put, 'track')}", file=self.out)
        if not restored_any:
            print("Nothing to put back: the last syncs removed nothing.", file=self.out)
        return codes.EXIT_OK

    # -- output ----------------------------------------------------------------------------

    def run_summary(self) -> RunSummary:
        """Every leg's rows counted; the tracks written and held back, from its reports."""
        rows = [row for session in self.sessions for row in session.rows]
        reports = [report for session in self.sessions for report in session.reports]
        written = sum(r.added for r in reports) if reports else None
        return RunSummary.of(rows, written, sum(len(r.held) for r in reports))

    def figures(self) -> dict[str, Any]:
        rows = [row for session in self.sessions for row in session.rows]
        reports = [report for session in self.sessions for report in session.reports]
        search = [s.figures.search_stats for s in self.sessions]
        io = [s.figures.io_stats for s in self.sessions]
        return {
            **self.run_summary().figures(),
            "removed": sum(len(r.removed) for r in reports),
            "moved": sum(r.moved for r in reports),
            "stopped_by_guard": [r.name for r in reports if r.stopped],
            "searched_tracks": sum(1 for r in rows if r.result is not None and r.result.searches),
            "search_requests": sum(s.requests for s in search),
            "retries": sum(s.retries for s in [*search, *io]),
            "rate_limited": sum(s.rate_limited for s in [*search, *io]),
            "created": [r.playlist.name for r in reports if r.created and r.playlist],
            "elapsed_s": round(time.monotonic() - self.started, 2),
            **self._refusal_figures(),
        }

    def _refusal_figures(self) -> dict[str, Any]:
        """What held the run back (a HeldBack's value: "login", "quota", "gated", …), and
        when a quota lets it go on (seconds since the epoch); None and None when nothing
        did."""
        for session in self.sessions:
            refusal = session.refusal
            reason = held_back_by(refusal) if refusal is not None else held_back(session.reports)
            if reason is not None:
                return {"refusal": str(reason), "resume_at": session.resume_at}
        return {"refusal": None, "resume_at": None}

    def _print_summary(self) -> None:
        f = self.figures()
        for session in self.sessions:
            for plan, report in zip(session.plans, session.reports, strict=False):
                where = f"{plan.source.name} → {report.name} ({session.target.display_name})"
                print(f"{where}: {report.outcome()}", file=self.out)
                for position, track in report.removed:
                    print(f"  removed #{position + 1}: {track.describe()}", file=self.out)
                if report.stopped:
                    print(
                        "  nothing was written; to allow it: songbird sync ... "
                        f"--allow-removals {_count_in(report.stopped)}",
                        file=self.out,
                    )
        summary = self.run_summary()
        print(
            f"{summary.sentence()}; {plural(f['search_requests'], 'search', 'searches')}, "
            f"{f['rate_limited']} rate-limited, {f['elapsed_s']} s",
            file=self.out,
        )
        if summary.review:
            print("Open songbird-gui to review the uncertain matches.", file=self.out)
        if self.args.json:
            print(json.dumps(f, ensure_ascii=False), file=self.out)


def _count_in(reason: str) -> str:
    """The number of removals a guard's reason names ("would remove 60 of 200 …")."""
    words = reason.split("would remove ", 1)
    return words[1].split()[0] if len(words) > 1 else "N"
