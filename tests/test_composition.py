"""The composition root: one store per library, the demo's memory apart from the person's;
what the limiters learnt kept per library between runs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import cast

from songbird_gui.app import Songbird
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.ratelimit import Permit, Window, WindowLimiter
from songbird_gui.core.service import MusicService
from songbird_gui.core.store import MatchStore
from songbird_gui.core.throttle import Throttle
from songbird_gui.core.types import Candidate, Decision, MatchResult, ServiceId, Track
from songbird_gui.services.accounts import Accounts
from songbird_gui.services.demo import DemoConfig, load_catalogue
from songbird_gui.services.secrets import SecretStore

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


def test_what_the_kept_files_had_to_say_is_there_for_the_terminal_and_the_window(tmp_path):
    """A damaged settings file and a damaged demo store, opened by the composition root as the
    command line's --demo opens them: each said at once, with where it was kept."""
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    paths.config_dir.mkdir(parents=True)
    paths.settings_file.write_text('{"workers": 4, "spotify": [', encoding="utf-8")
    paths.demo_state_dir.mkdir(parents=True)
    paths.demo_match_store.write_bytes(b"\x00not a database\xff" * 10)

    songbird = Songbird(paths, demo=DemoConfig(state_dir=paths.demo_state_dir))
    try:
        settings_said, store_said = songbird.recovery_messages
        assert settings_said.startswith("The settings file could not be read (not JSON)")
        assert store_said.startswith("The demo's match store could not be read")
        kept = sorted(p.name for p in paths.config_dir.iterdir())
        assert kept[0].startswith("settings.json.damaged-") and kept[0] in settings_said
        assert "matches.sqlite3.damaged-" in store_said
        assert songbird.settings.workers == 8  # the defaults, for this run
        assert songbird.notices.unshown() == [settings_said, store_said]
    finally:
        songbird.close()


def test_the_command_lines_own_settings_are_made_from_the_kept_ones(tmp_path):
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    paths.config_dir.mkdir(parents=True)
    paths.settings_file.write_text('{"workers": 99}', encoding="utf-8")
    songbird = Songbird(paths, tune=lambda s: replace(s, retry=replace(s.retry, max_attempts=2)))
    try:
        assert (songbird.settings.workers, songbird.settings.retry.max_attempts) == (8, 2)
        (said,) = songbird.recovery_messages
        assert "workers is 99 (it must be from 1 to 64), so 8 is used" in said
    finally:
        songbird.close()


class OnlyYouTubeMusic(Accounts):
    """A person with YouTube Music connected and no Spotify app (the keyring not touched)."""

    def __init__(self) -> None:
        super().__init__(SecretStore())  # lazy: the keyring is never asked
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


def test_each_library_keeps_what_its_limiters_learnt_for_the_next_run(tmp_path: Path) -> None:
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    songbird = Songbird(paths)
    services, is_demo = songbird.choose_services()
    limiter = services[YT].throttle.limiter
    assert is_demo and isinstance(limiter, WindowLimiter)
    permits = [limiter.take() for _ in range(4)]  # the three taken for granted and a probe
    for permit in permits:
        assert isinstance(permit, Permit)
        limiter.answered(permit)  # served: the service took four in a second
    learnt = limiter.learnt_limits
    assert learnt.served == (Window(4, 1.0),)
    assert songbird.throttles[YT].limiter is not limiter  # the person's services learn apart
    songbird.close()

    assert (paths.demo_state_dir / "learnt-rates-ytmusic.json").is_file()
    assert not paths.learnt_rates(YT).exists()  # the person's services learnt nothing
    again = Songbird(paths)
    services, _ = again.choose_services()
    assert services[YT].throttle.limiter.learnt_limits == learnt
    again.close()


def test_a_damaged_learnt_rates_file_is_set_aside_and_told(tmp_path: Path) -> None:
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    paths.learnt_rates(YT).parent.mkdir(parents=True)
    paths.learnt_rates(YT).write_text("{ half a file", encoding="utf-8")
    songbird = Songbird(paths)
    [message] = songbird.recovery_messages
    assert message.startswith("What Songbird learnt of YouTube Music's limit could not be read")
    assert not paths.learnt_rates(YT).exists()
    songbird.close()
