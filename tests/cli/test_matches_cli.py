"""`songbird matches` on the demo library: listing, forgetting (and what the next sync then
searches), export and import between two machines, the demo's memory kept apart, exit codes,
and a reported wrong match judged by `songbird eval-matches`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from songbird_gui.app import Songbird
from songbird_gui.cli import main
from songbird_gui.core.exit_codes import EXIT_OK, EXIT_UNKNOWN_PLAYLIST, EXIT_USAGE
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.planner import find_target_playlist, plan_sync
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.throttle import gather
from songbird_gui.core.types import Candidate, Decision, MatchResult, ServiceId, Track
from songbird_gui.core.wrong_match import append_case, wrong_match_case
from songbird_gui.services.demo import DemoConfig
from tests.cli.test_concurrent_sync import env_in
from tests.cli.test_pairs_cli import DEMO, FAST, run

pytestmark = pytest.mark.usefixtures("qapp")


def listed(capsys, *args: str) -> list[dict]:
    code, out, err = run(capsys, "matches", *DEMO, "--json", *args)
    assert code == EXIT_OK, err
    return json.loads(out)


def synced(capsys) -> None:
    code, _, err = run(capsys, "sync", *FAST, "--playlist", "Road Trip", "--json")
    assert code == EXIT_OK, err


def test_the_listing_shows_each_decision_with_its_id_and_where_it_is(capsys):
    synced(capsys)
    rows = listed(capsys)
    assert rows and all(r["decided"] == "auto" for r in rows)
    matched = [r for r in rows if r["state"] == "accept" and r["playlists"]]
    assert matched and all(r["playlists"] == ["Road Trip"] for r in matched)
    review = [r for r in rows if r["state"] == "review"]
    assert review and all(r["playlists"] == [] for r in review)  # not written anywhere
    first = matched[0]
    assert {"id", "source", "target", "score", "decided_at", "target_service"} <= set(first)
    assert first["source"]["title"] and first["target"]["title"]
    # --query and --decided choose rows; the text listing names the tracks.
    title = first["source"]["title"]
    assert [r["id"] for r in listed(capsys, "--query", title)] == [first["id"]]
    assert listed(capsys, "--decided", "you") == []
    code, out, _ = run(capsys, "matches", *DEMO, "--query", title)
    assert code == EXIT_OK and out.startswith(first["id"]) and title in out
    assert "automatic" in out and "[Road Trip]" in out


def test_after_forget_a_dry_run_searches_that_track_again(capsys):
    synced(capsys)
    (not_on_target, *_) = [r for r in listed(capsys) if r["state"] == "review"]
    code, out, _ = run(capsys, "sync", *FAST, "--playlist", "Road Trip", "--dry-run", "--json")
    assert json.loads(out.strip().splitlines()[-1])["to_search"] == 0

    code, out, _ = run(capsys, "matches", *DEMO, "forget", not_on_target["id"])
    assert code == EXIT_OK
    assert f"Forgot the decision for {not_on_target['source']['title']}" in out
    assert not_on_target["id"] not in {r["id"] for r in listed(capsys)}

    code, out, _ = run(capsys, "sync", *FAST, "--playlist", "Road Trip", "--dry-run", "--json")
    assert code == EXIT_OK
    assert json.loads(out.strip().splitlines()[-1])["to_search"] == 1
    assert "1 to search" in out
    # Its listing names that very track, the one the plan searches.
    (line,) = [s for s in out.splitlines() if s.lstrip().startswith("would search")]
    assert f": {not_on_target['source']['title']} · " in line
    # The one entry the plan searches is that very track.
    paths = AppPaths.default()
    songbird = Songbird(paths, demo=DemoConfig(state_dir=paths.demo_state_dir))
    try:
        services = songbird.demo_services()
        spotify, ytmusic = services[ServiceId.SPOTIFY], services[ServiceId.YTMUSIC]
        sources, targets = gather([spotify.list_playlists, ytmusic.list_playlists])
        (road,) = [p for p in sources if p.name == "Road Trip"]
        target = find_target_playlist(road, targets)
        plan = plan_sync(
            road,
            spotify.playlist_tracks(road),
            ServiceId.YTMUSIC,
            target,
            ytmusic.playlist_tracks(target) if target else [],
            songbird.demo_store,
            Matcher(songbird.settings.match),
        )
        assert [e.source.key for e in plan.to_search] == [not_on_target["source_key"]]
    finally:
        songbird.close()


def test_forget_of_an_unknown_id_and_bad_arguments_have_their_exit_codes(capsys):
    code, _, err = run(capsys, "matches", *DEMO, "forget", "0000000000")
    assert code == EXIT_UNKNOWN_PLAYLIST and "no remembered decision has the id" in err
    with pytest.raises(SystemExit) as stopped:
        main(["matches", "forget"])
    assert stopped.value.code == EXIT_USAGE
    with pytest.raises(SystemExit) as stopped:
        main(["matches", "export", "x.json", "--query", "a"])
    assert stopped.value.code == EXIT_USAGE
    capsys.readouterr()


def test_the_demos_memory_is_its_own(capsys, tmp_path):
    synced(capsys)
    assert listed(capsys)  # the demo's
    code, out, _ = run(capsys, "matches", "--json")
    assert code == EXIT_OK and json.loads(out) == []  # the person's: nothing of the demo's
    code, out, _ = run(capsys, "matches", *DEMO, "export", str(tmp_path / "demo.json"))
    assert code == EXIT_OK and "Exported" in out
    code, _, err = run(capsys, "matches", "import", str(tmp_path / "demo.json"))
    assert code == EXIT_USAGE and "the demo library" in err and "--demo" in err
    code, out, _ = run(capsys, "matches", "--json")
    assert json.loads(out) == []


def test_export_and_import_carry_every_decision_to_another_machine(
    capsys, tmp_path, monkeypatch, user_dirs
):
    synced(capsys)
    before = listed(capsys)
    (wrong, *_) = [r for r in before if r["state"] == "accept"]
    path = tmp_path / "matches.json"
    code, out, _ = run(capsys, "matches", *DEMO, "export", str(path))
    assert code == EXIT_OK
    assert out.strip() == (f"Exported {len(before)} decisions and 0 “never this one” to {path}.")

    # Another machine: its own folders, where the person once chose by hand for one track.
    other = tmp_path / "other"
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(variable, str(other / variable))
    paths = AppPaths.default()
    songbird = Songbird(paths, demo=DemoConfig(state_dir=paths.demo_state_dir))
    try:
        source = Track(ServiceId.SPOTIFY, wrong["source"]["id"], wrong["source"]["title"])
        mine = Candidate(Track(ServiceId.YTMUSIC, "yt-mine", "My Pick", ("Me",)), 0.5)
        found_by_hand = MatchResult(source, Decision.ACCEPT, mine, ())
        songbird.demo_store.remember(found_by_hand, ServiceId.YTMUSIC, by_person=True)
    finally:
        songbird.close()

    code, out, _ = run(capsys, "matches", *DEMO, "import", str(path), "--json")
    assert code == EXIT_OK
    figures = json.loads(out.strip().splitlines()[-1])
    assert figures["added"] == len(before) - 1 and figures["kept"] == 1
    assert f"kept: {wrong['source']['title']}" in out and "My Pick" in out
    after = {r["source_key"]: r for r in listed(capsys)}
    assert len(after) == len(before)
    assert after[wrong["source_key"]]["decided"] == "hand"  # the person's, whatever the dates
    # Imported again: nothing changes.
    code, out, _ = run(capsys, "matches", *DEMO, "import", str(path), "--json")
    assert json.loads(out.strip().splitlines()[-1])["unchanged"] == len(before) - 1


def test_a_file_that_is_not_an_export_is_a_clear_message(capsys, tmp_path):
    (tmp_path / "bad.json").write_text("[1, 2]", encoding="utf-8")
    code, _, err = run(capsys, "matches", *DEMO, "import", str(tmp_path / "bad.json"))
    assert code == EXIT_USAGE and "not a file of Songbird matches" in err
    code, _, err = run(capsys, "matches", *DEMO, "import", str(tmp_path / "none.json"))
    assert code == EXIT_USAGE and "cannot read" in err


@pytest.mark.parametrize("direction", ["spotify", "ytmusic"])
def test_a_reported_case_loads_in_eval_matches(capsys, tmp_path: Path, direction):
    sp = Track(ServiceId.SPOTIFY, "sp4", "Harbor Lights", ("Nils Arden",), "Coast", 230_000)
    yt_live = Track(
        ServiceId.YTMUSIC, "yt4", "Harbor Lights (Live)", ("Nils Arden",), None, 281_000
    )
    yt = Track(ServiceId.YTMUSIC, "yt5", "Harbor Lights", ("Nils Arden",), "Coast", 230_000)
    if direction == "spotify":
        case = wrong_match_case(sp, [Candidate(yt_live, 0.9), Candidate(yt, 0.8)], yt, None,
                                None, 1_700_000_000)  # fmt: skip
    else:
        sp_live = Track(ServiceId.SPOTIFY, "sp9", "Harbor Lights - Live", ("Nils Arden",),
                        None, 281_000)  # fmt: skip
        case = wrong_match_case(yt, [Candidate(sp_live, 0.9), Candidate(sp, 0.8)], sp, None,
                                None, 1_700_000_000)  # fmt: skip
    append_case(tmp_path / "reported.json", case)
    code, out, err = run(capsys, "eval-matches", str(tmp_path / "reported.json"), "--json")
    assert code == EXIT_OK, err
    lines = out.strip().splitlines()
    assert lines[0].startswith(case["id"]) and " right " in lines[0]
    assert json.loads(lines[-1])["cases"] == 1 and json.loads(lines[-1])["top1"] == 1.0


def test_a_listing_read_only_in_part_ends_quietly(tmp_path):
    # `songbird matches | head -1`: the reader goes away; no traceback, no complaint.
    listing = subprocess.Popen(
        [sys.executable, "-m", "songbird_gui.cli", "matches", "--demo"],
        env=env_in(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    listing.stdout.close()  # gone before a line is read
    _, err = listing.communicate(timeout=120)
    assert listing.returncode == 0, err
    assert b"Traceback" not in err and b"BrokenPipe" not in err


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"\xff\xfe{}", "it is not text (UTF-8)"),
        (b"[" * 200_000 + b"]" * 200_000, "it is not a file of Songbird matches"),
        (b'{"decisions": [' * 100_000, "it is nested deeper than any export"),
        (
            b'{"format": "songbird-matches", "version": 1, "library": "demo", "decisions": '
            b'[{"source_key": "spotify:a", "target_service": "ytmusic", "decision": "accept", '
            b'"origin": "scored", "decided_at": NaN}]}',
            "decision 1: its date is not a number",
        ),
        (
            b'{"format": "songbird-matches", "version": 1, "library": "demo", "decisions": '
            b'[{"source_key": "spotify:a", "target_service": "ytmusic", "decision": "accept", '
            b'"origin": "scored", "decided_at": 1e999}]}',
            "decision 1: its date is not a number",
        ),
    ],
    ids=["not-utf8", "deep-list", "deep-object", "nan-date", "infinity"],
)
def test_an_import_that_cannot_be_used_is_exit_2_in_one_sentence(
    capsys, tmp_path: Path, content: bytes, why: str
) -> None:
    """Before, each of these was a traceback."""
    path = tmp_path / "songbird-matches.json"
    path.write_bytes(content)
    code, out, err = run(capsys, "matches", "import", str(path), "--demo")
    assert code == EXIT_USAGE and out == ""
    assert err == f"songbird: {path} was not imported: {why}\n"
