"""The secrets file (`--secrets-file`): written only through a new file of its own, readable by
its owner only; never into a file or a link found in the way; anything but a regular file
refused at once; one that is not a secrets file refused in words and left as it is (the
person named it)."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from songbird_gui.services.secrets import (
    SPOTIFY_TOKEN,
    YTMUSIC_AUTH,
    FileSecretStore,
    SecretsFileError,
)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="modes, links and pipes are POSIX")

SECRET = "token-that-must-stay-in-its-file"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "server"
    made.mkdir()
    return made


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.mark.parametrize("left_there", ["a link to a file elsewhere", "a file readable by all"])
def test_a_file_found_where_the_old_save_wrote_first_gets_no_secret(
    folder: Path, tmp_path: Path, left_there: str
) -> None:
    """The save wrote into `secrets.json.new`, following a link or keeping a 0644 file's mode."""
    path = folder / "secrets.json"
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("someone else's file", encoding="utf-8")
    elsewhere.chmod(0o644)
    in_the_way = folder / "secrets.json.new"
    if left_there.startswith("a link"):
        in_the_way.symlink_to(elsewhere)
    else:
        in_the_way.write_text("left here", encoding="utf-8")
        in_the_way.chmod(0o644)

    store = FileSecretStore(path)
    store.set(SPOTIFY_TOKEN, SECRET)

    assert elsewhere.read_text(encoding="utf-8") == "someone else's file"
    if left_there.startswith("a link"):
        assert in_the_way.is_symlink()
    else:
        assert in_the_way.read_text(encoding="utf-8") == "left here"
    assert json.loads(path.read_text(encoding="utf-8")) == {SPOTIFY_TOKEN: SECRET}
    assert mode(path) == 0o600
    assert not any(SECRET in p.read_text(errors="replace") for p in folder.iterdir() if p != path)


def test_a_new_secrets_file_is_made_readable_by_its_owner_only(folder: Path) -> None:
    path = folder / "deeper" / "secrets.json"
    FileSecretStore(path).set(YTMUSIC_AUTH, SECRET)
    assert mode(path) == 0o600
    assert os.listdir(path.parent) == ["secrets.json"]  # no temporary file left beside it


def test_a_pipe_given_as_the_secrets_file_is_refused_at_once(folder: Path) -> None:
    """Before, reading it waited for a writer forever. The wait for the answer is a bound far
    above any load, so that a regression fails instead of hanging the run."""
    path = folder / "secrets.fifo"
    os.mkfifo(path, 0o600)
    outcome: list[BaseException] = []
    answered = threading.Event()

    def open_it() -> None:
        try:
            FileSecretStore(path)
        except BaseException as error:
            outcome.append(error)
        answered.set()

    threading.Thread(target=open_it, daemon=True).start()
    assert answered.wait(60), "opening a pipe as the secrets file waited for a writer"
    (error,) = outcome
    assert isinstance(error, SecretsFileError)
    assert str(error) == f"{path} is not a file to keep secrets in (not a regular file)"


def test_a_folder_given_as_the_secrets_file_is_refused(folder: Path) -> None:
    with pytest.raises(SecretsFileError, match="a folder in its place"):
        FileSecretStore(folder)
    assert os.listdir(folder) == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x00\xffgarbage", "not text"),
        (b'{"spotify-token": "abc', "not JSON"),
        (b"[1, 2]", "not an object of texts"),
        (b'{"spotify-token": {"nested": 1}}', "not an object of texts"),
        (b"[" * 200_000, "nested too deeply"),
    ],
    ids=["garbage", "truncated", "list", "not-texts", "deep"],
)
def test_a_secrets_file_that_cannot_be_used_is_refused_and_left_as_it_is(
    folder: Path, content: bytes, reason: str
) -> None:
    """The person named it: refused in words, never moved aside nor written over (before, it
    was kept aside and `{}` written in its place)."""
    path = folder / "secrets.json"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(SecretsFileError) as refused:
        FileSecretStore(path)
    assert str(refused.value) == f"{path} is not a secrets file ({reason})"
    assert path.read_bytes() == content and mode(path) == 0o600
    assert os.listdir(folder) == ["secrets.json"]


def test_an_empty_secrets_file_made_by_hand_is_used_as_an_empty_one(folder: Path) -> None:
    path = folder / "secrets.json"
    path.touch(mode=0o600)
    store = FileSecretStore(path)
    assert store.get(SPOTIFY_TOKEN) is None
    store.set(SPOTIFY_TOKEN, SECRET)
    assert json.loads(path.read_text(encoding="utf-8")) == {SPOTIFY_TOKEN: SECRET}
