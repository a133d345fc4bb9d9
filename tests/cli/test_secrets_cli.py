"""Secrets on a server: no reachable keyring is its own exit code (9) with what to do, and
the opt-in `--secrets-file PATH` (copied from a desktop's keyring, created readable by its
owner only) is where the accounts come from instead."""

from __future__ import annotations

import json
import os
import stat

import keyring
import keyring.backends.fail
import pytest

from songbird_gui.cli import main
from songbird_gui.core.exit_codes import EXIT_NO_KEYRING, EXIT_OK, EXIT_USAGE
from songbird_gui.services.accounts import parse_ytmusic_headers
from songbird_gui.services.secrets import SERVICE_NAME, SPOTIFY_CLIENT_ID, YTMUSIC_AUTH
from tests.reliability.fake_apis import FakeSpotify, FakeYouTubeMusic
from tests.reliability.fault_server import FaultServer, route_to
from tests.security.test_no_secret_left_behind import COOKIE_VALUE, HEADERS

pytestmark = pytest.mark.usefixtures("qapp")

# YouTube Music's headers as Accounts keeps them (pasted from a browser, see `HEADERS`).
YTMUSIC_HEADERS = parse_ytmusic_headers(HEADERS)


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_no_reachable_keyring_is_exit_9_and_says_what_to_do(capsys, no_keyring):
    code, _, err = run(capsys, "sync", "--pairs")
    assert code == EXIT_NO_KEYRING
    assert "no keyring is reachable" in err and "--secrets-file PATH" in err
    assert "not encrypted" in err  # the risk, stated where the opt-in is offered
    assert run(capsys, "pairs", "--demo")[0] == EXIT_OK  # the demo needs no keyring


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_secrets_file_is_made_from_the_keyring_readable_by_its_owner_only(
    capsys, tmp_path, test_keyring, monkeypatch
):
    test_keyring.set_password(SERVICE_NAME, SPOTIFY_CLIENT_ID, "c" * 32)
    test_keyring.set_password(SERVICE_NAME, YTMUSIC_AUTH, YTMUSIC_HEADERS)
    path = tmp_path / "server" / "songbird-secrets.json"
    code, out, _ = run(capsys, "export-secrets", str(path))
    assert code == EXIT_OK and "copied 2 secrets" in out and "not encrypted" in out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())[SPOTIFY_CLIENT_ID] == "c" * 32

    # On the server: no keyring; the file is read instead. (Spotify's token is missing, so
    # only YouTube Music is connected, and there is no pair yet: the next answer, not "no
    # keyring".)
    keyring.set_keyring(keyring.backends.fail.Keyring())
    with FaultServer(FakeSpotify([]), FakeYouTubeMusic([], session=COOKIE_VALUE)) as server:
        route_to(server, monkeypatch)
        code, out, err = run(capsys, "sync", "--pairs", "--secrets-file", str(path))
    assert code == EXIT_OK and out.startswith("No pairs yet"), err

    path.chmod(0o644)  # readable by others: refused, not used
    code, _, err = run(capsys, "sync", "--pairs", "--secrets-file", str(path))
    assert code == EXIT_USAGE and "chmod 600" in err


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x00\x13garbage from a sync tool\xff\n", "not text"),
        (b'{"spotify-token": {"access_token": 1}}', "not an object of texts"),
    ],
    ids=["garbage", "wrong-shape"],
)
@pytest.mark.parametrize("words", [["playlists"], ["sync", "--pairs"]], ids=" ".join)
def test_a_secrets_file_that_cannot_be_used_is_refused_and_left_as_it_is(
    capsys, tmp_path, content, reason, words
):
    """The person named the file: it is theirs. Before, it was moved aside, `{}` written in its
    place, and the run went on to exit 8 "not connected"."""
    path = tmp_path / "server" / "secrets.json"
    path.parent.mkdir()
    path.write_bytes(content)
    path.chmod(0o600)
    code, out, err = run(capsys, *words, "--secrets-file", str(path))
    assert code == EXIT_USAGE, err
    assert (out, err.splitlines()) == (
        "",
        [f"songbird: cannot use the secrets file: {path} is not a secrets file ({reason})"],
    )
    assert path.read_bytes() == content and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(path.parent) == ["secrets.json"]  # nothing set aside, nothing made
