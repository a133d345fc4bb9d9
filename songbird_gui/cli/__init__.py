"""`songbird`: the command line, headless, on the window's engine.

One module per command, each a subclass of `command.Command` with its own options:
`playlists`, `eval_matches` (its evaluation in `match_eval`), `sync/` (a package: the run,
the dry run's printer, the progress line), `pairs`, `show`, `matches`, `demo_change` and
`export_secrets`. `options` holds the option values they share, `account_secrets` where the
accounts come from, `exit_codes` what cron and scripts read. `parser` gathers the commands and
picks the one asked for; this module is the entry point (`songbird`, `python -m
songbird_gui.cli`) and its one error boundary: a known failure ends as one sentence on stderr
and its exit code, a reader that went away ends quietly.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from songbird_gui.cli.exit_codes import EXIT_OK, CliError
from songbird_gui.cli.parser import build_parser, parse_command_line
from songbird_gui.core.log_file import setup_logging
from songbird_gui.core.paths import AppPaths

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    command, args = parse_command_line(argv)
    paths = AppPaths.default()
    setup_logging(paths)
    try:
        code = command(args, paths).run()
        sys.stdout.flush()  # a reader that went away shows here, not in a message at exit
        return code
    except CliError as error:
        print(f"songbird: {error}", file=sys.stderr)
        return error.code
    except BrokenPipeError:
        # The reader went away (`songbird matches | head`): nothing more to say, and no
        # traceback either. Python would complain again when flushing stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
