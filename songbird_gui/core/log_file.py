"""The log file: rotating, in the user log directory, with secrets redacted.

Called once by each front end (the CLI and the window). The file is what a person attaches
to a bug report, so every record passes through `RedactingFilter` first.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from songbird_gui.core.paths import AppPaths
from songbird_gui.core.redact import RedactingFilter

LOG_NAME = "songbird.log"
MAX_BYTES = 1_000_000
BACKUPS = 4


def log_file(paths: AppPaths) -> Path:
    return paths.log_dir / LOG_NAME


def setup_logging(paths: AppPaths, level: int = logging.INFO) -> Path:
    """Send Songbird's log records to a rotating file; returns its path."""
    path = log_file(paths)
    root = logging.getLogger("songbird_gui")
    if any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()  # an unwritable log folder must not stop the app
    handler.addFilter(RedactingFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level)
    return path


def recent_lines(paths: AppPaths, count: int = 200) -> list[str]:
    try:
        return log_file(paths).read_text(encoding="utf-8", errors="replace").splitlines()[-count:]
    except OSError:
        return []
