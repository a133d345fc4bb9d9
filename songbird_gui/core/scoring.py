"""Scoring of search results against a source track, and the three-band decision.

A score is a weighted mean of named parts (title, artists, album, duration, version, kind,
ISRC), each in [0, 1], so the review view can say why a candidate scored what it did. Evidence
that one side lacks (no album on a video, no ISRC) is left out rather than counted against.
Two rules sit on top of the mean, because no weight expresses them: a version that disagrees
(live against studio) or a duration far off caps the score below the accept band, whatever
else agrees; and an equal ISRC on both sides is near-proof of the same recording.

A source may come without a length, an ISRC or an explicit flag (a Spotify data export has
none of them): each is then unknown, left out of the mean as beets leaves out missing
evidence, never taken for "zero" or "clean". What the length alone could tell is then not
taken unasked: a music video may be the single edit or carry a long intro, so it goes to
review; an upload is taken only when its title also names the source's album, which points
to the album's recording rather than a live take or another cut.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from songbird_gui.core.normalize import (
    SOFT_VERSIONS,
    ParsedTitle,
    clean_artist,
    fold,
    parse_title,
    script_of,
    split_artists,
    strip_prefix,
)
from songbird_gui.core.settings import MatchThresholds
from songbird_gui.core.types import Candidate, Decision, MatchResult, ScorePart, Track, TrackKind

# Weights of the parts; a part missing on either side drops out of the mean.
WEIGHTS = {
    "title": 0.40,
    "artists": 0.25,
    "duration": 0.20,
    "version": 0.10,
    "album": 0.05,
    "kind": 0.05,
    "explicit": 0.03,
    "isrc": 0.15,
}

# How much each result kind is worth: the official song first, then its video, then uploads.
KIND_VALUE = {
    TrackKind.SONG: 1.0,
    TrackKind.MUSIC_VIDEO: 0.75,
    TrackKind.UPLOAD: 0.35,
}

DURATION_TOLERANCE_S = 2.0  # remasters and encodings differ by a second or two
DURATION_ZERO_S = 12.0  # past tolerance + this, the duration part is 0
# Music videos carry intros and outros; they get this much more slack before the penalty.
VIDEO_EXTRA_TOLERANCE_S = 10.0
# A version disagreement or a duration this far off cannot be auto-accepted.
CAP_MISMATCH = 0.70
# The cap of a music video whose length other results of the song dispute, for a source of
# unknown length (see `_dispute_lengths`). It says nothing against the video itself, so the
# video still counts as official and close (see `Matcher.decide`).
LENGTH_DISPUTED = "most of the song's other results have another length"
_CAP_NOTE = "not taken without a look: "
CAP_DURATION_S = 20.0
TITLE_FLOOR = 0.5  # below this title similarity (same script, no equal ISRC): not this song
TITLE_WORDS_DIFFER = 0.85  # the most a title with another word in it can score
# Below this artist similarity (no equal ISRC) an official release is someone else's song of
# the same name ("Intro", "Home"): title and length alone must not take it unasked. Uploads
# have their own rule: their channel is rarely the artist.
ARTIST_FLOOR = 0.6
UPLOAD_DURATION_TOLERANCE_MS = 2500


@dataclass(frozen=True, slots=True)
class _Side:
    """A track with its title and artists parsed once, for repeated comparisons."""

    track: Track
    title: ParsedTitle
    artists: tuple[str, ...]  # folded, including featured artists found in the title

    @classmethod
    def of(cls, track: Track) -> _Side:
        title = parse_title(track.title)
        names: list[str] = []
        for artist in track.artists:
            for name in split_artists(artist) or (artist,):
                folded = clean_artist(name)
                if folded and folded not in names:
                    names.append(folded)
        for name in title.featured:
            if name not in names:
                names.append(name)
        return cls(track, title, tuple(names))


def _text_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) / 100.0


# Words an upload's title may carry besides the song's title, its artist and its album.
GENERIC_TITLE_WORDS = frozenset(
    [
        "official",
        "soundtrack",
        "ost",
        "original",
        "audio",
        "video",
        "music",
        "lyrics",
        "lyric",
        "hd",
        "hq",
        "full",
        "song",
        "theme",
        "from",
        "the",
        "and",
        "game",
    ]
)


def _words_beside_title(source: _Side, cand: _Side) -> list[str] | None:
    """The words of the candidate's title around the source title, or None when the source
    title is not in it."""
    wanted = source.title.base.split()
    words = cand.title.base.split()
    if not wanted:
        return None
    for start in range(len(words) - len(wanted) + 1):
        if words[start : start + len(wanted)] == wanted:
            return words[:start] + words[start + len(wanted) :]
    return None


def _album_words(source: _Side) -> set[str]:
    return set(fold(source.track.album).split()) if source.track.album else set()


def _title_with_only_known_words(source: _Side, cand: _Side) -> bool:
    """The candidate's title is the source title plus words naming only its artist, its
    album or nothing ("Gris Soundtrack - Incipit", "Chris Jones - Long After You're Gone")."""
    extra = _words_beside_title(source, cand)
    if extra is None:
        return False
    known = set(GENERIC_TITLE_WORDS) | _album_words(source)
    for artist in source.artists:
        known.update(artist.split())
    return all(word in known for word in extra)


def _names_the_album(source: _Side, cand: _Side) -> bool:
    """Beside the song's title, the candidate's title names the source's album by a word of
    its own ("Debris - GRIS Official Soundtrack" for Debris on "Gris (Original Game
    Soundtrack)"): not a generic word, nor one of the title's or the artists'."""
    extra = _words_beside_title(source, cand) or []
    own = _album_words(source) - GENERIC_TITLE_WORDS - set(source.title.base.split())
    for artist in source.artists:
        own -= set(artist.split())
    return any(word in own for word in extra)


