"""Secrets in the keyring (through the keyring API, with a test backend) and the Spotify
login's loopback listener, over real sockets on 127.0.0.1."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request

import keyring
import keyring.backends.fail
import pytest

from songbird_gui.services.secrets import SERVICE_NAME, SPOTIFY_TOKEN, SecretStore
from songbird_gui.services.spotify_auth import (
    LOOPBACK,
    KeyringCacheHandler,
    LoopbackListener,
    SpotifyLogin,
)


def test_secrets_round_trip_through_the_keyring(test_keyring):
    store = SecretStore()
    assert store.persistent
    store.set("ytmusic-auth", '{"cookie": "SAPISID=abc"}')
    assert test_keyring.values[(SERVICE_NAME, "ytmusic-auth")] == '{"cookie": "SAPISID=abc"}'
    assert SecretStore().get("ytmusic-auth") == '{"cookie": "SAPISID=abc"}'  # survives a restart
    store.delete("ytmusic-auth")
    assert store.get("ytmusic-auth") is None


def test_spotify_token_cache_lives_in_the_keyring(test_keyring):
    cache = KeyringCacheHandler(SecretStore())
    assert cache.get_cached_token() is None
    token = {"access_token": "a", "refresh_token": "r", "expires_at": 1}
    cache.save_token_to_cache(token)
    assert KeyringCacheHandler(SecretStore()).get_cached_token() == token
    assert (SERVICE_NAME, SPOTIFY_TOKEN) in test_keyring.values


def test_without_a_keyring_secrets_stay_in_memory_and_it_says_so():
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        store = SecretStore()
        assert not store.persistent
        assert "this session only" in store.explanation
        store.set("spotify-token", "t")
        assert store.get("spotify-token") == "t"
        assert SecretStore().get("spotify-token") is None  # gone with the run
    finally:
        keyring.set_keyring(previous)


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_listener_accepts_one_callback_with_the_right_state():
    listener = LoopbackListener("expected-state")
    base = f"http://{LOOPBACK}:{listener.port}/callback"
    assert listener._server.server_address[0] == "127.0.0.1"  # loopback only
    status, _ = get(f"{base}?code=abc&state=wrong-state")
    assert status == 400  # a wrong state is refused
    status, page = get(f"{base}?code=abc&state=expected-state")
    assert status == 200 and "connected" in page.lower()
    assert listener.wait(1) == "abc"
    with pytest.raises(urllib.error.URLError):  # closed after the one callback
        urllib.request.urlopen(f"{base}?code=again&state=expected-state", timeout=2)


def test_listener_refuses_a_second_callback_while_open():
    listener = LoopbackListener("s")
    base = f"http://{LOOPBACK}:{listener.port}/callback"
    assert get(f"{base}?code=first&state=s")[0] == 200
    assert get(f"{base}?code=second&state=s")[0] == 409
    assert listener.wait(1) == "first"


def test_listener_times_out():
    listener = LoopbackListener("s")
    with pytest.raises(TimeoutError):
        listener.wait(0.2)


def test_login_url_uses_pkce_and_a_loopback_redirect(test_keyring):
    login = SpotifyLogin("my-own-client-id", KeyringCacheHandler(SecretStore()), port=0)
    try:
        url = login.authorize_url()
        assert "client_id=my-own-client-id" in url
        assert "code_challenge_method=S256" in url
        assert f"redirect_uri=http%3A%2F%2F127.0.0.1%3A{login.listener.port}%2Fcallback" in url
        assert f"state={login.state}" in url
    finally:
        login.listener.close()


def test_listener_threads_do_not_leak():
    before = threading.active_count()
    for _ in range(3):
        LoopbackListener("s").close()
    assert threading.active_count() <= before + 1
