"""XSPF playlists (the XML Shareable Playlist Format, xspf.org): read and written.

`<playlist><title/><annotation/><trackList><track><location/><identifier/><title/>
<creator/><album/><duration/></track></trackList></playlist>`, in the namespace
http://xspf.org/ns/0/ (files without it are read alike). `duration` is in milliseconds;
`location` and `identifier` may repeat; a link to a service's track makes the entry that
track. Read with `iterparse`, each track dropped once read, so a long file is never held
whole; expat (2.4.1 and later, as bundled with Python 3.11) refuses entity expansion bombs,
and ElementTree resolves no external entity.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, TextIO
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import Cancelled
from songbird_gui.core.playlist_files.model import FilePlaylist, file_track
from songbird_gui.core.track_links import track_link
from songbird_gui.core.types import Track

NAMESPACE = "http://xspf.org/ns/0/"


class XspfShapeError(ValueError):
    """Not an XSPF playlist; `str(error)` says why."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _track(element: ElementTree.Element) -> Track:
    fields: dict[str, list[str]] = {}
    for child in element:
        text = (child.text or "").strip()
        if text:
            fields.setdefault(_local(child.tag), []).append(text)

    def first(name: str) -> str:
        return (fields.get(name) or [""])[0]

    duration = first("duration")
    creator = first("creator")
    return file_track(
        first("title"),
        (creator,) if creator else (),
        first("album") or None,
        int(duration) if duration.isdigit() and int(duration) > 0 else None,
        names=(*fields.get("identifier", ()), *fields.get("location", ())),
    )


def read_playlist(
    stream: IO[bytes], name: str, file: str, cancel: CancelToken | None = None
) -> FilePlaylist:
    tracks: list[Track] = []
    title = annotation = ""
    depth = 0
    try:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            depth += 1 if event == "start" else -1
            tag = _local(element.tag)
            if event == "start":
                if depth == 1 and tag != "playlist":
                    raise XspfShapeError("its root element is not <playlist>")
                continue
            if tag == "track":
                tracks.append(_track(element))
                element.clear()
                if len(tracks) % 2000 == 0 and cancel is not None and cancel.cancelled:
                    raise Cancelled()
            elif depth == 1 and tag == "title":
                title = (element.text or "").strip()
            elif depth == 1 and tag == "annotation":
                annotation = (element.text or "").strip()
    except ElementTree.ParseError as error:
        raise XspfShapeError(f"it is not well-formed XML ({error})") from None
    return FilePlaylist(title or name, tuple(tracks), file, description=annotation)


def _element(name: str, text: str | int | None) -> str:
    return f"<{name}>{escape(str(text))}</{name}>" if text not in (None, "") else ""


def write_playlist(out: TextIO, name: str, description: str, tracks: Iterable[Track]) -> None:
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<playlist version="1" xmlns="{NAMESPACE}">\n')
    out.write(f"  {_element('title', name)}\n")
    if description:
        out.write(f"  {_element('annotation', description)}\n")
    out.write("  <trackList>\n")
    for track in tracks:
        link = track_link(track)
        parts = [
            _element("location", link),
            _element("identifier", link),
            _element("title", track.title),
            _element("creator", ", ".join(track.artists)),
            _element("album", track.album),
            _element("duration", track.duration_ms),
        ]
        out.write(f"    <track>{''.join(parts)}</track>\n")
    out.write("  </trackList>\n</playlist>\n")
