"""`songbird`: the command line, headless, on the window's engine.

One module per command, each a subclass of `command.Command` with its own options:
`playlists`, `eval_matches` (its evaluation in `match_eval`), `sync/` (a package: the run,
the dry run's printer, the progress line), `pairs`, `show`, `matches`, `demo_change`,
`export` and `export_secrets`. `options` and `checked_values` hold the option values they
share, `account_secrets` where the accounts come from, `cli_error` the refusal that carries
an exit code (the codes themselves: `core/exit_codes.py`), `stopping` how SIGINT and SIGTERM
end a command. `parser` gathers the commands and picks the one asked for.

This module is the entry point (`songbird`, `python -m songbird_gui.cli`) and its one error
boundary: whatever ends a command ends as one sentence on stderr and the README's exit code.
A refusal says its own sentence; a signal says "Stopped" (130 for Ctrl+C, 143 for SIGTERM);
a reader that went away ends quietly; anything else is mapped by `core/failure.py` (the
disk full, a read-only folder, the network down, a service's refusal), and an unexpected
error still gets a sentence and code 12, its trace going to the log, never to the terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from songbird_gui.cli.cli_error import CliError
from songbird_gui.cli.parser import build_parser, parse_command_line
from songbird_gui.cli.stopping import Interrupted, Stop
from songbird_gui.core.exit_codes import EXIT_OK
from songbird_gui.core.failure import STOPPED_SENTENCE, failure_of
from songbird_gui.core.log_file import setup_logging
from songbird_gui.core.paths import AppPaths

__all__ = ["build_parser", "main"]


def say(sentence: str) -> None:
    print(f"songbird: {sentence}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    command, args = parse_command_line(argv)
    paths = AppPaths.default()
    setup_logging(paths)
    with Stop().listening() as stop:
        try:
            code = command(args, paths, stop=stop).run()
            sys.stdout.flush()  # a reader that went away shows here, not in a message at exit
            if stop.requested:  # a sync's session stopped within Qt's loop, and said so
                say(STOPPED_SENTENCE)
                return stop.exit_code
            return code
        except CliError as error:
            say(str(error))
            return error.code
        except Interrupted as interrupted:
            say(STOPPED_SENTENCE)
            return interrupted.exit_code
        except BrokenPipeError:
            # The reader went away (`songbird matches | head`): nothing more to say, and no
            # traceback either. Python would complain again when flushing stdout at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_OK
        except SystemExit:
            raise
        except BaseException as error:  # the boundary: every other failure said once
            failure = failure_of(error, paths.data_dir)
            if failure.sentence:
                say(failure.sentence)
            return failure.exit_code