# A sync of 10,000 tracks scores some 50,000 candidates of 8 parts each, and most parts repeat
# ("same version", "song", "title 1.00"): equal parts are one shared object (ScorePart is
# frozen), which keeps a big run's table in a fraction of the memory. Bounded: emptied when
# full. Workers share it without a lock: a lost race only makes one more equal object.
_PARTS: dict[tuple[str, float, float, str], ScorePart] = {}
_PARTS_MAX = 50_000


def _part(name: str, value: float, weight: float, note: str = "") -> ScorePart:
    key = (name, value, weight, note)
    part = _PARTS.get(key)
    if part is None:
        if len(_PARTS) >= _PARTS_MAX:
            _PARTS.clear()
        part = _PARTS[key] = ScorePart(name, value, weight, sys.intern(note))
    return part


def _title_part(source: _Side, cand: _Side) -> ScorePart:
    src = source.title.base
    options = [cand.title.base]
    # "Artist - Title" videos: compare without the head when the head is one of the artists
    # (on either side: a YouTube Music video can be the source too).
    if cand.title.prefix and any(
        _text_similarity(cand.title.prefix, a) >= 0.8 for a in source.artists
    ):
        options.append(strip_prefix(cand.title))
    if source.title.prefix and any(
        _text_similarity(source.title.prefix, a) >= 0.8 for a in cand.artists
    ):
        src = strip_prefix(source.title)
    value = max(_text_similarity(src, o) for o in options)
    # "Title - Artist" (uploads): what follows the title is one of the artists, not more title.
    for option in options:
        rest = option[len(src) :].strip() if src and option.startswith(src + " ") else ""
        if rest and any(_text_similarity(rest, a) >= 0.85 for a in source.artists):
            value = max(value, 0.95)
    if value < 0.95 and _title_with_only_known_words(source, cand):
        value = 0.95
    # A word that differs makes another song more often than a typo does ("Harbour Lights"
    # and "Harbour Nights"): such a title can still be shown, never taken unasked.
    if value < 0.95 and all(sorted(o.split()) != sorted(src.split()) for o in options):
        value = min(value, TITLE_WORDS_DIFFER)
    note = f"title {value:.2f}"
    if script_of(source.track.title) != script_of(cand.track.title):
        note += " (other script)"
    return _part("title", value, WEIGHTS["title"], note)


def _artists_part(source: _Side, cand: _Side) -> ScorePart:
    if not source.artists or not cand.artists:
        return _part("artists", 0.0, 0.0, "artists unknown")
    # Artists may also appear in the candidate's title ("Artist - Title" by an uploader).
    cand_names = list(cand.artists)
    if cand.title.prefix:
        cand_names.extend(clean_artist(n) for n in split_artists(cand.title.prefix))
    cand_text = " ".join(cand_names) + " " + cand.title.base

    def found(name: str) -> float:
        best = max(_text_similarity(name, c) for c in cand_names)
        if best < 0.9 and len(name) >= 3 and f" {name} " in f" {cand_text} ":
            best = 0.9
        return best

    primary = found(source.artists[0])
    others = [found(a) for a in source.artists[1:]]
    coverage = sum(others) / len(others) if others else primary
    # The candidate's own main artist should be one of ours, or it is someone else's song.
    reverse = max(_text_similarity(cand.artists[0], s) for s in source.artists)
    value = 0.6 * max(primary, reverse * 0.95) + 0.25 * coverage + 0.15 * reverse
    return _part("artists", value, WEIGHTS["artists"], f"artists {value:.2f}")


