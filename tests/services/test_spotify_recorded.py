"""The Spotify adapter through the real spotipy, on recorded real Spotify answers.

Where no recording exists (401, 403, 5xx, PUT /me/library) the answer is written here in the
error shape the recorded 404 and 429 files show, and each such test says so.
"""

from __future__ import annotations

import json

import pytest
import requests

from songbird_gui.core.errors import (
    AuthExpired,
    NotFound,
    PermanentError,
    RateLimited,
    TransientError,
)
from songbird_gui.core.types import (
    LIKED_PLAYLIST_ID,
    Playlist,
    PlaylistKind,
    SearchQuery,
    ServiceId,
    Track,
    TrackKind,
)
from songbird_gui.services.spotify import NOT_OWNED, entry_to_track
from tests.services.replay import SPOTIFY_API as API
from tests.services.replay import Answer, made_up, recorded
from tests.services.replay import spotify_service as service

pytestmark = pytest.mark.recorded
LAST_PAGE = {"items": [], "next": None}  # an empty last page, as Spotify ends a listing
LIKED = Playlist(ServiceId.SPOTIFY, LIKED_PLAYLIST_ID, "Liked Songs", kind=PlaylistKind.LIKED)


def playlist(playlist_id: str, name: str = "p") -> Playlist:
    return Playlist(ServiceId.SPOTIFY, playlist_id, name)


def spotify_error(status: int, message: str) -> Answer:
    # Spotify's error body, as in the recorded 404 and 429 files.
    return made_up({"error": {"status": status, "message": message}}, status=status)


def test_list_playlists_follows_pages_and_puts_liked_songs_first(shared_dir):
    spotify, replay = service(
        {
            ("GET", f"{API}/me"): [recorded("spotify/me_2026-03.json")],
            ("GET", f"{API}/me/playlists"): [recorded("spotify/me_playlists_page1_2026-03.json")],
            # The recorded second page is served at its own `next` address; no third page was
            # recorded, so the listing ends with an empty page.
            ("GET", f"{API}/users/1112264649/playlists"): [
                recorded("spotify/me_playlists_page2_2024-10_served-as-next.json"),
                made_up(LAST_PAGE),
            ],
        }
    )
    playlists = spotify.list_playlists()
    liked, first = playlists[0], playlists[1]
    assert liked.kind is PlaylistKind.LIKED and liked.id == LIKED_PLAYLIST_ID
    assert liked.owner == "Joost Lekkerkerker"
    assert (first.id, first.owner, first.track_count) == (
        "1Cp6VQCKf2VL4sP09jN9oX",
        "Joost Lekkerkerker",
        1,
    )
    assert len(playlists) > 49  # page one (48) and page two
    assert all(p.id and p.name for p in playlists)
    assert replay.paths().count("GET /v1/users/1112264649/playlists") == 2
    assert "limit=50" in (replay.sent[1].url or "")


def test_playlist_items_use_the_items_endpoint_and_carry_the_isrc(shared_dir):
    spotify, replay = service(
        {
            ("GET", f"{API}/playlists/1Cp6VQCKf2VL4sP09jN9oX/items"): [
                recorded("spotify/playlist_items_2026-03.json")
            ]
        }
    )
    tracks = spotify.playlist_tracks(playlist("1Cp6VQCKf2VL4sP09jN9oX"))
    assert tracks and all(t.kind is TrackKind.SONG for t in tracks)
    first = tracks[0]
    assert first.id and first.title and first.artists and first.duration_ms and first.album
    assert first.isrc == "GBCFB2300770"
    assert "/tracks" not in " ".join(replay.paths())


def test_removed_track_is_shown_as_unavailable(shared_dir):
    # Recorded before 2026 at /tracks; served at /items, the path spotipy 2.26 calls.
    spotify, _ = service(
        {("GET", f"{API}/playlists/5LkNhFidYyyjRWwnkcMbQs/items"): [
            recorded("spotify/playlist_items_with_removed_track_2024-03.json")
        ]}
    )  # fmt: skip
    tracks = spotify.playlist_tracks(playlist("5LkNhFidYyyjRWwnkcMbQs"))
    removed = tracks[0]
    assert removed.kind is TrackKind.UNAVAILABLE and removed.isrc is None
    assert removed.unsyncable_reason == "removed or unavailable on the service"
    assert all(t.kind is TrackKind.SONG for t in tracks[1:])


