"""Generates the demo library's catalogue: `resources/demo/catalogue.json`.

Rerun it with `python resources/demo/make_catalogue.py` (from the repository root); it writes
`catalogue.json` beside itself and prints a summary. The output is deterministic: one fixed seed,
`random.Random(SEED)` and the standard library only, so a rebuild is byte-identical unless this
script changed. Every artist, album, title, venue and channel name is invented from syllables
and word lists.

The catalogue is two simulated services over one set of about 3,000 recordings: one shaped like
Spotify (songs with ISRCs) and one like YouTube Music (songs, official music videos, fan
uploads, covers, karaoke, live / remix / acoustic versions). It holds the cases real libraries
have, so the matcher meets them in every demo sync:

     1. remasters ("Title - 2011 Remaster" against "Title (Remastered 2011)" or plain "Title");
     2. studio and live / remix / acoustic versions of one song, both on both sides;
     3. featured artists in the artist list on one side and in the title on the other;
     4. non-Latin scripts (Japanese, Korean, Russian, Ukrainian, Hebrew, Greek, Arabic), a few
        romanised on one side only;
     5. songs that exist on YouTube Music only as an official music video;
     6. tracks missing on YouTube Music, some with a decoy (same title by someone else, a cover,
        karaoke, or only a live or remix version);
     7. radio edit, extended mix and album version of one song, on both sides;
     8. the same recording again on a compilation or deluxe edition (Spotify side);
     9. two different songs with one title by one artist ("Intro" on two albums);
    10. punctuation, case and accent variants on one side ("Don't" / "Dont", "&" / "and");
    11. explicit and clean twins, on both sides.

Nothing in the output names a case. `truth` maps every Spotify track id to its right YouTube
Music id: the official song, else the official music video, else null. `acceptable` (read by
the matching test) lists, per Spotify id, further right answers: the official video of the same
recording when `truth` is the song.
"""

from __future__ import annotations

import json
import random
import string
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

SEED = 20260301
OUT = Path(__file__).with_name("catalogue.json")
USER = "Demo Listener"

rng = random.Random(SEED)  # the only source of randomness; `main` reseeds it
T = TypeVar("T")

# -- word lists ------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    return text.split()


# Titles avoid the words a matcher reads as a version ("live", "mix", "edit", "demo", "clean",
# "cover", "acoustic", ...): those appear only where a case puts them on purpose.

ADJECTIVES = words("""Silver Golden Quiet Electric Hollow Distant Velvet Crimson Paper Neon Broken
Secret Gentle Restless Faded Burning Frozen Wild Lonely Bright Endless Sleepless Northern
Crystal Amber Scarlet Wooden Violet Borrowed Heavy Tender Hidden Sacred Careless Silent Runaway
Midnight Sunday Static Little Honest Western Coastal Lucky Dizzy Salty Sunburnt Brave Cold
Empty Familiar Foreign Gilded Lazy Marble Open Patient Pretty Rusty Sober Strange Sweet
Thin Useless Wicked Young Hungry Modern Perfect Rare Second Slow Soft Stolen""")
NOUNS = words("""Harbor River Lantern Garden Shadow Highway Signal Ocean Mirror Window Letter
Morning Winter Summer Island Engine Orchard Compass Satellite Kingdom Ghost Diamond Thunder Feather
Anchor Horizon Echo Canyon Meadow Ember Tide Avenue Parade Circus Ribbon Rain Fire Heart Moon
Stone Wire Paradise Harvest Weather Daylight Postcard Carousel Lighthouse Skyline Wildfire
Heartbeat Runway Fever Rodeo Cathedral Motel Arcade Sparrow Monsoon Voltage Glacier Balcony
Tangerine Porcelain Hurricane Nightfall Riverbed Telegraph Alibi Ballad Blossom Bridge Cassette
Chapel Comet Country Crown Dynamo Frontier Gravity Harmony Jukebox Kitchen Ladder Magnet Marathon
Novel Orbit Pilot Planet Pocket Puzzle Quarry Rocket Saddle Season Sermon Siren Sugar Swallow
Thistle Thunderbird Tower Traffic Tunnel Valley Village Volcano Wallpaper Whisper""")
VERBS = words("""Running Falling Dancing Waiting Chasing Drifting Burning Breaking Holding Calling
Fading Dreaming Shaking Counting Leaving Sinking Flying Wandering Swimming Spinning Hiding
Driving Singing Walking Praying Turning Rising Stealing Sleeping Talking""")
PREPOSITIONS = ["Through", "Into", "Under", "Across", "Over", "Beyond", "Past", "Toward"]
TITLE_TEMPLATES = [
    "{adj} {noun}", "{adj} {noun}", "{adj} {noun}", "{adj} {noun}", "{noun}", "{verb}",
    "{verb} {prep} the {noun}", "{noun} of the {noun2}", "The {adj} {noun}",
    "{noun} in the {noun2}",
    "Take Me to the {noun}", "Meet Me at the {noun}", "Back to the {noun}", "{adj} Again",
    "Call Me {adj}", "All the {adj} Things", "{verb} for the {noun}", "{noun} and {noun2}",
    "We Were {adj}", "Before the {noun}", "Under a {adj} {noun}", "{adj} Like the {noun}",
    "Letters to the {noun}", "Somewhere {adj}", "Still {adj}", "One More {noun}",
    "Your {adj} {noun}",
    "My {noun}", "Hold the {noun}", "{noun} Song", "When the {noun} Comes", "If the {noun} Falls",
    "{verb} {adj}", "Lights over the {noun}", "{adj} {noun} Blues", "Say It to the {noun}",
]  # fmt: skip
REPEATABLE_TEMPLATES = {"{adj} {noun}", "{noun}", "{verb}"}
ALBUM_TEMPLATES = [
    "{adj} {noun}", "{noun}", "The {noun} Sessions", "{noun} of the {noun2}", "{adj} Years",
    "Songs from the {noun}", "{noun} Theory", "{adj} Hours", "After the {noun}", "{noun} Club",
    "{noun} Days", "Nights at the {noun}", "{adj} Weather", "The {adj} Parade",
]  # fmt: skip
FIRST_NAMES = words("""Mara Jonah Elise Tobias Nora Felix Ines Hugo Lena Oscar Ruby Milo Clara Theo
Vera Jasper Ada Silas Ivy Leon Freya Otis June Arlo Esme Caspar Greta Remy Hazel Nico Dara
Anouk Pim Saoirse Emil Talia Bram Odile Kit Lior Wren Ciro Maeve Idris Zola""")
SURNAME_HEADS = words("""Val Kor Mar Ost Bel Hal Tor Wen Lind Ash Brem Cal Dun Fen Gal Hart Iv Jor
Kess Lorr Mell Norr Pell Quill Rav Sor Thal Vick Wyn Yarr Esk Brun Stav Orl Dremm""")
SURNAME_TAILS = words("""ek enne ow ard ing mark vik ley ford sen ier ano etti ova holm ridge well
by ton quist ani elle ski dottir""")
ONSETS = words("b d f g h k l m n p r s t v z j w br dr fr gr kr st tr sh ch")
VOWELS = words("a e i o u a e i o a ai ei ou")
CODAS = ["", "", "", "", "n", "n", "r", "l", "s", "m", "nd", "x", "th"]
VENUES = ["the Lantern Club", "Harbor Hall", "Northgate Arena", "the Velvet Room",
          "Cedar Amphitheatre", "Kessler Ballroom", "the Glasshouse", "Riverside Pavilion",
          "Ostvik Hall", "the Old Tram Depot"]  # fmt: skip
UPLOADERS = ["lyricnest", "MusicFan99", "TapeDeckMemories", "nightdrive tapes", "hdsongs4u",
             "moonlit lyrics", "Vinyl Attic", "Sound Harbor HD", "chillwave archive",
             "Lyric Lantern", "audiofolder22", "BestOfTheDrive"]  # fmt: skip
