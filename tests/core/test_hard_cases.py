"""The hard cases of matching, one class each, on small examples of our own making."""

from __future__ import annotations

import dataclasses

from songbird_gui.core.matching import find_match
from songbird_gui.core.planner import plan_sync
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import (
    Candidate,
    Decision,
    EntryState,
    MatchOrigin,
    MatchResult,
    Playlist,
    SearchQuery,
    ServiceId,
    Track,
    TrackKind,
)

SP, YT = ServiceId.SPOTIFY, ServiceId.YTMUSIC
SONG = Track(SP, "sp1", "Harbour Lights", ("Nils Arden",), "Northbound", 231_000)


def yt(
    track_id: str, title: str, artists: tuple[str, ...], seconds: float, **more: object
) -> Track:
    return Track(YT, track_id, title, artists, more.pop("album", None), int(seconds * 1000), **more)  # type: ignore[arg-type]


def decide(source: Track, *results: Track) -> tuple[Decision, str | None]:
    result = Matcher().decide(source, list(results))
    return result.decision, result.best.track.id if result.best else None


def test_a_version_word_on_one_side_only_is_another_recording():
    for title in ("Harbour Lights (Live)", "Harbour Lights (Acoustic Version)",
                  "Harbour Lights - Sped Up", "Harbour Lights (Karaoke Version)"):  # fmt: skip
        assert decide(SONG, yt("v", title, ("Nils Arden",), 231))[0] is not Decision.ACCEPT
    acoustic = dataclasses.replace(SONG, title="Harbour Lights (Acoustic Version)")
    assert decide(acoustic, yt("a", "Harbour Lights (Acoustic)", ("Nils Arden",), 231)) == (
        Decision.ACCEPT, "a",
    )  # fmt: skip


def test_a_title_in_another_script_is_taken_on_an_equal_isrc_only():
    source = Track(SP, "sp2", "Звёздный путь", ("Лана Север",), None, 187_000, "RUA111900001")
    romanised = yt("r", "Zvyozdny Put'", ("Lana Sever",), 187, isrc="RUA111900001")
    assert decide(source, romanised) == (Decision.ACCEPT, "r")
    assert decide(source, dataclasses.replace(romanised, isrc=None))[0] is not Decision.ACCEPT
    same_script = yt("c", "Звёздный путь", ("Лана Север",), 187)
    assert decide(source, same_script) == (Decision.ACCEPT, "c")  # never folded to ASCII


def test_many_featured_artists_written_either_way():
    source = Track(SP, "sp3", "Golden Hour", ("The Quiet Tides", "Ode", "Mira Vale"), None, 244_000)
    feat = yt("f", "Golden Hour (feat. Ode & Mira Vale)", ("The Quiet Tides",), 245)
    joined = yt("j", "Golden Hour", ("The Quiet Tides, Ode & Mira Vale",), 244)
    assert decide(source, feat) == (Decision.ACCEPT, "f")
    assert decide(source, joined) == (Decision.ACCEPT, "j")


def test_an_official_video_titled_artist_dash_title_on_the_artists_channel():
    video = yt("v", "Nils Arden - Harbour Lights (Official Video)", ("NilsArdenVEVO",), 239,
               kind=TrackKind.MUSIC_VIDEO)  # fmt: skip
    assert decide(SONG, video) == (Decision.ACCEPT, "v")


def test_the_same_song_on_a_compilation_or_deluxe_album_and_a_remaster():
    for title, album, seconds in (
        ("Harbour Lights", "Greatest Hits", 232),
        ("Harbour Lights", "Northbound (Deluxe Edition)", 231),
        ("Harbour Lights (Remastered 2011)", "Northbound (Remastered)", 230),
    ):
        assert (
            decide(SONG, yt("c", title, ("Nils Arden",), seconds, album=album))[0]
            is Decision.ACCEPT
        )


def test_two_songs_with_one_title_by_one_artist():
    other = yt("o", "Harbour Lights", ("Nils Arden",), 301, album="Southbound")
    right = yt("r", "Harbour Lights", ("Nils Arden",), 231, album="Northbound")
    assert decide(SONG, other, right) == (Decision.ACCEPT, "r")
    assert decide(SONG, other)[0] is not Decision.ACCEPT  # only the wrong one: never taken


def test_one_title_and_length_by_another_artist_is_not_taken_unasked():
    # Found by the planner's property tests: "Intro" by Muse passed for Queen's "Intro".
    intro = Track(SP, "sp9", "Intro", ("Queen",), None, 200_000)
    assert decide(intro, yt("yt1", "Intro", ("Muse",), 200)) == (Decision.REVIEW, "yt1")
    assert decide(intro, yt("yt2", "Intro", ("Queen",), 200)) == (Decision.ACCEPT, "yt2")
    # The same recording credited a little differently is still taken.
    assert decide(intro, yt("yt3", "Intro", ("Queen & Orchestra",), 200))[0] is Decision.ACCEPT
    same_isrc = dataclasses.replace(intro, isrc="GBUM71029604")
    other = yt("yt4", "Intro", ("Muse",), 200, isrc="GBUM71029604")
    assert decide(same_isrc, other) == (Decision.ACCEPT, "yt4")


