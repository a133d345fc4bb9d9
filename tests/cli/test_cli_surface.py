"""The command line's surface, pinned: every command, its options, the words its options take,
the arguments it refuses, and the keys of every JSON it prints.

Scripts and cron lines are written against this surface; a change to it breaks them, so it
changes only on purpose, here first. The commands run in-process through `main(argv)`, on the
demo library with a millisecond of latency.
"""

from __future__ import annotations

import argparse
import json
from enum import Enum
from pathlib import Path

import pytest

from songbird_gui.cli import build_parser, main
from songbird_gui.cli.parser import parse_command_line

pytestmark = pytest.mark.usefixtures("qapp")

DEMO = ["--demo", "--demo-latency-ms", "1"]
FAST = [*DEMO, "--demo-limit", "2000", "--rate", "2000"]

# The options every command on a library shares (the demo's, and the secrets file).
LIBRARY = [
    "--demo flag",
    "--demo-latency-ms VALUE",
    "--demo-limit VALUE",
    "--demo-faults VALUE",
    "--demo-reset flag",
    "--demo-quirks VALUE",
    "--secrets-file VALUE",
]

# Each option as `names VALUE|flag [repeatable] [choices=…] [default=…]`; a positional
# argument by its name, `[VALUE]` when it may be left out.
SURFACE = {
    "playlists": ["--service VALUE default=spotify", "--json flag", *LIBRARY, "--file VALUE"],
    "eval-matches": ["file VALUE", "--json flag"],
    "sync": [
        "--from VALUE default=spotify",
        "--to VALUE default=ytmusic",
        "--file VALUE",
        "--playlist VALUE repeatable default=[]",
        "--all flag",
        "--liked flag",
        "--pairs flag",
        "--mode VALUE choices=add|mirror|exact",
        "--allow-removals VALUE",
        "--restore-last flag",
        "--workers VALUE",
        "--rate VALUE",
        "--dry-run flag",
        "--json flag",
        *LIBRARY,
    ],
    "pairs": ["--json flag", *LIBRARY],
    "show": ["playlist VALUE", "--service VALUE default=spotify", "--json flag", *LIBRARY],
    "matches": [
        "action [VALUE] choices=list|forget|export|import default=list",
        "argument [VALUE]",
        "--json flag",
        "--query VALUE",
        "--decided VALUE choices=auto|you|hand|never",
        *LIBRARY,
    ],
    "demo-change": [
        "playlist VALUE",
        "--service VALUE default=spotify",
        "--remove VALUE default=0",
        "--add VALUE default=0",
        "--move VALUE default=0",
        "--seed VALUE",
        *LIBRARY,
    ],
    "export": [
        "playlist [VALUE]",
        "--all flag",
        "--service VALUE default=spotify",
        "--format VALUE choices=csv|jspf|xspf|m3u8",
        "-o --output VALUE",
        *LIBRARY,
    ],
    "export-secrets": ["path VALUE"],
}


