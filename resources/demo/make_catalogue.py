"""Generates the demo library's catalogue: `resources/demo/catalogue.json`.

Run `python resources/demo/make_catalogue.py` to rebuild it; the output is deterministic (a
fixed seed, the standard library only), so a rebuild changes nothing unless this script did.
Every artist, album and title is invented from syllables and word lists.

The catalogue holds two simulated services over one set of recordings: one shaped like
Spotify (songs with ISRCs) and one like YouTube Music (songs, official music videos, fan
uploads). It carries the cases real libraries have, so the matcher meets them in every demo
sync: remasters, live / remix / acoustic versions on both sides, featured artists written in
the title on one side and as artists on the other, non-Latin titles (some romanised on one
side only), songs that exist only as a music video, tracks missing on the other side (some with
a decoy: a cover or the same title by someone else), radio edits and extended mixes, the same
song on a compilation, two songs with one title by one artist, punctuation and accent
variants, explicit and clean twins. `truth` maps every Spotify id to the right YouTube Music
id (None when there is none) and `acceptable` to the recording's official videos, which are
right answers too, for tests that measure the demo's matching.
"""

from __future__ import annotations

import json
import random
import string
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20261128
OUT = Path(__file__).with_name("catalogue.json")
rng = random.Random(SEED)

LATIN_SYLLABLES = "ka lo mi ren sa tor vel an is or el ma ri do ven lu ca bel fa nor ti za"
WORDS = [
    "light",
    "night",
    "river",
    "paper",
    "silver",
    "golden",
    "echo",
    "summer",
    "winter",
    "city",
    "ocean",
    "fire",
    "glass",
    "garden",
    "shadow",
    "morning",
    "heart",
    "wild",
    "blue",
    "neon",
    "velvet",
    "harbor",
    "mountain",
    "empty",
    "broken",
    "electric",
    "quiet",
    "falling",
    "running",
    "distant",
    "hollow",
    "lantern",
    "midnight",
    "highway",
    "dream",
    "stone",
    "wire",
    "signal",
]
VENUES = ["Wembley", "the Roundhouse", "Red Rocks", "Oslo Spektrum", "Budokan", "Paradiso"]
REMIXERS = ["Kovo", "Delane", "Sunvale", "Arko", "Mirell", "Tessaro"]
UPLOADERS = ["MusicFan99", "lyricsworld", "TopHitsDaily", "vinylcorner", "nightdrive tapes"]
KARAOKE = "Sing King Karaoke Co."

# Non-Latin scripts: syllables with their romanisation.
SCRIPTS = {
    "cyrillic": [("ка", "ka"), ("ло", "lo"), ("ми", "mi"), ("ре", "re"), ("на", "na"),
                 ("вё", "vyo"), ("зд", "zd"), ("ный", "ny"), ("ст", "st"), ("ра", "ra")],
    "japanese": [("カ", "ka"), ("ミ", "mi"), ("ナ", "na"), ("ソ", "so"), ("ラ", "ra"),
                 ("ユ", "yu"), ("キ", "ki"), ("ハ", "ha"), ("ル", "ru"), ("ト", "to")],
    "korean": [("하", "ha"), ("늘", "neul"), ("바", "ba"), ("다", "da"), ("별", "byeol"),
               ("사", "sa"), ("랑", "rang"), ("노", "no"), ("을", "eul"), ("빛", "bit")],
    "greek": [("κα", "ka"), ("λο", "lo"), ("μι", "mi"), ("ρε", "re"), ("να", "na"),
              ("σο", "so"), ("τα", "ta"), ("ηλ", "il"), ("ος", "os"), ("φω", "fo")],
    "hebrew": [("של", "shal"), ("ום", "om"), ("אור", "or"), ("לי", "li"), ("ים", "yam"),
               ("דב", "dav"), ("נה", "na"), ("רו", "ro"), ("מי", "mi"), ("תן", "tan")],
}  # fmt: skip


def base62(n: int) -> str:
    alphabet = string.digits + string.ascii_letters
    return "".join(rng.choice(alphabet) for _ in range(n))


def video_id() -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits + "-_") for _ in range(11))


