"""YouTube Music searches of every recorded shape, through the real ytmusicapi and the adapter.

Each recording answers whatever query is sent (the youtui ones never recorded theirs); where
the recorded query is known, the test sends those words. What is checked is what the window
would list: ids, titles, artists, lengths and kinds, and which results are left out.
"""

from __future__ import annotations

import json

import pytest

from songbird_gui.core.types import SearchQuery, TrackKind
from songbird_gui.services.ytmusic import track_from_ytmusic
from tests.services.replay import (
    YT_SEARCH,
    made_up,
    recorded,
    ytmusic_search_rows,
    ytmusic_service,
)

pytestmark = pytest.mark.recorded
SONGS_YOUTUI = "ytmusic/search_songs_youtui_2023-12-26.json"
VIDEOS_YOUTUI = "ytmusic/search_videos_youtui_2024-06-12.json"
SONGS_FRANKIE = (
    "ytmusic/search_songs_en_2022-02-08_frankie-lost-kings-new-obsession-lost-kings-remix.json"
)
SONGS_KUUR = "ytmusic/search_songs_en_2022-02-08_lost-kings-tove-styrke-kuur-kbubs-dcb-stuck.json"
SONGS_JIM_YOSEF = "ytmusic/search_songs_en_2022-11-06_jim-yosef-anna-yvette-linked.json"
KIND_OF_VIDEO_TYPE = {  # the adapter's reading of ytmusicapi's videoType, spelled out
    "MUSIC_VIDEO_TYPE_ATV": TrackKind.SONG,
    "MUSIC_VIDEO_TYPE_OMV": TrackKind.MUSIC_VIDEO,
    "MUSIC_VIDEO_TYPE_UGC": TrackKind.UPLOAD,
    "MUSIC_VIDEO_TYPE_OFFICIAL_SOURCE_MUSIC": TrackKind.UPLOAD,
    "MUSIC_VIDEO_TYPE_PODCAST_EPISODE": TrackKind.EPISODE,
}
TRACK_KINDS = (TrackKind.SONG, TrackKind.MUSIC_VIDEO, TrackKind.UPLOAD)


def search(name: str, text: str, kind: str):
    """The adapter's search of `text` answered by the recording `name`, and what was sent."""
    yt, replay = ytmusic_service({YT_SEARCH: [recorded(name)]}, auth=False)
    found = yt.search(SearchQuery(text, kind))
    sent = [json.loads(r.body or b"{}") for r in replay.sent if "/search" in (r.url or "")]
    return found, sent


@pytest.mark.parametrize(
    ("name", "text", "count", "first"),
    [
        pytest.param(
            SONGS_YOUTUI,
            "the beatles",
            21,  # ytmusicapi returns the whole first shelf, one more than asked for
            # This song's second column links only to its album ("The Beatles"): no artist.
            ("fOjuqmZzul4", "Now And Then", (), "The Beatles", 249_000, False),
            id="youtui-2023",
        ),
        pytest.param(
            SONGS_FRANKIE,
            "frankie, lost kings - new obsession - lost kings remix",
            20,
            (
                "JfVDlNOQFL8",
                "New Obsession (Lost Kings Remix)",
                ("FRANKIE",),
                "New Obsession (The Remixes)",
                218_000,
                False,
            ),
            id="frankie",
        ),
        pytest.param(
            SONGS_KUUR,
            "lost kings, tove styrke, kuur, kbubs, dcb - stuck (feat. tove styrke)",
            20,
            (
                "TKLtea3sPxk",
                "Stuck (Kuur x Kbubs x DCB Remix) (feat. Tove Styrke)",
                ("Lost Kings",),
                "Stuck (Remixes)",
                225_000,
                True,
            ),
            id="kuur",
        ),
        pytest.param(
            SONGS_JIM_YOSEF,  # recorded with ignore_spelling; the adapter never sends it
            "jim yosef, anna yvette - linked",
            20,
            (
                "sJpzMSHKUqI",
                "Linked (feat. Anna Yvette)",
                ("Jim Yosef",),
                "Ncs: The Best of 2017",
                224_000,
                False,
            ),
            id="jim-yosef",
        ),
        pytest.param(
            # Recorded with the pre-2023 songs filter; ytmusicapi 1.12.3 sends another one,
            # and still reads this answer.
            "ytmusic/search_songs_en_2021-03-18_legacy-param_toto-i-will-remember.json",
            "TOTO - I Will Remember",
            20,
            ("unmvkAhWzyo", "I Will Remember", ("Toto",), "Tambu", 367_000, False),
            id="legacy-param-toto",
        ),
    ],
)
def test_songs_searches_list_songs(shared_dir, name, text, count, first):
    found, sent = search(name, text, "songs")
    assert len(sent) == 1 and sent[0]["query"] == text and sent[0]["params"]
    assert len(found) == count
    head = found[0]
    assert (head.id, head.title, head.artists, head.album, head.duration_ms, head.explicit) == first
    assert all(t.kind is TrackKind.SONG and t.unsyncable_reason is None for t in found)
    assert all(t.duration_ms and 30_000 <= t.duration_ms <= 600_000 for t in found)
    assert len({t.id for t in found}) == len(found)