COVER_CHANNELS = ["Mirela Sings", "Porch Sessions", "The Bedroom Takes", "Halden Strings",
                  "Quiet Room Piano", "Tessa Lind Music"]  # fmt: skip
KARAOKE_CHANNELS = ["StageLight Karaoke", "Karaokio", "SingAlong Studio Tracks"]
COMPILATIONS = ["Summer Drive 2016", "Late Night Lounge, Vol. 2", "Indie Essentials 2019",
                "Sunday Morning Coffee", "Hits of the Decade"]  # fmt: skip
CONTRACTIONS = ["Don't", "Can't", "Won't", "Ain't", "I'm", "We're", "You're", "It's", "Let's",
                "Didn't", "Wasn't", "Couldn't"]  # fmt: skip
CONTRACTION_TAILS = ["Look Back", "Let Go", "Wait Up", "Stop Now", "Say Goodbye", "Come Home",
                     "Over the {noun}", "{adj} Tonight", "Hold On",
                     "Forget the {noun}"]  # fmt: skip
ACCENTED = ["Café", "Déjà Vu", "Naïve", "Soirée", "Mañana", "Crème", "Fiancée", "Élan", "Rosé",
            "Cliché", "Résumé", "Señora", "Façade", "Piñata", "Über", "Pâtisserie"]  # fmt: skip

# -- non-Latin scripts: syllables with their romanisation -------------------------------------

HIRAGANA = [("か", "ka"), ("き", "ki"), ("く", "ku"), ("こ", "ko"), ("さ", "sa"), ("し", "shi"),
            ("す", "su"), ("そ", "so"), ("た", "ta"), ("ち", "chi"), ("つ", "tsu"), ("と", "to"),
            ("な", "na"), ("に", "ni"), ("は", "ha"), ("ひ", "hi"), ("ふ", "fu"), ("ほ", "ho"),
            ("ま", "ma"), ("み", "mi"), ("む", "mu"), ("も", "mo"), ("や", "ya"), ("ゆ", "yu"),
            ("よ", "yo"), ("ら", "ra"), ("り", "ri"), ("る", "ru"), ("れ", "re"), ("ろ", "ro"),
            ("わ", "wa"), ("あ", "a"), ("い", "i"), ("え", "e"), ("お", "o"),
            ("ん", "n")]  # fmt: skip
KANJI = [("空", "sora"), ("夜", "yoru"), ("星", "hoshi"), ("花", "hana"), ("雨", "ame"),
         ("夢", "yume"), ("海", "umi"), ("光", "hikari"), ("風", "kaze"), ("月", "tsuki"),
         ("心", "kokoro"), ("君", "kimi"), ("桜", "sakura"), ("雪", "yuki"), ("街", "machi"),
         ("影", "kage")]  # fmt: skip
HANGUL = [("하", "ha"), ("늘", "neul"), ("별", "byeol"), ("빛", "bit"), ("사", "sa"),
          ("랑", "rang"), ("바", "ba"), ("다", "da"), ("노", "no"), ("마", "ma"), ("음", "eum"),
          ("꿈", "kkum"),
          ("밤", "bam"), ("길", "gil"), ("너", "neo"), ("나", "na"), ("우", "u"), ("리", "ri"),
          ("소", "so"), ("연", "yeon"), ("서", "seo"), ("울", "ul"), ("가", "ga"), ("온", "on"),
          ("새", "sae"), ("봄", "bom"), ("달", "dal"), ("물", "mul"), ("숲", "sup"), ("비", "bi"),
          ("결", "gyeol"), ("해", "hae")]  # fmt: skip
RU_CONSONANTS = [("б", "b"), ("в", "v"), ("г", "g"), ("д", "d"), ("ж", "zh"), ("з", "z"),
                 ("к", "k"), ("л", "l"), ("м", "m"), ("н", "n"), ("п", "p"), ("р", "r"),
                 ("с", "s"), ("т", "t"), ("х", "kh"), ("ч", "ch"), ("ш", "sh"), ("зв", "zv"),
                 ("ст", "st"), ("пр", "pr"), ("гр", "gr")]  # fmt: skip
RU_VOWELS = [("а", "a"), ("о", "o"), ("у", "u"), ("ы", "y"), ("и", "i"), ("е", "e"), ("ё", "yo"),
             ("я", "ya"), ("ю", "yu"), ("а", "a"), ("о", "o"), ("и", "i"), ("е", "e"), ("а", "a"),
             ("о", "o")]  # fmt: skip
RU_CODAS = [("", ""), ("", ""), ("н", "n"), ("р", "r"), ("л", "l"), ("й", "y"), ("ть", "t'"),
            ("сть", "st'"), ("к", "k"), ("ный", "ny")]  # fmt: skip
UK_CONSONANTS = [("б", "b"), ("в", "v"), ("г", "h"), ("ґ", "g"), ("д", "d"), ("ж", "zh"),
                 ("з", "z"), ("к", "k"), ("л", "l"), ("м", "m"), ("н", "n"), ("п", "p"),
                 ("р", "r"), ("с", "s"), ("т", "t"), ("х", "kh"), ("ч", "ch"), ("ш", "sh"),
                 ("зв", "zv"), ("ст", "st")]  # fmt: skip
UK_VOWELS = [("а", "a"), ("о", "o"), ("у", "u"), ("и", "y"), ("і", "i"), ("ї", "yi"), ("є", "ye"),
             ("я", "ya"), ("ю", "yu"), ("е", "e"), ("а", "a"), ("о", "o"), ("і", "i"), ("е", "e"),
             ("а", "a"), ("о", "o")]  # fmt: skip
UK_CODAS = [("", ""), ("", ""), ("н", "n"), ("р", "r"), ("л", "l"), ("й", "i"), ("ть", "t'"),
            ("ний", "nyi")]  # fmt: skip
EL_CONSONANTS = [("β", "v"), ("γ", "g"), ("δ", "d"), ("ζ", "z"), ("θ", "th"), ("κ", "k"),
                 ("λ", "l"), ("μ", "m"), ("ν", "n"), ("ξ", "x"), ("π", "p"), ("ρ", "r"),
                 ("σ", "s"), ("τ", "t"), ("φ", "f"), ("χ", "ch")]  # fmt: skip
EL_VOWELS = [("α", "a"), ("ε", "e"), ("η", "i"), ("ι", "i"), ("ο", "o"), ("υ", "y"), ("ω", "o"),
             ("ου", "ou")]  # fmt: skip
EL_ACCENTED = {"α": "ά", "ε": "έ", "η": "ή", "ι": "ί", "ο": "ό", "υ": "ύ", "ω": "ώ", "ου": "ού"}
HE_CONSONANTS = [("ב", "v"), ("ג", "g"), ("ד", "d"), ("ה", "h"), ("ז", "z"), ("ח", "ch"),
                 ("ט", "t"), ("כ", "k"), ("ל", "l"), ("מ", "m"), ("נ", "n"), ("ס", "s"),
                 ("פ", "p"), ("צ", "ts"), ("ק", "k"), ("ר", "r"), ("ש", "sh"),
                 ("ת", "t")]  # fmt: skip
HE_VOWELS = [("ו", "o"), ("י", "i"), ("", "a"), ("", "e"), ("ו", "u")]
HE_FINAL = {"כ": "ך", "מ": "ם", "נ": "ן", "פ": "ף", "צ": "ץ"}
AR_CONSONANTS = [("ب", "b"), ("ت", "t"), ("ج", "j"), ("د", "d"), ("ر", "r"), ("ز", "z"),
                 ("س", "s"), ("ش", "sh"), ("ف", "f"), ("ق", "q"), ("ك", "k"), ("ل", "l"),
                 ("م", "m"), ("ن", "n"), ("ه", "h"), ("و", "w"), ("ي", "y"), ("ح", "h"),
                 ("خ", "kh")]  # fmt: skip
