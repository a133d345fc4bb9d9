"""The composition root: one store per library, the demo's memory apart from the person's."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from songbird_gui.app import Songbird
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.service import MusicService
from songbird_gui.core.store import MatchStore
from songbird_gui.core.throttle import Throttle
from songbird_gui.core.types import Candidate, Decision, MatchResult, ServiceId, Track
from songbird_gui.services.accounts import Accounts
from songbird_gui.services.demo import load_catalogue

YT = ServiceId.YTMUSIC


def decided(store: MatchStore, track: Track, target_id: str) -> None:
    best = Candidate(Track(YT, target_id, "x"), 0.9)
    store.remember(MatchResult(track, Decision.ACCEPT, best, (best,)), YT)


def test_the_demos_decisions_leave_the_persons_store_once_and_never_mix_again(tmp_path: Path):
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    demo_id = load_catalogue()["services"]["spotify"]["tracks"][0]["id"]
    demo_track = Track(ServiceId.SPOTIFY, demo_id, "Demo song")
    real_track = Track(ServiceId.SPOTIFY, "4uLU6hMCjMI75M1A2tKUQC", "Never Gonna Give You Up")
    before = MatchStore(paths.match_store)  # a store from before the split holds both
    decided(before, demo_track, "yt-demo")
    decided(before, real_track, "dQw4w9WgXcQ")
    before.close()

    songbird = Songbird(paths)
    demo, mine = songbird.demo_store, songbird.store
    assert demo.recall(demo_track, YT) is not None and mine.recall(demo_track, YT) is None
    assert mine.recall(real_track, YT) is not None and demo.recall(real_track, YT) is None
    services, is_demo = songbird.choose_services()
    assert is_demo and songbird.context(services).store is demo
    decided(mine, demo_track, "yt-again")  # say the person's library has the same id
    songbird.close()

    again = Songbird(paths)
    assert again.demo_store.count() == 1  # split once: nothing moved a second time
    assert again.store.recall(demo_track, YT) is not None
    again.close()


class OnlyYouTubeMusic(Accounts):
    """A person with YouTube Music connected and no Spotify app (the keyring not touched)."""

    def __init__(self) -> None:
        self.built: list[ServiceId] = []

    def connected(self, service: ServiceId) -> bool:
        return service is YT

    def service(self, service: ServiceId, throttle: Throttle) -> MusicService:
        self.built.append(service)
        return cast(MusicService, object())


def test_files_sync_into_youtube_music_with_no_spotify_app(tmp_path: Path):
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    accounts = OnlyYouTubeMusic()
    songbird = Songbird(paths, accounts=accounts)
    services, is_demo = songbird.file_sync_services(YT)
    assert not is_demo and set(services) == {ServiceId.FILE, YT}
    assert services[ServiceId.FILE] is songbird.files and accounts.built == [YT]
    assert songbird.context(services).store is songbird.store  # the person's memory
    # Both services are needed to sync between them: that stays on the demo library, whose
    # playlist files are its own.
    demo, is_demo = songbird.choose_services()
    assert is_demo and demo[ServiceId.FILE] is not songbird.files
    assert songbird.file_sync_services(ServiceId.SPOTIFY)[0].keys() == {ServiceId.FILE}
    songbird.close()
