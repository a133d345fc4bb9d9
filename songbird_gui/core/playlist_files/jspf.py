"""JSPF playlists (XSPF in JSON, as ListenBrainz and MusicBrainz use it): read and written.

`{"playlist": {"title", "annotation", "track": [{"title", "creator", "album", "duration",
"identifier", "location"}]}}`: `duration` in milliseconds; `identifier` and `location` are
lists in the specification and single strings in some files (ListenBrainz's older ones),
read either way; a link to a service's track makes the entry that track. Read one track at
a time (`JsonStream`), so a long file is never held whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.playlist_files.json_stream import JsonStream, MissingMember
from songbird_gui.core.playlist_files.model import FilePlaylist, file_track
from songbird_gui.core.track_links import track_link
from songbird_gui.core.types import Track


def _strings(value: Any) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    return tuple(v.strip() for v in values if isinstance(v, str) and v.strip())


def _track(raw: Any) -> Track:
    raw = raw if isinstance(raw, dict) else {}
    creator = next(iter(_strings(raw.get("creator"))), "")
    duration = raw.get("duration")
    return file_track(
        next(iter(_strings(raw.get("title"))), ""),
        (creator,) if creator else (),
        next(iter(_strings(raw.get("album"))), None),
        duration if isinstance(duration, int) and 0 < duration < 24 * 3600 * 1000 else None,
        names=(*_strings(raw.get("identifier")), *_strings(raw.get("location"))),
    )


def read_playlist(
    stream: TextIO, name: str, file: str, cancel: CancelToken | None = None
) -> FilePlaylist:
    reader = JsonStream(stream, cancel)
    found = False
    title = annotation = ""
    tracks: list[Track] = []
    for key in reader.members():
        if key != "playlist" or reader.peek() != "{":
            reader.value()
            continue
        found = True
        for inner in reader.members():
            if inner == "track" and reader.peek() == "[":
                tracks.extend(_track(raw) for raw in reader.items())
            elif inner in ("title", "annotation"):
                value = reader.value()
                text = value.strip() if isinstance(value, str) else ""
                title, annotation = (text, annotation) if inner == "title" else (title, text)
            else:
                reader.value()
    reader.end()
    if not found:
        raise MissingMember('it has no "playlist" object')
    return FilePlaylist(title or name, tuple(tracks), file, description=annotation)


def _entry(track: Track) -> dict[str, Any]:
    link = track_link(track)
    entry: dict[str, Any] = {
        "title": track.title,
        "creator": ", ".join(track.artists) or None,
        "album": track.album,
        "duration": track.duration_ms,
        "identifier": [link] if link else None,
        "location": [link] if link else None,
    }
    return {key: value for key, value in entry.items() if value is not None}


def write_playlist(out: TextIO, name: str, description: str, tracks: Iterable[Track]) -> None:
    """One track per line, written as it comes (a long playlist is never held as text)."""
    head: dict[str, Any] = {"title": name}
    if description:
        head["annotation"] = description
    opening = json.dumps({"playlist": head}, ensure_ascii=False)[:-2]  # without the "}}"
    out.write(opening + ', "track": [')
    for number, track in enumerate(tracks):
        out.write(("," if number else "") + "\n  " + json.dumps(_entry(track), ensure_ascii=False))
    out.write("\n]}}\n")
