"""Benchmark of `songbird matches import`: the memory a big import of remembered decisions takes.

Run: `python tests/benchmarks/bench_import.py` (under a minute).

An export of 20,000 decisions, each with six candidates (a source track, a chosen one and
their scores: what a store holds after a few hundred playlists), written by the product's
own `write_export` (about 70 MB, indented as Songbird writes it), is imported into an empty
match store on disk, as `songbird matches import FILE` does on a new machine: read and
checked (`read_export`), then merged in one transaction (`merge`). `import_peak_mb` is the
peak resident memory above what the process held before the import: the import runs in a
process of its own (this file with `--import FILE`), so that its peak is the import's and
not the making of the export's. Target: ≤ 200 MB, for a file of about 70 MB. The ideal,
printed beside it: the file's size (the text alone, held whole). The reader before, which
decoded the whole document at once (`json.loads`), took 322 MB on this file (617 MB on the
one issue 21 measured). `import_s` is the import's time, for the record (no target: it
runs once, by hand).

The last line of output is one JSON object with every figure; the exit status is 1 when a
target is missed.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from songbird_gui.core.matches_file import PERSON_LIBRARY, read_export, write_export
from songbird_gui.core.matches_merge import merge
from songbird_gui.core.store import MatchStore
from songbird_gui.core.types import Candidate, Decision, MatchResult, ServiceId, Track

DECISIONS = 20_000
CANDIDATES = 6
PEAK_MB = 200.0
WORDS = ["night", "river", "golden", "echo", "heart", "summer", "light", "blue", "shadow"]


def rss_mb(field: str) -> float:
    """The process's resident memory now (VmRSS) or at its peak so far (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    import resource  # not Linux: the peak only

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count)).title()


def track(rng: random.Random, service: ServiceId, serial: int) -> Track:
    return Track(
        service,
        f"{service}{serial:08d}{rng.randrange(10**8):08d}",
        f"{words(rng, 3)} ({words(rng, 2)} Remix) {serial}",
        (words(rng, 2), words(rng, 1)),
        f"{words(rng, 2)} Sessions, Volume {serial % 7}",
        duration_ms=rng.randrange(120_000, 420_000),
        isrc=f"XX{rng.randrange(10**10):010d}",
    )


def a_big_export(folder: Path) -> Path:
    """`DECISIONS` remembered decisions, written as `songbird matches export` writes them."""
    rng = random.Random(21)
    store = MatchStore(":memory:")  # the other machine's
    for n in range(DECISIONS):
        source = track(rng, ServiceId.SPOTIFY, n)
        offered = tuple(
            Candidate(track(rng, ServiceId.YTMUSIC, n * CANDIDATES + c), 0.9 - c / 20)
            for c in range(CANDIDATES)
        )
        store.remember(MatchResult(source, Decision.ACCEPT, offered[0], offered), ServiceId.YTMUSIC)
    path = folder / "songbird-matches.json"
    write_export(store, path, PERSON_LIBRARY)
    store.close()
    return path


def import_alone(export: Path, folder: Path) -> dict[str, float]:
    """Import `export` into a new store in `folder` (in this process, fresh): the figures."""
    start_mb = rss_mb("VmRSS")
    started = time.perf_counter()
    here = MatchStore(folder / "here.sqlite3")
    report = merge(here, read_export(export), PERSON_LIBRARY)
    seconds = time.perf_counter() - started
    peak_mb = rss_mb("VmHWM") - start_mb
    here.close()
    assert report.added == DECISIONS, report.figures()
    return {"import_peak_mb": round(peak_mb, 1), "import_s": round(seconds, 2)}


def main() -> int:
    if sys.argv[1:2] == ["--import"]:
        export = Path(sys.argv[2])
        print(json.dumps(import_alone(export, export.parent)))
        return 0
    with tempfile.TemporaryDirectory(prefix="songbird-import-") as name:
        export = a_big_export(Path(name))
        size_mb = export.stat().st_size / 1e6
        alone = subprocess.run(
            [sys.executable, __file__, "--import", str(export)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    figures = {
        **json.loads(alone.stdout.splitlines()[-1]),
        "import_file_mb": round(size_mb, 1),
        "import_decisions": DECISIONS,
    }
    peak_mb, seconds = figures["import_peak_mb"], figures["import_s"]
    print(
        f"importing {DECISIONS:,} decisions ({size_mb:.0f} MB): {peak_mb:.0f} MB above start "
        f"(target ≤ {PEAK_MB:.0f}: {peak_mb / PEAK_MB:.2f} of the bound; the ideal, the "
        f"file's text alone: {size_mb:.0f} MB, {peak_mb / size_mb:.1f}×), {seconds:.1f} s",
        flush=True,
    )
    missed = [f"import_peak_mb = {peak_mb:.0f} (> {PEAK_MB:.0f})"] if peak_mb > PEAK_MB else []
    for line in missed:
        print(f"MISSED: {line}")
    print(json.dumps({**figures, "missed": missed}))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
