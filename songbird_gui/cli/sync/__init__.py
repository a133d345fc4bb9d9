"""`songbird sync`: plan, search and write, headless, on the window's engine.

A sync runs in legs, one per direction: the playlists named (`--playlist`, `--all`, `--liked`)
go one way; `--pairs` syncs every remembered pair, each leg taking the pairs of one
direction. Each leg is a `SyncSession` under a `QCoreApplication`: the same pool, throttles
and store as the window. Uncertain matches are left for review in the window (remembered, not
added). A mirror that would remove too much stops before writing (the guard) unless
`--allow-removals N` covers it: that pair is refused and the command ends with exit code 4.
A sync holds the data folder's writer lock for its whole run; when another sync holds it, it
says so and ends with exit code 5 (engine/writer_lock.py).

command.py runs it; dry_run.py prints a dry run's plan; progress.py draws the progress line.
"""

from songbird_gui.cli.sync.command import SyncCommand

__all__ = ["SyncCommand"]
