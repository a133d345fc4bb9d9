"""The matcher on the bundled demo library: never a wrong song added, few searches per track.

Every track of every demo playlist is searched the way a sync searches it (the adapter's
queries, best first, the wider one only when the first finds nothing acceptable) and judged
against the catalogue's truth: the right song, or the official video of the same recording.
"""

from __future__ import annotations

from collections import Counter

from songbird_gui.app import build_throttles
from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.matching import find_match
from songbird_gui.core.retry import RequestStats
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.settings import RateSettings, Settings
from songbird_gui.core.throttle import request_scope
from songbird_gui.core.types import Decision, ServiceId
from songbird_gui.services.demo import DemoConfig, DemoServerConfig, demo_services, load_catalogue


def test_demo_playlists_are_matched_safely_and_cheaply():
    catalogue = load_catalogue()
    instant = DemoServerConfig(latency_s=0.0, limit=1e6, burst=1_000_000)
    unlimited = RateSettings(1e6, 1_000_000)
    throttles = build_throttles(Settings(spotify=unlimited, ytmusic=unlimited))
    services = demo_services(DemoConfig(spotify=instant, ytmusic=instant), throttles)
    source, target = services[ServiceId.SPOTIFY], services[ServiceId.YTMUSIC]
    tracks = {
        t.id: t
        for p in source.list_playlists()
        if not p.is_liked
        for t in source.playlist_tracks(p)
    }
    stats = RequestStats()
    outcome: Counter[str] = Counter()
    wrong = []
    for track in tracks.values():
        with request_scope(CancelToken(), stats):
            result = find_match(track, target, Matcher())
        right = {catalogue["truth"][track.id], *catalogue["acceptable"].get(track.id, [])} - {None}
        chosen = result.best.track.id if result.best else None
        if result.decision is Decision.ACCEPT:
            outcome["accepted"] += 1
            if chosen not in right:
                wrong.append((track.describe(), result.best.track.describe()))
        elif result.decision is Decision.REVIEW:
            outcome["review"] += 1
        else:
            outcome["not found"] += 1
    assert wrong == []  # never a wrong song added without asking
    assert outcome["accepted"] >= 0.85 * len(tracks)
    assert stats.requests <= 1.2 * len(tracks)
