"""`songbird export-secrets PATH`: the accounts copied from the keyring into a file, for a
server that has no keyring (read there with `--secrets-file PATH`; see account_secrets.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from songbird_gui.cli.account_secrets import RISK, file_store
from songbird_gui.cli.cli_error import CliError
from songbird_gui.cli.command import Command
from songbird_gui.core.exit_codes import EXIT_NO_KEYRING, EXIT_OK
from songbird_gui.services.secrets import SecretStore, copy_secrets


def export_secrets(path: Path, out: TextIO) -> int:
    """Copy the accounts from the keyring into `path` (created 0600)."""
    keyring = SecretStore()
    if not keyring.persistent:
        raise CliError("no keyring is reachable here: nothing to copy", EXIT_NO_KEYRING)
    copied = copy_secrets(keyring, file_store(path))
    print(f"copied {len(copied)} secrets to {path} (readable by you only); {RISK}.", file=out)
    return EXIT_OK


class ExportSecretsCommand(Command):
    name = "export-secrets"
    summary = "copy the accounts from the keyring into a file, for a server without one"
    description = (
        f"Copy the accounts from this desktop's keyring into PATH, created "
        f"readable by you only; then use --secrets-file PATH where no keyring is. Note: {RISK}."
    )

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("path", type=Path, metavar="PATH")

    def execute(self) -> int:
        return export_secrets(self.args.path, self.out)
