"""A pair made from a playlist file syncs on from the command line (`sync --pairs`, as cron
runs it) with no file opened: its export is found again in its folder. The commands that
open files (`sync --file`, `playlists --file`, `export`) come with round two."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QEventLoop

from songbird_gui.app import Songbird
from songbird_gui.cli import main
from songbird_gui.core.exit_codes import EXIT_OK
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.settings import RateSettings, Settings
from songbird_gui.core.types import ServiceId
from songbird_gui.engine.session import SyncSession
from songbird_gui.services.demo import DemoConfig, DemoServerConfig
from songbird_gui.services.demo_export import shipped_demo_export

pytestmark = pytest.mark.usefixtures("qapp")

FAST = ["--demo", "--demo-latency-ms", "0", "--demo-limit", "2000", "--rate", "2000"]


def wait(signal: object) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    loop.exec()


def sync_from_file(export: Path, name: str) -> None:
    """The window's way: open the export in the demo library, sync one playlist of it."""
    paths = AppPaths.default()
    fast = DemoServerConfig(latency_s=0.0, limit=2000.0, burst=2000)
    config = DemoConfig(spotify=fast, ytmusic=fast, state_dir=paths.demo_state_dir)
    rate = RateSettings(rate=2000.0, burst=2000)
    songbird = Songbird(paths, demo=config, settings=Settings(spotify=rate, ytmusic=rate))
    services = songbird.demo_services()
    opened = services[ServiceId.FILE].open(export)  # type: ignore[attr-defined]
    session = SyncSession(songbird.context(services), ServiceId.FILE, ServiceId.YTMUSIC)
    session.plan([p for p in opened if p.name == name])
    wait(session.planned)
    session.search()
    wait(session.searchFinished)
    session.apply()
    wait(session.applied)
    session.close()
    assert session.drain(10_000)
    songbird.close()


def test_a_file_pair_syncs_on_from_its_folder_with_sync_pairs(capsys, tmp_path: Path) -> None:
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    export = downloads / "my_spotify_data.zip"
    export.write_bytes(shipped_demo_export().read_bytes())
    sync_from_file(export, "Road Trip")

    # A newer export lands in the same folder, one song longer (copied from Gym Mix).
    with zipfile.ZipFile(export) as archive:
        texts = {i.filename: archive.read(i).decode("utf-8") for i in archive.infolist()}
    name = "Spotify Account Data/Playlist1.json"
    body = json.loads(texts[name])
    by_name = {p["name"]: p for p in body["playlists"]}
    by_name["Road Trip"]["items"].append(by_name["Gym Mix"]["items"][0])
    texts[name] = json.dumps(body)
    with zipfile.ZipFile(downloads / "my_spotify_data (1).zip", "w") as archive:
        for file, text in texts.items():
            archive.writestr(file, text)

    code = main(["sync", *FAST, "--pairs", "--json"])
    out = capsys.readouterr().out
    assert code == EXIT_OK, out
    assert "Road Trip → Road Trip (YouTube Music): updated, 1 added" in out
    figures = json.loads(out.strip().splitlines()[-1])
    assert figures["added"] == 1
