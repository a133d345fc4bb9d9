"""Mirror's calls (entries, removal, reordering, adding at a place) through the real spotipy.

The entries come from recorded real Spotify playlist pages. No removal or reorder answer was
ever recorded: those answers are written here as Spotify's Web API reference documents them
("Remove Playlist Items", DELETE /playlists/{id}/items, and "Update Playlist Items", PUT
/playlists/{id}/items: 200 with `{"snapshot_id": "..."}`; "Remove Items from Library",
DELETE /me/library: 200 with an empty body), each with `made_up` and the page it follows.
Error answers take the error shape of the recorded 404 and 429 files.
"""

from __future__ import annotations

import json
import urllib.parse

import pytest
import requests

from songbird_gui.core.errors import (
    AccountNotAllowed,
    NotFound,
    PermanentError,
    TransientError,
)
from songbird_gui.core.types import (
    LIKED_PLAYLIST_ID,
    Entry,
    Playlist,
    PlaylistKind,
    ServiceId,
    Track,
    TrackKind,
)
from songbird_gui.services.spotify import SpotifyService
from tests.services.replay import SPOTIFY_API as API
from tests.services.replay import (
    Answer,
    Replay,
    made_up,
    recorded,
    throttled_spotify_service,
)
from tests.services.replay import spotify_service as service

pytestmark = pytest.mark.recorded
LIKED = Playlist(ServiceId.SPOTIFY, LIKED_PLAYLIST_ID, "Liked Songs", kind=PlaylistKind.LIKED)
# A playlist recorded in 2024-03 (served at /items, the path spotipy 2.26 calls): a removed
# track first, then nine songs.
TEN = Playlist(ServiceId.SPOTIFY, "5LkNhFidYyyjRWwnkcMbQs", "ten")
TEN_ITEMS = ("GET", f"{API}/playlists/{TEN.id}/items")
TEN_PAGE = "spotify/playlist_items_with_removed_track_2024-03.json"
ITEMS = f"{API}/playlists/{TEN.id}/items"
# Spotify's reference ("Remove Playlist Items", "Update Playlist Items"): 200 and the new
# snapshot id. No such answer was recorded.
SNAPSHOT = made_up({"snapshot_id": "AAAAB8C+GgvJnQ3fKa2XlfRYbxFK5Zu9"})


def spotify_error(status: int, message: str) -> Answer:
    # Spotify's error body, as in the recorded 404 and 429 files.
    return made_up({"error": {"status": status, "message": message}}, status=status)


def ten_entries(extra: dict | None = None) -> tuple[SpotifyService, Replay, list[Entry]]:
    """The adapter, its replay, and the ten entries it read from the recorded page."""
    spotify, replay = service({TEN_ITEMS: [recorded(TEN_PAGE)], **(extra or {})})
    entries = spotify.playlist_entries(TEN)
    assert len(entries) == 10
    return spotify, replay, entries


def writes(replay: Replay) -> list[requests.PreparedRequest]:
    return [r for r in replay.sent if r.method != "GET"]


def body(request: requests.PreparedRequest) -> object:
    return json.loads(request.body or b"null")


def query(request: requests.PreparedRequest) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(request.url or "").query)


# -- reading -------------------------------------------------------------------------------


def test_entries_are_the_tracks_in_order_without_a_handle(shared_dir):
    spotify, replay = service({TEN_ITEMS: [recorded(TEN_PAGE), recorded(TEN_PAGE)]})
    entries = spotify.playlist_entries(TEN)
    assert all(e.handle is None for e in entries)  # Spotify names no occurrence
    assert entries[0].track.kind is TrackKind.UNAVAILABLE
    assert [e.track.title for e in entries[1:3]] == ["Cradles", "Fearless Pt. II"]
    # One read path: playlist_tracks is the entries' tracks, by the same request.
    assert spotify.playlist_tracks(TEN) == [e.track for e in entries]
    assert replay.paths() == [f"GET /v1/playlists/{TEN.id}/items"] * 2


