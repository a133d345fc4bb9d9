"""Spotify answers of the older and the whole-object shapes, through the real spotipy.

Songbird reads tracks from playlist pages and search answers only; the recorded track objects
(GET /tracks/{id}) carry the very object a playlist entry and a search result hold, so the
conversion runs on what spotipy returns for them. Whole playlist objects embed their first
page of entries; that page is served where spotipy 2.26 asks for entries (/items).
"""

from __future__ import annotations

import json

import pytest
import spotipy

from songbird_gui.core.scoring import Matcher
from songbird_gui.core.types import Decision, Playlist, SearchQuery, ServiceId, Track, TrackKind
from songbird_gui.services.spotify import track_from_spotify
from tests.services.replay import (
    SPOTIFY_API,
    YT_SEARCH,
    Answer,
    recorded,
    session,
    spotify_service,
    ytmusic_service,
)

pytestmark = pytest.mark.recorded
REMOVED_ID = "4YhITuwINLCfXYB2WCXbCZ"  # "Force" by Alan Walker until 2022-06
MOMENTS = "spotify/track_isrc_GB2LD2210068_lost-identities-moments_2022-06.json"
NEW_OBSESSION = "spotify/track_isrc_USRC11600948_frankie-lost-kings-new-obsession_2022-02.json"
ON_MY_WAY = "spotify/track_isrc_USWB11515223_cardiknox-lost-kings-on-my-way_2022-02.json"
BAD = "spotify/track_isrc_NLZ541500626_lost-kings-jessame-bad_2022-02.json"
YT_SONGS_NEW_OBSESSION = (
    "ytmusic/search_songs_en_2022-02-08_frankie-lost-kings-new-obsession-lost-kings-remix.json"
)


def track_object(name: str) -> Track:
    """spotipy's `track(id)` of the recording `name` (its id is in the manifest's path)."""
    track_id = json.loads(recorded(name).body)["id"]
    s, replay = session({("GET", f"{SPOTIFY_API}/tracks/{track_id}"): [recorded(name)]})
    item = spotipy.Spotify(auth="x", requests_session=s, retries=0).track(track_id)
    assert replay.paths() == [f"GET /v1/tracks/{track_id}"]
    return track_from_spotify(item)


def embedded_page(name: str, member: str) -> Answer:
    """The page of entries a whole playlist object embeds under `member`, as /items answers."""
    answer = recorded(name)
    return Answer(answer.status, json.dumps(json.loads(answer.body)[member]).encode())


def entries(playlist_id: str, answer: Answer) -> list[Track]:
    spotify, replay = spotify_service(
        {("GET", f"{SPOTIFY_API}/playlists/{playlist_id}/items"): [answer]}
    )
    tracks = spotify.playlist_tracks(Playlist(ServiceId.SPOTIFY, playlist_id, "p"))
    assert replay.paths() == [f"GET /v1/playlists/{playlist_id}/items"]
    return tracks


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            NEW_OBSESSION,
            (
                "New Obsession - Lost Kings Remix",
                ("FRANKIE", "Lost Kings"),
                "New Obsession (The Remixes)",
                217_453,
                "USRC11600948",
                False,
            ),
        ),
        (
            ON_MY_WAY,
            (
                "On My Way - Lost Kings Remix",
                ("Cardiknox", "Lost Kings"),
                "On My Way (The Remixes)",
                228_750,
                "USWB11515223",
                False,
            ),
        ),
        (
            "spotify/track_isrc_QM5FT1600151_rihanna-drake-lost-kings-work_2022-02.json",
            (
                "Work - Lost Kings Remix",
                ("Rihanna", "Drake", "Lost Kings"),
                "Work (Remixes)",
                258_680,
                "QM5FT1600151",
                True,
            ),
        ),
        (
            BAD,
            (
                "Bad (feat. Jessame)",
                ("Lost Kings", "Jessame"),
                "The Bad EP",
                198_846,
                "NLZ541500626",
                False,
            ),
        ),
        (
            MOMENTS,
            (
                "Moments",
                ("Lost Identities", "Robbie Rosen"),
                "Moments",
                219_789,
                "GB2LD2210068",
                False,
            ),
        ),
    ],
    ids=["new-obsession", "on-my-way", "work", "bad", "moments"],
)
def test_track_objects_of_2022_read_as_songs(shared_dir, name, expected):
    track = track_object(name)
    assert (
        track.title,
        track.artists,
        track.album,
        track.duration_ms,
        track.isrc,
        track.explicit,
    ) == expected
    assert track.kind is TrackKind.SONG and track.unsyncable_reason is None
    assert track.id and name.split("_")[2] == track.isrc  # the ISRC the file is named by


def test_the_removed_track_object_is_unavailable(shared_dir):
    track = track_object("spotify/track_removed_2022-11.json")
    assert (track.id, track.title, track.artists, track.duration_ms, track.isrc) == (
        REMOVED_ID,
        "",
        (),
        None,
        None,
    )
    assert track.kind is TrackKind.UNAVAILABLE
    assert track.unsyncable_reason == "removed or unavailable on the service"
    assert track.describe() == "(no title) · (no artist) · unavailable"


