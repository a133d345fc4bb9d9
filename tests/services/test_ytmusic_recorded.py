"""The YouTube Music adapter through the real ytmusicapi, on recorded real answers."""

from __future__ import annotations

import json

import pytest
from ytmusicapi import YTMusic

from songbird_gui.core.errors import AuthExpired, PermanentError, RateLimited
from songbird_gui.core.types import (
    LIKED_PLAYLIST_ID,
    Playlist,
    PlaylistKind,
    SearchQuery,
    ServiceId,
    Track,
    TrackKind,
)
from songbird_gui.services.ytmusic import YTMusicService
from tests.services.replay import Answer, made_up, recorded, session

pytestmark = pytest.mark.recorded
YT = "music.youtube.com"
# Browser-auth headers of the recorded README's form: no real credentials are needed offline.
FAKE_AUTH = {
    "cookie": "__Secure-3PAPISID=x",
    "authorization": "SAPISIDHASH 0_x",
    "x-goog-authuser": "0",
}
HOME = Answer(200, b'<html>ytcfg.set({"VISITOR_DATA":"x"});</html>', {"Content-Type": "text/html"})


def service(routes, auth=True):
    s, replay = session({("GET", YT): [HOME], **routes})
    client = YTMusic(auth=FAKE_AUTH if auth else None, requests_session=s, language="en")
    return YTMusicService(client), replay


def test_library_playlists_with_liked_music_first(shared_dir):
    yt, _ = service(
        {
            ("POST", f"{YT}/youtubei/v1/browse"): [
                recorded("ytmusic/get_library_playlists_youtui_2023-11.json")
            ]
        }
    )
    playlists = yt.list_playlists()
    assert playlists[0].kind is PlaylistKind.LIKED and playlists[0].name == "Liked Music"
    assert len(playlists) > 1 and all(p.id and p.name for p in playlists[1:])
    assert "LM" not in [p.id for p in playlists]


def test_playlist_tracks_follow_continuations(shared_dir):
    def browse(request):
        body = json.loads(request.body or b"{}")
        if "continuation" in body or "ctoken=" in (request.url or ""):
            browse.continued += 1
            if browse.continued == 1:
                return recorded(
                    "ytmusic/get_playlist_public_not-owned_youtui_2025-06-04_continuation.json"
                )
            return made_up({})  # as the recorded README says: an empty answer ends the listing
        return recorded("ytmusic/get_playlist_public_not-owned_youtui_2025-06-04.json")

    browse.continued = 0
    yt, _ = service({("POST", f"{YT}/youtubei/v1/browse"): browse})
    tracks = yt.playlist_tracks(Playlist(ServiceId.YTMUSIC, "PLabc", "public"))
    assert browse.continued >= 1
    assert len(tracks) > 100
    assert all(t.id for t in tracks if t.kind is not TrackKind.UNAVAILABLE)


def test_owned_playlist_and_liked_music(shared_dir):
    yt, replay = service(
        {
            ("POST", f"{YT}/youtubei/v1/browse"): [
                recorded("ytmusic/get_playlist_owned_youtui_2024-06-24.json")
            ]
        }
    )
    tracks = yt.playlist_tracks(
        Playlist(ServiceId.YTMUSIC, "PLCZQcydUIP07hVgS_ytk-3c8KyR1oLMhB", "mine")
    )
    assert tracks and all(t.title for t in tracks)
    # Liked Music is the playlist "LM": a real owned playlist page stands in for it, as the
    # recordings' manifest says (no "LM" answer was ever recorded).
    liked = Playlist(ServiceId.YTMUSIC, LIKED_PLAYLIST_ID, "Liked Music", kind=PlaylistKind.LIKED)
    assert yt.playlist_tracks(liked)
    assert b'"VLLM"' in replay.sent[-1].body or b'"LM"' in replay.sent[-1].body


def test_search_songs_first_then_videos(shared_dir):
    yt, replay = service(
        {("POST", f"{YT}/youtubei/v1/search"): [
            recorded("ytmusic/search_songs_en_2022-02-08_lost-kings-tinashe-quit-you.json"),
            recorded("ytmusic/search_videos_en_2021-01-18_lost-kings-tinashe-quit-you.json"),
        ]},
        auth=False,
    )  # fmt: skip
    source = Track(
        ServiceId.SPOTIFY, "s", "Quit You", ("Lost Kings", "Tinashe"), duration_ms=200_000
    )
    songs_query, videos_query = yt.search_queries(source)
    assert (songs_query.kind, videos_query.kind) == ("songs", "videos")
    songs = yt.search(songs_query)
    assert songs and all(t.kind is TrackKind.SONG for t in songs)
    assert any(t.title == "Quit You" for t in songs)
    videos = yt.search(videos_query)
    assert videos and {t.kind for t in videos} <= {TrackKind.MUSIC_VIDEO, TrackKind.UPLOAD}
    assert TrackKind.MUSIC_VIDEO in {t.kind for t in videos}  # an official video is marked so
    assert len([r for r in replay.sent if "search" in (r.url or "")]) == 2


def test_the_german_shelf_bug_gives_no_results_not_a_crash(shared_dir):
    yt, _ = service(
        {("POST", f"{YT}/youtubei/v1/search"): [recorded(
            "ytmusic/REGRESSION_search_songs_hl-de_Titel-shelf_parsed-empty-by-ytmusicapi-1.12.3_2024-03-28_isrc-GB2LD2210007.json"
        )]},
        auth=False,
    )  # fmt: skip
    # ytmusicapi 1.12.3 drops a shelf titled "Titel": the adapter sees an empty result.
    assert yt.search(SearchQuery("GB2LD2210007", "songs")) == []


def test_add_items_success_and_failure(shared_dir):
    yt, _ = service(
        {("POST", f"{YT}/youtubei/v1/browse/edit_playlist"): [
            recorded("ytmusic/add_playlist_items_success_youtui_2024-06-26.json"),
            recorded("ytmusic/add_playlist_items_failure_youtui_2024-06-26.json"),
        ]}
    )  # fmt: skip
    target = Playlist(ServiceId.YTMUSIC, "PLx", "mine")
    yt.add_tracks(target, ["dQw4w9WgXcQ"])
    with pytest.raises(PermanentError, match="refused"):
        yt.add_tracks(target, ["bad-video-1"])


def test_create_playlist(shared_dir):
    # No create_playlist answer was ever recorded. ytmusicapi 1.12.3's create_playlist returns
    # response["playlistId"] when the key is there (mixins/playlists.py), so the smallest true
    # answer is that one key.
    yt, replay = service(
        {("POST", f"{YT}/youtubei/v1/playlist/create"): [made_up({"playlistId": "PLnew123"})]}
    )
    created = yt.create_playlist("Road Trip", "Synced by Songbird")
    assert (created.id, created.name) == ("PLnew123", "Road Trip")
    assert json.loads(replay.sent[-1].body)["privacyStatus"] == "PRIVATE"


def google_error(code: int, status: str, message: str) -> Answer:
    # The error body Google's APIs send (no YouTube Music error was recorded).
    return made_up({"error": {"code": code, "message": message, "status": status}}, status=code)


def test_errors_are_translated(shared_dir):
    yt, _ = service(
        {("POST", f"{YT}/youtubei/v1/search"): [
            google_error(429, "RESOURCE_EXHAUSTED", "Too many requests."),
            google_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."),
        ]},
        auth=False,
    )  # fmt: skip
    with pytest.raises(RateLimited):
        yt.search(SearchQuery("x", "songs"))
    with pytest.raises(AuthExpired):
        yt.search(SearchQuery("x", "songs"))
