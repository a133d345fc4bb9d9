"""Account secrets through a real Secret Service: gnome-keyring on a private D-Bus session.

The other tests use an in-memory keyring backend; this one runs what a Linux desktop runs.
The test starts its own session bus (a minimal configuration that activates nothing, so no
daemon is ever started behind its back) and an unlocked gnome-keyring-daemon whose keyring
file lives in the test's temporary home. Each step is a new Python process, as Songbird is
from one run to the next, with keyring choosing its backend as it does for the app:

1. connect YouTube Music (pasted headers) and Spotify (client ID and token cache);
2. restart the keyring daemon and the bus, read everything back in a new process;
3. the items are in the Secret Service under the service name "songbird";
4. disconnecting deletes them;
5. no secret is in any file of the temporary home, and the keyring file is encrypted.

With an empty password gnome-keyring cannot be used headless (see `LOGIN_PASSWORD`), so the
login keyring has a known one. Needs `dbus-daemon` and `gnome-keyring-daemon` (Debian:
`apt-get install --no-install-recommends dbus-daemon gnome-keyring`); without them the test
is skipped, or fails when SONGBIRD_REQUIRE_SECRET_SERVICE=1 (CI, see .ci/run).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
PROGRAMS = ("dbus-daemon", "dbus-run-session", "gnome-keyring-daemon")
INSTALL_HINT = "apt-get install --no-install-recommends dbus-daemon dbus-x11 gnome-keyring"
REQUIRE_VARIABLE = "SONGBIRD_REQUIRE_SECRET_SERVICE"

# gnome-keyring-daemon --unlock reads this on stdin and creates the login keyring with it.
# An empty password does not work headless: the daemon then creates no login keyring, and
# keyring's first write asks for a new collection through a prompter that is not there
# ("Prompt dismissed").
LOGIN_PASSWORD = "songbird-test-login-password"
# gnome-keyring's encrypted file format starts with this; an unencrypted keyring is text.
ENCRYPTED_KEYRING_MAGIC = b"GnomeKeyring\n\r\x00\n"

START_TIMEOUT_S = 15.0
CHILD_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 5.0

COOKIE = "SAPISID=cookieSECRET123; __Secure-3PAPISID=cookieSECRET123"
HEADERS = f"""accept: */*
authorization: SAPISIDHASH 1700000000_hashSECRET456
content-type: application/json
cookie: {COOKIE}
x-goog-authuser: 0
x-origin: https://music.youtube.com
"""
TOKEN = {
    "access_token": "accessSECRET789",
    "refresh_token": "refreshSECRET000",
    "expires_at": 9_000_000_000,
    "scope": "playlist-read-private",
    "token_type": "Bearer",
}
CLIENT_ID = "0123456789abcdef0123456789abcdef"
SECRETS = ["cookieSECRET123", "hashSECRET456", "accessSECRET789", "refreshSECRET000"]
SECRET_SERVICE_BACKEND = "keyring.backends.SecretService.Keyring"

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def require_programs() -> None:
    """Skip without the daemons, or fail when the environment says they must be there."""
    missing = [program for program in PROGRAMS if shutil.which(program) is None]
    if not missing:
        return
    message = (
        f"{' and '.join(missing)} not found: the real Secret Service test needs them "
        f"(Debian/Ubuntu: `sudo {INSTALL_HINT}`)"
    )
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"{REQUIRE_VARIABLE}=1 but {message}", pytrace=False)
    pytest.skip(message)


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_TIMEOUT_S)


class SecretServiceSession:
    """A private session bus with gnome-keyring-daemon on it; both are this test's children."""

    def __init__(self, home: Path) -> None:
        self.home = home
        # Sockets go to a short folder of their own: a unix socket path has ~100 characters.
        self.run_dir = Path(tempfile.mkdtemp(prefix="sb-secrets-"))
        self.socket = self.run_dir / "bus"
        self.config = self.run_dir / "bus.conf"
        self.config.write_text(BUS_CONFIG.format(socket=self.socket))
        (self.run_dir / "runtime").mkdir(mode=0o700)
        self.bus: subprocess.Popen[bytes] | None = None
        self.keyring: subprocess.Popen[bytes] | None = None
        env = {k: v for k, v in os.environ.items() if not self._foreign(k)}
        env.update(
            HOME=str(home),
            XDG_RUNTIME_DIR=str(self.run_dir / "runtime"),
            DBUS_SESSION_BUS_ADDRESS=f"unix:path={self.socket}",
        )
        self.env = env

    @staticmethod
    def _foreign(variable: str) -> bool:
        """The caller's desktop session, keyring choice and the like: not for the children."""
        return variable in {
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "GNOME_KEYRING_CONTROL",
            "SSH_AUTH_SOCK",
            "PYTHON_KEYRING_BACKEND",
            "KEYRING_PROPERTY_PREFERRED_COLLECTION",
        }

    @property
    def keyring_file(self) -> Path:
        return Path(self.env["XDG_DATA_HOME"]) / "keyrings" / "login.keyring"

    def start(self) -> None:
        self.socket.unlink(missing_ok=True)
        with open(self.run_dir / "dbus.log", "ab") as log:
            self.bus = subprocess.Popen(
                ["dbus-daemon", f"--config-file={self.config}", "--nofork", "--nopidfile"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                env=self.env,
            )
        self._wait(self._bus_ready, "the session bus", self.bus, "dbus.log")
        with open(self.run_dir / "keyring.log", "ab") as log:
            self.keyring = subprocess.Popen(
                ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=log,
                env=self.env,
            )
        assert self.keyring.stdin is not None
        self.keyring.stdin.write(LOGIN_PASSWORD.encode())
        self.keyring.stdin.close()  # the daemon reads the password up to end of file
        self._wait(self._keyring_ready, "gnome-keyring", self.keyring, "keyring.log")

    def stop(self) -> None:
        _stop(self.keyring)
        _stop(self.bus)
        self.keyring = self.bus = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def _wait(self, ready: Any, what: str, process: subprocess.Popen[bytes], log: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            with contextlib.suppress(Exception):
                if ready():
                    return
            time.sleep(0.05)
        output = (self.run_dir / log).read_text(errors="replace")[-2000:]
        state = f"exited with {process.returncode}" if process.poll() is not None else "timed out"
        pytest.fail(f"{what} did not start ({state}):\n{output}", pytrace=False)

    def _connection(self) -> Any:
        from jeepney.io.blocking import open_dbus_connection

        return open_dbus_connection(bus=self.env["DBUS_SESSION_BUS_ADDRESS"])

    def _bus_ready(self) -> bool:
        with self._connection():
            return True

    def _keyring_ready(self) -> bool:
        """The default collection (the login keyring) exists and is unlocked."""
        import secretstorage

        with self._connection() as connection:
            collection = secretstorage.Collection(connection)  # the "default" alias
            return not collection.is_locked()


@pytest.fixture
def secret_service(user_dirs: Path):
    require_programs()
    session = SecretServiceSession(user_dirs)
    try:
        session.start()
        yield session
    finally:
        session.close()


def run_child(session: SecretServiceSession, step: str) -> dict[str, Any]:
    """One step in a new Python process on the private bus; returns what it reports."""
    result = subprocess.run(
        [sys.executable, __file__, step],
        cwd=REPO,
        env={**session.env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, f"step {step!r} failed:\n{result.stderr[-3000:]}"
    report: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return report


def child(step: str) -> None:
    """Runs in the child process: one step, with keyring's own choice of backend."""
    import keyring
    import secretstorage

    from songbird_gui.core.types import ONLINE_SERVICES, ServiceId
    from songbird_gui.services.accounts import Accounts
    from songbird_gui.services.secrets import SERVICE_NAME, SPOTIFY_CLIENT_ID, SecretStore
    from songbird_gui.services.spotify_auth import KeyringCacheHandler

    backend = type(keyring.get_keyring())
    store = SecretStore()
    accounts = Accounts(store)
    cache = KeyringCacheHandler(store)
    report: dict[str, Any] = {
        "backend": f"{backend.__module__}.{backend.__qualname__}",
        "persistent_at_start": store.persistent,
    }
    if step == "connect":
        accounts.save_ytmusic_headers(HEADERS)
        store.set(SPOTIFY_CLIENT_ID, CLIENT_ID)
        cache.save_token_to_cache(TOKEN)
        report["token_read"] = cache.get_cached_token()
    elif step == "disconnect":
        accounts.disconnect(ServiceId.YTMUSIC)
        accounts.disconnect(ServiceId.SPOTIFY)
    report["persistent"] = store.persistent  # False after a keyring error: memory only
    report["connected"] = {s.value: accounts.connected(s) for s in ONLINE_SERVICES}
    report["token"] = cache.get_cached_token()
    report["client_id"] = store.get(SPOTIFY_CLIENT_ID)
    report["ytmusic_auth"] = store.get("ytmusic-auth")

    # What the Secret Service itself holds under Songbird's name, asked directly.
    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        items = {
            item.get_attributes()["username"]: item.get_secret().decode()
            for item in collection.search_items({"service": SERVICE_NAME})
        }
        report["collection"] = collection.get_label()
    finally:
        connection.close()
    report["items"] = items
    print(json.dumps(report))


def files_holding_secrets(root: Path) -> list[str]:
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found += [f"{path.relative_to(root)}: {s}" for s in SECRETS if s.encode() in data]
    return found


@pytest.mark.slow
def test_account_secrets_live_in_the_real_secret_service(secret_service, user_dirs):
    connected = {"spotify": True, "ytmusic": True}

    wrote = run_child(secret_service, "connect")
    assert wrote["backend"] == SECRET_SERVICE_BACKEND, "keyring fell back to another backend"
    assert wrote["persistent_at_start"] and wrote["persistent"], "SecretStore fell back to memory"
    assert wrote["token_read"] == TOKEN
    assert wrote["connected"] == connected
    assert sorted(wrote["items"]) == ["spotify-client-id", "spotify-token", "ytmusic-auth"]

    # A new session (bus and keyring daemon restarted), a new process: read from the disk.
    secret_service.stop()
    secret_service.start()
    read = run_child(secret_service, "read")
    assert read["backend"] == SECRET_SERVICE_BACKEND
    assert read["persistent"] is True
    assert read["connected"] == connected
    assert read["token"] == TOKEN
    assert read["client_id"] == CLIENT_ID
    assert json.loads(read["ytmusic_auth"])["cookie"] == COOKIE
    assert read["collection"] == "Login"
    assert read["items"] == {
        "spotify-client-id": CLIENT_ID,
        "spotify-token": json.dumps(TOKEN),
        "ytmusic-auth": read["ytmusic_auth"],
    }

    # The keyring file is in the temporary home, in gnome-keyring's encrypted format.
    keyring_file = secret_service.keyring_file
    assert keyring_file.is_relative_to(user_dirs)
    assert keyring_file.read_bytes().startswith(ENCRYPTED_KEYRING_MAGIC)
    assert files_holding_secrets(user_dirs) == []  # the keyring file included

    gone = run_child(secret_service, "disconnect")
    assert gone["persistent"] is True
    assert gone["connected"] == {"spotify": False, "ytmusic": False}
    assert gone["items"] == {}
    after = run_child(secret_service, "read")
    assert after["items"] == {} and after["token"] is None and after["client_id"] is None
    assert files_holding_secrets(user_dirs) == []


def run_in_login_session(home: Path, step: str) -> dict[str, Any]:
    """One step as a desktop login runs it: `dbus-run-session`, keyring unlocked at login."""
    env = {k: v for k, v in os.environ.items() if not SecretServiceSession._foreign(k)}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env.update(HOME=str(home), PYTHONPATH=str(REPO), LOGIN_PASSWORD=LOGIN_PASSWORD)
    script = (
        'printf %s "$LOGIN_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets'
        ' >/dev/null && exec "$0" "$1" "$2"'
    )
    result = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", script, sys.executable, __file__, step],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, f"step {step!r} failed:\n{result.stderr[-3000:]}"
    report: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return report


@pytest.mark.slow
def test_secrets_outlive_the_login_session_under_dbus_run_session(user_dirs):
    """Two login sessions, one after the other: what the first stored, the second reads."""
    require_programs()
    wrote = run_in_login_session(user_dirs, "connect")
    assert wrote["backend"] == SECRET_SERVICE_BACKEND and wrote["persistent"]
    read = run_in_login_session(user_dirs, "read")
    assert read["backend"] == SECRET_SERVICE_BACKEND
    assert read["token"] == TOKEN
    assert read["connected"] == {"spotify": True, "ytmusic": True}
    assert files_holding_secrets(user_dirs) == []
    run_in_login_session(user_dirs, "disconnect")
    assert run_in_login_session(user_dirs, "read")["items"] == {}


def test_missing_daemons_skip_locally_and_fail_in_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no program at all
    monkeypatch.delenv(REQUIRE_VARIABLE, raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install"):
        require_programs()
    monkeypatch.setenv(REQUIRE_VARIABLE, "1")
    with pytest.raises(pytest.fail.Exception, match=f"{REQUIRE_VARIABLE}=1 but .*gnome-keyring"):
        require_programs()


if __name__ == "__main__":  # a step of the test above, in its own process
    child(sys.argv[1])
