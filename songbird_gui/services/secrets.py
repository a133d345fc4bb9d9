"""Account secrets in the operating system's keyring, and nowhere else.

Tokens, cookies and browser headers go to the keyring under the service name "songbird".
Where no usable keyring exists (a headless box without a Secret Service, say), `SecretStore`
says so (`persistent` is False) and keeps the secrets in memory for this run only; it never
falls back to a file on its own. The one way to keep them in a file is the command line's
explicit opt-in, `--secrets-file PATH` (`FileSecretStore`): a file readable by its owner only,
and unencrypted, which the README says plainly. Spotify's token cache goes through the same store
(`spotify_auth.KeyringCacheHandler`).

What this run has read or written stays known in memory too, so a keyring that fails in the
middle of a run (locked again, its daemon restarted) costs a line in the log, not the login.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import threading
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from songbird_gui.core.atomic import write_text_atomically
from songbird_gui.core.failure import FileRefused
from songbird_gui.core.kept_file import Damaged, not_a_file, parse_json, read_bytes

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
    """Get, set and delete secrets by key; thread-safe.

    Attributes:
        path: None: secrets live in the system keyring (or, without one, in memory).
    """

    path: Path | None = None

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


class SecretsFileError(FileRefused):
    """The secrets file cannot be used; `str(error)` says why and what to do."""


class FileSecretStore(SecretStore):
    """Secrets in a JSON file of the person's choosing (`--secrets-file`), mode 0600.

    Not encrypted: anyone who can read the file as its owner (or as root, or from a backup)
    can use the accounts. A file that others may read is refused rather than used, and so is
    anything but a regular file in its place (a pipe would make every command wait forever).
    The file is the person's, named by them: one that is not a secrets file (not JSON, or not
    an object of texts) is refused in words and left byte for byte as it is, never moved
    aside or written over (setting aside, `core/kept_file.py`, is for Songbird's own files).
    An empty one is a secrets file still to fill. Every write goes through a new temporary
    file, created exclusively (never through a link or over a file already there) and
    readable by its owner only from its first byte, then renamed over the file.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._usable = True
        problem = not_a_file(path)
        if problem is not None:
            raise SecretsFileError(f"{path} is not a file to keep secrets in ({problem})")
        if not path.exists():
            self._start_empty()
        mode = stat.S_IMODE(path.stat().st_mode)
        if os.name == "posix" and mode & 0o077:
            raise SecretsFileError(
                f"{path} can be read by others (mode {mode:o}): run `chmod 600 {path}` first"
            )
        try:
            content = read_bytes(path)
            if not content.strip():  # made empty by hand, to be filled: no secret yet
                return
            self._memory = _read_secrets(parse_json(content))
        except Damaged as error:
            raise SecretsFileError(f"{path} is not a secrets file ({error})") from None

    def _start_empty(self) -> None:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Created readable and writable by its owner only, from the first byte.
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as created:
            created.write("{}")

    @property
    def explanation(self) -> str:
        return f"Your accounts are kept, unencrypted, in {self.path} (readable by you only)."

    def _save(self) -> None:
        assert self.path is not None
        write_text_atomically(self.path, json.dumps(self._memory))

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._memory.get(key)

    def set(self, key: str, value: str) -> None:
        with self._lock:
            self._memory[key] = value
            self._save()

    def delete(self, key: str) -> None:
        with self._lock:
            if self._memory.pop(key, None) is not None:
                self._save()


# Never through a link someone put where the file is to be made (where links exist).
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _read_secrets(data: Any) -> dict[str, str]:
    """A secrets file's parsed JSON: an object of texts."""
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise Damaged("not an object of texts")
    return data


# Every secret Songbird keeps: what `songbird export-secrets` copies to a secrets file.
SECRET_KEYS = (SPOTIFY_CLIENT_ID, SPOTIFY_TOKEN, YTMUSIC_AUTH, YTMUSIC_OAUTH)


def copy_secrets(source: SecretStore, target: SecretStore) -> list[str]:
    """Copy every Songbird secret `source` holds to `target`; the keys copied."""
    copied = []
    for key in SECRET_KEYS:
        value = source.get(key)
        if value is not None:
            target.set(key, value)
            copied.append(key)
    return copied
