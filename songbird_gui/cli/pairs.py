"""`songbird pairs`: the remembered sync pairs, their modes, last and next syncs."""

from __future__ import annotations

import argparse
import json
import time

from songbird_gui.cli.command import Command
from songbird_gui.cli.options import add_library_options
from songbird_gui.core.exit_codes import EXIT_OK
from songbird_gui.core.pairs import PairStore
from songbird_gui.core.schedule import Schedule, in_words, next_sync


class PairsCommand(Command):
    name = "pairs"
    summary = "the remembered sync pairs"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="print JSON")
        add_library_options(parser)

    def execute(self) -> int:
        # The person's pairs are theirs to see once their accounts are connected: no
        # service is asked anything (the network may be down).
        self.require_accounts("`songbird pairs` lists the pairs between them")
        pairs = PairStore(self.memory).all()
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
