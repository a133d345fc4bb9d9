"""A demo catalogue of any size, as varied as the bundled one, for the benchmarks.

The bundled catalogue (`resources/demo/make_catalogue.py`) holds about 3,000 recordings with
the cases real libraries have: remasters, live and acoustic versions, songs only on video,
covers and karaoke decoys, missing tracks, non-Latin scripts, long titles with featured
artists. `big_catalogue(n)` runs the same generator with further seeds and joins the results
(ids prefixed per seed), so a 10,000-track playlist meets those cases in the same shares as
a demo sync does: about a tenth of its tracks need a person's look, a few are not found.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "resources" / "demo" / "make_catalogue.py"
PLAYLIST = "Everything"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("make_catalogue", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_catalogue", module)
    spec.loader.exec_module(module)
    return module


def _lengthen_some_titles(
    spotify: list[dict[str, Any]],
    ytmusic: list[dict[str, Any]],
    truth: dict[str, str | None],
    rng: random.Random,
) -> None:
    """One track in 30 gets a long subtitle, on both sides: the table must cope with it."""
    twins = {t["id"]: t for t in ytmusic}
    for track in spotify:
        twin = twins.get(truth.get(track["id"]) or "")
        if twin is None or rng.random() >= 1 / 30:
            continue
        subtitle = rng.choice(SUBTITLES)
        track["title"] = f"{track['title']} ({subtitle})"
        twin["title"] = f"{twin['title']} ({subtitle})"


SUBTITLES = (
    "Theme from the Motion Picture “The Long Winter Evenings of Northern Harbour Towns”",
    "Music from the Original Television Series “A Summer Between Two Lighthouses”",
    "Part One of the Suite for the Ones Who Stayed Behind When the Last Ferry Left",
    "Written for the Hundredth Anniversary of the Old Observatory on the Hill",
)


def big_catalogue(size: int, seed: int = 7) -> dict[str, Any]:
    """A catalogue whose Spotify side has one playlist, `PLAYLIST`, of `size` tracks."""
    generator = _generator()
    spotify: list[dict[str, Any]] = []
    ytmusic: list[dict[str, Any]] = []
    truth: dict[str, str | None] = {}
    part = 0
    while len(spotify) < size:
        generator.rng.seed(generator.SEED + part)
        built = generator.Catalogue()
        built.build()

        def renamed(track: dict[str, Any], prefix: str = f"b{part}-") -> dict[str, Any]:
            return {**track, "id": prefix + track["id"]}

        spotify += [renamed(t) for t in built.spotify]
        ytmusic += [renamed(t) for t in built.ytmusic]
        truth.update(
            {f"b{part}-{s}": (f"b{part}-{y}" if y else None) for s, y in built.truth.items()}
        )
        part += 1
    rng = random.Random(seed)
    _lengthen_some_titles(spotify, ytmusic, truth, rng)
    chosen = [t["id"] for t in spotify]
    rng.shuffle(chosen)
    playlist = {"id": "everything", "name": PLAYLIST, "owner": "Bench", "tracks": chosen[:size]}
    return {
        "version": 1,
        "seed": seed,
        "services": {
            "spotify": {"user": "Bench", "tracks": spotify, "playlists": [playlist], "liked": []},
            "ytmusic": {"user": "Bench", "tracks": ytmusic, "playlists": [], "liked": []},
        },
        "truth": truth,
    }