AR_VOWELS = [("ا", "a"), ("ي", "i"), ("و", "u"), ("", "a")]

# Non-Latin artists (about 5 % of 350), with the ISRC country their label registers in.
SCRIPT_ARTISTS = {"ja": 3, "ko": 3, "ru": 3, "uk": 2, "he": 2, "el": 2, "ar": 3}
SCRIPT_COUNTRY = {
    "ja": "JP",
    "ko": "KR",
    "ru": "RU",
    "uk": "UA",
    "he": "IL",
    "el": "GR",
    "ar": "LB",
}
LATIN_COUNTRIES = ["US", "GB", "SE", "DE", "FR", "NL", "AU", "CA", "QM", "QZ", "NO", "IE"]

CASES = {
    "remaster": "1  remaster: '- YYYY Remaster' vs '(Remastered YYYY)' or plain",
    "versions": "2  studio + live/remix/acoustic twin, both sides",
    "featured": "3  featured artists: artist list vs '(feat. ...)'",
    "non-latin": "4  non-Latin script",
    "romanised": "4b ...romanised on one side only",
    "video-only": "5  only an official music video on YT",
    "missing": "6  not on YT at all (truth null)",
    "decoy": "6b ...with a decoy on YT",
    "edits": "7  radio edit / extended mix / album version",
    "copy": "8  compilation/deluxe copy (original + copy)",
    "same-title": "9  same title, same artist, another song",
    "punctuation": "10 punctuation / case / accent variant",
    "explicit-clean": "11 explicit + clean twins, both sides",
}

HARD_IN_PLAYLISTS = [c for c in CASES if c != "non-latin"]  # what a "hard" pick draws from


# -- small helpers ---------------------------------------------------------------------------


def pick(seq: Sequence[T]) -> T:
    return seq[rng.randrange(len(seq))]


def fill(template: str) -> str:
    noun, noun2 = rng.sample(NOUNS, 2)
    return template.format(
        adj=pick(ADJECTIVES), noun=noun, noun2=noun2, verb=pick(VERBS), prep=pick(PREPOSITIONS)
    )


def song_seconds() -> int:
    """A song length between 1:30 and 7:00, most of them 3:00-4:20."""
    roll = rng.random()
    if roll < 0.05:
        seconds = rng.uniform(90, 150)
    elif roll < 0.86:
        seconds = rng.gauss(218, 36)
    else:
        seconds = rng.triangular(260, 420, 290)
    return int(min(420, max(90, seconds)))


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_key(text: str) -> str:
    """A rough fold, to keep titles unique per artist and names unique overall."""
    return "".join(ch for ch in strip_accents(text).casefold() if ch.isalnum())


class Ids:
    """Unique ids for one side: its tracks and playlists share one namespace."""

    def __init__(self, alphabet: str) -> None:
        self.alphabet = alphabet
        self.seen: set[str] = set()

    def new(self, length: int, prefix: str = "") -> str:
        while True:
            value = prefix + "".join(rng.choice(self.alphabet) for _ in range(length))
            if value not in self.seen:
                self.seen.add(value)
                return value


# -- names in other scripts ------------------------------------------------------------------


def _word(parts: list[tuple[str, str]]) -> tuple[str, str]:
    return "".join(p[0] for p in parts), "".join(p[1] for p in parts)


def script_word(script: str) -> tuple[str, str]:
    """One invented word in `script`, with its romanisation (lower case)."""
    n = rng.choice([2, 2, 3])
    if script == "ja":
        return _word([pick(HIRAGANA) for _ in range(n + 1)])
    if script == "ko":
        return _word([pick(HANGUL) for _ in range(n)])
    if script in ("ru", "uk"):
        cons, vows, codas = (
            (RU_CONSONANTS, RU_VOWELS, RU_CODAS)
            if script == "ru"
            else (UK_CONSONANTS, UK_VOWELS, UK_CODAS)
        )
        parts = [p for _ in range(n) for p in (pick(cons), pick(vows))]
        return _word([*parts, pick(codas)])
    if script == "el":
        syllables = [[pick(EL_CONSONANTS), pick(EL_VOWELS)] for _ in range(n)]
        stressed = rng.randrange(n)
        vowel = syllables[stressed][1]
        syllables[stressed][1] = (EL_ACCENTED[vowel[0]], vowel[1])
        end = pick([("ς", "s"), ("ν", "n"), ("", ""), ("", "")])
        return _word([*(p for s in syllables for p in s), end])
    if script == "he":
        parts = [p for _ in range(n) for p in (pick(HE_CONSONANTS), pick(HE_VOWELS))]
        if rng.random() < 0.6:
            parts.append(pick(HE_CONSONANTS))
        native, roman = _word(parts)
        if native and native[-1] in HE_FINAL:
            native = native[:-1] + HE_FINAL[native[-1]]
        return native, roman
    if script == "ar":
        parts = [p for _ in range(n) for p in (pick(AR_CONSONANTS), pick(AR_VOWELS))]
        if rng.random() < 0.5:
            parts.append(pick(AR_CONSONANTS))
        return _word(parts)
    raise ValueError(script)


def script_title(script: str) -> tuple[str, str]:
    """A title in `script` and its romanisation ("Звёздный путь", "Zvyozdny Put'")."""
    if script == "ja":  # no spaces: "夜の花" (Yoru no Hana), "空" (Sora) or a word in kana
        (a, ra), (b, rb) = rng.sample(KANJI, 2)
        roll = rng.random()
        if roll < 0.5:
            return f"{a}の{b}", f"{ra.capitalize()} no {rb.capitalize()}"
        if roll < 0.65:
            return a, ra.capitalize()
        word, roman = script_word("ja")
        return word, roman.capitalize()
    words = [script_word(script) for _ in range(rng.choice([1, 2, 2, 3]))]
    if script == "ar" and len(words) > 1 and rng.random() < 0.6:
        native_last, roman_last = words[-1]
        words[-1] = ("ال" + native_last, "al-" + roman_last)
    native = " ".join(w[0] for w in words)
    if script in ("ru", "uk", "el"):
        native = native[0].upper() + native[1:]
    roman = " ".join(w[1] if w[1].startswith("al-") else w[1].capitalize() for w in words)
    return native, roman


def script_artist(script: str) -> tuple[str, str]:
    if script == "ja":
        native, roman = _word([pick(HIRAGANA) for _ in range(rng.choice([3, 4]))])
        katakana = "".join(chr(ord(ch) + 0x60) for ch in native)  # hiragana -> katakana
        return katakana, roman.capitalize()
    if script == "ko":
        native, roman = script_word("ko")
        return native, roman.capitalize()
    first, last = script_word(script), script_word(script)
    if script in ("ru", "uk", "el"):
        return (
            f"{first[0].capitalize()} {last[0].capitalize()}",
            f"{first[1].capitalize()} {last[1].capitalize()}",
        )
    return f"{first[0]} {last[0]}", f"{first[1].capitalize()} {last[1].capitalize()}"


def latin_word(coda: str | None = None) -> str:
    syllables = rng.choice([2, 2, 2, 3])
    word = "".join(pick(ONSETS) + pick(VOWELS[:10]) for _ in range(syllables - 1))
    return (word + pick(ONSETS) + pick(VOWELS) + (coda or pick(CODAS))).capitalize()


def latin_artist() -> str:
    roll = rng.random()
    if roll < 0.45:
        return f"{pick(FIRST_NAMES)} {pick(SURNAME_HEADS)}{pick(SURNAME_TAILS)}"
    if roll < 0.72:
        return latin_word()
    if roll < 0.84:
        return f"The {latin_word(pick(['n', 'r', 'l', 'm', 'tt']))}s"
    if roll < 0.92:
        return f"{latin_word()} {latin_word()}"
    if roll < 0.97:
        return latin_word().lower()
    return latin_word().upper()


# -- the model -------------------------------------------------------------------------------


