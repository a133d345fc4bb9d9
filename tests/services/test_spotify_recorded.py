"""The Spotify adapter through the real spotipy, on recorded real Spotify answers."""

from __future__ import annotations

import pytest
import spotipy

from songbird_gui.core.errors import PermanentError, RateLimited
from songbird_gui.core.types import (
    LIKED_PLAYLIST_ID,
    Playlist,
    PlaylistKind,
    SearchQuery,
    ServiceId,
    Track,
    TrackKind,
)
from songbird_gui.services.spotify import SpotifyService, entry_to_track
from tests.services.replay import made_up, recorded, session

pytestmark = pytest.mark.recorded
API = "api.spotify.com/v1"
LAST_PAGE = {"items": [], "next": None}  # an empty last page, as Spotify ends a listing


def service(routes):
    s, replay = session(routes)
    return SpotifyService(spotipy.Spotify(auth="x", requests_session=s, retries=0)), replay


def playlist(playlist_id: str, name: str = "p") -> Playlist:
    return Playlist(ServiceId.SPOTIFY, playlist_id, name)


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
    assert playlists[0].kind is PlaylistKind.LIKED and playlists[0].id == LIKED_PLAYLIST_ID
    assert len(playlists) > 49  # page one (48) and page two
    assert all(p.id and p.name for p in playlists)
    assert replay.paths().count("GET /v1/users/1112264649/playlists") == 2


def test_playlist_items_use_the_items_endpoint(shared_dir):
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
    assert first.id and first.title and first.artists and first.duration_ms
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
    assert removed.kind is TrackKind.UNAVAILABLE
    assert removed.unsyncable_reason == "removed or unavailable on the service"
    assert all(t.kind is TrackKind.SONG for t in tracks[1:])


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("spotify/playlist_with_local_file_2024-11.json", TrackKind.LOCAL_FILE),
        ("spotify/playlist_with_episode_2024-11.json", TrackKind.EPISODE),
    ],
)
def test_local_files_and_episodes_are_not_syncable(shared_dir, name, kind):
    # These were recorded as whole playlist objects; their `tracks` member is the same paging
    # object the /items endpoint answers with, so it is served there.
    import json

    answer = recorded(name)
    answer.body = json.dumps(json.loads(answer.body)["tracks"]).encode()
    spotify, _ = service({("GET", f"{API}/playlists/x/items"): [answer]})
    tracks = spotify.playlist_tracks(playlist("x"))
    odd = [t for t in tracks if t.kind is kind]
    assert odd and all(t.unsyncable_reason for t in odd)


def test_null_entries_never_crash():
    assert entry_to_track(None).kind is TrackKind.UNAVAILABLE
    assert entry_to_track({"track": None, "item": None}).kind is TrackKind.UNAVAILABLE
    assert entry_to_track({"added_at": "2026-01-01"}).kind is TrackKind.UNAVAILABLE


def test_liked_songs(shared_dir):
    spotify, _ = service(
        {
            ("GET", f"{API}/me/tracks"): [
                recorded("spotify/me_tracks_2026-03.json"),
                made_up(LAST_PAGE),  # page two was not recorded
            ]
        }
    )
    liked = Playlist(ServiceId.SPOTIFY, LIKED_PLAYLIST_ID, "Liked Songs", kind=PlaylistKind.LIKED)
    tracks = spotify.playlist_tracks(liked)
    assert len(tracks) == 48 and all(t.id for t in tracks if t.kind is TrackKind.SONG)


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
    assert queries[0].text == 'track:"never gonna give you up" artist:"Rick Astley"'
    found = spotify.search(queries[0])
    assert found and any("Never Gonna Give You Up" in t.title for t in found)
    assert "limit=10" in replay.sent[0].url


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
            ("POST", f"{API}/playlists/1Cp6VQCKf2VL4sP09jN9oX/items"): [
                recorded("spotify/playlist_add_items_201_2025-01.json")
            ],
        }
    )
    created = spotify.create_playlist("New Playlist", "Synced by Songbird")
    assert created.id and created.name
    spotify.add_tracks(playlist("1Cp6VQCKf2VL4sP09jN9oX"), ["4iV5W9uYEdYUVa79Axb7Rh"])
    assert replay.paths() == [
        "POST /v1/me/playlists",
        "POST /v1/playlists/1Cp6VQCKf2VL4sP09jN9oX/items",
    ]
    assert "spotify:track:4iV5W9uYEdYUVa79Axb7Rh" in str(replay.sent[1].body)


def test_a_missing_playlist_is_a_permanent_error(shared_dir):
    spotify, _ = service({("GET", f"{API}/playlists/0000000000000000000000/items"): [
        recorded("spotify/error_404_not_found_2026-03.json")]})  # fmt: skip
    with pytest.raises(PermanentError, match="404"):
        spotify.playlist_tracks(playlist("0000000000000000000000"))


def test_429_carries_retry_after(shared_dir):
    spotify, _ = service(
        {("GET", f"{API}/search"): [recorded("spotify/error_429_rate_limit_2023-09.json")]}
    )
    with pytest.raises(RateLimited) as raised:
        spotify.search(SearchQuery("anything", "free"))
    assert raised.value.retry_after == 5.0
