"""A small catalogue in the demo library's format, built in code, for fast engine tests.

Six Spotify tracks in one playlist: three with an exact twin on YouTube Music, one whose only
YouTube Music copy is a live version (must not be auto-accepted), one podcast-like entry that
cannot be synced, one that does not exist there at all. The bundled catalogue is used by the
end-to-end tests; this one keeps the engine's own tests quick and their expectations obvious.
"""

from __future__ import annotations

from typing import Any


def _track(
    track_id: str,
    title: str,
    artist: str,
    seconds: int,
    kind: str = "song",
    album: str | None = "Album",
) -> dict[str, Any]:
    return {
        "id": track_id,
        "title": title,
        "artists": [artist],
        "album": album,
        "duration_ms": seconds * 1000,
        "isrc": None,
        "explicit": False,
        "kind": kind,
    }


def small_catalogue(extra_spotify: int = 0) -> dict[str, Any]:
    """The catalogue; `extra_spotify` adds that many more matched tracks to the playlist."""
    spotify = [
        _track("sp1", "Paper Lanterns", "Mira Vale", 201),
        _track("sp2", "Звёздный путь", "Лана Север", 187),
        _track("sp3", "Golden Hour (feat. Ode)", "The Quiet Tides", 244),
        _track("sp4", "Harbor Lights", "Nils Arden", 230),
        _track("sp5", "Only Here", "Pell Ormond", 199),
        _track("sp6", "Episode 12: On Tour", "Road Talk", 3100, kind="episode", album=None),
    ]
    ytmusic = [
        _track("yt1", "Paper Lanterns", "Mira Vale", 202),
        _track("yt2", "Звёздный путь", "Лана Север", 187),
        _track("yt3", "Golden Hour", "The Quiet Tides", 245),
        _track("yt4", "Harbor Lights (Live at Oslo)", "Nils Arden", 281),
        _track("yt9", "Something Else", "Nobody Known", 210),
    ]
    truth: dict[str, str | None] = {
        "sp1": "yt1",
        "sp2": "yt2",
        "sp3": "yt3",
        "sp4": None,
        "sp5": None,
    }
    for i in range(extra_spotify):
        spotify.append(_track(f"spx{i}", f"Filler Song {i}", f"Filler Band {i}", 180 + i % 60))
        ytmusic.append(_track(f"ytx{i}", f"Filler Song {i}", f"Filler Band {i}", 180 + i % 60))
        truth[f"spx{i}"] = f"ytx{i}"
    return {
        "version": 1,
        "seed": 0,
        "services": {
            "spotify": {
                "user": "Tester",
                "tracks": spotify,
                "playlists": [
                    {
                        "id": "plA",
                        "name": "Evening",
                        "owner": "Tester",
                        "tracks": [t["id"] for t in spotify],
                    }
                ],
                "liked": ["sp1"],
            },
            "ytmusic": {"user": "Tester", "tracks": ytmusic, "playlists": [], "liked": []},
        },
        "truth": truth,
    }
