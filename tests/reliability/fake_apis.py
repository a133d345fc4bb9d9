"""Stateful stand-ins for the Spotify Web API and YouTube Music's innertube API.

They serve the fault server (fault_server.py). Every answer is a recorded real response from
../shared/recorded with only its content swapped: a search answer is the recorded search
whose result items are clones of the recorded items carrying this catalogue's titles,
artists, ids and lengths; a playlist page is the recorded page with cloned entries. So the
real spotipy and ytmusicapi parse the shapes the real services send. Only the answer to
YouTube Music's `playlist/create` is written here: no source has recorded one (the
manifest's `missing` list says so), and ytmusicapi reads nothing from it but `playlistId`.

State is what a person would see on the services: the playlists, their entries in order,
the liked songs, and which login is accepted. Reads and writes hold one lock, so a burst
of concurrent requests sees each write whole.

Long playlists are read in pages, as the services serve them: Spotify's `/items` in pages of
100 linked by `next`, and YouTube Music's in the 2025 continuation style that ytmusicapi
1.12.3 follows by itself for `get_playlist(limit=None)` (a `continuationItemRenderer` closing
each page, then `appendContinuationItemsAction` answers). Only a public playlist of 2025-06
was recorded with a continuation (the manifest's `missing` list says no owned one was), so a
YouTube Music playlist longer than one page is served in that recording's shape.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from tests.services.replay import RECORDED, Answer, made_up, recorded

SPOTIFY_HOST = "api.spotify.com"
YTMUSIC_HOST = "music.youtube.com"


@dataclass(frozen=True)
class Song:
    """One catalogue entry: a Spotify track id is 22 characters, a YouTube video id 11."""

    id: str
    title: str
    artist: str
    album: str
    seconds: int


@dataclass
class Request:
    """One request as the fault server parsed it."""

    method: str
    host: str  # the service the client addressed (api.spotify.com, music.youtube.com)
    path: str
    query: dict[str, str]
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body or b"{}")

    @property
    def label(self) -> str:
        """ "GET /v1/search", "POST /youtubei/v1/search": what faults and logs match on."""
        return f"{self.method} {self.path}"


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def search_catalogue(songs: Iterable[Song], text: str, limit: int) -> list[Song]:
    """Songs whose every title word is in the query, those sharing artist words first.

    Field syntax (`track:"…" artist:"…"`) is read as plain words, as Spotify's search
    tolerates it.
    """
    words = _words(re.sub(r"\b(track|artist|album):", " ", text))
    found = [s for s in songs if _words(s.title) and _words(s.title) <= words]
    found.sort(key=lambda s: -len(_words(s.artist) & words))
    return found[:limit]


@cache
def _template(name: str) -> Any:
    return json.loads((RECORDED / name).read_bytes())


def _clone_with(template: Any, replacements: dict[str, str]) -> Any:
    """A deep copy of `template` with each old string swapped for its new one, everywhere."""
    text = json.dumps(template)
    for old, new in replacements.items():
        text = text.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])
    return json.loads(text)


def _find(node: Any, key: str) -> list[Any]:
    """Every value under `key` in a nested JSON document, in document order."""
    found: list[Any] = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                found.append(v)
            found.extend(_find(v, key))
    elif isinstance(node, list):
        for v in node:
            found.extend(_find(v, key))
    return found


def _duration(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


# -- A catalogue ----------------------------------------------------------------------------

# Distinct words, so that no title's words are all inside another's search.
# fmt: off
_ADJECTIVES = [
    "amber", "bitter", "cobalt", "dusty", "electric", "faded", "gentle", "hollow", "icy", "jade",
    "kind", "lunar", "molten", "narrow", "opal", "pale", "quiet", "rusty", "silver", "tidal",
    "umber", "velvet", "wild", "xenial", "young", "zesty", "brave", "crimson", "distant", "early",
    "frozen", "golden", "hidden", "indigo", "jolly", "lonely", "misty", "nimble", "olive",
    "proud", "sunken", "tender",
]
_NOUNS = [
    "harbor", "lantern", "meadow", "orchard", "prairie", "quarry", "river", "summit", "thicket",
    "valley", "willow", "canyon", "delta", "estuary", "fjord", "glacier", "grotto", "island",
    "jetty", "kettle", "lagoon", "marsh", "nebula", "oasis", "pebble", "quill", "reef", "savanna",
    "tundra", "upland", "vortex", "wharf", "yarrow", "zephyr", "anchor", "beacon", "compass",
    "dune", "ember", "forest", "garden",
]
_FIRST = [
    "Ada", "Bram", "Cleo", "Dov", "Edda", "Finn", "Gala", "Hugo", "Ines", "Jory", "Kaia", "Lev",
    "Mira", "Nils", "Oona", "Pax", "Quin", "Rhea", "Sol", "Tove", "Ugo", "Vera", "Wim", "Xeni",
    "Yara", "Zeno", "Alma", "Birk", "Cora", "Dag", "Elin", "Fern", "Gus", "Hedda", "Ivo", "Juno",
    "Kit", "Lumi", "Mads", "Nova",
]
_LAST = [
    "Arden", "Brisk", "Calloway", "Dunmore", "Everly", "Fairweather", "Grayling", "Holloway",
    "Ibsen", "Jansen", "Kestrel", "Lindqvist", "Marlowe", "Nyberg", "Osgood", "Pemberton",
    "Quayle", "Rydell", "Stroud", "Thorne", "Ulric", "Vance", "Whitlow", "Yardley", "Zeller",
    "Ashby", "Blythe", "Crane", "Dalby", "Ellery", "Fenwick", "Garrow", "Hartley", "Ingram",
    "Jessop", "Kimble", "Lowry", "Mercer", "Norcross", "Oakes",
]
# fmt: on


def long_catalogue(count: int) -> tuple[list[Song], list[Song]]:
    """`count` songs on each service for long reads (never searched: the titles may share
    words), in the id scheme of `twin_catalogue`."""
    spotify, ytmusic = [], []
    for i in range(count):
        words = (_ADJECTIVES[i % len(_ADJECTIVES)], _NOUNS[(i // len(_ADJECTIVES)) % len(_NOUNS)])
        title = f"{words[0].title()} {words[1].title()} No. {i}"
        artist = f"{_FIRST[i % len(_FIRST)]} {_LAST[(i // len(_FIRST)) % len(_LAST)]}"
        spotify.append(Song(f"sp{i:020d}", title, artist, f"{title} EP", 120 + i % 200))
        ytmusic.append(Song(f"yt{i:09d}", title, artist, f"{title} EP", 121 + i % 200))
    return spotify, ytmusic


def twin_catalogue(count: int) -> tuple[list[Song], list[Song]]:
    """`count` Spotify songs and their YouTube Music twins (a second off, as happens)."""
    spotify, ytmusic = [], []
    for i in range(count):
        title = f"{_ADJECTIVES[i].title()} {_NOUNS[i].title()}"
        artist = f"{_FIRST[i]} {_LAST[i]}"
        spotify.append(Song(f"sp{i:020d}", title, artist, f"{title} EP", 180 + i))
        ytmusic.append(Song(f"yt{i:09d}", title, artist, f"{title} EP", 181 + i))
    return spotify, ytmusic


# -- Spotify ------------------------------------------------------------------------------


def _spotify_error(status: int, message: str) -> Answer:
    return made_up({"error": {"status": status, "message": message}}, status)


@dataclass
class SpotifyPlaylist:
    id: str
    name: str
    entries: list[str] = field(default_factory=list)  # track ids, in order, repeats allowed


class FakeSpotify:
    """Enough of the Web API for a whole sync, in its 2026 shape (/items, /me/playlists)."""

    PAGE = 100

    def __init__(self, catalogue: Iterable[Song], token: str = "token-1") -> None:
        self.songs = {s.id: s for s in catalogue}
        self.refused: set[str] = set()  # found by search, refused by a write (region-locked)
        self.playlists: dict[str, SpotifyPlaylist] = {}
        self.liked: list[str] = []
        self.token = token
        self.lock = threading.Lock()
        self._serial = 0

    def add_playlist(self, name: str, entries: Iterable[str] = ()) -> SpotifyPlaylist:
        self._serial += 1
        playlist = SpotifyPlaylist(f"{self._serial:0>22}"[-22:], name, list(entries))
        self.playlists[playlist.id] = playlist
        return playlist

    # Recorded objects, re-dressed --------------------------------------------------------

    def _track(self, song: Song) -> dict[str, Any]:
        template = _template("spotify/search_track_2026-03_never-gonna-give-you-up.json")
        track = copy.deepcopy(template["tracks"]["items"][0])
        track.update(
            id=song.id,
            name=song.title,
            uri=f"spotify:track:{song.id}",
            href=f"https://{SPOTIFY_HOST}/v1/tracks/{song.id}",
            duration_ms=song.seconds * 1000,
            external_ids={},  # a shared recorded ISRC would make every track "the same"
        )
        track["artists"] = [dict(track["artists"][0], name=song.artist, id=song.id[::-1])]
        track["album"] = dict(track["album"], name=song.album)
        return track

    def _page(self, request: Request, ids: list[str], path: str) -> dict[str, Any]:
        offset = int(request.query.get("offset", 0))
        limit = int(request.query.get("limit", self.PAGE))
        template = _template("spotify/playlist_items_2026-03.json")
        entry = template["items"][0]
        items = []
        for track_id in ids[offset : offset + limit]:
            track = self._track(self.songs[track_id])
            items.append(dict(copy.deepcopy(entry), track=track, item=track))
        more = offset + limit < len(ids)
        url = f"https://{SPOTIFY_HOST}{path}"
        return dict(
            template,
            href=f"{url}?offset={offset}&limit={limit}",
            items=items,
            limit=limit,
            offset=offset,
            total=len(ids),
            next=f"{url}?offset={offset + limit}&limit={limit}" if more else None,
        )

    def _playlist_object(self, playlist: SpotifyPlaylist) -> dict[str, Any]:
        template = _template("spotify/me_playlists_page1_2026-03.json")["items"][0]
        old_id = template["id"]
        item: dict[str, Any] = _clone_with(template, {old_id: playlist.id})
        item["name"] = playlist.name
        item["items"] = dict(item["items"], total=len(playlist.entries))
        item["tracks"] = dict(item["tracks"], total=len(playlist.entries))
        return item

    # Endpoints ---------------------------------------------------------------------------

    def handle(self, request: Request) -> Answer:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return _spotify_error(401, "The access token expired")
        with self.lock:
            return self._route(request)

    def _route(self, request: Request) -> Answer:
        method, path = request.method, request.path
        if (method, path) == ("GET", "/v1/me"):
            return recorded("spotify/me_2026-03.json")
        if (method, path) == ("GET", "/v1/me/playlists"):
            page = dict(_template("spotify/me_playlists_page1_2026-03.json"))
            items = [self._playlist_object(p) for p in self.playlists.values()]
            return made_up(dict(page, items=items, total=len(items), next=None))
        if (method, path) == ("GET", "/v1/me/tracks"):
            return made_up(self._page(request, self.liked, path))
        if (method, path) == ("GET", "/v1/search"):
            limit = int(request.query.get("limit", 10))
            found = search_catalogue(self.songs.values(), request.query.get("q", ""), limit)
            answer = copy.deepcopy(
                _template("spotify/search_track_2026-03_never-gonna-give-you-up.json")
            )
            answer["tracks"].update(
                items=[self._track(s) for s in found], total=len(found), next=None, limit=limit
            )
            return made_up(answer)
        if (method, path) == ("POST", "/v1/me/playlists"):
            playlist = self.add_playlist(str(request.json().get("name") or ""))
            template = _template("spotify/create_playlist_201_2025-01.json")
            created = _clone_with(template, {template["id"]: playlist.id})
            created["name"] = playlist.name
            return made_up(created, 201)
        match = re.fullmatch(r"/v1/playlists/(\w+)/items", path)
        if match:
            playlist = self.playlists.get(match.group(1))
            if playlist is None:
                return recorded("spotify/error_404_not_found_2026-03.json")
            if method == "GET":
                return made_up(self._page(request, playlist.entries, path))
            payload = request.json()  # spotipy sends the bare list of URIs
            uris = payload if isinstance(payload, list) else payload.get("uris") or []
            ids = [str(u).rsplit(":", 1)[-1] for u in uris]
            if any(i not in self.songs or i in self.refused for i in ids):
                return _spotify_error(400, "Invalid base62 id")  # the whole batch is refused
            playlist.entries.extend(ids)
            return recorded("spotify/playlist_add_items_201_2025-01.json")
        return _spotify_error(404, f"no fake for {method} {path}")


# -- YouTube Music ------------------------------------------------------------------------

_YT_SEARCH = "ytmusic/search_songs_en_2022-10-25_abstrakt-nobody-else.json"
_YT_VIDEOS = "ytmusic/search_videos_en_2022-02-08_lost-kings-tove-styrke-kuur-kbubs-dcb-stuck.json"
_YT_PLAYLIST = "ytmusic/get_playlist_owned_youtui_2024-06-24.json"
# The only recorded playlist read with continuations (2025 style): a public playlist.
_YT_LONG_PLAYLIST = "ytmusic/get_playlist_public_not-owned_youtui_2025-06-04.json"
_YT_CONTINUATION = "ytmusic/get_playlist_public_not-owned_youtui_2025-06-04_continuation.json"
_YT_LIBRARY = "ytmusic/get_library_playlists_youtui_2023-11.json"


_SHELF = '"@shelf contents@"'


@cache
def _search_page(name: str) -> str:
    """A recorded search answer as JSON text, its result shelf's items left to fill in."""
    answer = copy.deepcopy(_template(name))
    shelf = _find(answer, "musicShelfRenderer")[0]
    shelf["contents"] = json.loads(_SHELF)
    shelf.pop("continuations", None)
    return json.dumps(answer)