def _duration_part(source: Track, cand: Track) -> ScorePart:
    if not source.duration_ms or not cand.duration_ms:
        return _part("duration", 0.0, 0.0, "duration unknown")
    diff_s = (cand.duration_ms - source.duration_ms) / 1000.0
    tolerance = DURATION_TOLERANCE_S
    if cand.kind is TrackKind.MUSIC_VIDEO and diff_s > 0:
        tolerance += VIDEO_EXTRA_TOLERANCE_S
    over = max(0.0, abs(diff_s) - tolerance)
    value = max(0.0, 1.0 - over / DURATION_ZERO_S)
    sign = "+" if diff_s > 0 else "−"
    note = "duration =" if abs(diff_s) < 1 else f"duration {sign}{abs(diff_s):.0f} s"
    return _part("duration", value, WEIGHTS["duration"], note)


def _version_part(source: _Side, cand: _Side) -> ScorePart:
    src, other = source.title.versions, cand.title.versions
    hard = (src ^ other) - SOFT_VERSIONS
    soft = (src ^ other) & SOFT_VERSIONS
    if hard:

        def name(tags: frozenset[str]) -> str:
            return "/".join(sorted(tags - SOFT_VERSIONS)) or "studio"

        return _part("version", 0.0, WEIGHTS["version"], f"{name(src)} ≠ {name(other)}")
    # Two remixes are the same only when the remixer is: "Kuur Remix" ≠ "Syence Remix".
    details = (source.title.version_detail, cand.title.version_detail)
    both_remixes = "remix" in src and "remix" in other and all(details)
    if both_remixes and _text_similarity(*details) < 0.75:
        return _part("version", 0.0, WEIGHTS["version"], "another remix")
    if soft:
        return _part("version", 0.8, WEIGHTS["version"], "/".join(sorted(soft)) + " on one side")
    return _part("version", 1.0, WEIGHTS["version"], "same version")


def _album_part(source: Track, cand: Track) -> ScorePart:
    if not source.album or not cand.album:
        return _part("album", 0.0, 0.0, "")
    a, b = parse_title(source.album).base, parse_title(cand.album).base
    value = max(_text_similarity(a, b), fuzz.partial_ratio(a, b) / 100.0 * 0.9)
    return _part("album", value, WEIGHTS["album"], f"album {value:.2f}")


def _explicit_part(source: Track, cand: Track) -> ScorePart:
    # Both services flag explicit lyrics reliably; it tells an explicit song from its clean
    # twin, which is otherwise the same title, artist and length. A file may not say.
    if source.explicit is None or cand.explicit is None:
        return _part("explicit", 0.0, 0.0, "")
    same = source.explicit == cand.explicit
    return _part(
        "explicit", 1.0 if same else 0.0, WEIGHTS["explicit"], "" if same else "explicit ≠ clean"
    )


def _kind_part(cand: Track) -> ScorePart:
    value = KIND_VALUE.get(cand.kind, 0.0)
    return _part("kind", value, WEIGHTS["kind"], str(cand.kind))


def _isrc_part(source: Track, cand: Track) -> ScorePart | None:
    if not source.isrc or not cand.isrc:
        return None
    same = source.isrc.upper() == cand.isrc.upper()
    return _part(
        "isrc", 1.0 if same else 0.0, WEIGHTS["isrc"], "same ISRC" if same else "other ISRC"
    )