def test_liked_songs_entries(shared_dir):
    # Page two was not recorded: an empty last page ends the listing.
    pages = [recorded("spotify/me_tracks_2026-03.json"), made_up({"items": [], "next": None})]
    spotify, replay = service({("GET", f"{API}/me/tracks"): pages})
    entries = spotify.playlist_entries(LIKED)
    assert len(entries) == 48 and all(e.handle is None and e.track.id for e in entries)
    assert replay.paths() == ["GET /v1/me/tracks", "GET /v1/me/tracks"]


# -- adding at a place ---------------------------------------------------------------------


def test_adding_at_a_position_sends_it_with_the_uris(shared_dir):
    spotify, replay = service(
        {("POST", ITEMS): [recorded("spotify/playlist_add_items_201_2025-01.json")]}
    )
    spotify.add_tracks(TEN, ["18A7ha5BitZjmdHTCwXFbU"], position=0)
    spotify.add_tracks(TEN, ["4VZH6OfxPy1nNE7KbtVKyK", "2BgagqJWYfrKPhz3f5V0Sw"], position=7)
    spotify.add_tracks(TEN, ["2yox08l4o0FnOL8Ih4yEfM"])  # at the end: no position sent
    first, second, last = replay.sent
    assert (first.method, urllib.parse.urlsplit(first.url or "").path) == (
        "POST",
        f"/v1/playlists/{TEN.id}/items",
    )
    assert query(first) == {"position": ["0"]} and body(first) == [
        "spotify:track:18A7ha5BitZjmdHTCwXFbU"
    ]
    assert query(second) == {"position": ["7"]}
    assert body(second) == [
        "spotify:track:4VZH6OfxPy1nNE7KbtVKyK",
        "spotify:track:2BgagqJWYfrKPhz3f5V0Sw",
    ]
    assert query(last) == {}


def test_liked_songs_take_no_position():
    spotify, replay = service({})
    with pytest.raises(PermanentError, match="Spotify orders Liked Songs itself"):
        spotify.add_tracks(LIKED, ["18A7ha5BitZjmdHTCwXFbU"], position=3)
    assert replay.sent == []


# -- removing ------------------------------------------------------------------------------


def test_removal_sends_each_uri_with_its_positions(shared_dir):
    spotify, replay, entries = ten_entries({("DELETE", ITEMS): [SNAPSHOT]})
    spotify.remove_entries(TEN, entries, [5, 0, 2])
    (sent,) = writes(replay)
    assert sent.method == "DELETE"
    assert urllib.parse.urlsplit(sent.url or "").path == f"/v1/playlists/{TEN.id}/items"
    # spotipy 2.26 sends the 2026 body: "items" (once "tracks"); no snapshot id is sent, so the
    # positions are those of the playlist as it is now, as `entries` was just read.
    assert body(sent) == {
        "items": [
            {"uri": "spotify:track:7EYv3adMrIC5mqurz7fHhD", "positions": [5]},
            {"uri": "spotify:track:4YhITuwINLCfXYB2WCXbCZ", "positions": [0]},  # the removed one
            {"uri": "spotify:track:4VZH6OfxPy1nNE7KbtVKyK", "positions": [2]},
        ]
    }


def test_removing_one_copy_of_a_track_listed_twice(shared_dir):
    spotify, replay, entries = ten_entries({("DELETE", ITEMS): [SNAPSHOT]})
    # The recorded playlist lists no track twice; its entry 3 is repeated at the end here.
    twice = [*entries, entries[3]]
    spotify.remove_entries(TEN, twice, [10])
    # Only that copy's position goes; Spotify removes both all the same (since 2024), which
    # the limits say, so the writer puts back the copy that stays.
    assert body(writes(replay)[0]) == {
        "items": [{"uri": "spotify:track:2BgagqJWYfrKPhz3f5V0Sw", "positions": [10]}]
    }
    assert spotify.limits.removes_every_occurrence is True
    assert spotify.limits.remove_batch_size == 100


