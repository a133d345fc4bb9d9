"""Normalisation: what is dropped before comparing titles, and what must survive it."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from songbird_gui.core.normalize import (
    _fold_unicode,
    clean_artist,
    fold,
    parse_title,
    script_of,
    song_title,
    split_artists,
    strip_prefix,
)

# -- fold ------------------------------------------------------------------------------------------


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_folds_as_it_does_character_by_character(text: str) -> None:
    # `fold` takes a shorter path for ASCII: it must give what the general one gives.
    assert fold(text) == _fold_unicode(text)


def test_ascii_punctuation_and_ampersands_fold_to_words() -> None:
    assert fold("AC/DC & Friends' `Live` (Remix) -- #1!") == "ac dc and friends live remix 1"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Café", "cafe"),
        ("Beyoncé", "beyonce"),
        ("Sigur Rós", "sigur ros"),
        ("Motörhead", "motorhead"),
        ("Straße", "strasse"),  # casefold, not lower
        ("ＡＢＢＡ", "abba"),  # full-width (NFKC)
        ("ﬁre", "fire"),  # ligature (NFKC)
        ("  Don't   Stop!  ", "dont stop"),
        ("Simon & Garfunkel", "simon and garfunkel"),
    ],
)
def test_fold_drops_case_width_accents_and_punctuation_from_latin(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Кино", id="cyrillic"),
        pytest.param("Звезда по имени Солнце", id="cyrillic-words"),
        pytest.param("ガギグゲゴ", id="katakana-dakuten"),
        pytest.param("ぱぴぷぺぽ", id="hiragana-handakuten"),
        pytest.param("안녕하세요", id="hangul"),
        pytest.param("Ελληνικά", id="greek-tonos"),
        pytest.param("שלום", id="hebrew"),
        pytest.param("שָׁלוֹם", id="hebrew-points"),
        pytest.param("तेरा नाम", id="devanagari"),
        pytest.param("สวัสดี", id="thai"),
    ],
)
def test_fold_keeps_non_latin_scripts_whole(text: str) -> None:
    """Another script is never folded to ASCII, and its marks stay on their letters.

    Hebrew points, Devanagari vowel signs and Thai vowels are combining marks: a folded title
    must keep them, and must not break a word apart where they were.
    """
    expected = unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text).casefold())
    assert fold(text) == expected


def test_fold_tells_apart_hindi_words_that_differ_only_in_vowel_signs() -> None:
    # "tera" (yours) and "tara" (star): two different titles, not one.
    assert fold("तेरा") != fold("तारा")


def test_fold_keeps_japanese_dakuten_apart_from_the_plain_kana() -> None:
    assert fold("ガ") != fold("カ")
    assert fold("ｶﾞ") == fold("ガ")  # half-width kana with its half-width dakuten


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.text(
        alphabet=st.characters(
            # Cyrillic, Hiragana, Katakana, Hangul syllables: letters with no combining marks
            categories=["Lu", "Ll", "Lo"],
            min_codepoint=0x0400,
            max_codepoint=0xD7A3,
        ).filter(
            lambda c: (
                "CYRILLIC" in unicodedata.name(c, "")
                or "HIRAGANA" in unicodedata.name(c, "")
                or "KATAKANA" in unicodedata.name(c, "")
                or "HANGUL SYLLABLE" in unicodedata.name(c, "")
            )
        ),
        min_size=1,
    )
)
def test_fold_never_turns_another_script_into_ascii(text: str) -> None:
    folded = fold(text)
    assert folded
    assert not any(ch.isascii() and ch.isalpha() for ch in folded)
    assert script_of(folded) == script_of(text)


# -- featured artists ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "base", "featured"),
    [
        ("Song (feat. Bob & Alice)", "song", ("bob", "alice")),
        ("Song [ft. Bob]", "song", ("bob",)),
        ("Song (with Carol)", "song", ("carol",)),
        ("Song feat. Dave, Eve", "song", ("dave", "eve")),
        ("Song ft Dave", "song", ("dave",)),
        ("Song featuring Beyoncé", "song", ("beyonce",)),
        ("Song (con Bad Bunny)", "song", ("bad bunny",)),
    ],
)
def test_featured_artists_move_out_of_the_title(
    title: str, base: str, featured: tuple[str, ...]
) -> None:
    parsed = parse_title(title)
    assert parsed.base == base
    assert parsed.featured == featured


def test_with_inside_a_title_is_part_of_the_title() -> None:
    parsed = parse_title("Dancing with Myself")
    assert parsed.base == "dancing with myself"
    assert parsed.featured == ()


def test_split_artists_splits_lists_but_not_and() -> None:
    assert split_artists("A, B & C") == ("A", "B", "C")
    assert split_artists("Calvin Harris x Dua Lipa") == ("Calvin Harris", "Dua Lipa")
    assert split_artists("Simon and Garfunkel") == ("Simon and Garfunkel",)


# -- noise -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Hello (Official Video)",
        "Hello [HD]",
        "Hello (Lyrics)",
        "Hello (Official Music Video)",
        "Hello [Official Audio]",
        "Hello (Lyric Video)",
        "Hello - Official Video",
        "Hello (Visualizer) [4K]",
    ],
)
def test_noise_segments_are_dropped(title: str) -> None:
    parsed = parse_title(title)
    assert parsed.base == "hello"
    assert parsed.versions == frozenset()


@pytest.mark.parametrize(
    ("channel", "artist"),
    [
        ("Adele - Topic", "adele"),
        ("AdeleVEVO", "adele"),
        ("Adele", "adele"),
        ("Dua Lipa Official", "dua lipa"),
        ("Кино - Topic", "кино"),
    ],
)
def test_clean_artist_drops_channel_suffixes(channel: str, artist: str) -> None:
    assert clean_artist(channel) == artist


def test_clean_artist_keeps_a_name_that_is_only_a_suffix_word() -> None:
    # A band called "Official" must not become nobody.
    assert clean_artist("Official") == "official"


# -- versions --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "tag"),
    [
        ("Hello (Live at Wembley)", "live"),
        ("Hello - Live", "live"),
        ("Hello (Unplugged)", "live"),
        ("Hello (Kuur Remix)", "remix"),
        ("Hello (Acoustic)", "acoustic"),
        ("Hello (Instrumental)", "instrumental"),
        ("Hello (Karaoke Version)", "karaoke"),
        ("Hello (Cover)", "cover"),
        ("Hello - 2011 Remaster", "remaster"),
        ("Hello - Remastered 2009", "remaster"),
        ("Hello - Radio Edit", "edit"),
        ("Hello (Sped Up)", "sped up"),
        ("Hello (Slowed + Reverb)", "slowed"),
        ("Hello - Extended Mix", "extended"),
    ],
)
def test_version_words_are_kept_as_tags(title: str, tag: str) -> None:
    parsed = parse_title(title)
    assert parsed.base == "hello"
    assert tag in parsed.versions


def test_remix_detail_keeps_the_remixer() -> None:
    assert parse_title("Hello (Kuur Remix)").version_detail == "kuur remix"


def test_a_plain_title_has_no_version() -> None:
    assert parse_title("Hello").versions == frozenset()


@pytest.mark.parametrize("title", ["Live Forever", "Remix to Ignition", "Cover Me", "Edit"])
def test_version_words_in_the_name_itself_are_the_name(title: str) -> None:
    parsed = parse_title(title)
    assert parsed.versions == frozenset()
    assert parsed.base == fold(title)


def test_noise_and_version_and_featured_together() -> None:
    parsed = parse_title("Song (feat. Bob) [Live] (Official Video)")
    assert parsed.base == "song"
    assert parsed.featured == ("bob",)
    assert parsed.versions == frozenset({"live"})


# -- "Artist - Title" ------------------------------------------------------------------------------


def test_artist_dash_title_gives_a_prefix() -> None:
    parsed = parse_title("Queen - Bohemian Rhapsody (Official Video)")
    assert parsed.prefix == "queen"
    assert parsed.base == "queen bohemian rhapsody"
    assert strip_prefix(parsed) == "bohemian rhapsody"


def test_title_dash_version_gives_no_prefix() -> None:
    parsed = parse_title("Bohemian Rhapsody - Remastered 2011")
    assert parsed.prefix == ""
    assert parsed.base == "bohemian rhapsody"


def test_the_title_searched_for_drops_the_head_only_when_it_names_the_artist() -> None:
    assert song_title("Queen - Bohemian Rhapsody (Official Video)", ("Queen",)) == (
        "bohemian rhapsody"
    )
    assert song_title("Queen - Bohemian Rhapsody", ("Queen VEVO",)) == "bohemian rhapsody"
    # A dash inside a song's own name stays when the head is not the artist.
    assert song_title("Love - Hate", ("Nils Arden",)) == "love hate"


def test_script_of_names_the_dominant_script() -> None:
    assert script_of("Hello") == "latin"
    assert script_of("Кино") == "cyrillic"
    assert script_of("ガギグ") == "cjk"
    assert script_of("123") == "none"