def _youtube_error(status: int, message: str, code: str) -> Answer:
    return made_up({"error": {"code": status, "message": message, "status": code}}, status)


def _set_runs(column: dict[str, Any], texts: list[str]) -> None:
    """Give a flex or fixed column these run texts, keeping each run's links."""
    runs = column["text"]["runs"]
    column["text"]["runs"] = [
        dict(runs[i] if i < len(runs) else {}, text=text) for i, text in enumerate(texts)
    ]


@dataclass
class YouTubePlaylist:
    id: str
    name: str
    entries: list[str] = field(default_factory=list)  # video ids, in order


class FakeYouTubeMusic:
    """Enough of innertube for a whole sync: search, library, playlists, create, add."""

    PAGE = 100  # entries per page of a playlist read (the recorded pages hold 102)

    def __init__(self, catalogue: Iterable[Song], session: str = "session-1") -> None:
        self.songs = {s.id: s for s in catalogue}
        self.refused: set[str] = set()  # found by search, refused by a write (region-locked)
        self.playlists: dict[str, YouTubePlaylist] = {}
        self.session = session  # the __Secure-3PAPISID cookie the service accepts
        self.lock = threading.Lock()
        self._items: dict[tuple[str, bool], str] = {}
        self._serial = 0

    def add_playlist(self, name: str, entries: Iterable[str] = ()) -> YouTubePlaylist:
        self._serial += 1
        playlist = YouTubePlaylist(f"PLfake{self._serial:028d}", name, list(entries))
        self.playlists[playlist.id] = playlist
        return playlist

    # Recorded objects, re-dressed --------------------------------------------------------

    def _search_item(self, song: Song, videos: bool) -> str:
        """One result, as JSON text (cached: a sync asks for the same songs many times)."""
        key = (song.id, videos)
        if key not in self._items:
            answer = _template(_YT_VIDEOS if videos else _YT_SEARCH)
            template = _find(answer, "musicShelfRenderer")[0]["contents"][0]
            old_id = _find(template, "videoId")[0]
            item = _clone_with(template, {old_id: song.id})
            renderer = item["musicResponsiveListItemRenderer"]
            flex = renderer["flexColumns"]
            columns = [c["musicResponsiveListItemFlexColumnRenderer"] for c in flex]
            _set_runs(columns[0], [song.title])
            middle = "12K views" if videos else song.album
            _set_runs(columns[1], [song.artist, " • ", middle, " • ", _duration(song.seconds)])
            self._items[key] = json.dumps(item)
        return self._items[key]

    def _search(self, request: Request) -> Answer:
        body = request.json()
        videos = _is_videos_filter(str(body.get("params") or ""))
        found = search_catalogue(self.songs.values(), str(body.get("query") or ""), 20)
        if not found:
            return recorded("ytmusic/search_unfiltered_youtui_2024-07-21_NO-RESULTS.json")
        items = ", ".join(self._search_item(s, videos) for s in found)
        page = _search_page(_YT_VIDEOS if videos else _YT_SEARCH).replace(_SHELF, f"[{items}]")
        return Answer(200, page.encode())

    def _playlist_entry(self, song: Song, template: dict[str, Any]) -> dict[str, Any]:
        old_id = template["musicResponsiveListItemRenderer"]["playlistItemData"]["videoId"]
        entry = _clone_with(template, {old_id: song.id})
        renderer = entry["musicResponsiveListItemRenderer"]
        columns = [c["musicResponsiveListItemFlexColumnRenderer"] for c in renderer["flexColumns"]]
        _set_runs(columns[0], [song.title])
        _set_runs(columns[1], [song.artist])
        _set_runs(columns[2], [song.album])
        fixed = renderer["fixedColumns"][0]["musicResponsiveListItemFixedColumnRenderer"]
        _set_runs(fixed, [_duration(song.seconds)])
        return entry

    def _playlist_page(self, playlist: YouTubePlaylist) -> Answer:
        if len(playlist.entries) > self.PAGE:
            return self._long_playlist_page(playlist)
        answer = copy.deepcopy(_template(_YT_PLAYLIST))
        shelf = _find(answer, "musicPlaylistShelfRenderer")[0]
        template = shelf["contents"][0]
        shelf["contents"] = [
            self._playlist_entry(self.songs[i], template) for i in playlist.entries
        ]
        if not shelf["contents"]:
            del shelf["contents"]  # an empty playlist has only its `emptyState`
        shelf.pop("continuations", None)
        return made_up(answer)

    def _entries(self, playlist: YouTubePlaylist, offset: int, template: Any) -> list[Any]:
        """One page of entries from `offset`, closed by a continuation when more follow."""
        ids = playlist.entries[offset : offset + self.PAGE]
        contents = [self._playlist_entry(self.songs[i], template) for i in ids]
        if offset + self.PAGE < len(playlist.entries):
            closing = copy.deepcopy(_continuation_item())
            command = closing["continuationItemRenderer"]["continuationEndpoint"]
            command["continuationCommand"]["token"] = continuation_token(
                playlist.id, offset + self.PAGE
            )
            contents.append(closing)
        return contents

    def _long_playlist_page(self, playlist: YouTubePlaylist) -> Answer:
        answer = copy.deepcopy(_template(_YT_LONG_PLAYLIST))
        shelf = _find(answer, "musicPlaylistShelfRenderer")[0]
        shelf["contents"] = self._entries(playlist, 0, shelf["contents"][0])
        shelf["playlistId"] = playlist.id
        return made_up(answer)

    def _continuation(self, token: str) -> Answer:
        playlist_id, _, offset = token.rpartition(":")
        playlist = self.playlists.get(playlist_id)
        if playlist is None or not offset.isdigit():
            return _youtube_error(400, "Request contains an invalid argument.", "INVALID_ARGUMENT")
        answer = copy.deepcopy(_template(_YT_CONTINUATION))
        action = _find(answer, "appendContinuationItemsAction")[0]
        template = action["continuationItems"][0]
        action["continuationItems"] = self._entries(playlist, int(offset), template)
        action["targetId"] = playlist.id
        return made_up(answer)

    def _library(self) -> Answer:
        answer = copy.deepcopy(_template(_YT_LIBRARY))
        grid = _find(answer, "gridRenderer")[0]
        template = grid["items"][2]
        old_id = _find(template, "playlistId")[0]
        items = grid["items"][:2]  # "New playlist" and Liked Music, as the service lists them
        for playlist in self.playlists.values():
            item = _clone_with(template, {old_id: playlist.id})
            title = item["musicTwoRowItemRenderer"]["title"]
            title["runs"] = [dict(title["runs"][0], text=playlist.name)]
            for run in _find(item["musicTwoRowItemRenderer"]["subtitle"], "runs")[0]:
                if re.fullmatch(r"\d+ songs?", run.get("text", "")):
                    run["text"] = f"{len(playlist.entries)} songs"
            items.append(item)
        grid["items"] = items
        grid.pop("continuations", None)
        return made_up(answer)

    # Endpoints ---------------------------------------------------------------------------

    def handle(self, request: Request) -> Answer:
        if request.method == "GET":  # ytmusicapi fetches a visitor id from the home page
            return Answer(200, b'<script>ytcfg.set({"VISITOR_DATA":"x"});</script>')
        cookie = request.headers.get("cookie", "")
        if f"__Secure-3PAPISID={self.session}" not in cookie:
            return _youtube_error(
                401, "Request had invalid authentication credentials.", "UNAUTHENTICATED"
            )
        with self.lock:
            return self._route(request)

    def _route(self, request: Request) -> Answer:
        endpoint = request.path.removeprefix("/youtubei/v1/")
        body = request.json()
        if endpoint == "search":
            return self._search(request)
        if endpoint == "browse" and body.get("continuation"):
            return self._continuation(str(body["continuation"]))
        if endpoint == "browse":
            browse_id = str(body.get("browseId") or "")
            if browse_id == "FEmusic_liked_playlists":
                return self._library()
            playlist = self.playlists.get(browse_id.removeprefix("VL"))
            if playlist is None:
                return _youtube_error(404, "Requested entity was not found.", "NOT_FOUND")
            return self._playlist_page(playlist)
        if endpoint == "playlist/create":
            playlist = self.add_playlist(str(body.get("title") or ""))
            return made_up({"playlistId": playlist.id})  # not recorded anywhere: see above
        if endpoint == "browse/edit_playlist":
            playlist = self.playlists.get(str(body.get("playlistId") or ""))
            if playlist is None:
                return _youtube_error(404, "Requested entity was not found.", "NOT_FOUND")
            ids = [a.get("addedVideoId") for a in body.get("actions") or ()]
            if any(i not in self.songs or i in self.refused for i in ids):
                # One bad video fails the whole batch, and YouTube Music says only that.
                return recorded("ytmusic/add_playlist_items_failure_youtui_2024-06-26.json")
            playlist.entries.extend(str(i) for i in ids)
            return recorded("ytmusic/add_playlist_items_success_youtui_2024-06-26.json")
        return _youtube_error(404, f"no fake for {endpoint}", "NOT_FOUND")


def continuation_token(playlist_id: str, offset: int) -> str:
    """The token of the page of `playlist_id` that starts at `offset` (opaque to clients)."""
    return f"{playlist_id}:{offset}"


@cache
def _continuation_item() -> Any:
    """The recorded `continuationItemRenderer` that closes a page with more to come."""
    return _find(_template(_YT_LONG_PLAYLIST), "musicPlaylistShelfRenderer")[0]["contents"][-1]


@cache
def _videos_params() -> str:
    from ytmusicapi.parsers.search import get_search_params

    return str(get_search_params("videos", None, False))


def _is_videos_filter(params: str) -> bool:
    return urllib.parse.unquote(params) == urllib.parse.unquote(_videos_params())
