"""What `songbird sync --dry-run` prints: per playlist what it would search, add, remove and
move, then an estimate of the requests and the time, and with --json the plan's figures."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, TextIO

from songbird_gui.core.planner import estimate_search
from songbird_gui.core.settings import Settings
from songbird_gui.core.types import EntryState, TrackStatus
from songbird_gui.engine.summary import plural

if TYPE_CHECKING:
    from songbird_gui.engine.session import SyncSession

# A dry run names the tracks it would search, up to this many per playlist (a first sync of
# a big playlist would list them all).
SHOWN_SEARCHES = 20


def print_plan(
    session: SyncSession, settings: Settings, out: TextIO, as_json: bool, started: float
) -> None:
    """The plan of `session`'s leg; `started` is when the command started (for elapsed_s)."""
    rate = settings.rate_for(session.target)
    estimate = estimate_search(session.plans, rate)
    previews = session.previews()
    for plan, setup, (preview, verdict) in zip(
        session.plans, session.setups, previews, strict=True
    ):
        target = plan.target.name if plan.target else f"{plan.target_name} (new)"
        print(
            f"{plan.source.name} → {target} ({setup.mode.words}): "
            f"{plural(len(plan.entries), 'entry', 'entries')}, "
            f"{plan.count(EntryState.SEARCH)} to search; would add "
            f"{len(preview.additions)}, remove {len(preview.removals)}, "
            f"move {len(preview.moves)}",
            file=out,
        )
        searching = plan.to_search
        for entry in searching[:SHOWN_SEARCHES]:
            print(f"  would search #{entry.position}: {entry.source.describe()}", file=out)
        if len(searching) > SHOWN_SEARCHES:
            print(f"  … and {len(searching) - SHOWN_SEARCHES} more to search", file=out)
        for removal in preview.removals:
            print(
                f"  would remove #{removal.index + 1}: {removal.entry.track.describe()} "
                f"({removal.reason})",
                file=out,
            )
        if verdict.stop:
            print(f"  the guard would stop it: {verdict.reason}", file=out)
    print(
        f"Dry run: {plural(estimate.tracks, 'track')} to search, about "
        f"{plural(estimate.requests, 'request')}, about {estimate.seconds:.0f} s at "
        f"{rate.rate:g} requests/s; nothing was written.",
        file=out,
    )
    if as_json:
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
                    "planned_adds": sum(len(p.additions) for p, _ in previews),
                    "planned_removals": sum(len(p.removals) for p, _ in previews),
                    "planned_moves": sum(len(p.moves) for p, _ in previews),
                    "estimated_requests": estimate.requests,
                    "estimated_s": round(estimate.seconds, 1),
                    "search_requests": 0,
                    "rate_limited": 0,
                    "elapsed_s": round(time.monotonic() - started, 2),
                },
                ensure_ascii=False,
            ),
            file=out,
        )