def test_no_right_result_at_all():
    decoys = [
        yt("d1", "Harbour Nights", ("Nils Arden",), 231),
        yt("d2", "Lights Out", ("Arden Nils Band",), 200),
        yt("d3", "Harbour Lights", ("Someone Else",), 198, kind=TrackKind.UPLOAD),
    ]
    assert decide(SONG, *decoys)[0] is not Decision.ACCEPT


class _OneSearch:
    service_id = YT

    def __init__(self, results: list[Track]) -> None:
        self.results = results

    def search_queries(self, track: Track) -> list[SearchQuery]:
        return [SearchQuery(track.title, "songs")]

    def search(self, query: SearchQuery) -> list[Track]:
        return list(self.results)


def test_remembered_decisions_and_rejections_win_over_scoring(tmp_path):
    store = MatchStore(tmp_path / "store.sqlite3")
    best = yt("best", "Harbour Lights", ("Nils Arden",), 231)
    chosen = yt("chosen", "Harbour Lights (Radio Edit)", ("Nils Arden",), 190)
    # The person chose the radio edit once: the plan takes it without searching again, though
    # scoring would prefer the album version.
    store.remember(
        MatchResult(SONG, Decision.ACCEPT, Candidate(chosen, 0.6), (), 0, MatchOrigin.PERSON),
        YT,
        by_person=True,
    )
    plan = plan_sync(Playlist(SP, "p", "P"), [SONG], YT, None, [], store, Matcher())
    (entry,) = plan.entries
    assert entry.state is EntryState.REMEMBERED
    assert entry.result is not None and entry.result.best is not None
    assert entry.result.best.track.id == "chosen"

    # "Never this candidate": the best-scoring result is left out of every later search.
    store.forget(SONG, YT)
    store.reject(SONG, best)
    result = find_match(
        SONG,
        _OneSearch([best, chosen]),  # type: ignore[arg-type]
        Matcher(),
        rejected=store.rejected_ids(SONG, YT),
    )
    assert all(c.track.id != "best" for c in result.candidates)
    store.close()


class _TwoSearches:
    """A service answering the songs query and the videos query from two lists."""

    service_id = YT

    def __init__(self, songs: list[Track], videos: list[Track]) -> None:
        self.answers = {"songs": songs, "videos": videos}
        self.sent: list[str] = []

    def search_queries(self, track: Track) -> list[SearchQuery]:
        return [SearchQuery(track.title, "songs"), SearchQuery(track.title, "videos")]

    def search(self, query: SearchQuery) -> list[Track]:
        self.sent.append(query.kind)
        return list(self.answers[query.kind])


def test_the_wider_search_runs_only_while_the_recording_is_still_missing():
    video = yt("video", "Nils Arden - Harbour Lights (Official Video)", ("Nils Arden",), 231,
               kind=TrackKind.MUSIC_VIDEO)  # fmt: skip
    # The songs filter found only another song of the artist: the videos query finds it.
    service = _TwoSearches([yt("other", "Harbour Nights", ("Nils Arden",), 198)], [video])
    found = find_match(SONG, service, Matcher())  # type: ignore[arg-type]
    assert service.sent == ["songs", "videos"]
    assert found.decision is Decision.ACCEPT and found.best is not None
    assert found.best.track.id == "video"

    # The songs filter found the song in another cut (half a minute shorter): a wider search
    # finds more cuts, not the one, so the person decides from what is there, a request sooner.
    edit = yt("edit", "Harbour Lights", ("Nils Arden",), 198)
    service = _TwoSearches([edit], [video])
    found = find_match(SONG, service, Matcher())  # type: ignore[arg-type]
    assert service.sent == ["songs"]
    assert found.decision is Decision.REVIEW and found.best is not None
    assert found.best.track.id == "edit"

    # Sung by someone else is another recording: the wider search looks for the original.
    cover = yt("cover", "Harbour Lights", ("Tessa Lind",), 231)
    service = _TwoSearches([cover], [video])
    assert find_match(SONG, service, Matcher()).best.track.id == "video"  # type: ignore[arg-type, union-attr]
    assert service.sent == ["songs", "videos"]


def test_a_video_titled_artist_dash_title_is_the_song_when_it_is_the_source():
    """YouTube Music → Spotify: the source's "Artist - " head is not part of the title."""
    source = yt("v", "Nils Arden - Harbour Lights (Official Video)", ("Nils Arden",), 234,
                kind=TrackKind.MUSIC_VIDEO)  # fmt: skip
    song = dataclasses.replace(SONG, id="sp-song")
    found = Matcher().decide(source, [song, dataclasses.replace(SONG, id="x", title="Harbour")])
    assert found.decision is Decision.ACCEPT and found.best is not None
    assert found.best.track.id == "sp-song"
