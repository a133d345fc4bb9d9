"""Every recorded answer is replayed by some test, or said here why it cannot matter.

A recording added to ../shared/recorded must not go unused in silence: a test module under
tests/ names it (the replay tests do, by file name), or NOT_USED gives the reason.
"""

from __future__ import annotations

from pathlib import Path

from tests.services.replay import manifest_names

HERE = Path(__file__).resolve()
TESTS = HERE.parents[1]

NOT_USED = {
    "spotify/album_2025-08_yeezus.json": (
        "Songbird never requests an album (GET /albums/{id}); the simplified tracks it embeds "
        "carry no album and no ISRC, a shape no playlist page or search answer holds."
    ),
}


def test_every_recording_is_replayed_or_explained(shared_dir):
    names = manifest_names()
    sources = [p.read_text(encoding="utf-8") for p in TESTS.rglob("*.py") if p != HERE]
    named = {name for name in names if any(name in source for source in sources)}
    unexplained = sorted(set(names) - named - NOT_USED.keys())
    assert unexplained == [], "recordings no test replays and NOT_USED does not explain"
    assert sorted(NOT_USED.keys() - set(names)) == [], "NOT_USED names files not recorded"
    assert sorted(NOT_USED.keys() & named) == [], "replayed now: take them out of NOT_USED"
    assert all(len(reason) > 20 for reason in NOT_USED.values())
    assert all((shared_dir / "recorded" / name).is_file() for name in names)
