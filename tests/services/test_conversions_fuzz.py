"""The adapters' conversions on anything a service might send: never a crash, always a track.

Hypothesis builds Spotify and YouTube Music entries from the fields the real answers carry,
with any Unicode, missing fields, wrong types and nulls in every place.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from songbird_gui.core.scoring import Matcher
from songbird_gui.core.types import ServiceId, TrackKind
from songbird_gui.services.spotify import entry_to_track, track_from_spotify
from songbird_gui.services.ytmusic import track_from_ytmusic

anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
names = st.lists(st.fixed_dictionaries({"name": st.none() | st.text()}) | anything, max_size=3)

spotify_item = st.fixed_dictionaries(
    {},
    optional={
        "id": st.none() | st.text(max_size=22),
        "name": st.none() | st.text(),
        "type": st.sampled_from(["track", "episode", "local", None]) | anything,
        "artists": names | anything,
        "album": st.fixed_dictionaries({"name": st.none() | st.text()}) | anything,
        "duration_ms": st.none() | st.integers(-10, 10**9) | st.floats() | st.text(),
        "explicit": anything,
        "is_local": anything,
        "external_ids": st.fixed_dictionaries({"isrc": st.none() | st.text()}) | anything,
        "show": anything,
    },
)
VIDEO_TYPES = ["MUSIC_VIDEO_TYPE_ATV", "MUSIC_VIDEO_TYPE_OMV", "MUSIC_VIDEO_TYPE_UGC", None]
yt_item = st.fixed_dictionaries(
    {},
    optional={
        "videoId": st.none() | st.text(max_size=11),
        "title": st.none() | st.text(),
        "resultType": st.sampled_from(["song", "video", "episode", "podcast", None]) | anything,
        "videoType": st.sampled_from(VIDEO_TYPES) | anything,
        "artists": names | anything,
        "album": st.fixed_dictionaries({"name": st.none() | st.text()}) | anything,
        "duration": st.none() | st.text(max_size=8),
        "duration_seconds": st.none() | st.integers(-10, 10**6) | st.floats() | st.text(),
        "isExplicit": anything,
        "isAvailable": anything,
    },
)


@settings(max_examples=300, deadline=None, database=None)
@given(item=spotify_item | anything, wrapped=st.booleans(), key=st.sampled_from(["item", "track"]))
def test_any_spotify_entry_becomes_a_track(item, wrapped, key):
    track = entry_to_track({key: item}) if wrapped else track_from_spotify(item)
    assert track.service is ServiceId.SPOTIFY
    assert isinstance(track.title, str) and all(isinstance(a, str) for a in track.artists)
    if track.kind is TrackKind.SONG:
        assert track.unsyncable_reason is None or not track.title.strip()
    else:
        assert track.unsyncable_reason  # shown with a reason, never synced


@settings(max_examples=300, deadline=None, database=None)
@given(item=yt_item | anything)
def test_any_ytmusic_result_becomes_a_track(item):
    track = track_from_ytmusic(item)
    assert track.service is ServiceId.YTMUSIC
    assert isinstance(track.title, str) and all(isinstance(a, str) for a in track.artists)
    assert track.duration_ms is None or track.duration_ms > 0


@settings(max_examples=150, deadline=None, database=None)
@given(source=spotify_item, results=st.lists(yt_item, max_size=5))
def test_matching_converted_entries_never_crashes(source, results):
    result = Matcher().decide(track_from_spotify(source), [track_from_ytmusic(r) for r in results])
    assert all(0.0 <= c.score <= 1.0 for c in result.candidates)