@dataclass
class Artist:
    index: int
    name: str
    script: str = "latin"  # or "ja", "ko", "ru", "uk", "he", "el", "ar"
    roman: str = ""  # the romanised name of a non-Latin artist
    style: str = "pop"  # "pop", "band", "electronic", "rap"
    country: str = "US"
    registrant: str = "ABC"
    titles: set[str] = field(default_factory=set)  # folded titles in use
    templates: set[str] = field(default_factory=set)  # title templates in use
    albums: list[Album] = field(default_factory=list)


@dataclass
class Album:
    seq: int
    name: str
    year: int
    tracks: list[Recording] = field(default_factory=list)


@dataclass
class Recording:
    """One recording; how each service shows it can differ (`sp` and `yt` override fields)."""

    key: int
    artist: Artist
    title: str
    album: str
    album_seq: int
    seconds: int
    isrc: str | None
    explicit: bool = False
    roman_title: str = ""
    guests: list[Artist] = field(default_factory=list)
    on_spotify: bool = True
    on_yt: str = "song"  # "song", "video" (only an official music video) or "none"
    has_video: bool = False  # an official music video besides the song
    copy_of: Recording | None = None  # a compilation / deluxe copy on Spotify
    sp: dict[str, Any] = field(default_factory=dict)  # title, artists, album, seconds
    yt: dict[str, Any] = field(default_factory=dict)  # title, artists, album, seconds
    cases: list[str] = field(default_factory=list)  # for the summary only, never written
    no_versions: bool = False  # no live/remix/acoustic distractor (it has a real twin)
    sp_id: str | None = None
    yt_song: str | None = None
    yt_video: str | None = None

    @property
    def names(self) -> list[str]:
        return [self.artist.name, *(g.name for g in self.guests)]

    def yt_title(self) -> str:
        return str(self.yt.get("title", self.title))

    def yt_main_artist(self) -> str:
        return str(self.yt.get("artists", self.names)[0])

    def yt_seconds(self) -> int:
        return int(self.yt.get("seconds", self.seconds))


# -- building the catalogue ------------------------------------------------------------------