@pytest.mark.parametrize(
    ("name", "kind", "title"),
    [
        ("spotify/playlist_with_local_file_2024-11.json", TrackKind.LOCAL_FILE, "No Woman, No Cry"),
        ("spotify/playlist_with_episode_2024-11.json", TrackKind.EPISODE, "Toni Delivers Semen"),
    ],
)
def test_local_files_and_episodes_are_not_syncable(shared_dir, name, kind, title):
    # These were recorded as whole playlist objects; their `tracks` member is the same paging
    # object the /items endpoint answers with, so it is served there.
    answer = recorded(name)
    answer.body = json.dumps(json.loads(answer.body)["tracks"]).encode()
    spotify, _ = service({("GET", f"{API}/playlists/x/items"): [answer]})
    tracks = spotify.playlist_tracks(playlist("x"))
    odd = [t for t in tracks if t.kind is kind]
    assert [t.title for t in odd] == [title]
    assert odd[0].unsyncable_reason and (kind is not TrackKind.LOCAL_FILE or odd[0].id is None)
    assert all(t.kind is TrackKind.SONG for t in tracks if t.kind is not kind)


def test_null_entries_never_crash(shared_dir):
    # The recorded 2026 page with two entries appended that no recording holds: a null entry
    # and one whose item and track are both null.
    answer = recorded("spotify/playlist_items_2026-03.json")
    page = json.loads(answer.body)
    page["items"] += [None, {"added_at": "2026-03-01T00:00:00Z", "item": None, "track": None}]
    answer.body = json.dumps(page).encode()
    spotify, _ = service({("GET", f"{API}/playlists/x/items"): [answer]})
    tracks = spotify.playlist_tracks(playlist("x"))
    assert [t.kind for t in tracks[-2:]] == [TrackKind.UNAVAILABLE, TrackKind.UNAVAILABLE]
    assert entry_to_track({"added_at": "2026-01-01"}).kind is TrackKind.UNAVAILABLE


def test_liked_songs(shared_dir):
    spotify, replay = service(
        {
            ("GET", f"{API}/me/tracks"): [
                recorded("spotify/me_tracks_2026-03.json"),
                made_up(LAST_PAGE),  # page two was not recorded
            ]
        }
    )
    tracks = spotify.playlist_tracks(LIKED)
    assert len(tracks) == 48 and all(t.id and t.isrc for t in tracks if t.kind is TrackKind.SONG)
    assert replay.paths() == ["GET /v1/me/tracks", "GET /v1/me/tracks"]  # followed `next`


def test_search_queries_field_first_then_free_text():
    spotify, _ = service({})  # builds queries only: nothing is sent
    song = Track(ServiceId.YTMUSIC, "v", "Hey Jude - Live at Wembley", ("The Beatles",))
    assert [(q.kind, q.text) for q in spotify.search_queries(song)] == [
        ("field", 'track:"hey jude" artist:"the beatles" live'),
        ("free", "hey jude live the beatles"),
    ]
    # A remaster is the same performance: its word would only hide the plain recording.
    remaster = Track(ServiceId.YTMUSIC, "v", "Yesterday - Remastered 2009", ("The Beatles",))
    assert spotify.search_queries(remaster)[0].text == 'track:"yesterday" artist:"the beatles"'
    # A hand search (the person's words, no artist): free text only.
    assert [q.kind for q in spotify.search_queries(Track(ServiceId.YTMUSIC, None, "abba sos"))] == [
        "free"
    ]
    # An upload's "artist" is the channel that uploaded it: no field names it.
    upload = Track(
        ServiceId.YTMUSIC, "v", "Somewhere Violet (Sped Up)", ("lyricnest",), kind=TrackKind.UPLOAD
    )
    assert [(q.kind, q.text) for q in spotify.search_queries(upload)] == [
        ("free", "somewhere violet sped up lyricnest")
    ]


def test_search_field_query_first_and_results_as_songs(shared_dir):
    spotify, replay = service(
        {
            ("GET", f"{API}/search"): [
                recorded("spotify/search_track_2026-03_never-gonna-give-you-up.json")
            ]
        }
    )
    source = Track(
        ServiceId.YTMUSIC, "v", "Never Gonna Give You Up (Official Video)", ("Rick Astley",)
    )
    queries = spotify.search_queries(source)
    assert queries[0].text == 'track:"never gonna give you up" artist:"rick astley"'
    found = spotify.search(queries[0])
    assert len(found) == 5 and all(t.kind is TrackKind.SONG for t in found)
    assert found[0].title == "Never Gonna Give You Up" and found[0].isrc == "GBARL9300135"
    url = replay.sent[0].url or ""
    assert "limit=10" in url and "type=track" in url


