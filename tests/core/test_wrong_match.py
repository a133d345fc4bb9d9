"""A wrong match reported as a test case: the services' own shapes, read back by the adapters'
conversions as they read live answers, appended to a file of cases."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from songbird_gui.core.types import Candidate, SearchQuery, ServiceId, Track, TrackKind
from songbird_gui.core.wrong_match import (
    CaseFileError,
    append_case,
    spotify_object,
    wrong_match_case,
    ytmusic_result,
)
from songbird_gui.services.spotify import track_from_spotify
from songbird_gui.services.ytmusic import track_from_ytmusic

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC

SOURCE = Track(SP, "sp4", "Harbor Lights", ("Nils Arden",), "Coastline", 230_000, "GBARL9300135")
LIVE = Track(YT, "yt4", "Harbor Lights (Live at Oslo)", ("Nils Arden",), None, 281_000)
STUDIO = Track(YT, "yt5", "Harbor Lights", ("Nils Arden",), "Coastline", 230_000)
VIDEO = Track(
    YT, "yt6", "Harbor Lights", ("Nils Arden",), None, 233_000, kind=TrackKind.MUSIC_VIDEO
)
UPLOAD = Track(YT, "yt7", "harbor lights", ("fan",), None, 230_000, kind=TrackKind.UPLOAD)

names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)


@settings(database=None, deadline=None)
@given(
    names,
    st.lists(names, max_size=3),
    st.none() | names,
    st.none() | st.integers(1_000, 900_000),
    st.booleans(),
    st.sampled_from([TrackKind.SONG, TrackKind.MUSIC_VIDEO, TrackKind.UPLOAD]),
)
def test_youtube_music_results_read_back_as_the_same_track(
    title, artists, album, ms, explicit, kind
):
    track = Track(YT, "vid1", title, tuple(artists), album, ms, None, explicit, kind)
    back = track_from_ytmusic(ytmusic_result(track))
    seconds_ms = None if ms is None else round(ms / 1000) * 1000 or None
    expected_album = album if kind is TrackKind.SONG else None  # videos have no album
    assert back == Track(
        YT, "vid1", title, tuple(artists), expected_album, seconds_ms, None, explicit, kind
    )


@settings(database=None, deadline=None)
@given(names, st.lists(names, max_size=3), st.none() | names, st.integers(1_000, 900_000))
def test_spotify_objects_read_back_as_the_same_track(title, artists, album, ms):
    track = Track(SP, "sp1", title, tuple(artists), album, ms, "GBARL9300135", True)
    assert track_from_spotify(spotify_object(track)) == track


def test_a_case_holds_the_source_the_candidates_as_seen_and_the_choice():
    seen = [Candidate(LIVE, 0.9), Candidate(STUDIO, 0.82), Candidate(VIDEO, 0.7)]
    case = wrong_match_case(SOURCE, seen, STUDIO, SearchQuery("harbor lights nils", "songs"),
                            seen[0], 1_700_000_000)  # fmt: skip
    assert case["from"] == "spotify"
    assert case["source"]["name"] == "Harbor Lights"
    assert case["source"]["external_ids"] == {"isrc": "GBARL9300135"}
    assert [c["videoId"] for c in case["candidates"]] == ["yt4", "yt5", "yt6"]
    assert case["candidates"][2]["resultType"] == "video"
    assert (case["correct"], case["acceptable"]) == (["yt5"], [])
    assert case["search"]["query"] == "harbor lights nils" and case["search"]["filter"] == "songs"
    assert "Songbird chose “Harbor Lights (Live at Oslo)" in case["why"]
    assert case["tags"] == ["reported"]


def test_a_choice_found_by_hand_is_added_after_what_was_seen_and_an_upload_is_acceptable():
    case = wrong_match_case(SOURCE, [Candidate(LIVE, 0.9)], UPLOAD, None, None, 1_700_000_000)
    assert [c["videoId"] for c in case["candidates"]] == ["yt4", "yt7"]
    assert (case["correct"], case["acceptable"]) == ([], ["yt7"])
    assert case["tags"] == ["reported", "chosen-by-hand"]


def test_the_other_direction_says_where_it_comes_from():
    source = Track(YT, "yt5", "Harbor Lights", ("Nils Arden",), "Coastline", 230_000)
    right = Track(SP, "sp4", "Harbor Lights", ("Nils Arden",), "Coastline", 230_000)
    case = wrong_match_case(source, [Candidate(right, 0.7)], right, None, None, 1_700_000_000)
    assert case["from"] == "ytmusic" and case["source"]["videoId"] == "yt5"
    assert case["candidates"][0]["type"] == "track" and case["correct"] == ["sp4"]


def test_cases_are_appended_and_the_same_report_replaces_itself(tmp_path):
    path = tmp_path / "reported.json"
    first = wrong_match_case(SOURCE, [Candidate(LIVE, 0.9)], STUDIO, None, None, 1_700_000_000)
    other = wrong_match_case(SOURCE, [Candidate(LIVE, 0.9)], VIDEO, None, None, 1_700_000_000)
    assert append_case(path, first) == 1
    assert append_case(path, other) == 2
    assert append_case(path, first) == 2
    assert [c["id"] for c in json.loads(path.read_text(encoding="utf-8"))] == [
        other["id"],
        first["id"],
    ]
    (tmp_path / "bad.json").write_text('{"not": "cases"}', encoding="utf-8")
    with pytest.raises(CaseFileError):
        append_case(tmp_path / "bad.json", first)
