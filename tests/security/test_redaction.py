"""Secrets never reach the log file or the diagnostics a person copies into a bug report."""

from __future__ import annotations

import logging

import pytest

from songbird_gui.core.log_file import log_file, setup_logging
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.redact import MASK, redact

SECRETS = {
    "Authorization: Bearer BQD4x9secretTOKEN": "BQD4x9secretTOKEN",
    "{'cookie': '__Secure-3PAPISID=abcSECRET; SID=zzz'}": "abcSECRET",
    '{"access_token": "AT-123-secret", "refresh_token": "RT-456-secret"}': "AT-123-secret",
    "GET /callback?code=AQCodeSecret&state=xyz": "AQCodeSecret",
    "authorization SAPISIDHASH 1700000000_0123abcdef": "0123abcdef",
    "client_secret=s3cr3tvalue": "s3cr3tvalue",
    "GET /callback?code=abcCodeSecret&state=x": "abcCodeSecret",
    'token response {"code": "AQjsonCodeSecret", "state": "x"}': "AQjsonCodeSecret",
    "POST /api/token grant_type=authorization_code&code=AQformSecret&redirect_uri=x": (
        "AQformSecret"
    ),
    "refresh_token=RT-789-secret&grant_type=refresh_token": "RT-789-secret",
    '{"device_code": "AH-1Ng-device-secret", "user_code": "ABCD-EFGH"}': "AH-1Ng-device-secret",
    "X-Auth-Token: xat-secret-42": "xat-secret-42",
}

# Not secrets, and worth reading in a log: a key that merely ends in "token" or "code".
NOT_SECRETS = (
    "GET /youtubei/v1/browse?ctoken=4qmFsgKFARIM&continuation=4qmFsgKFARIM&type=next",
    "search failed: status_code=429 retry_after=3",
    "refused: error_code=RATE_LIMITED",
    "market country_code=GB",
    "address postcode: SW1A 1AA",
    '{"error": {"code": 403, "message": "The request cannot be completed", "errors": []}}',
)


def test_redact_masks_every_kind_of_secret():
    for text, secret in SECRETS.items():
        cleaned = redact(text)
        assert secret not in cleaned, cleaned
        assert MASK in cleaned
    assert redact("Searching 143/800 · 9.8 req/s") == "Searching 143/800 · 9.8 req/s"


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_keys_that_only_end_in_token_or_code_are_kept(text):
    assert redact(text) == text


def test_the_log_file_never_holds_a_secret(tmp_path, songbird_log):
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    path = setup_logging(paths)
    log = logging.getLogger("songbird_gui.test")
    for text in SECRETS:
        log.warning("request failed: %s", text)
    try:
        raise RuntimeError("401 for Authorization: Bearer BQD4x9secretTOKEN")
    except RuntimeError:
        log.exception("refresh failed")
    written = path.read_text(encoding="utf-8")
    assert path == log_file(paths)
    assert "request failed" in written and "refresh failed" in written
    for secret in SECRETS.values():
        assert secret not in written