class Catalogue:
    def __init__(self) -> None:
        self.artists: list[Artist] = []
        self.recordings: list[Recording] = []
        self.album_seq = 0
        self.isrc_next: Counter[tuple[str, int]] = Counter()
        self.groups: dict[str, list[list[Recording]]] = {}
        self.yt_extras: Counter[str] = Counter()
        self.spotify: list[dict[str, Any]] = []
        self.ytmusic: list[dict[str, Any]] = []
        self.truth: dict[str, str | None] = {}
        self.acceptable: dict[str, list[str]] = {}
        self.sp_ids = Ids(string.digits + string.ascii_letters)
        self.yt_ids = Ids(string.digits + string.ascii_letters + "-_")
        self.yt_kind: dict[str, str] = {}
        self.sp_order: dict[str, int] = {}  # Spotify id -> position, for stable sorting

    # -- artists and their discographies --

    def make_artists(self, count: int = 350) -> None:
        scripts = [s for s, n in SCRIPT_ARTISTS.items() for _ in range(n)]
        step = count // len(scripts)
        used: set[str] = set()
        for index in range(count):
            script = (
                scripts[index // step]
                if index % step == 7 and index // step < len(scripts)
                else "latin"
            )
            while True:
                if script == "latin":
                    name, roman = latin_artist(), ""
                else:
                    name, roman = script_artist(script)
                if fold_key(name) not in used and len(fold_key(name)) > 2:
                    used.add(fold_key(name))
                    break
            style = (
                "pop"
                if script != "latin"
                else pick(["pop", "pop", "band", "band", "electronic", "rap"])
            )
            country = SCRIPT_COUNTRY.get(script) or pick(LATIN_COUNTRIES)
            registrant = "".join(
                rng.choice(string.ascii_uppercase + string.digits) for _ in range(3)
            )
            self.artists.append(Artist(index, name, script, roman, style, country, registrant))

    def new_title(self, artist: Artist, make: Callable[[], str] | None = None) -> tuple[str, str]:
        """A title not yet used by `artist`, with its romanisation (non-Latin artists).

        An artist uses a phrase template once ("Letters to the Canyon", never also "Letters to
        the Porcelain"): one word apart is not how one artist names two songs.
        """
        while True:
            template = ""
            if artist.script != "latin":
                title, roman = script_title(artist.script)
            elif make is not None:
                title, roman = make(), ""
            else:
                template = pick([t for t in TITLE_TEMPLATES if t not in artist.templates])
                title, roman = fill(template), ""
            if fold_key(title) not in artist.titles:
                artist.titles.add(fold_key(title))
                if template and template not in REPEATABLE_TEMPLATES:
                    artist.templates.add(template)
                return title, roman

    def isrc(self, artist: Artist, year: int) -> str | None:
        if rng.random() < 0.05:
            return None
        self.isrc_next[(artist.registrant, year)] += 1
        number = self.isrc_next[(artist.registrant, year)] + rng.randint(0, 40) * 100
        return f"{artist.country}{artist.registrant}{year % 100:02d}{number:05d}"

    def new_album(self, artist: Artist, name: str, year: int) -> Album:
        self.album_seq += 1
        album = Album(self.album_seq, name, year)
        artist.albums.append(album)
        return album

    def new_recording(
        self, artist: Artist, album: Album, title: str, seconds: int, **fields: Any
    ) -> Recording:
        explicit = rng.random() < (0.55 if artist.style == "rap" else 0.05)
        rec = Recording(
            key=len(self.recordings),
            artist=artist,
            title=title,
            album=album.name,
            album_seq=album.seq,
            seconds=seconds,
            isrc=self.isrc(artist, album.year),
            explicit=explicit,
        )
        for name, value in fields.items():
            setattr(rec, name, value)
        if artist.script != "latin":
            rec.cases.append("non-latin")
        album.tracks.append(rec)
        self.recordings.append(rec)
        return rec

    def make_discographies(self) -> None:
        for artist in self.artists:
            roll = rng.random()
            if artist.script != "latin" or roll < 0.50:
                plan = ["album"]
            elif roll < 0.59:
                plan = ["album", "album"]
            else:
                plan = ["single"] * rng.randint(1, 3)
            year = rng.randint(1972, 2021)
            for kind in plan:
                if kind == "album":
                    if artist.script != "latin":
                        name = script_title(artist.script)[0]
                    else:
                        name = fill(pick(ALBUM_TEMPLATES)) if rng.random() < 0.9 else artist.name
                    if any(fold_key(a.name) == fold_key(name) for a in artist.albums):
                        name = f"{name} II"
                    album = self.new_album(artist, name, year)
                    for _ in range(rng.randint(8, 14)):
                        title, roman = self.new_title(artist)
                        self.new_recording(artist, album, title, song_seconds(), roman_title=roman)
                else:
                    title, roman = self.new_title(artist)
                    album = self.new_album(artist, title, year)
                    self.new_recording(artist, album, title, song_seconds(), roman_title=roman)
                year = min(2025, year + rng.randint(1, 6))

    # -- the hard cases --

    def pool(self, want: Callable[[Recording], bool] = lambda r: True) -> list[Recording]:
        """Plain recordings (on both sides as a song, no case yet), shuffled."""
        found = [
            r
            for r in self.recordings
            if not r.cases and r.on_spotify and r.on_yt == "song" and r.copy_of is None and want(r)
        ]
        rng.shuffle(found)
        return found

    def add_remasters(self, albums: int = 4) -> None:
        """1. Whole albums that Spotify carries only as a remaster."""
        candidates = [
            a
            for artist in self.artists
            if artist.script == "latin"
            for a in artist.albums
            if a.year <= 2004 and len(a.tracks) >= 8
        ]
        for album in rng.sample(candidates, albums):
            year = min(2024, album.year + rng.randint(12, 30))
            yt_style = rng.random()
            for rec in album.tracks:
                rec.sp["title"] = f"{rec.title} - {year} Remaster"
                rec.sp["album"] = f"{album.name} (Remastered)"
                style = yt_style if rng.random() < 0.8 else rng.random()
                if style < 0.5:
                    rec.yt["title"] = f"{rec.title} (Remastered {year})"
                    rec.yt["album"] = f"{album.name} (Remastered)"
                rec.yt["seconds"] = rec.seconds + pick([-1, 0, 0, 1])
                rec.cases.append("remaster")

    def add_deluxe_editions(self, albums: int = 2) -> None:
        """8. Albums that Spotify also has as a deluxe edition: every track twice, plus bonus."""
        candidates = [
            a
            for artist in self.artists
            if artist.script == "latin"
            for a in artist.albums
            if a.year >= 2005 and len(a.tracks) >= 8 and not any(r.cases for r in a.tracks)
        ]
        self.groups["deluxe"] = []
        for album in rng.sample(candidates, albums):
            artist = album.tracks[0].artist
            deluxe = self.new_album(artist, f"{album.name} (Deluxe Edition)", album.year + 1)
            for rec in list(album.tracks):
                copy = self.copy(rec, deluxe)
                self.groups["deluxe"].append([rec, copy])
            for _ in range(rng.randint(2, 3)):
                title, _ = self.new_title(artist)
                bonus = self.new_recording(artist, deluxe, title, song_seconds())
                bonus.yt["album"] = deluxe.name

    def copy(self, rec: Recording, album: Album) -> Recording:
        copy = Recording(
            key=len(self.recordings),
            artist=rec.artist,
            title=rec.title,
            album=album.name,
            album_seq=album.seq,
            seconds=rec.seconds + pick([-1, 0, 0, 1]),
            isrc=rec.isrc if rng.random() < 0.8 else self.isrc(rec.artist, album.year),
            explicit=rec.explicit,
            guests=rec.guests,
            copy_of=rec,
            sp={k: v for k, v in rec.sp.items() if k != "album"},
        )
        for tag in (*rec.cases, "copy"):
            if tag not in copy.cases:
                copy.cases.append(tag)
        if "copy" not in rec.cases:
            rec.cases.append("copy")
        album.tracks.append(copy)
        self.recordings.append(copy)
        return copy

    def add_versions(self, count: int = 36) -> None:
        """2. A live, remix or acoustic twin of a studio song, on both sides."""
        self.groups["versions"] = []
        for i, rec in enumerate(self.pool(lambda r: r.artist.script == "latin")[:count]):
            artist, kind = rec.artist, ["live", "remix", "acoustic"][i % 3]
            if kind == "live":
                venue = pick(VENUES)
                album = self.new_album(
                    artist, f"Live at {venue.removeprefix('the ').title()}", 2024
                )
                sp_title, yt_title = pick(
                    [
                        (f"{rec.title} - Live", f"{rec.title} (Live)"),
                        (f"{rec.title} - Live at {venue}", f"{rec.title} (Live at {venue})"),
                        (f"{rec.title} (Live)", f"{rec.title} (Live)"),
                    ]
                )
                seconds = min(420, rec.seconds + rng.randint(12, 70))
                twin = self.new_recording(artist, album, sp_title, seconds)
            elif kind == "remix":
                remixer = self.artist_other_than(artist)
                album = self.new_album(artist, f"{rec.title} (Remixes)", 2023)
                sp_title = f"{rec.title} - {remixer.name} Remix"
                yt_title = f"{rec.title} ({remixer.name} Remix)"
                seconds = rng.randint(185, 330)
                twin = self.new_recording(artist, album, sp_title, seconds, guests=[remixer])
                if rng.random() < 0.5:
                    twin.yt["artists"] = [artist.name]
            else:
                album = self.new_album(artist, f"{rec.album} (Acoustic Sessions)", 2022)
                sp_title = pick([f"{rec.title} - Acoustic", f"{rec.title} (Acoustic Version)"])
                yt_title = f"{rec.title} (Acoustic)"
                seconds = max(90, rec.seconds + rng.randint(-30, 12))
                twin = self.new_recording(artist, album, sp_title, seconds)
            twin.explicit = rec.explicit
            twin.yt["title"] = yt_title
            for r in (rec, twin):
                r.cases.append("versions")
                r.no_versions = True
            self.groups["versions"].append([rec, twin])

    def artist_other_than(self, *artists: Artist) -> Artist:
        while True:
            other = pick(self.artists)
            if other.script == "latin" and other not in artists:
                return other

    def add_featured(self, count: int = 42) -> None:
        """3. Guests in the artist list on one side, in the title on the other."""
        for i, rec in enumerate(self.pool(lambda r: r.artist.script == "latin")[:count]):
            guests = [self.artist_other_than(rec.artist)]
            if rng.random() < 0.35:
                guests.append(self.artist_other_than(rec.artist, guests[0]))
            rec.guests = guests
            names = " & ".join(g.name for g in guests)
            if i % 10 < 7:  # Spotify: artists [A, B, C]; YT: "Title (feat. B & C)" by [A]
                word = pick(["feat.", "feat.", "ft.", "with"])
                rec.yt["title"] = f"{rec.title} ({word} {names})"
                rec.yt["artists"] = [rec.artist.name]
            else:  # the reverse: Spotify "Title (feat. B)"; YT "Title" by [A, B] or just [A]
                rec.sp["title"] = f"{rec.title} (feat. {names})"
                if rng.random() < 0.4:
                    rec.yt["artists"] = [rec.artist.name]
            rec.has_video = rng.random() < 0.4
            rec.cases.append("featured")

    def add_video_only(self, count: int = 36) -> None:
        """5. On YouTube Music only as the official music video."""
        for rec in self.pool()[:count]:
            rec.on_yt = "video"
            rec.cases.append("video-only")

    def add_missing_with_decoys(self, count: int = 42) -> None:
        """6. Not on YouTube Music; something else with the same title is."""
        kinds = ["other artist", "other artist", "cover", "karaoke", "live only", "remix only"]
        for i, rec in enumerate(self.pool(lambda r: r.artist.script == "latin")[:count]):
            rec.on_yt = "none"
            rec.cases += ["missing", "decoy"]
            kind = kinds[i % len(kinds)]
            seconds = rec.seconds + rng.randint(-40, 40)
            if kind == "other artist":
                other = self.artist_other_than(rec.artist)
                self.yt_track(rec.title, [other.name], fill(pick(ALBUM_TEMPLATES)), seconds, "song")
            elif kind == "cover":
                self.add_cover(rec, rec.title)
            elif kind == "karaoke":
                self.add_karaoke(rec, rec.title)
            elif kind == "live only":
                self.yt_track(
                    f"{rec.title} (Live)",
                    [rec.artist.name],
                    "Live Sessions",
                    rec.seconds + 25,
                    "song",
                )
            else:
                remixer = self.artist_other_than(rec.artist)
                self.yt_track(
                    f"{rec.title} ({remixer.name} Remix)", [rec.artist.name, remixer.name],
                    f"{rec.title} (Remixes)", rng.randint(190, 320), "song",
                )  # fmt: skip
            self.yt_extras[f"decoy: {kind}"] += 1

    def add_edits(self, count: int = 30) -> None:
        """7. Album version, radio edit and extended mix of one song, on both sides."""
        self.groups["edits"] = []
        electronic = self.pool(lambda r: r.artist.style == "electronic")
        for i, rec in enumerate(electronic[:count]):
            artist = rec.artist
            rec.seconds = rng.randint(215, 280)
            single = self.new_album(artist, rec.title, 2020)
            group = [rec]
            parts = [("Radio Edit", rng.randint(170, 210)), ("Extended Mix", rng.randint(330, 420))]
            if i % 5 == 4:
                parts = parts[1:] if i % 2 else parts[:1]
            for suffix, seconds in parts:
                twin = self.new_recording(artist, single, f"{rec.title} - {suffix}", seconds)
                twin.yt["title"] = f"{rec.title} ({suffix})"
                twin.explicit = rec.explicit
                group.append(twin)
            for r in group:
                r.cases.append("edits")
                r.no_versions = True
            self.groups["edits"].append(group)

    def add_same_titles(self, count: int = 32, intros: int = 10) -> None:
        """9. A second, different song with the same title by the same artist."""
        self.groups["same-title"] = []
        done: set[int] = set()
        for rec in self.pool(lambda r: r.artist.script == "latin"):
            artist = rec.artist
            pairs = len(self.groups["same-title"])
            if pairs >= count or artist.index in done:
                continue
            others = [a for a in artist.albums if a.seq != rec.album_seq and len(a.tracks) > 1]
            if pairs < intros:  # "Intro" on two albums
                if not others or "intro" in artist.titles:
                    continue
                rec.title = pick(["Intro", "Outro", "Interlude"])
                artist.titles.add(fold_key(rec.title))
                rec.seconds = rng.randint(90, 110)
                seconds = rng.randint(140, 170)
            else:
                seconds = rec.seconds + pick([-1, 1]) * rng.randint(35, 110)
                seconds = seconds if 90 <= seconds <= 420 else rec.seconds + 60
            year = max(a.year for a in artist.albums) + rng.randint(1, 4)
            album = others[0] if others else self.new_album(artist, rec.title, year)
            other = self.new_recording(artist, album, rec.title, min(420, seconds))
            done.add(artist.index)
            for r in (rec, other):
                r.cases.append("same-title")
            self.groups["same-title"].append([rec, other])

    def add_punctuation(self, count: int = 42) -> None:
        """10. Punctuation, case or accents differ on one side."""
        kinds = ["apostrophe"] * 4 + ["ampersand"] * 3 + ["accent"] * 3 + ["case", "other"]
        for i, rec in enumerate(self.pool(lambda r: r.artist.script == "latin")[:count]):
            kind = kinds[i % len(kinds)]
            if kind == "apostrophe":
                title, _ = self.new_title(
                    rec.artist, lambda: f"{pick(CONTRACTIONS)} {fill(pick(CONTRACTION_TAILS))}"
                )
                variant = title.replace("'", "") if rng.random() < 0.75 else title.replace("'", "’")
            elif kind == "ampersand":
                title, _ = self.new_title(rec.artist, lambda: fill("{noun} & {noun2}"))
                variant = title.replace("&", "and")
            elif kind == "accent":
                title, _ = self.new_title(rec.artist, lambda: f"{pick(ACCENTED)} {pick(NOUNS)}")
                variant = strip_accents(title)
            elif kind == "case":
                title, _ = self.new_title(rec.artist, lambda: fill("{adj} {noun}"))
                variant = pick([title.lower(), title.upper()])
            else:
                title, _ = self.new_title(
                    rec.artist,
                    lambda: fill(pick(["{noun}...", "Hey, {adj} {noun}", "{verb}!", "Mr. {noun}",
                                       "Ever-{adj}", "Where's the {noun}?"])),
                )  # fmt: skip
                variant = title.replace("...", "").replace(",", "").replace("!", "")
                variant = variant.replace(".", "").replace("-", " ").replace("?", "").strip()
            rec.title = title
            side = "sp" if rng.random() < 0.5 else "yt"
            getattr(rec, side)["title"] = variant
            rec.cases.append("punctuation")

    def add_explicit_twins(self, count: int = 30) -> None:
        """11. An explicit and a clean version of one song, both on both sides."""
        self.groups["explicit-clean"] = []
        rap = self.pool(lambda r: r.artist.style == "rap" and r.artist.script == "latin")
        for rec in rap[:count]:
            rec.explicit = True
            album = next(a for a in rec.artist.albums if a.seq == rec.album_seq)
            clean = self.new_recording(rec.artist, album, rec.title, rec.seconds + pick([0, 0, 1]))
            clean.explicit = False
            if rng.random() < 0.25:
                clean.yt["title"] = f"{rec.title} (Clean)"
            for r in (rec, clean):
                r.cases.append("explicit-clean")
            self.groups["explicit-clean"].append([rec, clean])

    def add_romanised(self) -> None:
        """4b. Non-Latin tracks whose title is romanised on one side only (~1 % of tracks)."""
        scripted = [
            r
            for r in self.recordings
            if r.cases == ["non-latin"] and r.on_yt == "song" and r.on_spotify
        ]
        rng.shuffle(scripted)
        for i, rec in enumerate(scripted[:32]):
            roman_artist = [rec.artist.roman]
            if i < 16:  # YT: romanised title and channel name
                rec.yt.update(title=rec.roman_title, artists=roman_artist)
            elif i < 24:  # Spotify shows the romanised name, YT the original
                rec.sp.update(title=rec.roman_title, artists=roman_artist)
            else:  # YT: romanised title, artist in its own script
                rec.yt["title"] = rec.roman_title
            rec.cases.append("romanised")
        for rec in scripted[32:44]:  # "별빛 (Byeolbit)": both, on YT (not counted as hard)
            rec.yt["title"] = f"{rec.title} ({rec.roman_title})"
        for rec in scripted[44:]:
            rec.has_video = rng.random() < 0.3

    def roll_presence(self) -> None:
        """The rest: mostly on both; some only on Spotify, only on YT, or only as a video."""
        for rec in self.recordings:
            if rec.copy_of or rec.on_yt != "song" or not rec.on_spotify:
                continue
            if any(c not in ("non-latin", "remaster") for c in rec.cases):
                continue
            roll = rng.random()
            if roll < 0.068:
                rec.on_yt = "none"
                rec.cases.append("missing")
            elif roll < 0.086:
                rec.on_yt = "video"
                rec.cases.append("video-only")
            elif roll < 0.141:
                rec.on_spotify = False  # only on YouTube Music
            elif not rec.has_video:
                rec.has_video = rng.random() < 0.22

    def add_compilations(self) -> None:
        """8. Greatest hits and various-artists compilations (Spotify side)."""
        big = [a for a in self.artists if len(a.albums) >= 2 and a.script == "latin"]
        for artist in rng.sample(big, 3):
            name = pick(["Greatest Hits", f"The Best of {artist.name}", "Greatest Hits"])
            album = self.new_album(artist, name, 2025)
            hits = [r for a in artist.albums[:2] for r in a.tracks if self.plain(r)]
            for rec in rng.sample(hits, min(6, len(hits))):
                self.copy(rec, album)
        for name in COMPILATIONS[:2]:
            for rec in self.pool()[:4]:
                self.copy(rec, self.new_album(rec.artist, name, 2019))

    @staticmethod
    def plain(rec: Recording) -> bool:
        return not rec.cases and rec.on_spotify and rec.on_yt == "song" and rec.copy_of is None

    # -- YouTube Music distractors --

    def yt_track(
        self,
        title: str,
        artists: list[str],
        album: str | None,
        seconds: int,
        kind: str,
        explicit: bool = False,
    ) -> str:
        vid = self.yt_ids.new(11)
        self.ytmusic.append(
            {
                "id": vid,
                "title": title,
                "artists": artists,
                "album": album if kind == "song" else None,
                "duration_ms": max(60, seconds) * 1000,
                "isrc": None,
                "explicit": explicit,
                "kind": kind,
            }
        )
        return vid

    def add_cover(self, rec: Recording, title: str) -> None:
        if rng.random() < 0.5:
            singer = self.artist_other_than(rec.artist)
            album = pick([title, fill(pick(ALBUM_TEMPLATES))])
            self.yt_track(title, [singer.name], album, rec.seconds + rng.randint(-25, 25), "song")
        else:
            self.yt_track(
                pick([f"{title} (Cover)", f"{title} - {rec.artist.name} Cover",
                      f"{title} (Piano Cover)"]),
                [pick(COVER_CHANNELS)], None, rec.seconds + rng.randint(-30, 20), "upload",
            )  # fmt: skip

    def add_karaoke(self, rec: Recording, title: str) -> None:
        if rng.random() < 0.5:
            self.yt_track(
                f"{title} (Karaoke Version) [Originally Performed by {rec.artist.name}]",
                [pick(KARAOKE_CHANNELS)], "Karaoke Hits, Vol. " + str(rng.randint(1, 40)),
                rec.seconds + rng.randint(-3, 3), "song",
            )  # fmt: skip
        else:
            self.yt_track(
                f"{title} (Karaoke Version)", [pick(KARAOKE_CHANNELS)], None,
                rec.seconds + rng.randint(-3, 6), "upload",
            )  # fmt: skip

    def add_distractors(self, rec: Recording) -> None:
        """Other results for the same title: fan uploads, covers, karaoke, other versions."""
        title, main, seconds = rec.title, rec.yt_main_artist(), rec.yt_seconds()
        if rec.artist.script != "latin" and "romanised" in rec.cases:
            title = rec.yt_title()
        if rng.random() < 0.08:
            self.yt_track(
                pick([f"{title} - {main} (lyrics)", f"{title} [HD]", f"{main} - {title} (Lyrics)",
                      f"{title} - {main} (Lyric Video)", f"{main} - {title} [HQ]"]),
                [pick(UPLOADERS)], None, seconds + rng.randint(-1, 4), "upload", rec.explicit,
            )  # fmt: skip
            self.yt_extras["fan upload"] += 1
        if rng.random() < 0.04:
            self.add_cover(rec, title)
            self.yt_extras["cover"] += 1
        if rng.random() < 0.03:
            self.add_karaoke(rec, title)
            self.yt_extras["karaoke"] += 1
        if rec.no_versions or rec.artist.script != "latin":
            return
        roll = rng.random()
        if roll < 0.035:
            venue = pick(VENUES)
            self.yt_track(
                pick([f"{title} (Live)", f"{title} - Live at {venue}",
                      f"{title} (Live at {venue})"]),
                [main], None if roll < 0.012 else f"Live at {venue.removeprefix('the ').title()}",
                seconds + rng.randint(10, 60), "upload" if roll < 0.012 else "song",
            )  # fmt: skip
            self.yt_extras["live version"] += 1
        elif roll < 0.06:
            remixer = self.artist_other_than(rec.artist)
            self.yt_track(
                f"{title} ({remixer.name} Remix)", [main, remixer.name], f"{title} (Remixes)",
                rng.randint(180, 330), "song",
            )  # fmt: skip
            self.yt_extras["remix"] += 1
        elif roll < 0.075:
            self.yt_track(
                f"{title} (Acoustic)", [main], f"{rec.album} (Acoustic)",
                max(90, seconds + rng.randint(-30, 10)), "song",
            )  # fmt: skip
            self.yt_extras["acoustic version"] += 1
        elif roll < 0.082:
            self.yt_track(
                pick([f"{title} (Sped Up)", f"{title} (Slowed + Reverb)"]), [pick(UPLOADERS)],
                None, int(seconds * pick([0.8, 1.25])), "upload",
            )  # fmt: skip
            self.yt_extras["sped up / slowed"] += 1

    # -- rendering both services --

    def video_title(self, rec: Recording) -> str:
        main = rec.yt_main_artist()
        title = rec.yt_title() if "romanised" in rec.cases else rec.title
        if "versions" in rec.cases or "edits" in rec.cases:
            title = rec.yt_title()
        if rec.guests and rng.random() < 0.6:
            title += f" ft. {' & '.join(g.name for g in rec.guests)}"
        if rec.artist.script == "ko" and rng.random() < 0.6:
            return f"[MV] {main} - {title}"
        if rec.artist.script == "ja" and rng.random() < 0.6:
            return f"{main}「{title}」Music Video"
        return pick([f"{main} - {title} (Official Video)", f"{title} (Official Music Video)",
                     f"{main} - {title} [Official Music Video]",
                     f"{main} - {title} (Official Video)",
                     f"{title} (Official Video)"])  # fmt: skip

    def render(self) -> None:
        for rec in self.recordings:
            if rec.copy_of is not None or rec.on_yt == "none":
                continue
            if rec.on_yt == "song":
                rec.yt_song = self.yt_track(
                    rec.yt_title(),
                    list(rec.yt.get("artists", rec.names)),
                    rec.yt.get("album", rec.album),
                    rec.yt_seconds(),
                    "song",
                    rec.explicit,
                )
            if rec.on_yt == "video" or rec.has_video:
                rec.yt_video = self.yt_track(
                    self.video_title(rec),
                    [rec.yt_main_artist()],
                    None,
                    rec.yt_seconds() + rng.randint(3, 30),
                    "music video",
                    rec.explicit,
                )
            self.add_distractors(rec)
        rng.shuffle(self.ytmusic)
        self.yt_kind = {t["id"]: t["kind"] for t in self.ytmusic}

        for rec in sorted(self.recordings, key=lambda r: (r.artist.index, r.album_seq, r.key)):
            if not rec.on_spotify:
                continue
            rec.sp_id = self.sp_ids.new(22)
            self.sp_order[rec.sp_id] = len(self.spotify)
            self.spotify.append(
                {
                    "id": rec.sp_id,
                    "title": rec.sp.get("title", rec.title),
                    "artists": list(rec.sp.get("artists", rec.names)),
                    "album": rec.sp.get("album", rec.album),
                    "duration_ms": rec.seconds * 1000 + rng.randint(0, 999),
                    "isrc": rec.isrc,
                    "explicit": rec.explicit,
                    "kind": "song",
                }
            )
            source = rec.copy_of or rec
            self.truth[rec.sp_id] = source.yt_song or source.yt_video
            if source.yt_song and source.yt_video:
                self.acceptable[rec.sp_id] = [source.yt_video]

    # -- playlists --

    def spotify_playlists(self) -> tuple[list[dict[str, Any]], list[str]]:
        """Eight playlists of about 480 tracks in all, about a third of them hard cases."""
        by_id = {r.sp_id: r for r in self.recordings if r.sp_id}
        pools: dict[str, list[str]] = {c: [] for c in CASES}
        pools["plain"] = []
        for track in self.spotify:
            cases = by_id[track["id"]].cases
            for case in cases:
                pools[case].append(track["id"])
            if not cases:
                pools["plain"].append(track["id"])
        groups = {
            name: [[r.sp_id for r in g if r.sp_id] for g in self.groups[name]]
            for name in ("versions", "edits", "same-title", "explicit-clean", "deluxe")
        }
        # "hard" picks go round the cases in turn, so that each of them is well represented.
        rotation = [*HARD_IN_PLAYLISTS, "missing", "missing", "video-only", "punctuation", "decoy"]
        rng.shuffle(rotation)
        turn = 0
        # name, size, whole groups to include (both versions of one song, ...), quotas by pool
        specs: list[tuple[str, int, dict[str, int], dict[str, int]]] = [
            ("Road Trip", 76, {"versions": 1}, {"hard": 12, "non-latin": 2}),
            ("Focus Flow", 56, {}, {"hard": 10, "non-latin": 1}),
            ("Late Night Jazz-ish", 44, {"same-title": 1}, {"hard": 8, "non-latin": 1}),
            ("Gym Mix", 62, {"edits": 1}, {"edits": 3, "hard": 8}),
            ("Throwbacks", 64, {"deluxe": 1}, {"remaster": 6, "hard": 8}),
            ("Chill Evenings", 52, {"explicit-clean": 1}, {"hard": 8, "non-latin": 1}),
            ("World Sounds", 48, {}, {"non-latin": 32, "romanised": 6, "hard": 2}),
            ("Covers & Versions", 80,
             {"versions": 8, "edits": 5, "same-title": 3, "explicit-clean": 2},
             {"featured": 10, "hard": 8}),
        ]  # fmt: skip
        taken: set[str] = set()
        playlists = []
        for name, size, wanted_groups, quotas in specs:
            tracks: list[str] = []
            for group_name, n in wanted_groups.items():
                choices = [g for g in groups[group_name] if not taken.intersection(g)]
                for group in rng.sample(choices, n):
                    tracks.extend(group)
            sources = [s for s, n in quotas.items() for _ in range(n)]
            if taken:  # a few tracks that an earlier playlist holds too
                sources += ["shared"] * 2
            sources += ["plain"] * (size - len(tracks) - len(sources))
            for source in sources:
                if source == "hard":
                    source, turn = rotation[turn % len(rotation)], turn + 1
                while True:  # otherwise, tracks no other playlist holds
                    if source == "shared":
                        track = pick(sorted(taken, key=self.sp_order.__getitem__))
                        if track not in tracks:
                            break
                        continue
                    track = pick(pools[source])
                    if track not in tracks and track not in taken:
                        break
                tracks.append(track)
            rng.shuffle(tracks)
            taken.update(tracks)
            playlists.append(
                {"id": self.sp_ids.new(22), "name": name, "owner": USER, "tracks": tracks}
            )
        throwbacks = next(p for p in playlists if p["name"] == "Throwbacks")["tracks"]
        throwbacks.insert(41, throwbacks[6])  # one track listed twice

        in_playlists = [t["id"] for t in self.spotify if t["id"] in taken]
        outside = [t["id"] for t in self.spotify if t["id"] not in taken]
        liked = rng.sample(in_playlists, 76) + rng.sample(outside, 24)
        rng.shuffle(liked)
        return playlists, liked

    def yt_playlists(self, road_trip: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
        truth = {v for v in self.truth.values() if v}
        truth_ids = [t["id"] for t in self.ytmusic if t["id"] in truth]
        yt_only = [
            r.yt_song
            for r in self.recordings
            if r.yt_song and not r.on_spotify and r.copy_of is None
        ]
        videos = [t["id"] for t in self.ytmusic if t["kind"] != "song"]

        def mix(size: int) -> list[str]:
            tracks: list[str] = []
            while len(tracks) < size:
                source = rng.choices([truth_ids, yt_only, videos], [0.72, 0.18, 0.1])[0]
                track = pick(source)
                if track not in tracks:
                    tracks.append(track)
            return tracks

        # "Road Trip" already holds every other track of the Spotify one, plus a few of its own.
        present = [self.truth[i] for i in road_trip if self.truth[i]][::2]
        road = list(dict.fromkeys(present))
        wanted = {self.truth[i] for i in road_trip}
        for track in mix(12):
            if track not in wanted and len(road) < len(present) + 5:
                road.insert(rng.randrange(len(road) + 1), track)
        specs = [("Road Trip", road), ("Rainy Day", mix(52)), ("Kitchen Dancing", mix(48)),
                 ("Deep Focus", mix(56)), ("Found on YouTube", mix(50))]  # fmt: skip
        playlists = [
            {"id": self.yt_ids.new(32, "PL"), "name": name, "owner": USER, "tracks": tracks}
            for name, tracks in specs
        ]
        return playlists, mix(60)

    # -- the whole thing --

    def build(self) -> None:
        self.make_artists()
        self.make_discographies()
        self.add_remasters()
        self.add_deluxe_editions()
        self.add_versions()
        self.add_featured()
        self.add_video_only()
        self.add_missing_with_decoys()
        self.add_edits()
        self.add_same_titles()
        self.add_punctuation()
        self.add_explicit_twins()
        self.add_romanised()
        self.roll_presence()
        self.add_compilations()
        self.render()


def summary(
    cat: Catalogue, data: dict[str, Any], sp_playlists: list[dict[str, Any]], size: int
) -> None:
    sp, yt = data["services"]["spotify"], data["services"]["ytmusic"]
    recordings = [r for r in cat.recordings if r.copy_of is None]
    both = sum(1 for r in recordings if r.on_spotify and r.on_yt != "none")
    sp_only = sum(1 for r in recordings if r.on_spotify and r.on_yt == "none")
    yt_only = sum(1 for r in recordings if not r.on_spotify)
    artists = len({r.artist.index for r in recordings})
    scripted = sum(1 for a in cat.artists if a.script != "latin")
    print(f"recordings: {len(recordings)} by {artists} artists ({scripted} in non-Latin scripts)")
    print(
        f"  on both sides {both} ({both / len(recordings):.0%}), only Spotify {sp_only} "
        f"({sp_only / len(recordings):.0%}), only YT {yt_only} ({yt_only / len(recordings):.0%})"
    )
    for name, side in (("spotify", sp), ("ytmusic", yt)):
        kinds = Counter(t["kind"] for t in side["tracks"])
        by_kind = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        print(
            f"{name}: {len(side['tracks'])} tracks ({by_kind}), "
            f"{len(side['playlists'])} playlists, {len(side['liked'])} liked"
        )
    nulls = sum(1 for v in data["truth"].values() if v is None)
    videos = sum(1 for v in data["truth"].values() if v and cat.yt_kind[v] == "music video")
    print(f"truth: {len(data['truth'])} keys, {nulls} null, {videos} pointing at a music video")
    print("YT distractors: " + ", ".join(f"{k} {n}" for k, n in sorted(cat.yt_extras.items())))

    by_id = {r.sp_id: r for r in cat.recordings if r.sp_id}
    listed = [i for p in sp_playlists for i in p["tracks"]]
    unique = set(listed)
    in_catalogue = Counter(c for r in by_id.values() for c in r.cases)
    in_playlists = Counter(c for i in unique for c in by_id[i].cases)
    print("hard cases (Spotify tracks: in catalogue / in playlists):")
    for case, label in CASES.items():
        print(f"  {label:<58} {in_catalogue[case]:>4} / {in_playlists[case]:>3}")
    hard = sum(1 for i in unique if by_id[i].cases)
    print(
        f"spotify playlists: {len(listed)} entries, {len(unique)} unique tracks, "
        f"{hard / len(unique):.0%} hard"
    )
    for p in sp_playlists:
        n_hard = sum(1 for i in p["tracks"] if by_id[i].cases)
        n_null = sum(1 for i in p["tracks"] if data["truth"][i] is None)
        print(
            f"  {p['name']:<22} {len(p['tracks']):>3} tracks, {n_hard:>2} hard, {n_null} not on YT"
        )
    union = unique | set(sp["liked"])
    print(f"  {'liked':<22} {len(sp['liked']):>3} tracks ({len(union)} unique with playlists)")
    for p in yt["playlists"]:
        print(f"  yt: {p['name']:<18} {len(p['tracks']):>3} tracks")
    print(f"  yt: liked              {len(yt['liked']):>3} tracks")
    print(f"wrote {OUT.name}: {size:,} bytes")


def main() -> None:
    rng.seed(SEED)
    cat = Catalogue()
    cat.build()
    sp_playlists, sp_liked = cat.spotify_playlists()
    road_trip = next(p for p in sp_playlists if p["name"] == "Road Trip")["tracks"]
    yt_playlists, yt_liked = cat.yt_playlists(road_trip)
    data = {
        "version": 1,
        "seed": SEED,
        "services": {
            "spotify": {
                "user": USER,
                "tracks": cat.spotify,
                "playlists": sp_playlists,
                "liked": sp_liked,
            },
            "ytmusic": {
                "user": USER,
                "tracks": cat.ytmusic,
                "playlists": yt_playlists,
                "liked": yt_liked,
            },
        },
        "truth": cat.truth,
        "acceptable": cat.acceptable,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    OUT.write_text(text, encoding="utf-8")
    summary(cat, data, sp_playlists, len(text.encode("utf-8")))


if __name__ == "__main__":
    main()