@pytest.mark.parametrize(
    ("name", "found", "words_search"),
    [
        (
            "ytmusic/search_songs_en_2022-02-08_isrc-USRC11600948.json",
            ("JfVDlNOQFL8", "New Obsession (Lost Kings Remix)", ("FRANKIE",), 218_000, False),
            SONGS_FRANKIE,
        ),
        (
            "ytmusic/search_songs_en_2022-02-08_isrc-USRC11803139.json",
            (
                "TKLtea3sPxk",
                "Stuck (Kuur x Kbubs x DCB Remix) (feat. Tove Styrke)",
                ("Lost Kings",),
                225_000,
                True,
            ),
            SONGS_KUUR,
        ),
        (
            "ytmusic/search_songs_en_2022-06-14_isrc-GB2LD1700377.json",
            ("sJpzMSHKUqI", "Linked (feat. Anna Yvette)", ("Jim Yosef",), 224_000, False),
            SONGS_JIM_YOSEF,
        ),
        (
            "ytmusic/search_songs_en_2021-07-21_isrc-USUM70840511.json",
            ("s40BTpfAELs", "Heartless", ("Kanye West",), 210_000, False),
            None,
        ),
        (
            "ytmusic/search_songs_en_2021-11-20_isrc-ESA011825268.json",
            ("Ti__MGSXkVk", "Mae", ("Berlinist",), 153_000, False),
            None,
        ),
    ],
    ids=["USRC11600948", "USRC11803139", "GB2LD1700377", "USUM70840511", "ESA011825268"],
)
def test_an_isrc_search_finds_the_one_song(shared_dir, name, found, words_search):
    isrc = name.split("isrc-")[1].removesuffix(".json")
    songs, _ = search(name, isrc, "songs")
    assert [(t.id, t.title, t.artists, t.duration_ms, t.explicit) for t in songs] == [found]
    assert songs[0].kind is TrackKind.SONG and songs[0].isrc is None  # YT Music never says
    if words_search:  # the "artist - title" search of the same day puts that song first
        by_words, _ = search(words_search, "words", "songs")
        assert by_words[0] == songs[0]


@pytest.mark.parametrize(
    ("name", "text", "first", "kinds"),
    [
        pytest.param(
            "ytmusic/search_videos_youtui_2023-12-26.json",
            "the beatles",
            ("l9ZhYl11TpM", TrackKind.UPLOAD, ("Music Collection",), 3_595_000),
            {TrackKind.MUSIC_VIDEO: 10, TrackKind.UPLOAD: 10},
            id="youtui-2023",
        ),
        pytest.param(
            "ytmusic/search_videos_en_2022-02-08_frankie-lost-kings-new-obsession-lost-kings-remix.json",
            "frankie, lost kings - new obsession - lost kings remix",
            ("-aKtL2RjM1k", TrackKind.MUSIC_VIDEO, ("FRANKIE",), 220_000),
            # One of the uploads is an OFFICIAL_SOURCE_MUSIC video (_fY3l9AKPa0).
            {TrackKind.MUSIC_VIDEO: 9, TrackKind.UPLOAD: 11},
            id="frankie",
        ),
        pytest.param(
            "ytmusic/search_videos_en_2021-03-12_legacy-param_berlinist-windmill.json",
            "Berlinist - Windmill",
            ("kNYGbqxkCQk", TrackKind.UPLOAD, ("betevé",), 1_569_000),
            {TrackKind.MUSIC_VIDEO: 2, TrackKind.UPLOAD: 18},
            id="legacy-param-berlinist",
        ),
    ],
)
def test_videos_searches_sort_official_videos_from_uploads(shared_dir, name, text, first, kinds):
    found, sent = search(name, text, "videos")
    assert len(sent) == 1 and sent[0]["query"] == text
    head = found[0]
    assert (head.id, head.kind, head.artists, head.duration_ms) == first
    assert {k: sum(t.kind is k for t in found) for k in kinds} == kinds
    # Each kind follows ytmusicapi's own videoType of the same row, in the same order.
    rows = ytmusic_search_rows([recorded(name)], "videos")
    assert [(t.id, t.kind) for t in found] == [
        (r["videoId"], KIND_OF_VIDEO_TYPE[r["videoType"]]) for r in rows
    ]


