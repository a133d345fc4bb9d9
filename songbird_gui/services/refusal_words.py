"""What a person reads when Spotify or YouTube Music refuse in one of their 2025–2026 ways.

The real adapters (spotify.py, ytmusic.py) and the demo services that model the same refusals
(demo.py) say the same sentences, so the demo shows what a person meets for real; they live
here because the demo must not import the real adapters (spotipy and ytmusicapi take a third
of a second to import, and the demo never needs them).
"""

from __future__ import annotations

NOT_OWNED = (
    "Spotify lets apps read only the playlists you own or collaborate on; "
    "this one belongs to someone else."
)

# YouTube Music's own words, as the service sends them (and ytmusicapi passes them on).
NOT_READY_WORDS = "precondition check failed"
TOO_MANY_WORDS = "creating too many playlists"
SIGNED_OUT_WORDS = "you must be signed in to perform this operation"

SIGNED_OUT = (
    "YouTube Music no longer accepts the saved sign-in (a browser sign-in lasts from minutes "
    "to days): connect YouTube Music again under Accounts by pasting fresh request headers, "
    "and the sync goes on from where it stopped."
)
NOT_READY = (
    "YouTube Music does not yet accept changes to this playlist (“Precondition check "
    "failed”); a new playlist can refuse them for about 20 seconds."
)
TOO_MANY = (
    "YouTube Music refuses to create more playlists for now (“You are creating too many "
    "playlists”): Songbird creates no more this run; sync again in a few hours for the rest."
)


def gated_words(dialog: str) -> str:
    """What to do when YouTube Music answers a write with a dialog instead of doing it."""
    named = f" (“{dialog}”)" if dialog else ""
    return (
        f"YouTube Music wants a question answered{named} before it changes playlists: open "
        "music.youtube.com in a browser, answer the dialog it shows, then sync again."
    )