def test_an_episode_is_removed_by_its_episode_uri(shared_dir):
    # Recorded as a whole playlist object; its `tracks` member is the /items paging object.
    answer = recorded("spotify/playlist_with_episode_2024-11.json")
    answer.body = json.dumps(json.loads(answer.body)["tracks"]).encode()
    x_items = f"{API}/playlists/x/items"
    spotify, replay = service({("GET", x_items): [answer], ("DELETE", x_items): [SNAPSHOT]})
    x = Playlist(ServiceId.SPOTIFY, "x", "x")
    entries = spotify.playlist_entries(x)
    assert entries[2].track.kind is TrackKind.EPISODE
    spotify.remove_entries(x, entries, [2])
    assert body(writes(replay)[0]) == {
        "items": [{"uri": "spotify:episode:5ytYkag3JZJ3GP2uuFAEBe", "positions": [2]}]
    }


def test_a_local_file_cannot_be_removed_and_nothing_is_sent(shared_dir):
    answer = recorded("spotify/playlist_with_local_file_2024-11.json")
    answer.body = json.dumps(json.loads(answer.body)["tracks"]).encode()
    spotify, replay = service({("GET", f"{API}/playlists/x/items"): [answer]})
    x = Playlist(ServiceId.SPOTIFY, "x", "x")
    entries = spotify.playlist_entries(x)
    with pytest.raises(PermanentError) as refused:
        spotify.remove_entries(x, entries, [1, 0])
    assert str(refused.value).startswith("Spotify gives no id for entry 1 (No Woman, No Cry")
    assert writes(replay) == []  # the batch goes whole or not at all


def test_removal_batches_are_checked_before_anything_is_sent(shared_dir):
    spotify, replay, entries = ten_entries()
    with pytest.raises(PermanentError, match="at most 100 entries"):
        spotify.remove_entries(TEN, entries * 11, list(range(101)))
    with pytest.raises(PermanentError, match="entry 11 of a Spotify playlist of 10"):
        spotify.remove_entries(TEN, entries, [1, 10])
    spotify.remove_entries(TEN, entries, [])  # nothing to remove: no request
    assert writes(replay) == []


def test_removing_from_liked_songs_deletes_from_the_library_in_chunks_of_40():
    # Not recorded. Spotify's reference ("Remove Items from Library", DELETE /me/library):
    # 200 with an empty body; at most 40 URIs a request, as for saving.
    spotify, replay = service({("DELETE", f"{API}/me/library"): [Answer(200, b"")]})
    entries = [
        Entry(Track(ServiceId.SPOTIFY, f"{n:022d}", f"song {n}", ("a",), duration_ms=1))
        for n in range(100)
    ]
    spotify.remove_entries(LIKED, entries, list(range(99, -1, -1)))
    assert replay.paths() == ["DELETE /v1/me/library"] * 3
    sent = [query(r)["uris"][0].split(",") for r in replay.sent]
    assert [len(chunk) for chunk in sent] == [40, 40, 20]
    assert sent[0][0] == f"spotify:track:{99:022d}"
    assert all(r.body is None for r in replay.sent)  # the URIs go in the query, as spotipy sends


# -- moving --------------------------------------------------------------------------------


def test_a_move_sends_range_start_and_insert_before(shared_dir):
    spotify, replay, entries = ten_entries({("PUT", ITEMS): [SNAPSHOT]})
    spotify.move_entry(TEN, entries, 7, 2)  # "Sunburst" to just before "Fearless Pt. II"
    spotify.move_entry(TEN, entries, 1, 6)  # forwards: before "We Are", in the old order
    spotify.move_entry(TEN, entries, 0, None)  # to the end
    sent = writes(replay)
    assert [(r.method, urllib.parse.urlsplit(r.url or "").path) for r in sent] == [
        ("PUT", f"/v1/playlists/{TEN.id}/items")
    ] * 3
    assert [body(r) for r in sent] == [
        {"range_start": 7, "range_length": 1, "insert_before": 2},
        {"range_start": 1, "range_length": 1, "insert_before": 6},
        {"range_start": 0, "range_length": 1, "insert_before": 10},
    ]


