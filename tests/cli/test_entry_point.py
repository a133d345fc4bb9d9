"""The command line's entry point as a person meets it: one error boundary (whatever ends a
command, one sentence on stderr and the README's exit code, a bug's trace in the log and
never on the terminal), the kept files' notices said where the person is, options anywhere
among a command's arguments, and a command that reads one service needing only that one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from songbird_gui.cli import main
from songbird_gui.cli.pairs import PairsCommand
from songbird_gui.core.exit_codes import EXIT_NO_ACCOUNT, EXIT_OK, EXIT_UNEXPECTED
from songbird_gui.core.log_file import log_file
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.types import ServiceId
from songbird_gui.services.accounts import Accounts
from songbird_gui.services.demo import state_file
from songbird_gui.services.secrets import FileSecretStore
from tests.cli.test_concurrent_sync import env_in
from tests.reliability.fake_apis import FakeSpotify, FakeYouTubeMusic, twin_catalogue
from tests.reliability.fault_server import FaultServer, route_to
from tests.security.test_no_secret_left_behind import COOKIE_VALUE, HEADERS

pytestmark = pytest.mark.usefixtures("qapp", "songbird_log")

FAST = ["--demo", "--demo-latency-ms", "0", "--demo-limit", "2000", "--rate", "2000"]
ENDS_WITHIN_S = 120.0  # a dry run of the demo takes seconds; only a hang reaches this


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_an_unexpected_error_is_one_sentence_and_exit_12_its_trace_in_the_log(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, a bug reached the terminal as a Python traceback and exit 1."""

    def a_bug(self: PairsCommand) -> int:
        return {}["no such key"]  # type: ignore[no-any-return]

    monkeypatch.setattr(PairsCommand, "execute", a_bug)
    code, out, err = run(capsys, "pairs", "--demo")
    assert code == EXIT_UNEXPECTED
    assert err == (
        "songbird: Songbird failed unexpectedly (KeyError: 'no such key'); the log has the "
        "details for a bug report.\n"
    )
    assert out == ""
    logged = log_file(AppPaths.default()).read_text(encoding="utf-8")
    assert "Traceback" in logged and "a_bug" in logged


def test_a_settings_value_out_of_range_is_named_on_the_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before, the command line read the settings on its own and a rate of -2 became 0.1/s
    without a word (a sync then took nine times as long)."""
    paths = AppPaths.default()
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    kept = b'{"workers": 4, "spotify": {"rate": -2, "burst": 90, "window_s": 30}}'
    paths.settings_file.write_bytes(kept)
    code, _, err = run(capsys, "playlists", "--demo")
    assert code == EXIT_OK
    (line,) = err.splitlines()
    assert line.startswith(f"songbird: The settings file {paths.settings_file} holds values")
    assert "rate" in line and "-2" in line
    assert paths.settings_file.read_bytes() == kept  # left for the person to put right


def test_eval_matches_says_what_it_could_not_use_of_the_settings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    paths = AppPaths.default()
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_bytes(b"\x00 not JSON")
    cases = tmp_path / "none.json"
    cases.write_text("[1, 2, 3]", encoding="utf-8")
    code, out, err = run(capsys, "eval-matches", str(cases))
    assert code == 2 and out == ""
    said, refused = err.splitlines()
    assert "The settings file could not be read (not JSON)" in said
    assert refused == f"songbird: Case 1 of {cases} is not an object."


def test_demo_reset_keeps_the_copies_kept_aside(capsys: pytest.CaptureFixture[str]) -> None:
    """Before, --demo-reset deleted every demo-*.json* file: the copies kept aside as damaged
    (what the person was told to look at) went with the state."""
    paths = AppPaths.default()
    code, _, err = run(capsys, "sync", *FAST, "--playlist", "Road Trip")
    assert code == EXIT_OK, err
    state = state_file(paths.demo_state_dir, ServiceId.YTMUSIC)
    kept = state.with_name(state.name + ".damaged-20260101-000000")
    kept.write_bytes(b"what a crash left")
    code, _, err = run(capsys, "pairs", "--demo", "--demo-reset", "--json")
    assert code == EXIT_OK, err
    assert kept.read_bytes() == b"what a crash left"
    assert not state.exists()


def test_options_go_anywhere_among_a_commands_arguments(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before, `songbird matches forget --demo ID` was refused: "unrecognized arguments"."""
    assert run(capsys, "sync", *FAST, "--playlist", "Road Trip")[0] == EXIT_OK
    code, out, _ = run(capsys, "matches", "--json", "--demo")
    first, second = json.loads(out)[:2]
    code, out, err = run(capsys, "matches", "forget", "--demo", first["id"])
    assert code == EXIT_OK, err
    assert "Forgot the decision" in out
    code, out, err = run(capsys, "matches", "forget", second["id"], "--demo")
    assert code == EXIT_OK, err
    code, out, _ = run(capsys, "matches", "--demo", "--json")
    assert {first["id"], second["id"]}.isdisjoint(r["id"] for r in json.loads(out))


def test_a_listing_needs_only_its_own_service_and_says_how_to_connect_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, `songbird playlists` with YouTube Music alone connected said "Spotify and
    YouTube Music are not both connected", even for `--service ytmusic`."""
    secrets = tmp_path / "secrets.json"
    Accounts(FileSecretStore(secrets)).save_ytmusic_headers(HEADERS)
    code, out, err = run(capsys, "playlists", "--secrets-file", str(secrets))
    assert code == EXIT_NO_ACCOUNT and out == ""
    assert err.startswith("songbird: Spotify is not connected, and `songbird playlists` reads ")
    assert "Tools ▸ Accounts" in err and "add --demo" in err and "both" not in err

    sp_songs, yt_songs = twin_catalogue(4)
    ytmusic = FakeYouTubeMusic(yt_songs, session=COOKIE_VALUE)
    ytmusic.add_playlist("Running", [s.id for s in yt_songs])
    with FaultServer(FakeSpotify(sp_songs), ytmusic) as server:
        route_to(server, monkeypatch)
        code, out, err = run(
            capsys, "playlists", "--service", "ytmusic", "--secrets-file", str(secrets), "--json"
        )
    assert code == EXIT_OK, err
    assert "Running" in [p["name"] for p in json.loads(out)]


def test_a_reader_that_goes_away_ends_a_sync_quietly(tmp_path: Path) -> None:
    """Before, `songbird sync --dry-run … | head -3` printed a traceback from inside Qt's loop
    and never ended (the loop went on, with nobody to end it)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "songbird_gui.cli", "sync", *FAST, "--all", "--dry-run"],
        env=env_in(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    process.stdout.close()  # the reader is gone before the plan is printed
    try:
        _, err = process.communicate(timeout=ENDS_WITHIN_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert (process.returncode, err) == (EXIT_OK, "")
