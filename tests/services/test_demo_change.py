"""A demo playlist changed as its owner would: additions a sync can find on a source, and a
person's own songs on a target, which no source track stands for."""

from __future__ import annotations

from songbird_gui.core.types import ServiceId
from songbird_gui.services.demo_change import change_playlist
from songbird_gui.services.demo_server import DemoServer, DemoServerConfig
from tests.demo_catalogue import small_catalogue

INSTANT = DemoServerConfig(latency_s=0.0, limit=1000, burst=1000)


def test_additions_are_findable_on_a_source_and_the_persons_own_on_a_target():
    catalogue = small_catalogue()
    server = DemoServer(ServiceId.YTMUSIC, INSTANT, None, catalogue)
    playlist = server.create_playlist("Mine", "")["id"]

    change_playlist(server, playlist, add=5, seed=1, catalogue=catalogue)
    findable = [row["id"] for row in server.get_playlist_items(playlist)]
    assert sorted(findable) == ["yt1", "yt2", "yt3"]  # each has its twin on Spotify

    server.edit_as_a_person(playlist, lambda ids: [])
    change_playlist(server, playlist, add=5, seed=1, findable=False, catalogue=catalogue)
    own = [row["id"] for row in server.get_playlist_items(playlist)]
    assert sorted(own) == ["yt4", "yt9"]  # no Spotify track is either of them
