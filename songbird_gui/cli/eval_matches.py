"""`songbird eval-matches FILE`: the matcher judged on labelled searches (match_eval.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from songbird_gui.cli.cli_error import CliError
from songbird_gui.cli.command import Command
from songbird_gui.core.exit_codes import EXIT_OK, EXIT_USAGE
from songbird_gui.core.settings import SettingsFile


class EvalMatchesCommand(Command):
    name = "eval-matches"
    summary = "judge the matcher on labelled searches (../shared/eval format)"

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="a JSON file of labelled cases")
        parser.add_argument("--json", action="store_true", help="end with one JSON line")

    def execute(self) -> int:
        # Loaded here: it brings both services' libraries, which no other command needs.
        from songbird_gui.cli.match_eval import evaluate, report
        from songbird_gui.core.scoring import Matcher

        read = SettingsFile(self.paths.settings_file).read()  # its thresholds judge the cases
        for message in read.messages:
            print(f"songbird: {message}", file=sys.stderr)
        try:
            # A file that holds no case to judge is a CasesFileError: refused (exit code 2)
            # by the entry point, in its own words (they name the file).
            tally = evaluate(self.args.file, Matcher(read.settings.match))
        except OSError as error:
            raise CliError(f"cannot read {self.args.file}: {error.strerror}", EXIT_USAGE) from error
        report(tally, self.out, self.args.json)
        return EXIT_OK