def test_a_move_that_changes_nothing_sends_nothing(shared_dir):
    spotify, replay, entries = ten_entries()
    spotify.move_entry(TEN, entries, 4, 4)
    spotify.move_entry(TEN, entries, 4, 5)
    spotify.move_entry(TEN, entries, 9, None)
    assert writes(replay) == []


def test_moves_that_cannot_be_made_are_refused_in_words(shared_dir):
    spotify, replay, entries = ten_entries()
    with pytest.raises(PermanentError, match="Spotify orders Liked Songs itself"):
        spotify.move_entry(LIKED, entries, 1, 0)
    with pytest.raises(PermanentError, match="entry 13 of a Spotify playlist of 10"):
        spotify.move_entry(TEN, entries, 1, 12)
    assert writes(replay) == []


# -- refusals ------------------------------------------------------------------------------


def test_refusals_of_writes_become_core_errors(shared_dir):
    spotify, _, entries = ten_entries(
        {
            ("DELETE", ITEMS): [
                spotify_error(403, "You cannot remove tracks from a playlist you don't own."),
                recorded("spotify/error_404_not_found_2026-03.json"),
            ],
            ("PUT", ITEMS): [spotify_error(400, "Index out of bounds")],
            ("POST", ITEMS): [
                spotify_error(403, "Active premium subscription required for the owner of the app.")
            ],
        }
    )
    with pytest.raises(PermanentError) as refused:
        spotify.remove_entries(TEN, entries, [1])
    assert str(refused.value) == (
        "Spotify refused the request (403): You cannot remove tracks from a playlist you don't own."
    )
    with pytest.raises(NotFound, match="no such playlist any more: Resource not found"):
        spotify.remove_entries(TEN, entries, [1])
    with pytest.raises(PermanentError, match=r"\(400\): Index out of bounds\."):
        spotify.move_entry(TEN, entries, 1, 5)
    with pytest.raises(AccountNotAllowed, match="no Premium subscription"):
        spotify.add_tracks(TEN, ["18A7ha5BitZjmdHTCwXFbU"], position=0)


# -- a lost answer -------------------------------------------------------------------------


def test_every_write_is_sent_once_when_its_answer_is_lost(shared_dir):
    """spotipy on Songbird's own transport (the throttle, which retries lost answers).

    A read whose answer is lost is sent again; a write is not: it may have landed, and the
    writer must look before it asks again. spotipy itself retries nothing on a session it
    is given.
    """
    lost: dict[str, int] = {}

    def reset(request: requests.PreparedRequest) -> Answer:
        key = f"{request.method} {urllib.parse.urlsplit(request.url or '').path}"
        lost[key] = lost.get(key, 0) + 1
        raise requests.ConnectionError("connection reset by peer")

    read_first_try = iter([True])

    def page(request: requests.PreparedRequest) -> Answer:
        if next(read_first_try, False):
            raise requests.ConnectionError("connection reset by peer")
        return recorded(TEN_PAGE)

    spotify, replay = throttled_spotify_service(
        {
            TEN_ITEMS: page,
            ("POST", ITEMS): reset,
            ("DELETE", ITEMS): reset,
            ("PUT", ITEMS): reset,
        }
    )
    entries = spotify.playlist_entries(TEN)
    assert len(entries) == 10 and replay.paths().count(f"GET /v1/playlists/{TEN.id}/items") == 2

    with pytest.raises(TransientError, match="could not be reached"):
        spotify.add_tracks(TEN, ["18A7ha5BitZjmdHTCwXFbU"], position=2)
    with pytest.raises(TransientError, match="could not be reached"):
        spotify.remove_entries(TEN, entries, [3, 4])
    with pytest.raises(TransientError, match="could not be reached"):
        spotify.move_entry(TEN, entries, 3, 0)
    path = f"/v1/playlists/{TEN.id}/items"
    assert lost == {f"POST {path}": 1, f"DELETE {path}": 1, f"PUT {path}": 1}