def test_search_without_results(shared_dir):
    spotify, _ = service(
        {
            ("GET", f"{API}/search"): [
                recorded("spotify/search_track_2020-12_NO-RESULTS_the-hu-sugaan-essenna.json")
            ]
        }
    )
    assert spotify.search(SearchQuery("The HU - Sugaan Essenna", "free")) == []


def test_create_playlist_and_add_items(shared_dir):
    spotify, replay = service(
        {
            ("POST", f"{API}/me/playlists"): [recorded("spotify/create_playlist_201_2025-01.json")],
            ("POST", f"{API}/playlists/2dGgoMPWpapXYA6rX7ZbbB/items"): [
                recorded("spotify/playlist_add_items_201_2025-01.json")
            ],
        }
    )
    created = spotify.create_playlist("New Playlist", "Synced by Songbird")
    assert (created.id, created.name) == ("2dGgoMPWpapXYA6rX7ZbbB", "New Playlist")
    assert json.loads(replay.sent[0].body)["public"] is False
    spotify.add_tracks(created, ["4iV5W9uYEdYUVa79Axb7Rh", "1301WleyT98MSxVHPZCA6M"])
    assert replay.paths() == [
        "POST /v1/me/playlists",
        "POST /v1/playlists/2dGgoMPWpapXYA6rX7ZbbB/items",
    ]
    assert json.loads(replay.sent[1].body) == [  # spotipy 2.26 posts the URIs as a JSON list
        "spotify:track:4iV5W9uYEdYUVa79Axb7Rh",
        "spotify:track:1301WleyT98MSxVHPZCA6M",
    ]


def test_adding_to_liked_songs_saves_to_the_library_in_chunks_of_40():
    # No PUT /me/library answer was recorded; Spotify documents 200 with an empty body.
    spotify, replay = service({("PUT", f"{API}/me/library"): [Answer(200, b"")]})
    ids = [f"{n:022d}" for n in range(100)]
    spotify.add_tracks(LIKED, ids)
    assert replay.paths() == ["PUT /v1/me/library"] * 3
    sent = [requests.utils.unquote(r.url or "").split("uris=")[1].split(",") for r in replay.sent]
    assert [len(chunk) for chunk in sent] == [40, 40, 20]
    assert sent[0][0] == "spotify:track:" + ids[0]


def test_a_missing_playlist_is_not_found(shared_dir):
    spotify, _ = service({("GET", f"{API}/playlists/0000000000000000000000/items"): [
        recorded("spotify/error_404_not_found_2026-03.json")]})  # fmt: skip
    with pytest.raises(NotFound) as raised:
        spotify.playlist_tracks(playlist("0000000000000000000000"))
    message = "Spotify has no such playlist any more: Resource not found."
    assert str(raised.value) == message
    assert isinstance(raised.value, PermanentError) and not isinstance(raised.value, AuthExpired)


def test_429_carries_retry_after(shared_dir):
    spotify, _ = service(
        {("GET", f"{API}/search"): [recorded("spotify/error_429_rate_limit_2023-09.json")]}
    )
    with pytest.raises(RateLimited) as raised:
        spotify.search(SearchQuery("anything", "free"))
    assert raised.value.retry_after == 5.0


def test_other_failures_are_sorted_by_what_to_do():
    def unreachable(request):
        raise requests.ConnectionError("connection refused")

    spotify, _ = service(
        {
            ("GET", f"{API}/search"): [
                spotify_error(401, "The access token expired"),
                spotify_error(503, "Service unavailable"),
            ],
            ("GET", f"{API}/playlists/theirs/items"): [spotify_error(403, "Forbidden")],
            ("GET", f"{API}/me/tracks"): unreachable,
        }
    )
    with pytest.raises(AuthExpired, match="Connect Spotify again"):
        spotify.search(SearchQuery("x", "free"))
    with pytest.raises(TransientError) as raised:
        spotify.search(SearchQuery("x", "free"))
    assert not isinstance(raised.value, RateLimited) and "503" in str(raised.value)
    # Since 2026 an app may read only the items of playlists the person owns or collaborates on.
    with pytest.raises(PermanentError) as refused:
        spotify.playlist_tracks(playlist("theirs"))
    assert str(refused.value) == NOT_OWNED
    with pytest.raises(TransientError, match="could not be reached"):
        spotify.playlist_tracks(LIKED)
