"""What Spotify and YouTube Music refused in 2025–2026, on the command line, shown on the demo
library with its switches (`--demo-quirks`): each refusal said in its own sentence, what to
do next, the exit code cron reads (8 for the account, 7 for a quota and when it may resume,
6 for pairs held back), and with --json what held the run back (`refusal`, `resume_at`)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from songbird_gui.core.exit_codes import (
    EXIT_NO_ACCOUNT,
    EXIT_OK,
    EXIT_PAIRS_FAILED,
    EXIT_SERVICE,
    EXIT_UNKNOWN_PLAYLIST,
)
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.settings import CreationSettings, Settings, SettingsFile
from songbird_gui.services.demo_quirks import FOLLOWED_NAMES, QUOTA_RETRY_AFTER_S
from songbird_gui.services.refusal_words import TOO_MANY, gated_words
from tests.cli.test_pairs_cli import DEMO, FAST, last_json, run

pytestmark = pytest.mark.usefixtures("qapp")

FOLLOWED = "Spotify lets apps read only your own playlists"


def test_followed_playlists_are_marked_skipped_by_all_and_refused_by_name(
    capsys, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "playlists", "--demo", "--demo-quirks", "followed")
    assert code == EXIT_OK
    marked = [line for line in out.splitlines() if line.endswith("(followed — not syncable)")]
    assert [line.split("  ")[0] for line in marked] == list(FOLLOWED_NAMES)

    code, out, err = run(capsys, "sync", *FAST, "--demo-quirks", "followed", "--all", "--dry-run")
    assert code == EXIT_OK, err
    assert out.splitlines()[0].startswith(f"Skipped 2 followed playlists: {FOLLOWED}")
    assert not any(name in out for name in FOLLOWED_NAMES)  # never read, never planned

    name = FOLLOWED_NAMES[1]
    code, out, err = run(capsys, "sync", *FAST, "--demo-quirks", "followed", "--playlist", name)
    assert code == EXIT_UNKNOWN_PLAYLIST and out == ""
    assert err.startswith(f"songbird: “{name}” is a playlist you follow: {FOLLOWED}")

    # `export` leaves them out alike: never read, and the rest written.
    code, out, err = run(capsys, "export", name, "--format", "csv", *DEMO, "--demo-quirks",
                         "followed")  # fmt: skip
    assert code == EXIT_UNKNOWN_PLAYLIST and out == ""
    assert err.startswith(f"songbird: “{name}” is a playlist you follow: {FOLLOWED}")
    folder = tmp_path / "backup"
    code, out, err = run(capsys, "export", "--all", "--format", "csv", "-o", str(folder), *DEMO,
                         "--demo-quirks", "followed")  # fmt: skip
    assert code == EXIT_OK and err.startswith(
        f"songbird: left out 2 followed playlists: {FOLLOWED}"
    )
    written = {p.stem for p in folder.iterdir()}
    assert written and not written & set(FOLLOWED_NAMES)


def test_a_sign_in_that_ends_while_searching_is_exit_8_connect_again(capsys) -> None:
    code, out, err = run(
        capsys, "sync", *FAST, "--demo-quirks", "expired-session", "--playlist", "Road Trip",
        "--json",
    )  # fmt: skip
    assert code == EXIT_NO_ACCOUNT, err
    said = err.splitlines()
    assert "sign-in has expired" in said[0]
    assert said[1].startswith("songbird: Connect again in songbird-gui (Tools ▸ Accounts), then")
    figures = last_json(out)
    assert (figures["refusal"], figures["resume_at"]) == ("login", None)
    assert figures["added"] == 0


def test_a_sign_in_that_ends_while_writing_is_exit_8_and_keeps_what_was_written(capsys) -> None:
    no_spacing = Settings(creation=CreationSettings(spacing_s=0.0))
    SettingsFile(AppPaths.default().settings_file).save(no_spacing)
    assert run(capsys, "sync", *FAST, "--all")[0] == EXIT_OK  # every playlist a pair
    for name in ("Road Trip", "Gym Mix", "Throwbacks", "Chill Evenings"):
        run(capsys, "demo-change", name, "--demo", "--add", "2", "--seed", "1")
    # The demo's sign-in ends at its 30th request: here, while the pairs are written.
    code, out, err = run(capsys, "sync", *FAST, "--demo-quirks", "expired-session", "--pairs",
                         "--json")  # fmt: skip
    assert code == EXIT_NO_ACCOUNT, err
    figures = last_json(out)
    assert figures["refusal"] == "login" and figures["added"] > 0  # the first pairs' adds
    assert err.splitlines()[-1] == (
        "songbird: Connect again in songbird-gui (Tools ▸ Accounts), then run the same "
        "command: what was written is kept, and the rest is written then."
    )


def test_a_quota_used_up_is_exit_7_and_says_when_it_may_resume(capsys) -> None:
    started = time.time()
    code, out, err = run(
        capsys, "sync", *FAST, "--demo-quirks", "quota", "--from", "ytmusic", "--to", "spotify",
        "--all", "--json",
    )  # fmt: skip
    assert code == EXIT_SERVICE, err
    assert "Spotify's quota for your app is used up; it may be used again after" in err
    figures = last_json(out)
    assert figures["refusal"] == "quota"
    # Retry-After is whole seconds, rounded up from what is left: up to a second later.
    latest = time.time() + QUOTA_RETRY_AFTER_S + 1
    assert started + QUOTA_RETRY_AFTER_S <= figures["resume_at"] <= latest


def held_back_lines(out: str) -> dict[str, int]:
    """The playlists a sync's lines say were held back, with how many tracks each."""
    held = {}
    for line in out.splitlines():
        where, _, outcome = line.partition(": ")
        if outcome.startswith("nothing written, ") and outcome.endswith(" held back"):
            held[where.split(" → ")[0]] = int(outcome.split(", ")[1].split()[0])
    return held