def latin_name(parts: int = 2) -> str:
    syllables = LATIN_SYLLABLES.split()
    return " ".join(
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()
        for _ in range(parts)
    )


def script_name(script: str, syllables: int = 3) -> tuple[str, str]:
    chosen = [rng.choice(SCRIPTS[script]) for _ in range(syllables)]
    native = "".join(c[0] for c in chosen)
    roman = "".join(c[1] for c in chosen).capitalize()
    return native, roman


def title_words() -> str:
    return " ".join(w.capitalize() for w in rng.sample(WORDS, rng.randint(1, 3)))


@dataclass
class Artist:
    name: str
    roman: str = ""  # the romanised name, for non-Latin artists
    script: str = "latin"


@dataclass
class Recording:
    key: int
    title: str
    artists: list[Artist]
    album: str
    seconds: int
    isrc: str | None
    explicit: bool = False
    roman_title: str = ""
    on_spotify: bool = True
    yt_kind: str | None = "song"  # "song", "music video" (video only) or None (missing)
    sp_title: str | None = None  # a Spotify-side variant of the title
    yt_title: str | None = None
    yt_artists: list[str] | None = None
    sp_album: str | None = None
    sp_seconds: int | None = None
    yt_seconds: int | None = None
    tags: set[str] = field(default_factory=set)