def test_a_playlist_object_with_the_removed_track_reads_as_its_items_page(shared_dir):
    # The pre-2026 playlist object embeds its entries under `tracks`; the same playlist's
    # /tracks page (served at /items) is the other recording of that day.
    embedded = entries(
        "5LkNhFidYyyjRWwnkcMbQs",
        embedded_page("spotify/playlist_with_removed_track_2024-03.json", "tracks"),
    )
    assert [(t.id, t.kind) for t in embedded[:2]] == [
        (REMOVED_ID, TrackKind.UNAVAILABLE),
        ("18A7ha5BitZjmdHTCwXFbU", TrackKind.SONG),
    ]
    assert len(embedded) == 10 and all(t.kind is TrackKind.SONG for t in embedded[1:])
    page = recorded("spotify/playlist_items_with_removed_track_2024-03.json")
    assert entries("5LkNhFidYyyjRWwnkcMbQs", page) == embedded


def test_the_2026_playlist_object_sends_items_and_tracks_alike(shared_dir):
    # Since February 2026 the object carries its entries under `items` and, still, under
    # `tracks`; each entry holds the track under `item` and `track`. Every way reads the same.
    name = "spotify/playlist_2026-03.json"
    by_items = entries("1Cp6VQCKf2VL4sP09jN9oX", embedded_page(name, "items"))
    by_tracks = entries("1Cp6VQCKf2VL4sP09jN9oX", embedded_page(name, "tracks"))
    page = entries("1Cp6VQCKf2VL4sP09jN9oX", recorded("spotify/playlist_items_2026-03.json"))
    assert by_items == by_tracks == page
    only = by_items[0]
    assert (only.id, only.title, only.artists, only.isrc, only.kind) == (
        "3ZL9gPzeCnKG9l5SB1SlcZ",
        "All I Need",
        ("Maribou State", "Andreya Triana"),
        "GBCFB2300770",
        TrackKind.SONG,
    )


def test_a_2024_search_answer_lists_ten_songs(shared_dir):
    spotify, replay = spotify_service(
        {("GET", f"{SPOTIFY_API}/search"): [recorded("spotify/search_track_2024-08_test.json")]}
    )
    found = spotify.search(SearchQuery("test", "free"))
    assert "q=test" in (replay.sent[0].url or "") and "limit=10" in (replay.sent[0].url or "")
    assert [t.title for t in found] == [
        "Test Drive - From How To Train Your Dragon Music From The Motion Picture",
        "Testify",
        "Test & Recognise (Flume Re-work)",
        "TEST DRIVE",
        "Test Me",
        "Praise The Lord (Da Shine) (feat. Skepta)",
        "Tested, Approved & Trusted",
        "TESTIFY",
        "Testimony",
        "Tested, Approved & Trusted",  # the same ISRC on another release: another id
    ]
    assert found[6].isrc == found[9].isrc == "USAT22307524" and found[6].id != found[9].id
    assert all(t.kind is TrackKind.SONG and t.id and t.artists and t.isrc for t in found)
    assert all(t.duration_ms and 120_000 < t.duration_ms < 310_000 for t in found)


def test_a_2022_search_answer_holds_the_recorded_track_object(shared_dir):
    spotify, _ = spotify_service(
        {("GET", f"{SPOTIFY_API}/search"): [
            recorded("spotify/search_track_2022-06_lost-identities-moments.json")
        ]}
    )  # fmt: skip
    found = spotify.search(SearchQuery("Lost Identities Moments", "free"))
    assert found == [track_object(MOMENTS)]


@pytest.mark.parametrize(
    ("name", "decision", "video_id"),
    [
        (NEW_OBSESSION, Decision.ACCEPT, "JfVDlNOQFL8"),  # "New Obsession (Lost Kings Remix)"
        (ON_MY_WAY, Decision.ACCEPT, "p7r14tQ2OXA"),  # "On My Way (Lost Kings Remix)"
        # Only "Bad (Extended Mix) (feat. Jessame)" is there: another version, for a person.
        (BAD, Decision.REVIEW, "DP4u1e0D_iw"),
    ],
    ids=["new-obsession", "on-my-way", "bad"],
)
def test_a_2022_spotify_track_meets_the_youtube_music_songs_of_that_day(
    shared_dir, name, decision, video_id
):
    # The YT Music songs search recorded the same day for "New Obsession" lists all three.
    source = track_object(name)
    yt, _ = ytmusic_service({YT_SEARCH: [recorded(YT_SONGS_NEW_OBSESSION)]}, auth=False)
    songs_query = yt.search_queries(source)[0]
    assert songs_query.kind == "songs"
    result = Matcher().decide(source, yt.search(songs_query), searches=1)
    assert result.decision is decision
    assert result.best is not None and result.best.track.id == video_id