def test_a_write_gated_behind_a_dialog_is_exit_6_saying_what_to_answer(capsys) -> None:
    code, out, err = run(capsys, "sync", *FAST, "--demo-quirks", "gated", "--playlist", "Gym Mix",
                         "--playlist", "Throwbacks", "--json")  # fmt: skip
    assert code == EXIT_PAIRS_FAILED, err
    sentence = gated_words("PAfeature_enablement")
    assert f"songbird: {sentence}" in err.splitlines()
    assert (err + out).count(sentence) == 1  # said once, not again on each playlist's line
    # Held back by the service, not failed: the tracks were never sent.
    held = held_back_lines(out)
    assert list(held) == ["Gym Mix", "Throwbacks"] and all(held.values())
    figures = last_json(out)
    assert figures["refusal"] == "gated"
    assert (figures["failed"], figures["held_back"]) == (0, sum(held.values()))
    assert f"{sum(held.values())} held back" in out and " failed" not in out


def test_playlists_left_uncreated_are_exit_6_saying_how_many_and_which(capsys) -> None:
    no_spacing = Settings(creation=CreationSettings(spacing_s=0.0))
    SettingsFile(AppPaths.default().settings_file).save(no_spacing)
    code, out, err = run(capsys, "sync", *FAST, "--demo-quirks", "too-many-playlists", "--all",
                         "--json")  # fmt: skip
    assert code == EXIT_PAIRS_FAILED, err
    (said,) = err.splitlines()
    assert said.startswith(f"songbird: {TOO_MANY.rstrip('.')} (2 playlists created this run; ")
    assert "left to create: “" in said
    figures = last_json(out)
    assert figures["refusal"] == "creations refused" and len(figures["created"]) == 2
    # Each playlist left uncreated says so on its line, once, without the run's sentence;
    # its tracks are held back, not failed.
    held = held_back_lines(out)
    assert len(held) >= 2 and not set(held) & set(figures["created"])
    assert TOO_MANY.rstrip(".") not in out
    assert (figures["failed"], figures["held_back"]) == (0, sum(held.values()))
