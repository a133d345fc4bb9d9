"""What a bug report needs, with every secret redacted: versions, settings, recent log lines."""

from __future__ import annotations

import json
import platform

from songbird_gui import __version__
from songbird_gui.core.log_file import log_file, recent_lines
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.redact import redact
from songbird_gui.core.settings import Settings


def diagnostics_text(settings: Settings, paths: AppPaths, demo: bool) -> str:
    import PySide6
    from PySide6.QtCore import qVersion

    lines = [
        f"Songbird {__version__}",
        f"Python {platform.python_version()} · Qt {qVersion()} · PySide6 {PySide6.__version__}",
        platform.platform(),
        f"Library: {'demo' if demo else 'connected accounts'}",
        f"Settings: {json.dumps(settings.to_dict(), sort_keys=True)}",
        f"Log: {log_file(paths)}",
        "",
        "Recent log lines:",
        *recent_lines(paths),
    ]
    return redact("\n".join(lines))
