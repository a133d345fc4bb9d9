"""Songbird never calls a Spotify endpoint removed in February 2026.

The removed endpoints are those of Spotify's "Web API Changelog - February 2026" and its
migration guide that a sync could reach for: a user's playlists (`GET/POST
/users/{id}/playlists`), several tracks in one request (`GET /tracks?ids=`), a playlist's
`/tracks` (renamed `/items`; the old path answers 403), and the per-type library endpoints
(save, remove and check tracks, albums, episodes, shows, audiobooks: now `/me/library`).

Which spotipy methods send to them is read from spotipy's own source, so a spotipy that moves
a method to a new endpoint (as 2.26 did for saving tracks) frees it, and one that keeps an old
path keeps it forbidden. The product's code is then searched for any call of those methods and
for any of those paths written out.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import spotipy.client

import songbird_gui

VERBS = {"_get": "GET", "_post": "POST", "_put": "PUT", "_delete": "DELETE"}
PER_TYPE = r"me/(tracks|albums|episodes|shows|audiobooks)"
REMOVED: list[tuple[frozenset[str], re.Pattern[str]]] = [
    (frozenset({"GET", "POST"}), re.compile(r"^users/[^/]+/playlists")),
    (frozenset({"GET"}), re.compile(r"^tracks/?(\?|$)")),
    (frozenset({"GET", "POST", "PUT", "DELETE"}), re.compile(r"^playlists/[^/]+/tracks")),
    (frozenset({"PUT", "DELETE"}), re.compile(rf"^{PER_TYPE}/?$")),
    (frozenset({"GET"}), re.compile(rf"^{PER_TYPE}/contains")),
]
# The same paths as they would be written in Songbird's own code (a URL or a path).
WRITTEN_OUT = re.compile(
    rf"users/[^/\"']+/playlists|/v1/tracks\b|playlists/[^/\"']+/tracks|{PER_TYPE}/contains"
)


def _path_of(node: ast.expr) -> str:
    """A request path as written in spotipy: a literal, an f-string, or a sum of them, with
    each computed part as "{}"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_path_of(v) if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _path_of(node.left) + _path_of(node.right)
    return "{}"


def spotipy_requests() -> dict[str, list[tuple[str, str]]]:
    """Each `spotipy.Spotify` method and the (verb, path) of every request it sends itself."""
    tree = ast.parse(inspect.getsource(spotipy.client))
    spotify = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Spotify")
    sent: dict[str, list[tuple[str, str]]] = {}
    for method in (n for n in spotify.body if isinstance(n, ast.FunctionDef)):
        for call in (n for n in ast.walk(method) if isinstance(n, ast.Call)):
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr in VERBS and call.args:
                verb, path = VERBS[func.attr], _path_of(call.args[0])
                sent.setdefault(method.name, []).append((verb, path))
    return sent


def removed(verb: str, path: str) -> bool:
    return any(verb in verbs and pattern.search(path) for verbs, pattern in REMOVED)


def forbidden_methods() -> set[str]:
    return {
        name
        for name, requests in spotipy_requests().items()
        if any(removed(verb, path) for verb, path in requests)
    }


def _docstrings(tree: ast.AST) -> set[int]:
    """The docstrings' nodes (prose may name what is never called)."""
    bodies = [n for n in ast.walk(tree) if isinstance(n, ast.Module | ast.ClassDef)] + [
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    return {
        id(body[0].value)
        for body in (n.body for n in bodies)
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
    }


def offences(source: str, forbidden: set[str]) -> list[str]:
    """Calls of a forbidden spotipy method, and removed paths written out, in `source`."""
    tree = ast.parse(source)
    prose = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in forbidden:
                found.append(f"line {node.lineno}: .{name}(…)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            said = node.value
            if id(node) not in prose and WRITTEN_OUT.search(said):
                found.append(f"line {node.lineno}: {said!r}")
    return sorted(found, key=lambda hit: int(hit.split(":")[0].removeprefix("line ")))


def test_the_removed_endpoints_are_found_in_spotipy_itself():
    """The reading of spotipy's source works: it finds the methods known to use them."""
    forbidden = forbidden_methods()
    assert {"tracks", "user_playlists", "user_playlist_create"} <= forbidden
    # Moved by spotipy 2.26 to /me/library or /me/playlists, or still there: allowed.
    allowed = {
        "current_user_saved_tracks",
        "current_user_saved_tracks_add",
        "current_user_saved_tracks_delete",
        "current_user_playlist_create",
        "current_user_playlists",
        "playlist_items",
        "playlist_add_items",
    }
    assert not allowed & forbidden


def test_the_check_catches_a_removed_endpoint():
    forbidden = forbidden_methods()
    source = (
        "client.user_playlists('someone')\n"
        "client.tracks(ids)\n"
        "url = 'https://api.spotify.com/v1/users/me/playlists'\n"
        "client.playlist_items(playlist_id, limit=50)\n"
    )
    assert offences(source, forbidden) == [
        "line 1: .user_playlists(…)",
        "line 2: .tracks(…)",
        "line 3: 'https://api.spotify.com/v1/users/me/playlists'",
    ]


def test_songbird_names_no_removed_endpoint():
    forbidden = forbidden_methods()
    package = Path(songbird_gui.__file__).parent
    found = {
        str(path.relative_to(package)): hits
        for path in sorted(package.rglob("*.py"))
        if (hits := offences(path.read_text(encoding="utf-8"), forbidden))
    }
    assert found == {}
