"""Songbird: keeps playlists in sync between Spotify and YouTube Music.

Layers, each importing only those before it: `core` (pure Python), `services` (one adapter per
service), `engine` (QtCore: the thread pool and its signals), `ui` (QtWidgets). Between engine
and ui sit the composition root (`app.py`) and the command line (`cli/`); `__main__.py` starts
the window.
"""

from __future__ import annotations

import sys
from pathlib import Path

__version__ = "0.1.0"


def resources_path() -> Path:
    """The `resources/` folder: in a frozen bundle, an installed wheel or a source checkout."""
    frozen = getattr(sys, "_MEIPASS", None)
    here = Path(__file__).resolve().parent
    for candidate in (
        Path(frozen) / "resources" if frozen else None,
        here / "resources",
        here.parent / "resources",
    ):
        if candidate is not None and candidate.is_dir():
            return candidate
    raise FileNotFoundError("Songbird's resources folder is missing from this installation")
