"""Secrets never reach the log file or the diagnostics a person copies into a bug report."""

from __future__ import annotations

import logging

from songbird_gui.core.paths import AppPaths
from songbird_gui.core.redact import MASK, redact
from songbird_gui.logging_setup import log_file, setup_logging

SECRETS = {
    "Authorization: Bearer BQD4x9secretTOKEN": "BQD4x9secretTOKEN",
    "{'cookie': '__Secure-3PAPISID=abcSECRET; SID=zzz'}": "abcSECRET",
    '{"access_token": "AT-123-secret", "refresh_token": "RT-456-secret"}': "AT-123-secret",
    "GET /callback?code=AQCodeSecret&state=xyz": "AQCodeSecret",
    "authorization SAPISIDHASH 1700000000_0123abcdef": "0123abcdef",
    "client_secret=s3cr3tvalue": "s3cr3tvalue",
}


def test_redact_masks_every_kind_of_secret():
    for text, secret in SECRETS.items():
        cleaned = redact(text)
        assert secret not in cleaned, cleaned
        assert MASK in cleaned
    assert redact("Searching 143/800 · 9.8 req/s") == "Searching 143/800 · 9.8 req/s"


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
