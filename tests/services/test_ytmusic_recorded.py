"""The YouTube Music adapter through the real ytmusicapi, on recorded real answers.

Where no recording exists (create_playlist, a like, error answers) the answer is written here,
as small as ytmusicapi 1.12.3's own code allows, and each such test says so.
"""

from __future__ import annotations

import json

import pytest
import requests

from songbird_gui.core.errors import AuthExpired, PermanentError, RateLimited, TransientError
from songbird_gui.core.types import (
    LIKED_PLAYLIST_ID,
    Playlist,
    PlaylistKind,
    SearchQuery,
    ServiceId,
    Track,
    TrackKind,
)
from tests.services.replay import YT, Answer, made_up, recorded, ytmusic_search_rows
from tests.services.replay import YT_BROWSE as BROWSE
from tests.services.replay import YT_SEARCH as SEARCH
from tests.services.replay import ytmusic_service as service

pytestmark = pytest.mark.recorded
LIKED = Playlist(ServiceId.YTMUSIC, LIKED_PLAYLIST_ID, "Liked Music", kind=PlaylistKind.LIKED)


def raw_search(name: str, search_filter: str) -> list[dict]:
    """What ytmusicapi itself makes of a recording: the oracle for the adapter's kinds."""
    return ytmusic_search_rows([recorded(name)], search_filter)


def test_library_playlists_with_liked_music_first(shared_dir):
    yt, replay = service({BROWSE: [recorded("ytmusic/get_library_playlists_youtui_2023-11.json")]})
    playlists = yt.list_playlists()
    assert playlists[0].kind is PlaylistKind.LIKED and playlists[0].name == "Liked Music"
    # "LM" is the Liked entry above; "SE" (Episodes for Later) holds podcasts, not music.
    assert [(p.id, p.name, p.owner, p.track_count) for p in playlists[1:]] == [
        ("PLCZQcydUIP07hMOwAXIag92l76d3z3Thv", "Listen later", "Nick Dowsett", 20),
        ("RDCLAK5uy_lRzD6ZcGWU_ef3r4y7ifNYLiGmCCX_jIk", "Deadly Hotlist", "YouTube Music", 50),
    ]
    assert json.loads(replay.sent[-1].body)["browseId"] == "FEmusic_liked_playlists"


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
    yt, _ = service({BROWSE: browse})
    tracks = yt.playlist_tracks(Playlist(ServiceId.YTMUSIC, "PLabc", "public"))
    assert browse.continued >= 1
    assert len(tracks) > 100
    assert all(t.id for t in tracks if t.kind is not TrackKind.UNAVAILABLE)
    assert all(t.duration_ms for t in tracks if t.kind is not TrackKind.UNAVAILABLE)


def test_owned_playlist(shared_dir):
    yt, replay = service({BROWSE: [recorded("ytmusic/get_playlist_owned_youtui_2024-06-24.json")]})
    tracks = yt.playlist_tracks(
        Playlist(ServiceId.YTMUSIC, "PLCZQcydUIP07hVgS_ytk-3c8KyR1oLMhB", "mine")
    )
    assert tracks and all(t.title and t.id and t.artists for t in tracks)
    assert json.loads(replay.sent[-1].body)["browseId"] == "VLPLCZQcydUIP07hVgS_ytk-3c8KyR1oLMhB"


def test_liked_music_is_the_lm_playlist(shared_dir):
    # No "LM" answer was ever recorded; the manifest names this owned playlist page (the first
    # 100 of 245 tracks) as the stand-in: get_playlist("LM") goes through the same parser.
    page = "ytmusic/get_playlist_owned_private_245-tracks_page1_ytmusicapi_2024-03.json"
    yt, replay = service({BROWSE: [recorded(page)]})
    tracks = yt.playlist_tracks(LIKED)
    assert len(tracks) == 100
    assert {t.kind for t in tracks} <= {TrackKind.SONG, TrackKind.UPLOAD}  # ATV and UGC entries
    assert json.loads(replay.sent[-1].body)["browseId"] == "VLLM"


