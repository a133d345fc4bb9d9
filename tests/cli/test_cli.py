"""`songbird` end to end on the bundled demo library, as a person runs it in a terminal."""

from __future__ import annotations

import json

import pytest

from songbird_gui.cli import main
from songbird_gui.core.exit_codes import EXIT_NO_ACCOUNT, EXIT_SERVICE, EXIT_UNKNOWN_PLAYLIST
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.settings import RetrySettings, Settings, SettingsFile
from songbird_gui.services.demo import load_catalogue

# The CLI makes a QCoreApplication when none exists; in this process the other tests need a
# QApplication, so one is made first (pytest-qt's qapp), and the CLI runs under it.
pytestmark = pytest.mark.usefixtures("qapp")

FAST = ["--demo", "--demo-latency-ms", "0", "--demo-limit", "2000", "--rate", "2000"]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


def test_playlists_lists_the_demo_library(capsys):
    code, out, _ = run(capsys, "playlists", "--demo", "--json")
    assert code == 0
    names = [p["name"] for p in json.loads(out)]
    assert names[0] == "Liked Songs"
    assert "Road Trip" in names and "World Sounds" in names


def test_sync_then_resync_adds_nothing_and_searches_nothing(capsys):
    code, out, err = run(capsys, "sync", *FAST, "--playlist", "Road Trip", "--json")
    assert code == 0, err
    first = last_json(out)
    for key in ("considered", "matched", "review", "not_found", "failed", "added",
                "search_requests", "rate_limited", "elapsed_s"):  # fmt: skip
        assert key in first
    catalogue = load_catalogue()
    road_trip = next(
        p for p in catalogue["services"]["spotify"]["playlists"] if p["name"] == "Road Trip"
    )
    assert first["considered"] == len(road_trip["tracks"])
    # The YouTube Music "Road Trip" already holds about half of them: only the rest is added.
    assert first["already_there"] > 20
    assert first["added"] > 0
    assert first["added"] <= first["considered"] - first["already_there"]
    assert first["search_requests"] <= 1.2 * (first["considered"] - first["already_there"]) + 5
    assert "Road Trip → Road Trip (YouTube Music): updated" in out

    code, out, err = run(capsys, "sync", *FAST, "--playlist", "road trip", "--json")
    assert code == 0, err
    second = last_json(out)
    assert second["search_requests"] == 0
    assert second["added"] == 0

    code, out, _ = run(capsys, "playlists", "--demo", "--service", "ytmusic", "--json")
    road = [p for p in json.loads(out) if p["name"] == "Road Trip"]
    assert len(road) == 1  # updated in place, not created again


def test_dry_run_plans_and_writes_nothing(capsys):
    code, out, _ = run(capsys, "sync", *FAST, "--playlist", "Gym Mix", "--dry-run", "--json")
    assert code == 0
    plan = last_json(out)
    assert plan["to_search"] > 0 and plan["estimated_requests"] >= plan["to_search"]
    assert "nothing was written" in out
    code, out, _ = run(capsys, "playlists", "--demo", "--service", "ytmusic", "--json")
    assert "Gym Mix" not in [p["name"] for p in json.loads(out)]


def test_unknown_playlist_is_a_clear_message(capsys):
    code, _, err = run(capsys, "sync", *FAST, "--playlist", "Nope")
    assert code == EXIT_UNKNOWN_PLAYLIST
    assert 'no playlist named "Nope"' in err and "Road Trip" in err
    assert "Traceback" not in err


def test_bad_arguments_exit_2(capsys):
    with pytest.raises(SystemExit) as same:
        main(["sync", "--demo", "--from", "spotify", "--to", "spotify", "--all"])
    assert same.value.code == 2
    with pytest.raises(SystemExit) as nothing:
        main(["sync", "--demo"])
    assert nothing.value.code == 2
    assert "say what to sync" in capsys.readouterr().err


def test_no_account_without_demo(capsys, test_keyring):
    code, _, err = run(capsys, "sync", "--all")
    assert code == EXIT_NO_ACCOUNT
    assert "--demo" in err


def test_a_dead_service_is_a_clear_message(capsys):
    # Quick retries, as a person could set them in settings.json: still a clear failure.
    paths = AppPaths.default()
    SettingsFile(paths.settings_file).save(Settings(retry=RetrySettings(3, 0.01, 0.02)))
    code, _, err = run(
        capsys, "sync", "--demo", "--demo-latency-ms", "0", "--demo-faults", "1", "--all"
    )
    assert code == EXIT_SERVICE
    assert "could not read the playlists" in err
    assert "Traceback" not in err
