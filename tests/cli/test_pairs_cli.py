"""Keeping playlists in sync from the command line, on the demo library: pairs, mirror mode,
the guard against mass removal, putting removals back, and `show` / `demo-change`."""

from __future__ import annotations

import json

import pytest

from songbird_gui.cli import main
from songbird_gui.core.exit_codes import EXIT_GUARD, EXIT_NO_ACCOUNT, EXIT_OK, EXIT_PAIRS_FAILED
from songbird_gui.core.paths import AppPaths

pytestmark = pytest.mark.usefixtures("qapp")

FAST = ["--demo", "--demo-latency-ms", "0", "--demo-limit", "2000", "--rate", "2000"]
DEMO = ["--demo", "--demo-latency-ms", "0"]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def last_json(text: str):
    return json.loads(text.strip().splitlines()[-1])


def shown(capsys, name: str, service: str) -> list[str]:
    code, out, err = run(capsys, "show", name, "--service", service, *DEMO, "--json")
    assert code == EXIT_OK, err
    return [row["id"] for row in json.loads(out)]


def first_sync(capsys, *extra: str) -> dict:
    code, out, err = run(capsys, "sync", *FAST, "--playlist", "Road Trip", "--json", *extra)
    assert code == EXIT_OK, err
    return last_json(out)


def test_a_synced_playlist_becomes_a_pair_and_mode_is_set_per_pair(capsys):
    first_sync(capsys)
    code, out, _ = run(capsys, "pairs", *DEMO, "--json")
    assert code == EXIT_OK
    (pair,) = json.loads(out)
    assert (pair["source_playlist"], pair["target_playlist"], pair["mode"]) == (
        "Road Trip",
        "Road Trip",
        "add",
    )
    assert pair["last_sync"] is not None
    first_sync(capsys, "--mode", "mirror")
    code, out, _ = run(capsys, "pairs", *DEMO)
    assert "Road Trip (Spotify) → Road Trip (YouTube Music), mirror" in out
    assert "synced just now" in out


def test_mirror_follows_removals_and_order_and_keeps_what_you_added_by_hand(capsys):
    first_sync(capsys, "--mode", "mirror")
    source = shown(capsys, "Road Trip", "spotify")
    # The person edits the source on the service, and adds a song by hand on the target.
    code, out, _ = run(
        capsys, "demo-change", "Road Trip", "--remove", "3", "--move", "2", "--seed", "4", *DEMO
    )
    assert code == EXIT_OK and out.count("removed: ") == 3
    left = {line.split("removed: ")[1] for line in out.splitlines() if "removed: " in line}
    code, out, _ = run(
        capsys, "demo-change", "Road Trip", "--service", "ytmusic", "--add", "1", "--seed", "5",
        *DEMO,
    )  # fmt: skip
    hand_added = shown(capsys, "Road Trip", "ytmusic")[-1]
    assert shown(capsys, "Road Trip", "spotify") != source

    code, out, err = run(capsys, "sync", *FAST, "--pairs", "--dry-run", "--json")
    assert code == EXIT_OK, err
    plan = last_json(out)
    # What left the source and had a match on the target leaves it (one of the three had
    # none: it waits in review).
    assert 1 <= plan["planned_removals"] <= 3 and plan["planned_moves"] >= 1
    assert out.count("would remove #") == plan["planned_removals"]

    code, out, err = run(capsys, "sync", *FAST, "--pairs", "--json")
    assert code == EXIT_OK, err
    done = last_json(out)
    assert done["removed"] == plan["planned_removals"] and done["moved"] >= 1
    removed = [line.split(": ", 1)[1] for line in out.splitlines() if "  removed #" in line]
    assert len(removed) == done["removed"]
    left_titles = {gone.split(" · ")[0] for gone in left}  # the target may add "(Official Video)"
    assert all(any(title.startswith(t) for t in left_titles) for title in removed)
    target = shown(capsys, "Road Trip", "ytmusic")
    assert hand_added in target  # the person's own stays

    code, out, _ = run(capsys, "sync", *FAST, "--pairs", "--json")
    again = last_json(out)
    assert (again["added"], again["removed"], again["moved"]) == (0, 0, 0)
    assert shown(capsys, "Road Trip", "ytmusic") == target

    code, out, _ = run(capsys, "sync", *DEMO, "--pairs", "--restore-last")
    assert code == EXIT_OK and f"put back {done['removed']} track" in out
    assert len(shown(capsys, "Road Trip", "ytmusic")) == len(target) + done["removed"]


