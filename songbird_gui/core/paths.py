"""Where Songbird keeps its files, per platform (platformdirs), never hand-built paths.

Linux: ~/.config/songbird, ~/.local/share/songbird, ~/.local/state/songbird/log (XDG variables
are honoured); macOS: ~/Library/Application Support/songbird and ~/Library/Logs/songbird;
Windows: %LOCALAPPDATA%\\songbird. None of these ever holds a secret: those live in the keyring.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

from songbird_gui.core.types import ServiceId

APP_NAME = "songbird"


def learnt_rates_file(folder: Path, service: ServiceId) -> Path:
    """What the limiter learnt of `service`'s limit, in a library's folder."""
    return folder / f"learnt-rates-{service}.json"


@dataclass(frozen=True, slots=True)
class AppPaths:
    config_dir: Path
    data_dir: Path
    log_dir: Path

    @classmethod
    def default(cls) -> AppPaths:
        dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
        return cls(Path(dirs.user_config_dir), Path(dirs.user_data_dir), Path(dirs.user_log_dir))

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def match_store(self) -> Path:
        return self.data_dir / "matches.sqlite3"

    @property
    def demo_match_store(self) -> Path:
        """The demo library's own memory, apart from the person's."""
        return self.demo_state_dir / "matches.sqlite3"

    @property
    def demo_state_dir(self) -> Path:
        return self.data_dir / "demo"

    def learnt_rates(self, service: ServiceId) -> Path:
        """What the limiter learnt of `service`'s limit (the person's library; the demo's is
        in its own folder)."""
        return learnt_rates_file(self.data_dir, service)