def described(action: argparse.Action) -> str:
    """One option as SURFACE writes it."""
    if action.option_strings:
        words = [" ".join(action.option_strings), "flag" if action.nargs == 0 else "VALUE"]
    else:
        words = [action.dest, "[VALUE]" if action.nargs == "?" else "VALUE"]
    if isinstance(action, argparse._AppendAction):
        words.append("repeatable")
    if action.choices is not None:
        words.append("choices=" + "|".join(str(c) for c in action.choices))
    default = action.default
    if default is not None and default is not False:
        shown = default.value if isinstance(default, Enum) else default
        words.append(f"default={shown}")
    return " ".join(words)


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (chooser,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(chooser.choices)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


def test_the_commands_and_their_options():
    parser = build_parser()
    commands = subcommands(parser)
    assert list(commands) == list(SURFACE)
    for name, command in commands.items():
        options = [
            described(a) for a in command._actions if not isinstance(a, argparse._HelpAction)
        ]
        assert options == SURFACE[name], name
    top = [a.option_strings for a in parser._actions if a.option_strings]
    assert top == [["-h", "--help"], ["--version"]]


@pytest.mark.parametrize(
    "args",
    [
        ["playlists", "--service", "spotify"],
        ["playlists", "--service", "YTMusic"],
        ["playlists", "--service", "youtube"],
        ["sync", "--from", "ytmusic", "--to", "spotify", "--all"],
        ["sync", "--all", "--workers", "1", "--rate", "0.5", "--allow-removals", "1"],
        ["sync", "--pairs", "--restore-last"],
        ["sync", "--playlist", "A", "--playlist", "B", "--liked", "--mode", "exact"],
        ["sync", "--all", "--demo-limit", "3", "--demo-faults", "1", "--demo-latency-ms", "5"],
        ["sync", "--all", "--demo-quirks", "followed,quota"],
        ["matches"],
        ["matches", "forget", "ab12"],
        ["matches", "import", "x.json", "--json"],
        ["matches", "list", "--query", "road", "--decided", "never"],
        ["demo-change", "Road Trip", "--remove", "1", "--seed", "3"],
        ["matches", "forget", "--demo", "ab12"],
    ],
)
def test_the_words_each_option_takes(args):
    parse_command_line(args)  # no SystemExit: options anywhere among a command's arguments


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["playlists", "--service", "deezer"], "choose spotify or ytmusic"),
        (["sync", "--all", "--workers", "0"], "must be 1 or more"),
        (["sync", "--all", "--allow-removals", "0"], "must be 1 or more"),
        (["sync", "--all", "--rate", "0"], "must be more than 0"),
        (["sync", "--all", "--demo-limit", "nan"], "must be a number from 0.1 to 1e+06"),
        (["sync", "--all", "--demo-latency-ms", "-5"], "must be a number from 0 to 10000 ms"),
        (["demo-change", "P", "--remove", "-1"], "must be a whole number from 0 to 10000"),
        (["sync", "--all", "--demo-quirks", "slow"], "no demo quirk named slow"),
        (["sync", "--all", "--demo-faults", "1.5"], "must be a number from 0 to 1, not 1.5"),
        (["sync", "--all", "--mode", "merge"], "invalid choice"),
        (["sync", "--all", "--from", "ytmusic"], "--from and --to must be different services"),
        (["sync"], "say what to sync: --playlist NAME, --all, --liked or --pairs"),
        (["sync", "--pairs", "--all"], "--pairs syncs every pair: name no playlist with it"),
        (["sync", "--all", "--restore-last"], "--restore-last goes with --pairs"),
        (["matches", "forget"], "matches forget needs an ID"),
        (["matches", "export"], "matches export needs a FILE"),
        (["matches", "list", "x"], "say what to do with it: matches forget ID, export FILE"),
        (["matches", "forget", "ab", "--query", "x"], "--query and --decided go with the listing"),
        (["show"], "the following arguments are required: PLAYLIST"),
        (["export-secrets"], "the following arguments are required: PATH"),
        (["dance"], "invalid choice: 'dance'"),
        ([], "the following arguments are required: command"),
    ],
)
def test_what_the_command_line_refuses_and_how(args, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(args)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


RUN_FIGURES = {
    "considered", "matched", "review", "not_found", "failed", "held_back", "added",
    "already_there", "not_syncable", "not_searched", "skipped", "duplicates",
}  # fmt: skip
TRACK_KEYS = {"id", "title", "artists", "album", "duration_ms", "kind"}


def test_the_json_of_sync_pairs_show_playlists_and_matches(capsys, tmp_path: Path):
    # A dry run of a playlist not yet on the target, then the real run.
    plan = last_json(run(capsys, "sync", *FAST, "--playlist", "Gym Mix", "--dry-run", "--json"))
    assert set(plan) == RUN_FIGURES | {
        "to_search", "remembered", "planned_adds", "planned_removals", "planned_moves",
        "estimated_requests", "estimated_s", "search_requests", "rate_limited", "elapsed_s",
    }  # fmt: skip
    assert plan["to_search"] > 0 and plan["search_requests"] == 0

    figures = last_json(run(capsys, "sync", *FAST, "--playlist", "Gym Mix", "--json"))
    assert set(figures) == RUN_FIGURES | {
        "removed", "moved", "stopped_by_guard", "searched_tracks", "search_requests", "retries",
        "rate_limited", "created", "elapsed_s", "refusal", "resume_at",
    }  # fmt: skip
    assert (figures["refusal"], figures["resume_at"]) == (None, None)
    assert figures["created"] == ["Gym Mix"] and figures["search_requests"] > 0

    (pair,) = json.loads(run(capsys, "pairs", *DEMO, "--json"))
    assert set(pair) == {
        "id", "source", "source_playlist", "source_id", "target", "target_playlist",
        "target_id", "mode", "schedule_hours", "schedule", "last_sync", "next_sync", "paused",
    }  # fmt: skip

    entries = json.loads(run(capsys, "show", "Gym Mix", "--service", "ytmusic", *DEMO, "--json"))
    assert entries and {frozenset(e) for e in entries} == {
        frozenset({"position", "id", "title", "artists", "duration_ms"})
    }

    playlists = json.loads(run(capsys, "playlists", *DEMO, "--json"))
    assert playlists and {frozenset(p) for p in playlists} == {
        frozenset({"id", "name", "owner", "tracks", "kind"})
    }

    rows = json.loads(run(capsys, "matches", *DEMO, "--json"))
    assert rows and {frozenset(r) for r in rows} == {
        frozenset({
            "id", "decided", "state", "source_key", "source", "target_service", "target_id",
            "target", "score", "decided_at", "playlists",
        })
    }  # fmt: skip
    assert {frozenset(r["source"]) for r in rows} == {frozenset(TRACK_KEYS)}
    assert {frozenset(r["target"]) for r in rows} == {frozenset(TRACK_KEYS)}

    exported = tmp_path / "matches.json"
    run(capsys, "matches", *DEMO, "export", str(exported))
    merged = last_json(run(capsys, "matches", *DEMO, "import", str(exported), "--json"))
    assert set(merged) == {"added", "replaced", "kept", "unchanged", "dropped", "never_added"}
