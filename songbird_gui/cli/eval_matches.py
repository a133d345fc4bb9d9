"""`songbird eval-matches FILE`: the matcher judged on labelled searches (match_eval.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from songbird_gui.cli.command import Command
from songbird_gui.cli.exit_codes import EXIT_OK, EXIT_USAGE, CliError
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

        settings = SettingsFile(self.paths.settings_file).load()
        try:
            tally = evaluate(self.args.file, Matcher(settings.match))
        except OSError as error:
            raise CliError(f"cannot read {self.args.file}: {error.strerror}", EXIT_USAGE) from error
        except (ValueError, KeyError, TypeError) as error:
            raise CliError(
                f"{self.args.file} is not a file of cases: {error}", EXIT_USAGE
            ) from error
        report(tally, self.out, self.args.json)
        return EXIT_OK
