"""A wrong match, reported as a test case: the source track, the candidates as the person saw
them and the person's choice, written as one case of the `songbird eval-matches` format
(../shared/eval/README.md), appended to a file the person can share. The matcher's
evaluation then grows from real mistakes.

The format speaks the services' own shapes: a Spotify → YouTube Music case holds the Spotify
track object the Web API returns and the YouTube Music results as `YTMusic.search()` returns
them. Songbird's tracks are written back in those shapes here, so that the adapters' own
conversions read them as they read the live answers. For YouTube Music → Spotify, a case says
`"from": "ytmusic"`: its source is then a YouTube Music result and its candidates Spotify
track objects (an extension of the format that `eval-matches` reads too).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from songbird_gui.core.atomic import write_text_atomically
from songbird_gui.core.types import Candidate, SearchQuery, ServiceId, Track, TrackKind

# The YouTube Music video type of each kind of result (the one the adapter reads back).
_VIDEO_TYPES = {
    TrackKind.SONG: "MUSIC_VIDEO_TYPE_ATV",
    TrackKind.MUSIC_VIDEO: "MUSIC_VIDEO_TYPE_OMV",
    TrackKind.UPLOAD: "MUSIC_VIDEO_TYPE_UGC",
    TrackKind.EPISODE: "MUSIC_VIDEO_TYPE_PODCAST_EPISODE",
}


def spotify_object(track: Track) -> dict[str, Any]:
    """A Spotify Web API track object (an episode for an episode), as far as `track` knows."""
    item: dict[str, Any] = {
        "id": track.id,
        "type": "episode" if track.kind is TrackKind.EPISODE else "track",
        "name": track.title,
        "artists": [{"name": name, "type": "artist"} for name in track.artists],
        "album": {"name": track.album} if track.album is not None else None,
        "duration_ms": track.duration_ms,
        "explicit": track.explicit,
        "external_ids": {"isrc": track.isrc} if track.isrc else {},
    }
    if track.id:
        item["uri"] = f"spotify:track:{track.id}"
    if track.kind is TrackKind.LOCAL_FILE:
        item["is_local"] = True
    return item


def ytmusic_result(track: Track) -> dict[str, Any]:
    """A result as `YTMusic.search()` returns it: a song (official audio) or a video."""
    song = track.kind is TrackKind.SONG
    seconds = None if track.duration_ms is None else round(track.duration_ms / 1000)
    item: dict[str, Any] = {
        "category": "Songs" if song else "Videos",
        "resultType": "song" if song else "video",
        "videoId": track.id,
        "title": track.title,
        "artists": [{"name": name, "id": None} for name in track.artists],
        "duration": None if seconds is None else f"{seconds // 60}:{seconds % 60:02d}",
        "duration_seconds": seconds,
        "isExplicit": track.explicit,
        "videoType": _VIDEO_TYPES.get(track.kind, "MUSIC_VIDEO_TYPE_UGC"),
    }
    if song:
        item["album"] = {"name": track.album, "id": None} if track.album is not None else None
    if track.kind is TrackKind.EPISODE:
        item["resultType"] = "episode"
    return item


def service_shape(track: Track) -> dict[str, Any]:
    """`track` in its own service's shape."""
    if track.service is ServiceId.SPOTIFY:
        return spotify_object(track)
    return ytmusic_result(track)


def case_id(source: Track, chosen: Track) -> str:
    digest = hashlib.sha1(f"{source.key}\n{chosen.key}".encode()).hexdigest()[:8]
    return f"r-{digest}"


def wrong_match_case(
    source: Track,
    candidates: Sequence[Candidate],
    chosen: Track,
    query: SearchQuery | None,
    matcher_choice: Candidate | None,
    when: float,
) -> dict[str, Any]:
    """One case: `source`, the `candidates` as they were seen (in their order), and the
    person's `chosen` track as the right answer.

    A choice the person found by a search of their own is not among the candidates: it is
    added after them (tagged "chosen-by-hand"), so the case still tells whether the matcher
    would have ranked it first had the search found it.
    """
    seen = [c.track for c in candidates if c.track.id]
    by_hand = chosen.id not in {t.id for t in seen}
    if by_hand:
        seen.append(chosen)
    # The format's `correct` is the official recording; an upload is only `acceptable`.
    official = chosen.kind in (TrackKind.SONG, TrackKind.MUSIC_VIDEO)
    date = time.strftime("%Y-%m-%d", time.localtime(when))
    picked = (
        f"Songbird chose “{matcher_choice.track.describe()}” ({matcher_choice.score:.2f})"
        if matcher_choice is not None
        else "Songbird chose nothing"
    )
    case: dict[str, Any] = {
        "id": case_id(source, chosen),
        "from": str(source.service),
        "source": service_shape(source),
        "search": {
            "query": query.text if query else source.title,
            "filter": query.kind if query and query.kind in ("songs", "videos") else None,
            "recorded": date,
        },
        "candidates": [service_shape(track) for track in seen],
        "correct": [chosen.id] if official else [],
        "acceptable": [] if official else [chosen.id],
        "unsure": False,
        "difficulty": "reported",
        "tags": ["reported", *(["chosen-by-hand"] if by_hand else [])],
        "why": f"Reported in Songbird on {date}: {picked}; the person chose “{chosen.describe()}”.",
    }
    return case


class CaseFileError(ValueError):
    """The file to append to holds something else than a list of cases."""


def append_case(path: Path, case: dict[str, Any]) -> int:
    """Append `case` to the JSON list of cases at `path` (made when missing; a case of the
    same id, the same report made again, is replaced). Returns how many cases it holds."""
    try:
        cases = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        cases = []
    except ValueError as error:
        raise CaseFileError(f"{path} is not a file of cases: {error}") from error
    if not isinstance(cases, list):
        raise CaseFileError(f"{path} is not a file of cases: it holds no list")
    cases = [c for c in cases if not (isinstance(c, dict) and c.get("id") == case["id"])]
    cases.append(case)
    write_text_atomically(path, json.dumps(cases, ensure_ascii=False, indent=1) + "\n")
    return len(cases)