def test_search_songs_first_then_videos(shared_dir):
    yt, replay = service(
        {SEARCH: [
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
    assert songs_query.text == videos_query.text == "quit you lost kings tinashe"
    songs = yt.search(songs_query)
    assert len(songs) == 20 and all(t.kind is TrackKind.SONG for t in songs)  # ATV results
    first = songs[0]
    assert (first.title, first.album, first.duration_ms, first.explicit) == (
        "Quit You (feat. Tinashe)",
        "Quit You",
        222_000,
        True,
    )
    videos = yt.search(videos_query)
    assert videos and {t.kind for t in videos} == {TrackKind.MUSIC_VIDEO, TrackKind.UPLOAD}
    filters = [json.loads(r.body)["params"] for r in replay.sent if "search" in (r.url or "")]
    assert len(filters) == 2 and filters[0] != filters[1]  # the songs, then the videos filter


def test_video_kinds_follow_the_video_type(shared_dir):
    name = "ytmusic/search_videos_youtui_2024-06-12.json"
    raw = {row["videoId"]: row["videoType"] for row in raw_search(name, "videos")}
    yt, _ = service({SEARCH: [recorded(name)]}, auth=False)
    found = {t.id: t.kind for t in yt.search(SearchQuery("the beatles", "videos"))}
    expected = {
        "MUSIC_VIDEO_TYPE_OMV": TrackKind.MUSIC_VIDEO,
        "MUSIC_VIDEO_TYPE_UGC": TrackKind.UPLOAD,
    }
    assert found == {vid: expected[kind] for vid, kind in raw.items() if kind in expected}
    # The two podcast episodes among the videos are left out.
    assert list(raw.values()).count("MUSIC_VIDEO_TYPE_PODCAST_EPISODE") == 2


def test_the_german_shelf_bug_gives_no_results_not_a_crash(shared_dir):
    yt, _ = service(
        {SEARCH: [recorded(
            "ytmusic/REGRESSION_search_songs_hl-de_Titel-shelf_parsed-empty-by-ytmusicapi-1.12.3_2024-03-28_isrc-GB2LD2210007.json"
        )]},
        auth=False,
    )  # fmt: skip
    # ytmusicapi 1.12.3 drops a shelf titled "Titel": the adapter sees an empty result. Once
    # ytmusicapi is fixed this returns "Nobody Else" (nfyk-V5CoIE) and this test must change.
    assert yt.search(SearchQuery("GB2LD2210007", "songs")) == []


def test_add_items_success_and_failure(shared_dir):
    yt, replay = service(
        {("POST", f"{YT}/youtubei/v1/browse/edit_playlist"): [
            recorded("ytmusic/add_playlist_items_success_youtui_2024-06-26.json"),
            recorded("ytmusic/add_playlist_items_failure_youtui_2024-06-26.json"),
        ]}
    )  # fmt: skip
    target = Playlist(ServiceId.YTMUSIC, "PLx", "mine")
    yt.add_tracks(target, ["dQw4w9WgXcQ", "9bZkp7q19f0"])
    actions = json.loads(replay.sent[-1].body)["actions"]
    assert [a["addedVideoId"] for a in actions] == ["dQw4w9WgXcQ", "9bZkp7q19f0"]
    assert all("dedupeOption" not in a for a in actions)  # duplicates=False
    with pytest.raises(PermanentError, match=r"did not add 1 track\(s\) \(STATUS_FAILED\)"):
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
    body = json.loads(replay.sent[-1].body)
    assert (body["title"], body["privacyStatus"]) == ("Road Trip", "PRIVATE")


def test_adding_to_liked_music_likes_each_song(shared_dir):
    # No like answer was recorded; ytmusicapi 1.12.3's rate_song returns the answer unread
    # (mixins/library.py), so an empty object is enough.
    yt, replay = service({("POST", f"{YT}/youtubei/v1/like/like"): [made_up({})]})
    yt.add_tracks(LIKED, ["dQw4w9WgXcQ", "9bZkp7q19f0"])
    liked = [json.loads(r.body)["target"]["videoId"] for r in replay.sent if "like" in r.url]
    assert liked == ["dQw4w9WgXcQ", "9bZkp7q19f0"]


def google_error(code: int, status: str, message: str) -> Answer:
    # The error body Google's APIs send (no YouTube Music error was recorded).
    return made_up({"error": {"code": code, "message": message, "status": status}}, status=code)


def test_errors_are_translated(shared_dir):
    yt, _ = service(
        {SEARCH: [
            google_error(429, "RESOURCE_EXHAUSTED", "Too many requests."),
            google_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."),
            google_error(403, "PERMISSION_DENIED", "The caller does not have permission"),
            google_error(503, "UNAVAILABLE", "The service is currently unavailable."),
            google_error(400, "INVALID_ARGUMENT", "Request contains an invalid argument."),
        ]},
        auth=False,
    )  # fmt: skip
    query = SearchQuery("x", "songs")
    with pytest.raises(RateLimited):
        yt.search(query)
    with pytest.raises(AuthExpired, match="connect YouTube Music again"):
        yt.search(query)
    with pytest.raises(AuthExpired):
        yt.search(query)
    with pytest.raises(TransientError, match="503") as unavailable:
        yt.search(query)
    assert not isinstance(unavailable.value, RateLimited)
    with pytest.raises(PermanentError) as invalid:
        yt.search(query)
    assert str(invalid.value) == (
        "YouTube Music refused the request (400). Request contains an invalid argument."
    )


def test_errors_ytmusicapi_cannot_parse_keep_their_status(shared_dir):
    # ytmusicapi reads an error body as JSON before it checks the status: an HTML 429 page
    # raises JSONDecodeError, a body without a message a TypeError. The status still decides.
    def unreachable(request):
        raise requests.ConnectionError("connection refused")

    yt, _ = service(
        {
            SEARCH: [
                Answer(429, b"<html>Sorry...</html>", {"Retry-After": "30"}),
                Answer(401, b"{}"),
                Answer(502, b"<html>Error 502 (Server Error)!!1</html>"),
            ],
            BROWSE: unreachable,
        },
        auth=False,
    )
    query = SearchQuery("x", "songs")
    with pytest.raises(RateLimited) as limited:
        yt.search(query)
    assert limited.value.retry_after == 30.0
    with pytest.raises(AuthExpired):
        yt.search(query)
    with pytest.raises(TransientError, match="502"):
        yt.search(query)
    with pytest.raises(TransientError, match="could not be reached"):
        yt.playlist_tracks(Playlist(ServiceId.YTMUSIC, "PLx", "mine"))


def test_library_calls_without_a_login_ask_to_connect(shared_dir):
    yt, replay = service({}, auth=False)
    with pytest.raises(AuthExpired, match="not connected"):
        yt.list_playlists()
    assert replay.paths() == []  # ytmusicapi refuses before sending anything
