"""The composition root: one store per library, the demo's memory apart from the person's;
what the limiters learnt kept per library between runs."""

from __future__ import annotations

from pathlib import Path

from songbird_gui.app import Songbird
from songbird_gui.core.paths import AppPaths
from songbird_gui.core.ratelimit import Permit, Window, WindowLimiter
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import Candidate, Decision, MatchResult, ServiceId, Track
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
    assert message.startswith("What Songbird learnt of YouTube Music's limit was damaged;")
    assert not paths.learnt_rates(YT).exists()
    songbird.close()
