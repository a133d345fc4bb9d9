"""Normalisation of titles and artist names before they are compared.

The rule is to drop what carries no meaning (case, width, punctuation, "(Official Video)",
"- Topic") and to keep what does: the script a title is written in, featured artists (moved
out of the title into their own list) and version words such as "live" or "remix", which are
evidence that must agree on both sides rather than noise.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Version words: their presence on one side only means another recording. Each pattern maps to
# one canonical tag. "remaster" is kept apart: a remaster is the same performance.
_VERSION_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"\blive\b|\bunplugged\b|\bin concert\b", "live"),
    (r"\bremix(ed)?\b|\brmx\b|\brework\b|\bbootleg\b|\bvip mix\b", "remix"),
    (r"\bacoustic\b", "acoustic"),
    (r"\binstrumental\b|\boff vocal\b", "instrumental"),
    (r"\bkaraoke\b", "karaoke"),
    (r"\bcover\b|\btribute\b", "cover"),
    (r"\bre-?master(ed)?\b|\bremaster\b", "remaster"),
    (r"\bradio (edit|version|mix)\b|\bsingle (edit|version)\b|\bedit\b", "edit"),
    (r"\bsped up\b|\bspeed up\b|\bnightcore\b", "sped up"),
    (r"\bslowed\b|\breverb\b", "slowed"),
    (r"\bextended\b|\bclub mix\b|\b12\"? (mix|version)\b", "extended"),
    (r"\bdemo\b", "demo"),
    (r"\borchestral\b|\bsymphonic\b", "orchestral"),
    (r"\bclean\b", "clean"),
    # "(Fleesh Version)", "(Dub Mix)": someone else's take, unless it names the original.
    (
        r"\b(?!album\b|original\b|single\b|radio\b|explicit\b|clean\b|full\b|short\b|main\b"
        r"|lp\b|studio\b|extended\b|club\b|vip\b|12\b|acoustic\b|live\b|instrumental\b"
        r"|karaoke\b|orchestral\b|demo\b|remix\b|cover\b|edit\b)\w+\s+(?:version|mix)\b",
        "other version",
    ),
)
_VERSION_RES = tuple((re.compile(p, re.IGNORECASE), tag) for p, tag in _VERSION_PATTERNS)

# Version tags that do not change the recording: they may differ without a penalty worth a
# rejection (they still cost a little, see scoring).
SOFT_VERSIONS = frozenset({"remaster", "clean"})

# Bracketed or dashed segments that say nothing about the recording.
_NOISE_RE = re.compile(
    r"^(?:official\s*)?(?:music\s*)?(?:video|audio|visuali[sz]er|lyrics?(?:\s*video)?|"
    r"lyric\s*video|mv|m/v|hd|hq|4k|1080p|720p|full\s*(?:song|version)|explicit|"
    r"official|video\s*oficial|clip\s*officiel|with\s*lyrics|audio\s*only|color\s*coded.*|"
    r"from\s.*(?:soundtrack|film|movie|series).*|official\s*(?:music\s*)?video.*|"
    r"(?:official\s*)?(?:lyric|performance|dance)\s*video.*)$",
    re.IGNORECASE,
)
_FEAT_RE = re.compile(
    r"^(?:feat\.?|ft\.?|featuring|with|w/|prod\.?(?:\s*by)?|mit|avec|con)\s+(.+)$", re.IGNORECASE
)
_FEAT_INLINE_RE = re.compile(r"\s+(?:feat\.?|ft\.?|featuring)\s+(.+)$", re.IGNORECASE)
# Splits a list of artist names: "A, B & C", "A x B", "A und B". "and" is left alone: it is
# part of too many single names ("Simon and …") to be split on.
_ARTIST_SPLIT_RE = re.compile(
    r"\s*(?:,|&|\+|\s+x\s+|\s+×\s+|\s+und\s+|\s+mit\s+|\s+feat\.?\s+|\s+ft\.?\s+|"
    r"\s+featuring\s+|\s+vs\.?\s+|\s+with\s+|、|/)\s*",
    re.IGNORECASE,
)
_BRACKETS_RE = re.compile(r"[\(\[\{（【「『]([^\)\]\}）】」』]*)[\)\]\}）】」』]")
_DASH_SPLIT_RE = re.compile(r"\s+[-–—|:]\s+")
_CHANNEL_SUFFIX_RE = re.compile(
    r"\s*(?:-\s*topic|vevo|official(?:\s*(?:channel|artist channel|music))?|tv|music)$",
    re.IGNORECASE,
)
_SPACE_RE = re.compile(r"\s+")


# The caches below hold a run's recent titles and names (a track's candidates are scored
# together, an artist recurs): sized for that, not for a whole library. At 65,536 entries
# they held every title of a 10,000-track run (12 MB, issue 23); at these sizes (7 MB) that
# run calls `fold` afresh 51,000 times in 247,000 instead of 41,000, `parse_title` 27,000
# times in 368,000 instead of 14,000.
@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Case-, width- and punctuation-insensitive form of `text`, keeping its script.

    Accents are removed from Latin letters only ("Café" → "cafe"); marks in other scripts carry
    meaning (a Japanese dakuten, a Hebrew vowel point) and stay.
    """
    if text.isascii():
        # Most titles and names: no width, accent or mark to undo, so the same result comes
        # from string methods alone, several times faster than reading it a character at a
        # time (the demo's search index folds every title it holds, the scoring each name).
        text = text.lower().replace("&", " and ").replace("'", "").replace("`", "")
        return _SPACE_RE.sub(" ", text.translate(_ASCII_PUNCTUATION)).strip()
    return _fold_unicode(text)


