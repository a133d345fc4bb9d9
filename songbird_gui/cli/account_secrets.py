"""Where the command line reads the accounts from: the keyring, or by explicit opt-in a file
(`--secrets-file PATH`).

On a desktop (and from a systemd user timer, which runs inside the person's session) the
accounts come from the system keyring, as in the window. Where no keyring is reachable (cron
on a server, a shell over SSH without a session) the command says so and ends with exit code 9
rather than asking for a login it could not keep. The one way around it is to choose, in
words, to keep the secrets in a file: `songbird export-secrets PATH` copies them from the
keyring into PATH (created readable by its owner only), and `--secrets-file PATH` makes a
command read them from there (and keep refreshed tokens there). The file is not encrypted.
`songbird export-secrets` itself lives in export_secrets.py.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from songbird_gui.cli.cli_error import CliError
from songbird_gui.core.exit_codes import EXIT_NO_KEYRING, EXIT_USAGE
from songbird_gui.services.accounts import Accounts
from songbird_gui.services.secrets import FileSecretStore, SecretsFileError, SecretStore

RISK = (
    "the file is not encrypted: whoever can read it (you, root, your backups) can use your "
    "Spotify and YouTube Music accounts"
)
NO_KEYRING = (
    "no keyring is reachable, so your accounts cannot be read. Run from your desktop session "
    "(a systemd user timer reaches its keyring), or keep the secrets in a file by choice: "
    "`songbird export-secrets PATH` on a desktop, then `--secrets-file PATH` here (" + RISK + ")"
)


def add_secrets_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--secrets-file",
        type=Path,
        metavar="PATH",
        help=f"read the accounts from PATH instead of the keyring (opt-in: {RISK})",
    )


def file_store(path: Path) -> FileSecretStore:
    try:
        return FileSecretStore(path)
    except (SecretsFileError, OSError) as error:
        raise CliError(f"cannot use the secrets file: {error}", EXIT_USAGE) from error


def accounts_for(args: argparse.Namespace) -> Accounts:
    """The accounts from the secrets file when one is given, else from the keyring."""
    path = getattr(args, "secrets_file", None)
    return Accounts(file_store(path) if path else SecretStore())


def require_keyring(accounts: Accounts | None) -> None:
    """Refuse, with exit code 9, to read accounts from a keyring that is not there."""
    if accounts is None or accounts.store.path is not None:
        return
    if not accounts.store.persistent:
        raise CliError(NO_KEYRING, EXIT_NO_KEYRING)