@pytest.mark.parametrize(
    ("page_one", "continuation", "kind", "count"),
    [
        (SONGS_YOUTUI, "ytmusic/search_songs_youtui_2023-12-26_continuation.json", "songs", 21),
        # Two of the 20 videos are podcast episodes, left out.
        (VIDEOS_YOUTUI, "ytmusic/search_videos_youtui_2024-06-12_continuation.json", "videos", 18),
    ],
    ids=["songs", "videos"],
)
def test_a_search_needs_no_continuation_and_one_would_read_the_same(
    shared_dir, page_one, continuation, kind, count
):
    yt, replay = ytmusic_service(
        {YT_SEARCH: [recorded(page_one), recorded(continuation), made_up({})]}, auth=False
    )
    found = yt.search(SearchQuery("the beatles", kind))
    # Page one already holds SEARCH_LIMIT results: the continuation is never asked for.
    assert [r for r in replay.sent if "ctoken=" in (r.url or "")] == []
    assert len([r for r in replay.sent if "/search" in (r.url or "")]) == 1
    assert len(found) == count and all(t.kind in TRACK_KINDS for t in found)

    # Asked for more, ytmusicapi follows the continuation (its token in the URL); its rows,
    # in the musicShelfContinuation shape, convert exactly as page one's do.
    rows = ytmusic_search_rows([recorded(page_one), recorded(continuation)], kind, limit=40)
    first_page = ytmusic_search_rows([recorded(page_one)], kind)
    assert len(rows) > len(first_page)
    continued = [track_from_ytmusic(r) for r in rows[len(first_page) :]]
    assert continued == [track_from_ytmusic(r) for r in first_page]  # the recording repeats
    assert all(t.id and t.title and t.duration_ms for t in continued if t.kind in TRACK_KINDS)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        pytest.param(
            "ytmusic/search_unfiltered_en_2021-03-16_toto-i-will-remember.json",
            "TOTO - I Will Remember",
            [
                # The top-result card: the official video.
                (TrackKind.MUSIC_VIDEO, "_Y2qfmjCmCw", "I Will Remember", 270_000),
                (TrackKind.SONG, "unmvkAhWzyo", "I Will Remember", 367_000),
                (TrackKind.SONG, "pPgkAC9UehI", "I Will Remember (Single Version)", 263_000),
                (TrackKind.SONG, "oDwju2WDVuM", "I Will Remember (Single Version)", 262_000),
                (TrackKind.UPLOAD, "YrgnYZW-oXg", "Toto - I will remember", 365_000),
                (
                    TrackKind.UPLOAD,
                    "2xNS24oWffk",
                    "Toto - I Will Remember (Yokohama 1999)",
                    422_000,
                ),
                (
                    TrackKind.UPLOAD,
                    "OM8z7mtKQfA",
                    "Toto - I Will Remember, Port Chester, NY - 10/15/2019",
                    437_000,
                ),
            ],
            id="toto",
        ),
        pytest.param(
            "ytmusic/search_unfiltered_youtui_2024-07-21_top-result-card.json",
            "beaten",
            [
                # The card is a full-album video. ytmusicapi 1.12.3 labels it "album" (its
                # subtitle starts with the artist, not a type) and drops the artist; its
                # videoType (OMV) still makes it an official video here.
                (
                    TrackKind.MUSIC_VIDEO,
                    "sOd154X302Y",
                    "Mother's Cake - Off The Beaten Track (Full Album)",
                    2_469_000,
                ),
                (TrackKind.SONG, "ldZfRRud9UI", "For the Beaten", 212_000),
                (TrackKind.SONG, "eUiis5br2Yk", "Beaten", 191_000),
                (TrackKind.SONG, "kOn-HdEg6AQ", "Beat It", 259_000),
                (
                    TrackKind.UPLOAD,
                    "cDGi01NkG3k",
                    "Silkboss - Beaten (Official Video) ft. Rytikal & Rhumba",
                    184_000,
                ),
                (TrackKind.MUSIC_VIDEO, "OU-RVu3aBMk", "Off The Beaten Track", 175_000),
                (
                    TrackKind.UPLOAD,
                    "iM-0haQucxQ",
                    "Rose Tattoo - We Can't Be Beaten (Live in Sydney) | Moshcam",
                    113_000,
                ),
            ],
            id="top-result-card",
        ),
        pytest.param(
            "ytmusic/search_unfiltered_en_2022-11-06_a.json",
            "a",
            [
                # The top result, a playlist, is left out like the other shelves below.
                (TrackKind.SONG, "3e3LvP3NB-c", "A Ty śpij", 172_000),
                (TrackKind.SONG, "qno5ejMm9Ck", "mori", 195_000),
                (TrackKind.SONG, "ldBdU1sfOCc", "A Ty bądź", 222_000),
                (
                    TrackKind.UPLOAD,
                    "H1yJXvvOmME",
                    "Calm Down and Relax 🍂 Fall Lofi 2022 - Just a playlist to put you in a "
                    "better mood",
                    45_652_000,  # 12:40:52, within the 24-hour ceiling
                ),
                (
                    TrackKind.UPLOAD,
                    "EKp3EdoHdKI",
                    "Śpiewające Brzdące - A ram sam sam - Piosenki dla dzieci 😜😂😆",
                    152_000,
                ),
                (
                    TrackKind.UPLOAD,
                    "8OxH_eJ6618",
                    "The Cure - A Fragile Thing (World Premiere) Multicam",
                    298_000,
                ),
            ],
            id="a",
        ),
        pytest.param(
            "ytmusic/search_unfiltered_youtui_2025-06-05_podcasts-community-playlists.json",
            "metal",
            [
                (TrackKind.SONG, "mUEsqQpact0", "Toxicity", 219_000),
                (TrackKind.SONG, "KUZ7jG7BKE8", "Sonne", 273_000),
                (TrackKind.SONG, "5qZQEq_C3vc", "Numb", 188_000),
                (
                    TrackKind.UPLOAD,
                    "B_OB2ExizMM",
                    "KORN, LIMP BIZKIT,  SYSTEM OF A DOWN, DEFTONES, SLIPKNOT #NU METAL  90´s "
                    "2000´s# by Dj Cachete",
                    5_736_000,
                ),
                (
                    TrackKind.UPLOAD,
                    "pfZyBjmniM0",
                    "90 Minutes Of Metal - Instrumental - Vol. 7",
                    5_449_000,
                ),
                (
                    TrackKind.UPLOAD,
                    "j6niFit62ss",
                    "2 Hours Of Epic Power Metal Pt. 1 // Best Of Power Metal Compilation // "
                    "AFM Records",
                    6_835_000,
                ),
            ],
            id="podcasts-community-playlists",
        ),
    ],
)
def test_an_unfiltered_search_keeps_only_tracks(shared_dir, name, text, expected):
    # A query of no known kind goes out unfiltered (no "params"): every shelf comes back.
    found, sent = search(name, text, "")
    assert len(sent) == 1 and sent[0]["query"] == text and "params" not in sent[0]
    assert [(t.kind, t.id, t.title, t.duration_ms) for t in found] == expected
    assert all(t.unsyncable_reason is None for t in found)


def test_the_shelves_that_are_no_tracks_say_why(shared_dir):
    # What the adapter leaves out of the unfiltered podcasts/community search, row by row.
    name = "ytmusic/search_unfiltered_youtui_2025-06-05_podcasts-community-playlists.json"
    rows = ytmusic_search_rows([recorded(name)], None)
    left_out = [
        (r["category"], r["resultType"], track_from_ytmusic(r).unsyncable_reason)
        for r in rows
        if r["resultType"] not in ("song", "video")
    ]
    gone = "removed or unavailable on the service"
    assert left_out == [
        ("Top result", "album", gone),  # "Metal Radio": a radio, no video to add
        *[("Featured playlists", "playlist", gone)] * 3,
        ("Community playlists", "playlist", gone),
        ("Community playlists", "podcast", "podcast episode: only music is synced"),
        ("Community playlists", "playlist", gone),
        *[("Artists", "artist", gone)] * 3,
        *[("Albums", "album", gone)] * 3,
    ]
