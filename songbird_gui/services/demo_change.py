"""Changing a demo playlist as its owner would on the service: `change_playlist`.

For `songbird demo-change`, the window's Demo menu and the engine's journey tests, so that a
new user can watch mirror mode follow the source. The change goes straight to the demo
server's shared state (the person's own app, not a request of Songbird's); another process's
next read sees it.

Tracks added to a source are taken from those the other side of the catalogue also has, so a
sync can find them. A person's own addition on a target (`findable=False`) is a track the
other side lacks: no source entry stands for it, so a mirror must keep it where it was put.
"""

from __future__ import annotations

import random
from typing import Any

from songbird_gui.services.demo_server import DemoServer, load_catalogue


def change_playlist(
    server: DemoServer,
    playlist_id: str,
    *,
    remove: int = 0,
    add: int = 0,
    move: int = 0,
    seed: int | None = None,
    findable: bool = True,
    catalogue: dict[str, Any] | None = None,
) -> list[str]:
    """Remove, add and move entries at random (`seed` repeats a change); the changes in
    words, one line each.

    `findable`: add tracks the other side has too (an edit of a source); False: tracks it
    lacks (a person's own addition on a target). `catalogue` is the one the server was built
    from (the bundled one when None): its "truth" says which tracks have a twin.
    """
    dice = random.Random(seed)
    truth = (catalogue or load_catalogue()).get("truth", {})  # Spotify id -> its twin
    twinned = {i for pair in truth.items() if pair[1] for i in pair}
    lines: list[str] = []

    def describe(track_id: str) -> str:
        track = server.track(track_id)
        return f"{track['title']} · {', '.join(track['artists'])}"

    def edit(ids: list[str]) -> list[str]:
        ids = list(ids)
        for _ in range(min(remove, len(ids))):
            gone = ids.pop(dice.randrange(len(ids)))
            lines.append(f"removed: {describe(gone)}")
        addable = [
            t
            for t in server.track_ids()
            if (t in twinned) == findable
            and t not in ids
            and server.track(t).get("kind") != "episode"
        ]
        for track_id in dice.sample(addable, min(add, len(addable))):
            ids.append(track_id)
            lines.append(f"added: {describe(track_id)}")
        for _ in range(move if len(ids) > 1 else 0):
            entry = ids.pop(dice.randrange(len(ids)))
            place = dice.randrange(len(ids) + 1)
            ids.insert(place, entry)
            lines.append(f"moved to #{place + 1}: {describe(entry)}")
        return ids

    server.edit_as_a_person(playlist_id, edit)
    return lines
