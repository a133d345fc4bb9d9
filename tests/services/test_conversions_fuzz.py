"""The adapters' conversions on anything a service might send: never a crash, always a track.

Hypothesis builds Spotify and YouTube Music entries from the fields the real answers carry,
with any Unicode, missing fields, wrong types and nulls in every place, and draws the odd
values on purpose where a number or a name belongs: nan, ±inf, negative, zero, absurdly huge,
bools, numeric and other text, lists and dicts. A value that is not sane reads as unknown.
The examples below pin the cases one by one; those commented "before" failed before the
shared readers of `songbird_gui.services.fields` (an exception, or a value no song has).
"""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from songbird_gui.core.scoring import Matcher
from songbird_gui.core.types import PlaylistKind, ServiceId, Track, TrackKind
from songbird_gui.services.fields import MAX_COUNT, MAX_DURATION_MS
from songbird_gui.services.spotify import entry_to_track, track_from_spotify
from songbird_gui.services.ytmusic import _count, track_from_ytmusic
from tests.services.replay import SPOTIFY_API, made_up, spotify_service

HUGE_DIGITS = "9" * 5000  # int() of more than 4300 digits raises ValueError in Python ≥ 3.11


def short_id(value: object) -> str | None:
    """A test id for values pytest cannot print (str() of a 5000-digit int raises)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**20:
        return "huge-int"
    if isinstance(value, str) and len(value) > 20:
        return "long-text"
    return None


anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
# Where a number belongs: every float (nan, ±inf, subnormal), huge and negative whole numbers,
# bools, numeric and other text, and containers.
odd_numbers = (
    st.floats(allow_nan=True, allow_infinity=True)
    | st.integers()
    | st.integers(min_value=10**12, max_value=10**40)
    | st.sampled_from([0, -1, 0.4, 1e300, -1e300, 10**30, True, False])
    | st.sampled_from(["abc", "123", "", "1e300", "nan", "inf", HUGE_DIGITS])
    | st.lists(st.integers(), max_size=2)
    | st.dictionaries(st.text(max_size=4), st.integers(), max_size=2)
)
# Where a name or an id belongs: any text, and every odd number or container.
odd_texts = st.text() | odd_numbers | anything
# Where a clock text ("4:09") belongs.
odd_clocks = (
    st.from_regex(r"[0-9]{1,8}(:[0-9]{1,3}){0,3}", fullmatch=True)
    | st.sampled_from(["3:75", "-1:00", "0:00", "٣:٠٠", "99:99:99", f"{HUGE_DIGITS}:00"])
    | odd_texts
)
names = st.lists(st.fixed_dictionaries({"name": st.none() | odd_texts}) | anything, max_size=3)

spotify_item = st.fixed_dictionaries(
    {},
    optional={
        "id": st.none() | st.text(max_size=22) | odd_texts,
        "name": st.none() | odd_texts,
        "type": st.sampled_from(["track", "episode", "local", None]) | anything,
        "artists": names | anything,
        "album": st.fixed_dictionaries({"name": st.none() | odd_texts}) | anything,
        "duration_ms": st.none() | st.integers(-10, 10**9) | odd_numbers,
        "explicit": odd_texts,
        "is_local": odd_texts,
        "external_ids": st.fixed_dictionaries({"isrc": st.none() | odd_texts}) | anything,
        "show": st.fixed_dictionaries({"publisher": odd_texts, "name": odd_texts}) | anything,
    },
)
VIDEO_TYPES = ["MUSIC_VIDEO_TYPE_ATV", "MUSIC_VIDEO_TYPE_OMV", "MUSIC_VIDEO_TYPE_UGC", None]
yt_item = st.fixed_dictionaries(
    {},
    optional={
        "videoId": st.none() | st.text(max_size=11) | odd_texts,
        "title": st.none() | odd_texts,
        "resultType": st.sampled_from(["song", "video", "episode", "podcast", None]) | anything,
        "videoType": st.sampled_from(VIDEO_TYPES) | odd_texts,
        "artists": names | anything,
        "album": st.fixed_dictionaries({"name": st.none() | odd_texts}) | anything,
        "duration": st.none() | odd_clocks,
        "length": st.none() | odd_clocks,
        "duration_seconds": st.none() | st.integers(-10, 10**6) | odd_numbers,
        "isExplicit": odd_texts,
        "isAvailable": odd_texts,
    },
)


def assert_readable(track: Track, service: ServiceId) -> None:
    """What the window shows of any track: text where text belongs, a sane length or none."""
    assert track.service is service
    assert isinstance(track.title, str) and all(isinstance(a, str) and a for a in track.artists)
    assert track.id is None or (isinstance(track.id, str) and track.id)
    assert track.album is None or (isinstance(track.album, str) and track.album)
    assert track.explicit is True or track.explicit is False
    duration = track.duration_ms
    assert duration is None or (type(duration) is int and 0 < duration <= MAX_DURATION_MS)
    assert re.fullmatch(r"(\d+:\d\d)?", track.duration_text)  # "" or "m:ss", never garbage
    assert isinstance(track.describe(), str)


@settings(max_examples=300, deadline=None, database=None)
@given(item=spotify_item | anything, wrapped=st.booleans(), key=st.sampled_from(["item", "track"]))
def test_any_spotify_entry_becomes_a_track(item, wrapped, key):
    track = entry_to_track({key: item}) if wrapped else track_from_spotify(item)
    assert_readable(track, ServiceId.SPOTIFY)
    assert track.isrc is None or re.fullmatch(r"[A-Z0-9]{12}", track.isrc)
    if track.kind is TrackKind.SONG:
        assert track.unsyncable_reason is None or not track.title.strip()
    else:
        assert track.unsyncable_reason  # shown with a reason, never synced


@settings(max_examples=300, deadline=None, database=None)
@given(item=yt_item | anything)
def test_any_ytmusic_result_becomes_a_track(item):
    track = track_from_ytmusic(item)
    assert_readable(track, ServiceId.YTMUSIC)
    assert track.isrc is None
    if track.kind is not TrackKind.EPISODE and track.id is None:
        assert track.unsyncable_reason  # no id: never offered as a match


@settings(max_examples=200, deadline=None, database=None)
@given(value=odd_texts | odd_clocks)
def test_any_playlist_count_is_a_count_or_unknown(value):
    count = _count(value)
    assert count is None or (type(count) is int and 0 <= count <= MAX_COUNT)


@settings(max_examples=150, deadline=None, database=None)
@given(source=spotify_item, results=st.lists(yt_item, max_size=5))
def test_matching_converted_entries_never_crashes(source, results):
    result = Matcher().decide(track_from_spotify(source), [track_from_ytmusic(r) for r in results])
    assert all(0.0 <= c.score <= 1.0 for c in result.candidates)


# -- examples: each an odd value a real answer could carry ------------------------------------

SPOTIFY_SONG = {
    "id": "4DpF4BrUNY6dSOaW4QI4Fj",
    "name": "New Obsession - Lost Kings Remix",
    "type": "track",
    "artists": [{"name": "FRANKIE"}, {"name": "Lost Kings"}],
    "album": {"name": "New Obsession (The Remixes)"},
    "duration_ms": 217453,
    "explicit": False,
    "external_ids": {"isrc": "USRC11600948"},
}
YT_SONG = {
    "videoId": "JfVDlNOQFL8",
    "title": "New Obsession (Lost Kings Remix)",
    "resultType": "song",
    "videoType": "MUSIC_VIDEO_TYPE_ATV",
    "artists": [{"name": "FRANKIE", "id": "UC1"}],
    "album": {"name": "New Obsession (The Remixes)", "id": "MPRE1"},
    "duration": "3:38",
    "duration_seconds": 218,
    "isExplicit": False,
}
ODD_DURATIONS = [
    pytest.param(math.inf, id="inf"),  # OverflowError before
    pytest.param(-math.inf, id="-inf"),
    pytest.param(math.nan, id="nan"),
    pytest.param(-5, id="negative"),
    pytest.param(1e300, id="huge-float"),  # a 10²⁹⁷-year song before
    pytest.param(10**30, id="huge-int"),
    pytest.param(MAX_DURATION_MS + 1, id="over-24-h"),
    pytest.param(True, id="bool"),  # 1 ms before
    pytest.param("abc", id="text"),
    pytest.param("123", id="numeric-text"),
    pytest.param("", id="empty-text"),
    pytest.param([217453], id="list"),
    pytest.param({"ms": 217453}, id="dict"),
]


@pytest.mark.parametrize("value", ODD_DURATIONS)
def test_a_spotify_song_with_an_odd_duration_keeps_all_else(value):
    track = track_from_spotify({**SPOTIFY_SONG, "duration_ms": value})
    assert track.duration_ms is None and track.duration_text == ""
    assert (track.id, track.title, track.artists, track.isrc) == (
        "4DpF4BrUNY6dSOaW4QI4Fj",
        "New Obsession - Lost Kings Remix",
        ("FRANKIE", "Lost Kings"),
        "USRC11600948",
    )


@pytest.mark.parametrize("value", ODD_DURATIONS)
def test_a_ytmusic_song_with_an_odd_duration_falls_back_to_its_clock_text(value):
    track = track_from_ytmusic({**YT_SONG, "duration_seconds": value})
    assert track.duration_ms == 218_000 and track.duration_text == "3:38"
    assert track.kind is TrackKind.SONG and track.unsyncable_reason is None


@pytest.mark.parametrize(
    "clock",
    [
        pytest.param("3:75", id="75-seconds"),  # 255 s before
        pytest.param("0:00", id="zero"),
        pytest.param("-3:38", id="negative"),
        pytest.param("25:00:00", id="over-24-h"),
        pytest.param(f"{HUGE_DIGITS}:00", id="huge"),  # ValueError before (int of 5000 digits)
        pytest.param("99999999:00", id="absurd"),
        pytest.param("abc", id="text"),
        pytest.param("218", id="no-colon"),
        pytest.param(218, id="number"),
        pytest.param(math.inf, id="inf"),
        pytest.param(["3:38"], id="list"),
    ],
)
@pytest.mark.parametrize("seconds", [math.inf, math.nan, None], ids=["inf", "nan", "none"])
def test_a_ytmusic_song_with_no_sane_duration_has_an_unknown_one(clock, seconds):
    track = track_from_ytmusic({**YT_SONG, "duration_seconds": seconds, "duration": clock})
    assert track.duration_ms is None and track.duration_text == ""
    assert (track.id, track.title, track.kind) == (
        "JfVDlNOQFL8",
        "New Obsession (Lost Kings Remix)",
        TrackKind.SONG,
    )


def test_the_longest_sane_durations_are_kept():
    assert track_from_spotify({**SPOTIFY_SONG, "duration_ms": MAX_DURATION_MS}).duration_ms == (
        MAX_DURATION_MS
    )
    # A real 8-hour video of the recorded YT Music searches (8:00:33) and a float length.
    assert track_from_ytmusic({**YT_SONG, "duration_seconds": None, "duration": "8:00:33"}) == (
        track_from_ytmusic({**YT_SONG, "duration_seconds": 28_833.0})
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ["New Obsession"]),  # "['New Obsession']" as the title before
        ("name", {"text": "New Obsession"}),
        ("name", math.nan),
        ("name", 10**5000),  # ValueError before: str() of more than 4300 digits
        ("album", {"name": ["New Obsession (The Remixes)"]}),
        ("album", "New Obsession (The Remixes)"),
        ("artists", [{"name": ["FRANKIE"]}, {"name": math.inf}, {"name": ""}]),
        ("artists", "FRANKIE"),
        ("artists", {"name": "FRANKIE"}),
        ("id", ["4DpF4BrUNY6dSOaW4QI4Fj"]),
        ("id", math.inf),
        ("id", True),
        ("explicit", "false"),  # explicit before: any non-empty text was true
        ("explicit", [False]),
        ("external_ids", {"isrc": ["USRC11600948"]}),  # "['USRC11600948']" before
        ("external_ids", {"isrc": 11600948}),
        ("external_ids", {"isrc": "not an isrc"}),
        ("external_ids", ["USRC11600948"]),
    ],
    ids=short_id,
)
def test_a_spotify_field_of_the_wrong_type_reads_as_unknown(field, value):
    track = track_from_spotify({**SPOTIFY_SONG, field: value})
    known = track_from_spotify(SPOTIFY_SONG)
    unknown = {
        "name": ("title", ""),
        "album": ("album", None),
        "artists": ("artists", ()),
        "id": ("id", None),
        "explicit": ("explicit", False),
        "external_ids": ("isrc", None),
    }[field]
    assert getattr(track, unknown[0]) == unknown[1]
    if field in ("name", "id"):
        assert track.kind is TrackKind.UNAVAILABLE and track.unsyncable_reason
    else:  # everything else stays as it was: still a song, still syncable
        assert track.kind is TrackKind.SONG and track.unsyncable_reason is None
        assert (track.id, track.title, track.duration_ms) == (
            known.id,
            known.title,
            known.duration_ms,
        )


def test_isrc_text_is_compacted_to_its_twelve_characters():
    isrc = {**SPOTIFY_SONG, "external_ids": {"isrc": " us-rc1-16-00948 "}}
    assert track_from_spotify(isrc).isrc == "USRC11600948"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ["New Obsession (Lost Kings Remix)"]),
        ("title", math.inf),
        ("album", {"name": {"text": "x"}}),
        ("artists", [{"name": 10**5000}, {"name": ["FRANKIE"]}]),
        ("videoId", ["JfVDlNOQFL8"]),  # a song "without id" offered for syncing before
        ("videoId", math.nan),
        ("videoType", 10**5000),  # ValueError before: str() of the video type
        ("videoType", ["MUSIC_VIDEO_TYPE_OMV"]),
        ("isExplicit", "false"),
        ("isExplicit", [True]),
    ],
    ids=short_id,
)
def test_a_ytmusic_field_of_the_wrong_type_reads_as_unknown(field, value):
    track = track_from_ytmusic({**YT_SONG, "resultType": "video", field: value})
    unknown = {
        "title": ("title", ""),
        "album": ("album", None),
        "artists": ("artists", ()),
        "videoId": ("id", None),
        "videoType": ("kind", TrackKind.UPLOAD),  # a video of no known type: an upload
        "isExplicit": ("explicit", False),
    }[field]
    assert getattr(track, unknown[0]) == unknown[1]
    if field == "videoId":
        assert track.kind is TrackKind.UNAVAILABLE and track.unsyncable_reason
    assert track.duration_ms == 218_000


@pytest.mark.parametrize(
    ("value", "count"),
    [
        (20, 20),
        ("1,234", 1234),
        ("1.234", 1234),  # a German thousands separator
        ("5 songs", 5),
        (0, 0),
        (-3, None),  # -3 tracks before
        (True, None),  # True tracks before
        (20.0, None),
        (math.inf, None),
        (MAX_COUNT + 1, None),
        ("no songs", None),
        ("", None),
        (HUGE_DIGITS, None),  # ValueError before: int() of 5000 digits
        (["20"], None),
    ],
    ids=short_id,
)
def test_a_ytmusic_playlist_count_is_a_count_or_unknown(value, count):
    assert _count(value) == count


def test_spotify_playlist_rows_of_odd_shape_list_what_is_known():
    # Rows written here: no recording holds a malformed /me/playlists page. Each row breaks
    # one field the row conversion reads; an owner that is text crashed the listing before.
    rows = [
        {
            "id": "good",
            "name": "Road Trip",
            "owner": {"display_name": "Ann"},
            "items": {"total": 7},
        },
        {"id": "textowner", "name": "x", "owner": "Ann", "items": {"total": math.inf}},
        {"id": "listowner", "name": ["x"], "owner": ["Ann"], "tracks": {"total": "12"}},
        {"id": "badcount", "name": "y", "owner": {"id": 42}, "items": {"total": True}},
        {"id": "negative", "name": "z", "owner": None, "items": {"total": -1}},
        {"id": ["listid"], "name": "skipped: no usable id"},
        {"id": math.nan, "name": "skipped: no usable id"},
        "not a row",
        None,
    ]
    page = {"items": rows, "next": None}
    spotify, _ = spotify_service(
        {
            ("GET", f"{SPOTIFY_API}/me"): [made_up({"id": "ann", "display_name": "Ann"})],
            ("GET", f"{SPOTIFY_API}/me/playlists"): [made_up(page)],
        }
    )
    playlists = spotify.list_playlists()
    assert playlists[0].kind is PlaylistKind.LIKED
    assert [(p.id, p.name, p.owner, p.track_count) for p in playlists[1:]] == [
        ("good", "Road Trip", "Ann", 7),
        ("textowner", "x", "", None),
        ("listowner", "(no name)", "", 12),  # digits in text count, as YT Music sends them
        ("badcount", "y", "42", None),
        ("negative", "z", "", None),
    ]
