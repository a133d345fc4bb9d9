"""Redaction of secrets from text that may leave the machine: log lines, diagnostics.

Tokens, cookies and authorization headers never belong in a log. Everything that goes to the
log file passes through `RedactingFilter`, and "Copy diagnostics" through `redact`, so a slip
somewhere else (an exception message quoting a request) cannot leak an account.
"""

from __future__ import annotations

import logging
import re

MASK = "[redacted]"

# Keys are matched whole (`\b` before, the separator after): "token" but not "ctoken" (a
# YouTube continuation, useful in a log), "code" but not "status_code" or "postcode".
_PATTERNS = (
    # Header lines and dict entries: "Authorization: Bearer x", "'cookie': 'SAPISID=…'".
    re.compile(
        r"""(?ix)
        (["']?\b(?:authorization|proxy-authorization|cookie|set-cookie|x-goog-authuser|
        x-goog-visitor-id)["']?\s*[:=]\s*["']?)([^"'\n,}]+)"""
    ),
    # OAuth values in JSON, query strings and form bodies. A number of one to three digits
    # ('"code": 403' in a Google error body) is a status, never a credential.
    re.compile(
        r"""(?ix)
        (["']?\b(?:access_token|refresh_token|id_token|client_secret|code_verifier|device_code|
        code|token|password|sapisid|__secure-3papisid)["']?\s*[:=]\s*["']?)
        (?!\d{1,3}(?:["'&\s,}]|$))([^"'&\s,}]+)"""
    ),
    # A bare bearer or SAPISIDHASH credential anywhere.
    re.compile(r"(?i)(bearer\s+|sapisidhash\s+)([A-Za-z0-9._~+/=-]+)"),
)


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + MASK, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (with its arguments filled in) through `redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
