"""Changing a demo playlist as its owner would on the service: `change_playlist`.

For `songbird demo-change` and the window's Demo menu, so a new user can watch mirror mode
follow the source. The change goes straight to the demo server's shared state (the person's
own app, not a request of Songbird's); another process's next read sees it. Tracks added are
taken from those the other side of the demo catalogue also has, so a sync can find them.
"""

from __future__ import annotations

import random

from songbird_gui.services.demo_server import DemoServer, load_catalogue


def change_playlist(
    server: DemoServer,
    playlist_id: str,
    *,
    remove: int = 0,
    add: int = 0,
    move: int = 0,
    seed: int | None = None,
) -> list[str]:
    """Remove, add and move entries at random (`seed` repeats a change); the changes in
    words, one line each."""
    dice = random.Random(seed)
    truth = load_catalogue().get("truth", {})  # Spotify id -> its YouTube Music twin
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
        findable = [t for t in server.track_ids() if t in twinned and t not in ids]
        for track_id in dice.sample(findable, min(add, len(findable))):
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