def test_the_guard_refuses_a_mass_removal_unless_allowed(capsys):
    first_sync(capsys, "--mode", "mirror")
    before = shown(capsys, "Road Trip", "ytmusic")
    run(capsys, "demo-change", "Road Trip", "--remove", "60", "--seed", "1", *DEMO)
    code, out, err = run(capsys, "sync", *FAST, "--pairs", "--json")
    assert code == EXIT_GUARD, err
    assert "nothing written: would remove" in out and "--allow-removals" in out
    assert shown(capsys, "Road Trip", "ytmusic") == before  # nothing written at all
    code, out, err = run(capsys, "sync", *FAST, "--pairs", "--allow-removals", "60", "--json")
    assert code == EXIT_OK, err
    assert last_json(out)["removed"] > 20


def test_an_emptied_source_is_never_trusted_silently(capsys):
    first_sync(capsys, "--mode", "mirror")
    run(capsys, "demo-change", "Road Trip", "--remove", "1000", *DEMO)
    code, out, _ = run(capsys, "sync", *FAST, "--pairs")
    assert code == EXIT_GUARD
    assert "came back empty" in out


def test_the_demos_pairs_stay_apart_from_the_persons(capsys, test_keyring):
    first_sync(capsys)
    code, _, err = run(capsys, "pairs")  # the person's library: no account connected
    assert code == EXIT_NO_ACCOUNT and "--demo" in err


def test_a_sync_the_other_way_is_refused_before_writing_and_exits_6(capsys):
    """Before, `sync --from ytmusic --to spotify --playlist P` for a P synced the other way
    wrote into Spotify's P, then said the pair was refused, "updated, 5 added", exit 0."""
    first_sync(capsys)
    before = shown(capsys, "Road Trip", "spotify")
    code, out, err = run(
        capsys, "sync", *FAST, "--from", "ytmusic", "--to", "spotify", "--playlist", "Road Trip"
    )
    assert code == EXIT_PAIRS_FAILED, err
    (line,) = [s for s in out.splitlines() if s.startswith("Road Trip → ")]
    assert line == (
        "Road Trip → Road Trip (Spotify): not synced: “Road Trip” on Spotify already syncs "
        "into “Road Trip”: two pairs syncing two playlists into each other would undo each "
        "other's changes. Unlink that pair first."
    )
    assert shown(capsys, "Road Trip", "spotify") == before  # nothing written


def test_a_pair_whose_target_was_deleted_is_paused_and_exits_6(capsys):
    """Before, the first sync after its target was deleted paused the pair but ended with
    exit 0 and "62 failed"."""
    code, _, err = run(capsys, "sync", *FAST, "--playlist", "Gym Mix")  # created on YT Music
    assert code == EXIT_OK, err
    state = AppPaths.default().demo_state_dir / "demo-ytmusic.json"
    kept = json.loads(state.read_text(encoding="utf-8"))  # deleted in the service's app
    kept["playlists"] = [p for p in kept["playlists"] if p["name"] != "Gym Mix"]
    state.write_text(json.dumps(kept), encoding="utf-8")
    code, out, err = run(capsys, "sync", *FAST, "--playlist", "Gym Mix")
    assert code == EXIT_PAIRS_FAILED, err
    (line,) = [s for s in out.splitlines() if s.startswith("Gym Mix → ")]
    assert line == (
        "Gym Mix → Gym Mix (YouTube Music): not synced: “Gym Mix” is no longer on "
        "YouTube Music: the pair is paused (unlink it, or choose where it goes)."
    )
    code, out, _ = run(capsys, "pairs", *DEMO, "--json")
    (pair,) = json.loads(out)
    assert pair["paused"].startswith("“Gym Mix” is no longer on YouTube Music")