class Matcher:
    """Scores candidates for a source track and decides: accept, review or not found."""

    def __init__(self, thresholds: MatchThresholds | None = None) -> None:
        self.thresholds = thresholds or MatchThresholds()

    def score(self, source: Track, candidate: Track) -> Candidate:
        return self._score(_Side.of(source), _Side.of(candidate))

    def _score(self, source: _Side, cand: _Side) -> Candidate:
        parts = [
            _title_part(source, cand),
            _artists_part(source, cand),
            _duration_part(source.track, cand.track),
            _version_part(source, cand),
            _album_part(source.track, cand.track),
            _kind_part(cand.track),
            _explicit_part(source.track, cand.track),
        ]
        isrc = _isrc_part(source.track, cand.track)
        if isrc:
            parts.append(isrc)
        total_weight = sum(p.weight for p in parts)
        score = sum(p.value * p.weight for p in parts) / total_weight if total_weight else 0.0
        same_isrc = bool(isrc and isrc.value == 1.0)
        if same_isrc:
            score = max(score, 0.95)
        title, artists, version = parts[0], parts[1], parts[3]
        cap = ""
        if version.value == 0.0:
            cap = "another version"
        elif _far_off(source.track, cand.track):
            cap = "length far off"
        elif title.value < TITLE_FLOOR and not same_isrc and "other script" not in title.note:
            # A different title is a different song, whoever sings it and however long it is.
            score = min(score, self.thresholds.review - 0.05)
        elif title.value <= TITLE_WORDS_DIFFER and not same_isrc:
            cap = "the title differs"
        elif cand.track.kind is TrackKind.UPLOAD:
            if _upload_is_the_song(source, cand, title):
                # Anyone can title an upload anything: one is taken only when its title holds
                # nothing but the song, its artist and its album, and its length agrees.
                score = max(score, self.thresholds.accept)
            else:
                cap = "an upload"
        elif artists.weight and artists.value < ARTIST_FLOOR and not same_isrc:
            # An official release names its artist: another one's is another recording.
            cap = "another artist"
        if cap:
            score = min(score, CAP_MISMATCH)
            parts.append(_part("cap", 0.0, 0.0, _CAP_NOTE + cap))
        return Candidate(cand.track, round(score, 4), tuple(p for p in parts if p.weight or p.note))

    def rank(self, source: Track, results: Iterable[Track]) -> list[Candidate]:
        """Score every result once (by id) and sort best first; ties keep search order."""
        side = _Side.of(source)
        seen: set[str | None] = set()
        scored: list[Candidate] = []
        for result in results:
            if result.id in seen or result.unsyncable_reason:
                continue
            seen.add(result.id)
            scored.append(self._score(side, _Side.of(result)))
        if not source.duration_ms:
            scored = _dispute_lengths(scored)
        scored.sort(key=lambda c: -c.score)
        return scored

    def decide(self, source: Track, results: Sequence[Track], searches: int = 0) -> MatchResult:
        ranked = self.rank(source, results)
        kept = tuple(ranked[: self.thresholds.candidates_kept])
        if not ranked or ranked[0].score < self.thresholds.review:
            return MatchResult(source, Decision.NOT_FOUND, None, kept, searches)
        best = ranked[0]
        decision = Decision.REVIEW
        # An upload is taken only when nothing official came close: else a person chooses.
        # A video capped only for the source's unknown length is official and close.
        official_close = best.track.kind is TrackKind.UPLOAD and any(
            c.track.kind is not TrackKind.UPLOAD
            and c.score >= self.thresholds.review
            and _cap_of(c) in ("", LENGTH_DISPUTED)
            for c in ranked
        )
        if (
            best.score >= self.thresholds.accept
            and not official_close
            and not self._ambiguous(best, ranked[1:])
        ):
            decision = Decision.ACCEPT
        return MatchResult(source, decision, best, kept, searches)

    def search_wider(self, result: MatchResult) -> bool:
        """Whether another query could still change `result`.

        Each query costs a request against the service's limit. A wider one looks for a
        recording the first did not find; once a candidate has the title, the version and no
        mismatch, the recording was found, and what is left (a length or an album that differ,
        another candidate as good) is for the person to decide, not for another search.
        """
        if result.decision is Decision.ACCEPT:
            return False
        return not any(_found_the_recording(c) for c in result.candidates)

    @staticmethod
    def likely_to_search_wider(source: Track) -> bool:
        """Whether `source` is one whose first search often finds only other recordings: a
        title naming a version ("Acoustic", "Sped Up", "Live") or a video or an upload.

        Such tracks are searched first, so that their second, wider search shares a round
        trip with the others' first ones instead of adding one at the end of the run.
        """
        return bool(parse_title(source.title).versions) or source.kind in (
            TrackKind.MUSIC_VIDEO,
            TrackKind.UPLOAD,
        )

    def _ambiguous(self, best: Candidate, others: Sequence[Candidate]) -> bool:
        """Another recording scores as well as the best: a person should choose."""
        for other in others:
            if other.score < best.score - self.thresholds.ambiguity_margin:
                return False
            if not _same_recording(best.track, other.track):
                return True
        return False