class Catalogue:
    def __init__(self) -> None:
        self.recordings: list[Recording] = []
        self.spotify: list[dict] = []
        self.ytmusic: list[dict] = []
        self.truth: dict[str, str | None] = {}
        self.sp_of: dict[int, str] = {}  # recording key -> spotify id
        self.yt_of: dict[int, str] = {}  # recording key -> the right YT id
        self.videos_of: dict[int, list[str]] = {}  # recording key -> its official videos
        self.acceptable: dict[str, list[str]] = {}  # spotify id -> other right answers
        self.counts: Counter[str] = Counter()

    def add(self, rec: Recording) -> Recording:
        self.recordings.append(rec)
        return rec

    # -- building recordings -------------------------------------------------------------

    def build(self) -> None:
        artists = self._artists(350)
        key = 0
        for artist in artists:
            for album_number in range(rng.choice([1, 1, 2])):
                album = title_words() if artist.script == "latin" else script_name(artist.script)[0]
                if album_number and rng.random() < 0.3:
                    album += " (Deluxe Edition)"
                for _ in range(rng.randint(6, 10)):
                    key += 1
                    self.add(self._recording(key, artist, album, artists))
        self._hard_cases(artists)

    def _artists(self, count: int) -> list[Artist]:
        result = []
        for i in range(count):
            if i % 20 == 7:
                script = list(SCRIPTS)[(i // 20) % len(SCRIPTS)]
                native, roman = script_name(script, 2)
                result.append(Artist(native, roman, script))
            else:
                name = latin_name(rng.choice([1, 2, 2]))
                if rng.random() < 0.08:
                    name = f"The {name}s"
                result.append(Artist(name))
        return result

    def _recording(self, key: int, artist: Artist, album: str, artists: list[Artist]) -> Recording:
        if artist.script == "latin":
            title, roman = title_words(), ""
        else:
            title, roman = script_name(artist.script, rng.randint(2, 4))
        seconds = int(rng.triangular(95, 420, 215))
        isrc = (
            None
            if rng.random() < 0.05
            else f"QZ{rng.choice('ABCDEFGH')}{rng.randint(10, 99)}{rng.randint(20, 26)}{rng.randint(0, 99999):05d}"
        )
        rec = Recording(key, title, [artist], album, seconds, isrc, rng.random() < 0.1, roman)
        roll = rng.random()
        if roll < 0.07:
            rec.yt_kind = None  # not on YouTube Music
        elif roll < 0.10:
            rec.yt_kind = "music video"  # only its official video
        return rec

    def _hard_cases(self, artists: list[Artist]) -> None:
        latin = [
            r for r in self.recordings if r.artists[0].script == "latin" and r.yt_kind == "song"
        ]
        rng.shuffle(latin)
        chunks = iter(latin[i : i + 36] for i in range(0, len(latin), 36))

        for rec in next(chunks):  # remasters
            year = rng.randint(1998, 2019)
            rec.sp_title = f"{rec.title} - {year} Remaster"
            rec.sp_album = f"{rec.album} (Remastered)"
            rec.yt_title = rng.choice([rec.title, f"{rec.title} (Remastered {year})"])
            rec.yt_seconds = rec.seconds + rng.choice([-1, 0, 1])
            rec.tags.add("remaster")

        for rec in next(chunks):  # live, remix, acoustic twins on both sides
            kind = rng.choice(["live", "remix", "acoustic"])
            if kind == "live":
                variant = rng.choice(
                    [f"{rec.title} (Live)", f"{rec.title} - Live at {rng.choice(VENUES)}"]
                )
                seconds = rec.seconds + rng.randint(15, 70)
            elif kind == "remix":
                variant = f"{rec.title} ({rng.choice(REMIXERS)} Remix)"
                seconds = rec.seconds + rng.randint(-40, 90)
            else:
                variant = f"{rec.title} (Acoustic)"
                seconds = rec.seconds + rng.randint(-30, 10)
            twin = Recording(0, variant, rec.artists, rec.album, seconds, None)
            twin.key = len(self.recordings) + 100_000
            twin.tags.add(kind)
            self.add(twin)
            rec.tags.add(f"has-{kind}")

        featured_pool = [a for a in artists if a.script == "latin"]
        for rec in next(chunks):  # featured artists
            guests = rng.sample(
                [a for a in featured_pool if a is not rec.artists[0]], rng.choice([1, 1, 2])
            )
            rec.artists = [rec.artists[0], *guests]
            names = " & ".join(g.name for g in guests)
            word = rng.choice(["feat.", "ft.", "with"])
            rec.yt_title = f"{rec.title} ({word} {names})"
            rec.yt_artists = [rec.artists[0].name]
            rec.tags.add("featured")

        for rec in next(chunks):  # only an official video on YouTube Music
            rec.yt_kind = "music video"
            rec.tags.add("video-only")

        decoy_artists = [a for a in artists if a.script == "latin"]
        for rec in next(chunks):  # missing, with a decoy of the same title
            rec.yt_kind = None
            decoy = Recording(
                0,
                rec.title,
                [rng.choice(decoy_artists)],
                title_words(),
                rec.seconds + rng.randint(-60, 60),
                None,
            )
            decoy.key = len(self.recordings) + 200_000
            decoy.on_spotify = False
            decoy.tags.add("decoy")
            self.add(decoy)
            rec.tags.add("missing-with-decoy")

        for rec in next(chunks):  # radio edit and extended mix beside the album version
            for suffix, delta in (
                ("Radio Edit", -rng.randint(30, 70)),
                ("Extended Mix", rng.randint(90, 180)),
            ):
                twin = Recording(
                    0, f"{rec.title} ({suffix})", rec.artists, rec.album, rec.seconds + delta, None
                )
                twin.key = len(self.recordings) + 300_000
                twin.tags.add("edit" if suffix == "Radio Edit" else "extended")
                self.add(twin)
            rec.tags.add("has-edits")

        for rec in next(chunks):  # the same song again on a compilation (Spotify side)
            copy = Recording(
                0,
                rec.title,
                rec.artists,
                "Greatest Hits",
                rec.seconds + rng.choice([0, 1]),
                rec.isrc,
            )
            copy.key = len(self.recordings) + 400_000
            copy.yt_kind = "same-as"
            copy.tags.add(f"compilation-of:{rec.key}")
            self.add(copy)

        for rec in next(chunks):  # two songs, one title, one artist
            other = Recording(
                0,
                rec.title,
                rec.artists,
                title_words(),
                rec.seconds + rng.choice([-1, 1]) * rng.randint(40, 120),
                None,
            )
            other.key = len(self.recordings) + 500_000
            other.tags.add("same-title")
            self.add(other)

        for rec in next(chunks):  # punctuation and accents differ on one side
            variant = rng.choice(["apostrophe", "and", "accent"])
            if variant == "apostrophe":
                rec.sp_title = f"Don't {rec.title}"
                rec.yt_title = f"Dont {rec.title}"
            elif variant == "and":
                rec.sp_title = f"{rec.title} & {title_words()}"
                rec.yt_title = rec.sp_title.replace("&", "and")
            else:
                rec.sp_title = f"Café {rec.title}"
                rec.yt_title = f"Cafe {rec.title}"
            rec.tags.add("punctuation")

        for rec in next(chunks)[:20]:  # explicit and clean twins
            rec.explicit = True
            clean = Recording(
                0, rec.title, rec.artists, rec.album, rec.seconds, None, explicit=False
            )
            clean.key = len(self.recordings) + 600_000
            clean.tags.add("clean-twin")
            self.add(clean)

        # Romanised on one side only (genuinely hard; about 1 % of the tracks).
        scripted = [
            r for r in self.recordings if r.artists[0].script != "latin" and r.yt_kind == "song"
        ]
        for rec in rng.sample(scripted, min(30, len(scripted))):
            rec.yt_title = rec.roman_title
            rec.yt_artists = [rec.artists[0].roman]
            rec.tags.add("romanised")

    # -- rendering both services ---------------------------------------------------------

    def render(self) -> None:
        by_key = {r.key: r for r in self.recordings}
        for rec in self.recordings:
            if rec.yt_kind == "same-as":
                continue
            self._render_youtube(rec)
        for rec in self.recordings:
            if not rec.on_spotify:
                continue
            sp_id = base62(22)
            self.sp_of[rec.key] = sp_id
            self.spotify.append(
                {
                    "id": sp_id,
                    "title": rec.sp_title or rec.title,
                    "artists": [a.name for a in rec.artists],
                    "album": rec.sp_album or rec.album,
                    "duration_ms": (rec.sp_seconds or rec.seconds) * 1000 + rng.randint(0, 999),
                    "isrc": rec.isrc,
                    "explicit": rec.explicit,
                    "kind": "song",
                }
            )
            if rec.yt_kind == "same-as":
                rec = by_key[
                    int(next(t for t in rec.tags if t.startswith("compilation-of:")).split(":")[1])
                ]
            self.truth[sp_id] = self.yt_of.get(rec.key)
            # The official video of the same recording is a right answer too, if not the best.
            others = [v for v in self.videos_of.get(rec.key, []) if v != self.truth[sp_id]]
            if others:
                self.acceptable[sp_id] = others
            for tag in rec.tags:
                self.counts[tag.split(":")[0]] += 1

    def _yt(
        self,
        title: str,
        artists: list[str],
        album: str | None,
        seconds: int,
        kind: str,
        explicit: bool,
    ) -> str:
        vid = video_id()
        self.ytmusic.append(
            {
                "id": vid,
                "title": title,
                "artists": artists,
                "album": album if kind == "song" else None,
                "duration_ms": seconds * 1000,
                "isrc": None,
                "explicit": explicit,
                "kind": kind,
            }
        )
        return vid

    def _render_youtube(self, rec: Recording) -> None:
        main = rec.artists[0].name
        names = rec.yt_artists or [a.name for a in rec.artists]
        seconds = rec.yt_seconds or rec.seconds
        title = rec.yt_title or rec.title
        if rec.yt_kind == "song":
            self.yt_of[rec.key] = self._yt(title, names, rec.album, seconds, "song", rec.explicit)
        video_title = rng.choice(
            [f"{main} - {rec.title} (Official Video)", f"{rec.title} (Official Music Video)"]
        )
        wants_video = rec.yt_kind == "music video" or rng.random() < 0.2
        if wants_video and rec.yt_kind is not None:
            vid = self._yt(
                video_title, [main], None, seconds + rng.randint(3, 25), "music video", rec.explicit
            )
            self.yt_of.setdefault(rec.key, vid)
            self.videos_of.setdefault(rec.key, []).append(vid)
        if rec.yt_kind is not None and rng.random() < 0.1:
            upload = rng.choice(
                [f"{rec.title} - {main} (lyrics)", f"{rec.title} [HD]", f"{main} - {rec.title}"]
            )
            self._yt(
                upload, [rng.choice(UPLOADERS)], None, seconds + rng.randint(-2, 4), "upload", False
            )
        if rec.yt_kind is not None and rng.random() < 0.04:
            self._yt(f"{rec.title} (Karaoke Version)", [KARAOKE], None, seconds, "upload", False)
        if rng.random() < 0.04:
            self._yt(
                rec.title,
                [latin_name()],
                title_words(),
                seconds + rng.randint(-20, 20),
                "song",
                False,
            )  # a cover

    # -- playlists -----------------------------------------------------------------------

    def playlists(self) -> tuple[list[dict], list[str], list[dict], list[str]]:
        sp_ids = [t["id"] for t in self.spotify]
        hard = [self.sp_of[r.key] for r in self.recordings if r.tags and r.key in self.sp_of]
        scripted = [
            self.sp_of[r.key]
            for r in self.recordings
            if r.artists[0].script != "latin" and r.key in self.sp_of
        ]
        names = ["Road Trip", "Focus Flow", "Late Night Jazz-ish", "Gym Mix", "Throwbacks",
                 "Chill Evenings", "World Sounds", "Covers & Versions"]  # fmt: skip
        sizes = [70, 60, 45, 55, 70, 60, 45, 60]
        sp_playlists = []
        used: set[str] = set()
        for name, size in zip(names, sizes, strict=True):
            if name == "World Sounds":
                pool = scripted
            elif name == "Covers & Versions":
                pool = hard
            else:
                pool = hard if rng.random() < 0.35 else sp_ids
            picks: list[str] = []
            while len(picks) < size:
                source = hard if (name != "World Sounds" and rng.random() < 0.35) else pool
                pick = rng.choice(source)
                if pick not in picks:
                    picks.append(pick)
            used.update(picks)
            sp_playlists.append(
                {"id": base62(22), "name": name, "owner": "Demo Listener", "tracks": picks}
            )
        sp_playlists[4]["tracks"].append(sp_playlists[4]["tracks"][3])  # one track listed twice
        liked = rng.sample(sp_ids, 100)

        yt_truth = [v for v in self.truth.values() if v]
        road_trip = sp_playlists[0]["tracks"]
        yt_road = [self.truth[i] for i in road_trip[::2] if self.truth.get(i)]
        yt_road += rng.sample(yt_truth, 6)
        yt_playlists = [
            {
                "id": "PL" + base62(32),
                "name": "Road Trip",
                "owner": "Demo Listener",
                "tracks": yt_road,
            }
        ]
        for name, size in (
            ("Discover Weekly-ish", 50),
            ("Morning Run", 45),
            ("Rainy Day", 40),
            ("Guitar Heroes", 40),
        ):
            yt_playlists.append(
                {
                    "id": "PL" + base62(32),
                    "name": name,
                    "owner": "Demo Listener",
                    "tracks": rng.sample(yt_truth, size),
                }
            )
        yt_liked = rng.sample(yt_truth, 60)
        self.counts["spotify playlist tracks (unique)"] = len(used)
        return sp_playlists, liked, yt_playlists, yt_liked


def main() -> None:
    catalogue = Catalogue()
    catalogue.build()
    catalogue.render()
    sp_playlists, sp_liked, yt_playlists, yt_liked = catalogue.playlists()
    data = {
        "version": 1,
        "seed": SEED,
        "services": {
            "spotify": {
                "user": "Demo Listener",
                "tracks": catalogue.spotify,
                "playlists": sp_playlists,
                "liked": sp_liked,
            },
            "ytmusic": {
                "user": "Demo Listener",
                "tracks": catalogue.ytmusic,
                "playlists": yt_playlists,
                "liked": yt_liked,
            },
        },
        "truth": catalogue.truth,
        "acceptable": catalogue.acceptable,
    }
    OUT.write_text(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(
        f"spotify: {len(catalogue.spotify)} tracks, {len(sp_playlists)} playlists, {len(sp_liked)} liked"
    )
    print(
        f"ytmusic: {len(catalogue.ytmusic)} results, {len(yt_playlists)} playlists, {len(yt_liked)} liked"
    )
    print(
        f"no right answer on YouTube Music: {sum(1 for v in catalogue.truth.values() if v is None)}"
    )
    for tag, count in sorted(catalogue.counts.items()):
        print(f"  {tag}: {count}")
    for playlist in sp_playlists:
        print(f"  spotify playlist {playlist['name']}: {len(playlist['tracks'])}")
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
