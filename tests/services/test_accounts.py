"""Connecting accounts: the Spotify token cache in the keyring, the PKCE login address, and
YouTube Music's device sign-in with one's own OAuth client. (The keyring store and the
loopback listener have their own tests: test_secrets.py, test_loopback.py.)"""

from __future__ import annotations

import json

import pytest

from songbird_gui.core.types import ServiceId
from songbird_gui.services.accounts import Accounts, HeadersError, parse_ytmusic_headers
from songbird_gui.services.secrets import SERVICE_NAME, SPOTIFY_TOKEN, SecretStore
from songbird_gui.services.spotify_auth import (
    KeyringCacheHandler,
    SpotifyLogin,
)


def test_spotify_token_cache_lives_in_the_keyring(test_keyring):
    cache = KeyringCacheHandler(SecretStore())
    assert cache.get_cached_token() is None
    token = {"access_token": "a", "refresh_token": "r", "expires_at": 1}
    cache.save_token_to_cache(token)
    assert KeyringCacheHandler(SecretStore()).get_cached_token() == token
    assert (SERVICE_NAME, SPOTIFY_TOKEN) in test_keyring.values


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


def test_youtube_music_oauth_device_flow_with_ones_own_client(test_keyring):
    # Google's device-flow answers as its documentation gives them (none was recorded): a
    # code, then "authorization_pending" until the person enters it, then the token.
    from ytmusicapi import YTMusic

    from songbird_gui.core.types import ServiceId
    from songbird_gui.services.accounts import Accounts, YTMusicOAuthLogin
    from tests.services.replay import made_up, session

    s, replay = session(
        {
            ("POST", "www.youtube.com/o/oauth2/device/code"): [
                made_up({"device_code": "dev-1", "user_code": "ABCD-EFGH", "expires_in": 1800,
                         "interval": 0, "verification_url": "https://www.google.com/device"})
            ],
            ("POST", "oauth2.googleapis.com/token"): [
                made_up({"error": "authorization_pending"}, status=428),
                made_up({"access_token": "ya29.tokenSECRET", "expires_in": 3599,
                         "refresh_token": "1//refreshSECRET", "scope": "https://www.googleapis.com/auth/youtube",
                         "token_type": "Bearer"}),
            ],
        }
    )  # fmt: skip
    store = SecretStore()
    login = YTMusicOAuthLogin("my-client.apps.googleusercontent.com", "my-secret", store, s)
    assert (login.user_code, login.verification_url) == (
        "ABCD-EFGH",
        "https://www.google.com/device",
    )
    login.finish(timeout=5)
    assert len(replay.sent) == 3  # the code, one pending poll, the token
    accounts = Accounts(store)
    assert accounts.connected(ServiceId.YTMUSIC)
    saved = test_keyring.values[(SERVICE_NAME, "ytmusic-oauth")]
    assert "1//refreshSECRET" in saved and "my-secret" in saved
    client = accounts._ytmusic_client(YTMusic, s)  # the real library takes the saved token
    assert str(client.auth_type).endswith("OAUTH_CUSTOM_CLIENT")
    accounts.disconnect(ServiceId.YTMUSIC)
    assert not accounts.connected(ServiceId.YTMUSIC)


SIGNED_IN = "SAPISID=abc; __Secure-3PAPISID=abc"


@pytest.mark.parametrize(
    ("pasted", "message"),
    [
        ("", "Paste the request headers first."),
        ("  \n\t\n", "Paste the request headers first."),
        (
            "lorem ipsum dolor\nsit amet, https://music.youtube.com/browse",
            "This is not a list of request headers. "
            "Copy them from a request in the browser's Network tab.",
        ),
        (
            "accept: */*\ncontent-type: application/json\n",
            "Not the right headers: Cookie and X-Goog-AuthUser are missing. "
            "Copy those of a POST request to “browse” while signed in.",
        ),
        (
            "accept: */*\nx-goog-authuser: 0\n",
            "Not the right headers: Cookie is missing. "
            "Copy those of a POST request to “browse” while signed in.",
        ),
        (  # Chrome's "one name, one value per line" copy
            "x-goog-authuser:\n0\naccept:\n*/*\n",
            "Not the right headers: Cookie is missing. "
            "Copy those of a POST request to “browse” while signed in.",
        ),
        (
            f"accept: */*\ncookie: {SIGNED_IN}\n",
            "Not the right headers: X-Goog-AuthUser is missing. "
            "Copy those of a POST request to “browse” while signed in.",
        ),
        (  # a signed-out browser: YTMusic() would refuse it at the first sync
            "cookie: YSC=abc; VISITOR_INFO1_LIVE=def\nx-goog-authuser: 0\n",
            "The Cookie has no __Secure-3PAPISID, so the browser was not signed in. "
            "Sign in at music.youtube.com and copy the headers again.",
        ),
    ],
)
def test_junk_headers_are_refused_in_one_short_sentence(pasted, message):
    with pytest.raises(HeadersError) as refused:
        parse_ytmusic_headers(pasted)
    assert str(refused.value) == message
    assert len(str(refused.value)) <= 160


@pytest.mark.parametrize(
    "pasted",
    [
        f"accept: */*\ncookie: {SIGNED_IN}\nx-goog-authuser: 0\n",  # Firefox
        f":authority: music.youtube.com\ncookie:\n{SIGNED_IN}\nx-goog-authuser:\n0\n",  # Chrome
    ],
)
def test_a_signed_in_browsers_headers_are_accepted(pasted):
    headers = json.loads(parse_ytmusic_headers(pasted))
    assert headers["cookie"] == SIGNED_IN and headers["x-goog-authuser"] == "0"


def test_playlist_files_have_no_account_to_connect(test_keyring):
    accounts = Accounts(SecretStore())
    accounts.save_ytmusic_headers(f"accept: */*\ncookie: {SIGNED_IN}\nx-goog-authuser: 0\n")
    assert accounts.connected(ServiceId.YTMUSIC) and not accounts.connected(ServiceId.FILE)