def _is_the_song(candidate: Candidate) -> bool:
    """The candidate has the source's title, version and artist (whatever its kind): its
    length is one the song is heard at."""
    parts = {p.name: p for p in candidate.parts}
    title, version, artists = parts.get("title"), parts.get("version"), parts.get("artists")
    return (
        title is not None
        and title.value >= 0.95
        and (version is None or version.value == 1.0)
        and (artists is None or not artists.weight or artists.value >= ARTIST_FLOOR)
    )


def _dispute_lengths(scored: list[Candidate]) -> list[Candidate]:
    """For a source of unknown length: cap each music video whose length most of the other
    results of the same song dispute.

    The length is missing evidence, left out of the score; but when most of the song's other
    results (its uploads, its lyric videos) last much longer or shorter than the official
    video, the video is one cut among several (a single edit, a long intro), and a person
    chooses. A video that most of them agree with, or that none is there to dispute, is
    judged on what is known, like any candidate. (Most, not any: a 30-second clip of the
    song is a result too.)
    """
    heard = [c for c in scored if c.track.duration_ms and _is_the_song(c)]
    allowed_ms = (CAP_DURATION_S + VIDEO_EXTRA_TOLERANCE_S) * 1000
    capped = list(scored)
    for index, candidate in enumerate(scored):
        length = candidate.track.duration_ms
        if candidate.track.kind is not TrackKind.MUSIC_VIDEO or not length:
            continue
        if _cap_of(candidate) or not _is_the_song(candidate):
            continue
        others = [abs((c.track.duration_ms or 0) - length) for c in heard if c is not candidate]
        disagree = sum(1 for gap in others if gap > allowed_ms)
        if disagree > len(others) - disagree:
            parts = (*candidate.parts, _part("cap", 0.0, 0.0, _CAP_NOTE + LENGTH_DISPUTED))
            capped[index] = Candidate(candidate.track, min(candidate.score, CAP_MISMATCH), parts)
    return capped


def _cap_of(candidate: Candidate) -> str:
    """Why the candidate is not taken without a look ("" when nothing holds it back)."""
    cap = next((p for p in candidate.parts if p.name == "cap"), None)
    return cap.note.removeprefix(_CAP_NOTE) if cap else ""


def _found_the_recording(candidate: Candidate) -> bool:
    parts = {p.name: p for p in candidate.parts}
    title, version = parts.get("title"), parts.get("version")
    # A length far off is the same song in another cut: a wider search finds more of them,
    # not the right one; nor does it find the length a source does not have.
    return (
        _cap_of(candidate) in ("", "length far off", LENGTH_DISPUTED)
        and title is not None
        and title.value >= 0.95
        and (version is None or version.value == 1.0)
    )


def _upload_is_the_song(source: _Side, cand: _Side, title: ScorePart) -> bool:
    if title.value < 0.95 or not _title_with_only_known_words(source, cand):
        return False
    if not source.track.duration_ms:
        # Without the length to compare, the album named in the upload's title stands for
        # it: an upload titled after the album carries the album's recording.
        return _names_the_album(source, cand)
    if not cand.track.duration_ms:
        return False
    return abs(cand.track.duration_ms - source.track.duration_ms) <= UPLOAD_DURATION_TOLERANCE_MS


def _far_off(source: Track, cand: Track) -> bool:
    if not source.duration_ms or not cand.duration_ms:
        return False
    diff_s = abs(cand.duration_ms - source.duration_ms) / 1000.0
    allowed = CAP_DURATION_S + (
        VIDEO_EXTRA_TOLERANCE_S if cand.kind is TrackKind.MUSIC_VIDEO else 0
    )
    return diff_s > allowed


def _same_recording(a: Track, b: Track) -> bool:
    """Two results that are one recording in two guises (song and its video, a compilation)."""
    if a.isrc and b.isrc and a.isrc == b.isrc:
        return True
    if a.kind is not b.kind and TrackKind.UPLOAD not in (a.kind, b.kind):
        return True  # the song and its official video: picking either is right
    if a.duration_ms and b.duration_ms and abs(a.duration_ms - b.duration_ms) > 3000:
        return False
    # Two uploads that both passed as the song (their titles hold nothing else) and last as
    # long are the same recording under two channels and two ways of writing the title.
    if a.kind is TrackKind.UPLOAD and b.kind is TrackKind.UPLOAD:
        return bool(a.duration_ms and b.duration_ms)
    if parse_title(a.title).base != parse_title(b.title).base:
        return False
    return fold(" ".join(a.artists)) == fold(" ".join(b.artists))