# ASCII's punctuation and symbols (Unicode categories P and S), each to a space.
_ASCII_PUNCTUATION = str.maketrans(
    {c: " " for c in map(chr, range(128)) if unicodedata.category(c)[0] in "PS"}
)


def _fold_unicode(text: str) -> str:
    """`fold` for any text: character by character."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("&", " and ").replace("'", "").replace("’", "").replace("`", "")
    decomposed = unicodedata.normalize("NFKD", text)
    kept: list[str] = []
    base_is_latin = False
    for ch in decomposed:
        if unicodedata.combining(ch):
            if base_is_latin:
                continue
        else:
            base_is_latin = ch < "\u0250"
        kept.append(ch)
    text = unicodedata.normalize("NFC", "".join(kept))
    # Punctuation and symbols become spaces; marks stay (a Hebrew point or a Devanagari vowel
    # sign is part of its word, which `\W` would split apart).
    text = "".join(" " if unicodedata.category(ch)[0] in "PS" else ch for ch in text)
    return _SPACE_RE.sub(" ", text).strip()


def version_tags(text: str) -> frozenset[str]:
    return frozenset(tag for regex, tag in _VERSION_RES if regex.search(text))


def split_artists(text: str) -> tuple[str, ...]:
    """Split "A, B & C" or "A feat. B" into names; empty names are dropped."""
    parts = (p.strip() for p in _ARTIST_SPLIT_RE.split(text))
    return tuple(p for p in parts if p)


def clean_artist(name: str) -> str:
    """An artist or channel name without "- Topic", "VEVO" and the like, folded."""
    name = unicodedata.normalize("NFKC", name).strip()
    stripped = _CHANNEL_SUFFIX_RE.sub("", name).strip()
    return fold(stripped or name)


@dataclass(frozen=True, slots=True)
class ParsedTitle:
    """A title taken apart: what remains to compare, and the evidence moved out of it."""

    base: str  # folded title without noise, featured artists and version segments
    featured: tuple[str, ...]  # folded names of featured artists found in the title
    versions: frozenset[str]  # canonical version tags found in the title
    version_detail: str  # folded text of the version segments ("kuur remix"), to tell remixes apart
    prefix: str  # folded "Artist" of an "Artist - Title" title, "" when there is none


@lru_cache(maxsize=8192)
def parse_title(title: str) -> ParsedTitle:
    """Take a title apart into base title, featured artists and version tags."""
    text = unicodedata.normalize("NFKC", title).strip()
    featured: list[str] = []
    versions: set[str] = set()
    version_segments: list[str] = []
    kept_segments: list[str] = []

    def take_segment(segment: str) -> bool:
        """Classify one bracketed or dashed segment; True when it is removed from the base."""
        segment = segment.strip()
        if not segment:
            return True
        if _NOISE_RE.match(segment):
            return True
        feat = _FEAT_RE.match(segment)
        if feat:
            featured.extend(split_artists(feat.group(1)))
            return True
        tags = version_tags(segment)
        if tags:
            versions.update(tags)
            version_segments.append(segment)
            return True
        return False

    # Bracketed segments: "(feat. X)", "[Official Video]", "(Live at Wembley)".
    def replace_bracket(m: re.Match[str]) -> str:
        inner = m.group(1)
        if take_segment(inner):
            return " "
        kept_segments.append(inner)
        return f" {inner} "

    text = _BRACKETS_RE.sub(replace_bracket, text)

    # Dashed segments: "Title - 2011 Remaster", "Artist - Title", "Title - Live".
    pieces = _DASH_SPLIT_RE.split(text)
    prefix = ""
    if len(pieces) > 1:
        head, rest = pieces[0], pieces[1:]
        kept_rest = [p for p in rest if not take_segment(p)]
        if kept_rest:
            # "Artist - Title": the head may be an artist; the scorer decides, given artists.
            prefix = fold(head)
            text = " ".join([head, *kept_rest])
        else:
            text = head
    inline = _FEAT_INLINE_RE.search(text)
    if inline:
        featured.extend(split_artists(inline.group(1)))
        text = text[: inline.start()]
    # Version words count only in a bracketed or dashed segment: in the title itself they are
    # the song's name ("Live Forever", "Remix to Ignition"), not another recording.
    return ParsedTitle(
        base=fold(text),
        featured=tuple(fold(a) for a in featured if fold(a)),
        versions=frozenset(versions),
        version_detail=fold(" ".join(version_segments)),
        prefix=prefix,
    )


def strip_prefix(parsed: ParsedTitle) -> str:
    """The base title without its "Artist - " head, for titles where the head is an artist."""
    if parsed.prefix and parsed.base.startswith(parsed.prefix):
        return parsed.base[len(parsed.prefix) :].strip()
    return parsed.base


def song_title(title: str, artists: tuple[str, ...]) -> str:
    """The folded title to search for: without noise, versions, and an "Artist - " head that
    names one of `artists` (a video's "Artist - Title (Official Video)")."""
    parsed = parse_title(title)
    if parsed.prefix and parsed.prefix in {clean_artist(a) for a in artists}:
        return strip_prefix(parsed) or parsed.base
    return parsed.base


def script_of(text: str) -> str:
    """The dominant script of `text` ("latin", "cyrillic", "cjk", …), for script mismatches."""
    counts: dict[str, int] = {}
    for ch in text:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        script = name.split(" ")[0].lower() if name else "other"
        if script in ("hiragana", "katakana", "cjk", "hangul"):
            script = "cjk"
        counts[script] = counts.get(script, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else "none"
