"""The matcher: which search result a person would call the same song, and how sure it is."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from songbird_gui.core.scoring import Matcher
from songbird_gui.core.settings import MatchThresholds
from songbird_gui.core.types import Decision, ServiceId, Track, TrackKind

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC

HELLO = Track(SP, "sp-hello", "Hello", ("Adele",), "25", 295_000, "GBBKS1500214")
RHAPSODY = Track(SP, "sp-bohrap", "Bohemian Rhapsody", ("Queen",), "A Night at the Opera", 354_000)


def result(source: Track, id: str = "yt-1", **changes: Any) -> Track:
    """A target-side search result: the source track as the other service lists it."""
    return dataclasses.replace(source, service=YT, id=id, **changes)


@pytest.fixture
def matcher() -> Matcher:
    return Matcher()


# -- a track is itself -----------------------------------------------------------------------------

_titles = st.text().filter(lambda s: any(ch.isalnum() for ch in s))


@settings(max_examples=300, deadline=None, database=None)
@given(
    title=_titles,
    artists=st.lists(st.text(), max_size=3),
    album=st.none() | st.text(),
    duration_ms=st.none() | st.integers(0, 3_600_000),
    isrc=st.none() | st.text(max_size=12),
    kind=st.sampled_from([TrackKind.SONG, TrackKind.MUSIC_VIDEO]),
)
@example(
    title="Remix to Ignition",
    artists=["R. Kelly"],
    album=None,
    duration_ms=None,
    isrc=None,
    kind=TrackKind.SONG,
)
def test_a_track_scores_itself_as_accept(
    title: str,
    artists: list[str],
    album: str | None,
    duration_ms: int | None,
    isrc: str | None,
    kind: TrackKind,
) -> None:
    source = Track(SP, "s1", title, tuple(artists), album, duration_ms, isrc, kind=kind)
    decided = Matcher().decide(source, [result(source)])
    assert decided.decision is Decision.ACCEPT, decided.best and decided.best.explain()


@settings(max_examples=200, deadline=None, database=None)
@given(title=st.text(), artists=st.lists(st.text(), max_size=3), other=st.text())
def test_scoring_never_crashes_and_stays_in_range(
    title: str, artists: list[str], other: str
) -> None:
    source = Track(SP, "s1", title, tuple(artists))
    candidate = Matcher().score(source, Track(YT, "y1", other, tuple(reversed(artists))))
    assert 0.0 <= candidate.score <= 1.0
    Matcher().decide(source, [candidate.track])


def test_a_title_with_remix_in_its_name_scores_itself_as_accept(matcher: Matcher) -> None:
    # "Remix to Ignition" is the song's name, not a remix of something else.
    source = Track(SP, "s", "Remix to Ignition", ("R. Kelly",), None, 259_000)
    assert matcher.decide(source, [result(source)]).decision is Decision.ACCEPT


def test_the_same_song_with_cosmetic_differences_is_accepted(matcher: Matcher) -> None:
    candidate = result(
        HELLO,
        title="Hello (Official Audio)",
        artists=("Adele - Topic",),
        isrc=None,
        duration_ms=296_000,
    )
    assert matcher.decide(HELLO, [candidate]).decision is Decision.ACCEPT


# -- versions --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "suffix",
    [
        " (Live at Wembley)",
        " - Live",
        " (Acoustic)",
        " (Kuur Remix)",
        " (Instrumental)",
        " (Karaoke Version)",
        " (Sped Up)",
        " (Slowed + Reverb)",
        " - Extended Mix",
    ],
)
def test_another_version_is_never_auto_accepted(matcher: Matcher, suffix: str) -> None:
    studio = RHAPSODY
    other = result(studio, title=studio.title + suffix)
    # ... whichever side is the studio recording
    assert matcher.decide(studio, [other]).decision is not Decision.ACCEPT
    back = dataclasses.replace(other, service=SP, id="sp-other")
    assert matcher.decide(back, [result(studio)]).decision is not Decision.ACCEPT


def test_live_is_not_accepted_even_with_the_same_isrc(matcher: Matcher) -> None:
    live = result(HELLO, title="Hello (Live at the Royal Albert Hall)")
    assert matcher.decide(HELLO, [live]).decision is not Decision.ACCEPT


def test_live_version_of_a_song_named_live_is_not_accepted(matcher: Matcher) -> None:
    # "Live Forever" is a studio recording; "Live Forever (Live at Knebworth)" is not.
    studio = Track(SP, "s", "Live Forever", ("Oasis",), "Definitely Maybe", 276_000)
    live = result(studio, title="Live Forever (Live at Knebworth)", album=None, duration_ms=279_000)
    decided = matcher.decide(studio, [live])
    assert decided.decision is not Decision.ACCEPT, decided.best and decided.best.explain()


def test_a_remaster_is_the_same_recording(matcher: Matcher) -> None:
    remaster = result(RHAPSODY, title="Bohemian Rhapsody - Remastered 2011")
    assert matcher.decide(RHAPSODY, [remaster]).decision is Decision.ACCEPT


def test_two_remixes_by_different_remixers_differ(matcher: Matcher) -> None:
    source = Track(SP, "s", "Hello (Kuur Remix)", ("Adele",), None, 300_000)
    other = result(source, title="Hello (Syence Remix)")
    assert matcher.decide(source, [other]).decision is not Decision.ACCEPT
    assert matcher.decide(source, [result(source)]).decision is Decision.ACCEPT


# -- kinds -----------------------------------------------------------------------------------------


def test_a_music_video_ranks_below_the_same_song(matcher: Matcher) -> None:
    video = result(
        RHAPSODY,
        id="yt-video",
        title="Queen - Bohemian Rhapsody (Official Video)",
        artists=("Queen Official",),
        album=None,
        duration_ms=360_000,
        kind=TrackKind.MUSIC_VIDEO,
    )
    song = result(RHAPSODY, id="yt-song")
    ranked = matcher.rank(RHAPSODY, [video, song])
    assert [c.track.id for c in ranked] == ["yt-song", "yt-video"]
    assert ranked[0].score > ranked[1].score
    decided = matcher.decide(RHAPSODY, [video, song])
    # the song and its own video are one recording: not an ambiguity
    assert decided.decision is Decision.ACCEPT
    assert decided.best is not None and decided.best.track.id == "yt-song"


def test_a_music_video_alone_is_accepted(matcher: Matcher) -> None:
    video = result(
        RHAPSODY,
        title="Queen - Bohemian Rhapsody (Official Video)",
        artists=("Queen Official",),
        album=None,
        duration_ms=366_000,
        kind=TrackKind.MUSIC_VIDEO,
    )
    assert matcher.decide(RHAPSODY, [video]).decision is Decision.ACCEPT


@settings(max_examples=100, deadline=None, database=None)
@given(title=_titles, artists=st.lists(st.text(min_size=1), min_size=1, max_size=2))
def test_an_upload_never_wins_over_the_official_song(title: str, artists: list[str]) -> None:
    source = Track(SP, "s", title, tuple(artists), "Album", 200_000, "USRC17607839")
    upload = result(source, id="upload", kind=TrackKind.UPLOAD)
    song = result(source, id="song", isrc=None)
    decided = Matcher().decide(source, [upload, song])
    assert decided.best is not None and decided.best.track.id == "song"


def test_an_upload_is_taken_only_when_it_can_be_nothing_else(matcher: Matcher) -> None:
    # Nothing official in the results: an upload titled with the song and its artist only,
    # as long as the song, is the best copy there is.
    plain = result(RHAPSODY, title="Queen - Bohemian Rhapsody (Lyrics)", artists=("LyricsHub",),
                   album=None, kind=TrackKind.UPLOAD)  # fmt: skip
    assert matcher.decide(RHAPSODY, [plain]).decision is Decision.ACCEPT
    # Words that are not the song's, its artist's or its album's: a person looks first.
    other_words = dataclasses.replace(plain, title="Bohemian Rhapsody - Cat Edition Meme")
    assert matcher.decide(RHAPSODY, [other_words]).decision is Decision.REVIEW
    # Five seconds off: another cut, or another recording.
    off = dataclasses.replace(plain, duration_ms=RHAPSODY.duration_ms + 5_000)
    decided = matcher.decide(RHAPSODY, [off])
    assert decided.decision is Decision.REVIEW
    assert decided.best is not None and "upload" in decided.best.explain()


def test_unsyncable_results_are_never_proposed(matcher: Matcher) -> None:
    episode = result(RHAPSODY, kind=TrackKind.EPISODE)
    no_id = result(RHAPSODY, id="")
    assert matcher.rank(RHAPSODY, [episode, no_id]) == []
    assert matcher.decide(RHAPSODY, [episode]).decision is Decision.NOT_FOUND


# -- duration --------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None, database=None)
@given(
    duration_ms=st.integers(60_000, 900_000),
    off_ms=st.integers(30_000, 600_000),
    longer=st.booleans(),
    same_isrc=st.booleans(),
)
def test_a_song_30_s_off_is_never_accepted(
    duration_ms: int, off_ms: int, longer: bool, same_isrc: bool
) -> None:
    source = dataclasses.replace(RHAPSODY, duration_ms=duration_ms, isrc="GBUM71029604")
    if duration_ms - off_ms < 1_000:
        longer = True  # a duration of 0 means "unknown", not "very short"
    other = result(
        source,
        duration_ms=duration_ms + (off_ms if longer else -off_ms),
        isrc=source.isrc if same_isrc else None,
    )
    assert Matcher().decide(source, [other]).decision is not Decision.ACCEPT


def test_a_music_video_30_s_shorter_is_not_accepted(matcher: Matcher) -> None:
    video = result(RHAPSODY, album=None, duration_ms=324_000, kind=TrackKind.MUSIC_VIDEO)
    assert matcher.decide(RHAPSODY, [video]).decision is not Decision.ACCEPT


def test_a_second_or_two_off_is_accepted(matcher: Matcher) -> None:
    assert matcher.decide(RHAPSODY, [result(RHAPSODY, duration_ms=356_000)]).decision is (
        Decision.ACCEPT
    )


# -- ISRC ------------------------------------------------------------------------------------------


def test_an_equal_isrc_boosts_the_score(matcher: Matcher) -> None:
    # A differently written listing of the same recording: only the ISRC proves it.
    listing = result(
        HELLO, title="Hello (2015)", artists=("Adele Adkins",), album=None, duration_ms=305_000
    )
    with_isrc = matcher.score(HELLO, listing)
    without = matcher.score(HELLO, dataclasses.replace(listing, isrc=None))
    other_isrc = matcher.score(HELLO, dataclasses.replace(listing, isrc="GBBKS9999999"))
    assert with_isrc.score >= 0.95
    assert other_isrc.score < without.score < with_isrc.score
    assert matcher.decide(HELLO, [listing]).decision is Decision.ACCEPT
    assert matcher.decide(HELLO, [dataclasses.replace(listing, isrc=None)]).decision is not (
        Decision.ACCEPT
    )
    assert "same ISRC" in with_isrc.explain()


def test_isrc_comparison_ignores_case(matcher: Matcher) -> None:
    lower = result(HELLO, isrc="gbbks1500214")
    assert "same ISRC" in matcher.score(HELLO, lower).explain()


# -- the decision ----------------------------------------------------------------------------------


def test_two_different_recordings_scoring_close_go_to_review(matcher: Matcher) -> None:
    # The album version and a single version four seconds shorter: both good, neither proven.
    source = Track(SP, "s", "Hello", ("Adele",), None, 295_000)
    album = result(source, id="yt-album")
    single = result(source, id="yt-single", duration_ms=291_000)
    decided = matcher.decide(source, [album, single])
    assert decided.best is not None and decided.best.score >= matcher.thresholds.accept
    assert decided.decision is Decision.REVIEW
    assert {c.track.id for c in decided.candidates} == {"yt-album", "yt-single"}


def test_a_clear_winner_over_another_recording_is_accepted(matcher: Matcher) -> None:
    source = Track(SP, "s", "Hello", ("Adele",), None, 295_000)
    album = result(source, id="yt-album")
    live = result(source, id="yt-live", title="Hello (Live)")
    decided = matcher.decide(source, [live, album])
    assert decided.decision is Decision.ACCEPT
    assert decided.best is not None and decided.best.track.id == "yt-album"


def test_nothing_similar_is_not_found(matcher: Matcher) -> None:
    unrelated = Track(YT, "y", "Goodbye Moon", ("Zed",), None, 100_000)
    decided = matcher.decide(HELLO, [unrelated])
    assert decided.decision is Decision.NOT_FOUND
    assert decided.best is None
    assert [c.track.id for c in decided.candidates] == ["y"]  # still shown to the person


def test_no_results_is_not_found(matcher: Matcher) -> None:
    decided = matcher.decide(HELLO, [], searches=2)
    assert decided.decision is Decision.NOT_FOUND
    assert decided.candidates == ()
    assert decided.searches == 2


def test_thresholds_come_from_settings() -> None:
    strict = Matcher(MatchThresholds(accept=0.999))
    near = result(RHAPSODY, duration_ms=358_000)
    assert Matcher().decide(RHAPSODY, [near]).decision is Decision.ACCEPT
    assert strict.decide(RHAPSODY, [near]).decision is Decision.REVIEW


def test_candidates_kept_are_limited_and_best_first() -> None:
    matcher = Matcher(MatchThresholds(candidates_kept=2))
    results = [
        Track(YT, "far", "Hello", ("Adele",), None, 100_000),
        Track(YT, "exact", "Hello", ("Adele",), None, 295_000),
        Track(YT, "other", "Someone Like You", ("Adele",), None, 285_000),
    ]
    decided = matcher.decide(HELLO, results)
    assert [c.track.id for c in decided.candidates][:1] == ["exact"]
    assert len(decided.candidates) == 2


def test_the_same_result_twice_is_scored_once(matcher: Matcher) -> None:
    same = result(RHAPSODY)
    assert len(matcher.rank(RHAPSODY, [same, same])) == 1


# -- the explanation -------------------------------------------------------------------------------


def test_explain_names_the_parts(matcher: Matcher) -> None:
    live = result(RHAPSODY, title="Bohemian Rhapsody (Live)", duration_ms=372_000)
    explained = matcher.score(RHAPSODY, live).explain()
    for word in ("title", "artists", "duration +18 s", "studio ≠ live", "album", "song"):
        assert word in explained


def test_explain_says_when_evidence_is_missing(matcher: Matcher) -> None:
    bare = Track(SP, "s", "Hello", ())
    explained = matcher.score(bare, Track(YT, "y", "Hello", ("Adele",))).explain()
    assert "artists unknown" in explained
    assert "duration unknown" in explained


def test_explain_notes_another_script(matcher: Matcher) -> None:
    source = Track(SP, "s", "Группа крови", ("Кино",), None, 285_000)
    latin = Track(YT, "y", "Gruppa krovi", ("Kino",), None, 285_000)
    assert "other script" in matcher.score(source, latin).explain()
    assert matcher.decide(source, [latin]).decision is not Decision.ACCEPT


@pytest.mark.parametrize(
    ("title", "kind", "likely"),
    [
        ("Your Salty Stone (Acoustic)", TrackKind.SONG, True),
        ("Somewhere Violet (Sped Up)", TrackKind.SONG, True),
        ("Harbor Lights - Live at Oslo", TrackKind.SONG, True),
        ("Tender Sparrow Blues", TrackKind.MUSIC_VIDEO, True),
        ("Tender Sparrow Blues", TrackKind.UPLOAD, True),
        ("Tender Sparrow Blues", TrackKind.SONG, False),
        ("Golden Hour (feat. Ode)", TrackKind.SONG, False),  # a featured artist is no version
    ],
)
def test_versions_videos_and_uploads_are_likely_to_need_a_wider_search(
    title: str, kind: TrackKind, likely: bool
) -> None:
    track = Track(ServiceId.YTMUSIC, "v1", title, ("Maeve Ashing",), kind=kind)
    assert Matcher.likely_to_search_wider(track) is likely


# -- a source without a length, an ISRC or an explicit flag (a Spotify data export) ------------


def test_an_unknown_explicit_flag_is_left_out_not_taken_for_clean(matcher: Matcher) -> None:
    source = dataclasses.replace(HELLO, duration_ms=None, isrc=None, explicit=None)
    explicit_song = result(source, explicit=True)
    scored = matcher.score(source, explicit_song)
    assert "explicit ≠ clean" not in scored.explain()
    assert scored.score == matcher.score(source, result(source, explicit=False)).score


def _video(source: Track, id: str, seconds: int, **changes: Any) -> Track:
    return result(source, id, kind=TrackKind.MUSIC_VIDEO, duration_ms=seconds * 1000, **changes)


def _upload(source: Track, id: str, title: str, seconds: int) -> Track:
    return Track(YT, id, title, ("Some Channel",), None, seconds * 1000, kind=TrackKind.UPLOAD)


SONG = Track(SP, "sp-remember", "I Will Remember", ("Torvald",), "Tambourine", None, None, None)


def test_a_video_most_of_the_songs_other_results_dispute_by_length_is_reviewed(
    matcher: Matcher,
) -> None:
    # The official video is the 4:30 single edit; the album cut's uploads last 6:05-6:09.
    # Without the source's length, nothing says which one the playlist holds.
    results = [
        _video(SONG, "omv", 270, album=None),
        _upload(SONG, "up1", "Torvald - I Will Remember", 365),
        _upload(SONG, "up2", "Torvald - I will remember (lyrics)", 367),
        _upload(SONG, "up3", "Torvald - I Will Remember", 369),
    ]
    decided = matcher.decide(SONG, results)
    assert decided.decision is Decision.REVIEW
    assert decided.best is not None and "another length" in decided.best.explain()
    assert {c.track.id for c in decided.candidates} >= {"omv", "up1"}


def test_a_video_the_songs_other_results_agree_with_is_taken(matcher: Matcher) -> None:
    results = [
        _video(SONG, "omv", 367, album=None),
        _upload(SONG, "up1", "Torvald - I Will Remember", 366),
        _upload(SONG, "clip", "Torvald - I Will Remember", 29),  # a clip is a result too
    ]
    decided = matcher.decide(SONG, results)
    assert decided.decision is Decision.ACCEPT
    assert decided.best is not None and decided.best.track.id == "omv"


def test_without_a_length_an_upload_is_taken_only_when_its_title_names_the_album(
    matcher: Matcher,
) -> None:
    source = Track(SP, "sp-debris", "Debris", ("Berlinist",), "Gris (Original Soundtrack)", None)
    named = _upload(source, "named", "Debris - GRIS Official Soundtrack", 172)
    assert matcher.decide(source, [named]).decision is Decision.ACCEPT
    # The artist's name beside the title says nothing of which recording it is.
    artist_only = _upload(source, "artist", "Berlinist - Debris", 172)
    assert matcher.decide(source, [artist_only]).decision is Decision.REVIEW


def test_without_a_length_two_uploads_of_other_lengths_are_for_a_person(
    matcher: Matcher,
) -> None:
    source = Track(SP, "sp-d", "Descent", ("Berlinist",), "Gris (Original Soundtrack)", None)
    results = [
        _upload(source, "a", "Descent - GRIS Official Soundtrack", 601),
        _upload(source, "b", "Gris Soundtrack - Descent | Gris", 480),
    ]
    assert matcher.decide(source, results).decision is Decision.REVIEW
