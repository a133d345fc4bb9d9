"""SecretStore over the real keyring API: which backends count as usable, and what happens
when none is (memory for this run, never a file). The backends are keyring's own (fail, null,
chainer) or tiny test ones; the round trip through a working keyring is `test_keyring`'s
(tests/conftest.py) and is also exercised in test_accounts.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.errors import KeyringLocked

from songbird_gui.services.secrets import SERVICE_NAME, SPOTIFY_TOKEN, SecretStore, keyring_usable
from songbird_gui.services.spotify_auth import KeyringCacheHandler


class EmptyChainer(keyring.backends.chainer.ChainerBackend):
    """keyring's chainer as it is on a box where no real backend is viable."""

    backends = ()  # shadows keyring's discovery of every installed backend


class LockedKeyring(keyring.backend.KeyringBackend):
    """A keyring that exists but refuses every write (a locked collection, a dismissed prompt)."""

    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the collection is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("the collection is locked")


@pytest.fixture
def backend_swap() -> Iterator[None]:
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    "backend",
    [keyring.backends.fail.Keyring(), EmptyChainer(), keyring.backends.null.Keyring()],
    ids=["fail", "chainer-with-no-backends", "null"],
)
def test_no_usable_keyring_means_memory_for_this_run_only(backend_swap, user_dirs, backend):
    keyring.set_keyring(backend)
    assert not keyring_usable()
    store = SecretStore()
    assert not store.persistent
    assert "never writes them to a file" in store.explanation
    store.set(SPOTIFY_TOKEN, '{"access_token": "a"}')
    assert store.get(SPOTIFY_TOKEN) == '{"access_token": "a"}'
    assert SecretStore().get(SPOTIFY_TOKEN) is None  # a new run starts empty
    store.delete(SPOTIFY_TOKEN)
    assert store.get(SPOTIFY_TOKEN) is None
    assert files_under(user_dirs) == []  # no fallback file anywhere in the user's folders


def test_a_working_keyring_holds_each_key_under_songbird(test_keyring):
    store = SecretStore()
    assert store.persistent and "system keyring" in store.explanation
    store.set("spotify-client-id", "0" * 32)
    store.set("ytmusic-auth", "{}")
    store.set("ytmusic-auth", '{"cookie": "x"}')  # overwritten, not added
    assert test_keyring.values == {
        (SERVICE_NAME, "spotify-client-id"): "0" * 32,
        (SERVICE_NAME, "ytmusic-auth"): '{"cookie": "x"}',
    }
    store.delete("never-stored")  # deleting nothing is not an error
    store.delete("ytmusic-auth")
    assert SecretStore().get("ytmusic-auth") is None


def test_a_locked_keyring_falls_back_to_memory(backend_swap, user_dirs):
    keyring.set_keyring(LockedKeyring())
    store = SecretStore()
    assert store.persistent  # usable, until it refuses
    store.set("ytmusic-auth", "{}")
    assert not store.persistent
    assert store.get("ytmusic-auth") == "{}"
    assert files_under(user_dirs) == []


def test_persistent_cannot_be_set_from_outside(test_keyring):
    with pytest.raises(AttributeError):
        SecretStore().persistent = False


def test_an_unreadable_token_in_the_keyring_is_no_token(test_keyring):
    test_keyring.values[(SERVICE_NAME, SPOTIFY_TOKEN)] = "not json"
    assert KeyringCacheHandler(SecretStore()).get_cached_token() is None
    test_keyring.values[(SERVICE_NAME, SPOTIFY_TOKEN)] = '["a list"]'
    assert KeyringCacheHandler(SecretStore()).get_cached_token() is None
