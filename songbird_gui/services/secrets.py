"""Account secrets in the operating system's keyring, and nowhere else.

Tokens, cookies and browser headers go to the keyring under the service name "songbird".
Where no usable keyring exists (a headless box without a Secret Service, say), `SecretStore`
says so (`persistent` is False) and keeps the secrets in memory for this run only; it never
falls back to a file. Spotify's token cache goes through the same store
(`spotify_auth.KeyringCacheHandler`).

What this run has read or written stays known in memory too, so a keyring that fails in the
middle of a run (locked again, its daemon restarted) costs a line in the log, not the login.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyring.errors import KeyringError

SERVICE_NAME = "songbird"
SPOTIFY_TOKEN = "spotify-token"
SPOTIFY_CLIENT_ID = "spotify-client-id"
YTMUSIC_AUTH = "ytmusic-auth"  # browser headers
YTMUSIC_OAUTH = "ytmusic-oauth"  # the person's OAuth client and its token

log = logging.getLogger(__name__)


# The keyring is imported, and its backend chosen, on the first secret asked for, not when
# Songbird starts: choosing loads every backend keyring knows (a tenth of a second), which
# the window's first paint should not wait for.


def _keyring() -> ModuleType:
    import keyring

    return keyring


def _keyring_errors() -> type[KeyringError]:
    from keyring.errors import KeyringError

    return KeyringError


def keyring_usable() -> bool:
    """False for the fail keyring, a chainer that chains nothing, and the null keyring."""
    import keyring
    import keyring.backends.fail

    backend = keyring.get_keyring()
    if isinstance(backend, keyring.backends.fail.Keyring):
        return False
    try:
        inner = getattr(backend, "backends", None)  # the chainer: usable if it chains anything
        return bool(inner) if inner is not None else float(backend.priority) > 0
    except Exception:  # a backend whose viability check itself fails is not usable
        return False


class SecretStore:
    """Get, set and delete secrets by key; thread-safe."""

    def __init__(self) -> None:
        self._memory: dict[str, str] = {}
        self._lock = threading.Lock()
        self._usable: bool | None = None  # found out on first use

    @property
    def _persistent(self) -> bool:
        if self._usable is None:
            self._usable = keyring_usable()
        return self._usable

    @_persistent.setter
    def _persistent(self, value: bool) -> None:
        self._usable = value

    @property
    def persistent(self) -> bool:
        """True while secrets go to the system keyring; False: memory, for this run only."""
        with self._lock:
            return self._persistent

    @property
    def explanation(self) -> str:
        if self.persistent:
            return "Your accounts are kept in the system keyring."
        return (
            "No system keyring is available, so your accounts are kept for this session "
            "only and you will be asked to connect again next time. Songbird never writes "
            "them to a file."
        )

    def get(self, key: str) -> str | None:
        with self._lock:
            if not self._persistent:
                return self._memory.get(key)
            try:
                value: str | None = _keyring().get_password(SERVICE_NAME, key)
            except _keyring_errors() as error:
                log.warning("the keyring could not be read (%s): using what this run knows", error)
                return self._memory.get(key)
            if value is None:
                self._memory.pop(key, None)
            else:
                self._memory[key] = value
            return value

    def set(self, key: str, value: str) -> None:
        with self._lock:
            self._memory[key] = value
            if self._persistent:
                try:
                    _keyring().set_password(SERVICE_NAME, key, value)
                except _keyring_errors() as error:
                    # Locked or broken: kept for this run instead, and the dialog says so.
                    log.warning("the keyring refused a secret (%s): kept for this run", error)
                    self._persistent = False

    def delete(self, key: str) -> None:
        with self._lock:
            self._memory.pop(key, None)
            if self._persistent:
                with contextlib.suppress(_keyring_errors()):  # nothing stored under that key
                    _keyring().delete_password(SERVICE_NAME, key)
