"""`songbird eval-matches`: the matcher judged on real searches labelled by hand.

Each case runs the path of a real sync: the Spotify track through the Spotify adapter's
conversion, every YouTube Music result through the YouTube Music adapter's, then the matcher
with the settings' thresholds. The figures are those of ../shared/eval/README.md.

A case may go the other way (the format's extension for reported wrong matches, see
`core/wrong_match.py`): with `"from": "ytmusic"` its source is a YouTube Music result and its
candidates are Spotify track objects, each read by its own adapter's conversion.

The file is the person's: anything may be in it. A file that holds no case to judge (not a
list, a list of numbers, every case unsure) or a case that cannot be read is refused with
`CasesFileError`, which says why in words; a score on no data would read as a perfect one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from songbird_gui.core.failure import FileRefused
from songbird_gui.core.kept_file import Damaged, parse_json, read_bytes
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.types import Decision, MatchResult, Track
from songbird_gui.services.spotify import track_from_spotify
from songbird_gui.services.ytmusic import track_from_ytmusic

# A case's direction ("from", Spotify when it does not say): how to read its source, and
# how to read its candidates.
DIRECTIONS: dict[str, tuple[Callable[[Any], Track], Callable[[Any], Track]]] = {
    "spotify": (track_from_spotify, track_from_ytmusic),
    "ytmusic": (track_from_ytmusic, track_from_spotify),
}


@dataclass
class Tally:
    cases: int = 0
    with_answer: int = 0
    top1_right: int = 0
    accepted_wrong: int = 0
    none_cases_accepted: int = 0
    review: int = 0
    review_with_answer: int = 0
    review_shows_answer: int = 0
    lines: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        def share(part: int, whole: int) -> float:
            return round(part / whole, 4) if whole else 1.0

        return {
            "cases": self.cases,
            "top1": share(self.top1_right, self.with_answer),
            "accepted_wrong": self.accepted_wrong,
            "accepted_when_none": self.none_cases_accepted,
            "review_share": share(self.review, self.cases),
            "found_in_review": share(self.review_shows_answer, self.review_with_answer),
        }


class CasesFileError(FileRefused, ValueError):
    """The file cannot be judged as labelled cases; `str(error)` says why, in words."""


def _name(case: dict[str, Any], number: int) -> str:
    named = case.get("id")
    return str(named) if isinstance(named, str | int) else f"#{number}"


def _problem(case: Any) -> str | None:
    """What keeps `case` from being a labelled case, in words, or None."""
    if not isinstance(case, dict):
        return "is not an object"
    direction = case.get("from", "spotify")
    if not isinstance(direction, str) or direction not in DIRECTIONS:
        return f"comes from {str(direction)[:40]!r}, not spotify or ytmusic"
    if not isinstance(case.get("source"), dict):
        return "has no source track"
    candidates = case.get("candidates") or []
    if not isinstance(candidates, list) or not all(isinstance(c, dict) for c in candidates):
        return "has candidates that are not a list of results"
    for key in ("correct", "acceptable"):
        ids = case.get(key) or []
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return f"has a {key} that is not a list of ids"
    return None


def read_cases(path: Path) -> list[dict[str, Any]]:
    """The cases to judge in the file at `path` (those not marked unsure). Raises
    CasesFileError when it holds none, or a case that is not one; OSError when it cannot be
    read."""
    try:
        cases = parse_json(read_bytes(path))
    except Damaged as error:
        raise CasesFileError(f"{path} is not a file of cases ({error})") from None
    if not isinstance(cases, list):
        raise CasesFileError(f"{path} holds no list of cases")
    for number, case in enumerate(cases, start=1):
        problem = _problem(case)
        if problem is not None:
            raise CasesFileError(f"case {number} of {path} {problem}")
    judged = [case for case in cases if not case.get("unsure")]
    if not judged:
        raise CasesFileError(f"{path} holds no case to judge (none, or every one unsure)")
    return judged


def judge(case: dict[str, Any], matcher: Matcher, tally: Tally, number: int = 0) -> None:
    """Judge one case (`read_cases` checked its shape; the adapters' conversions read any
    object, as tests/services/test_conversions_fuzz.py holds them to)."""
    read_source, read_candidate = DIRECTIONS[case.get("from", "spotify")]
    source = read_source(case["source"])
    results = [read_candidate(c) for c in case.get("candidates") or ()]
    result: MatchResult = matcher.decide(source, results, 1)
    ranked = matcher.rank(source, results)
    correct, acceptable = set(case.get("correct") or ()), set(case.get("acceptable") or ())
    right = correct or acceptable  # the best must be official when an official one exists
    anything_right = correct | acceptable
    top = ranked[0].track.id if ranked else None
    chosen = result.best.track.id if result.best else None
    tally.cases += 1
    if right:
        tally.with_answer += 1
        tally.top1_right += top in right
    accepted = result.decision is Decision.ACCEPT
    wrong = accepted and chosen not in anything_right
    tally.accepted_wrong += wrong
    tally.none_cases_accepted += accepted and not anything_right
    shown_right = any(c.track.id in anything_right for c in result.candidates)
    if result.decision is Decision.REVIEW:
        tally.review += 1
        if anything_right:
            tally.review_with_answer += 1
            tally.review_shows_answer += shown_right
    if accepted:
        verdict = "WRONG" if wrong else "right"
    elif result.decision is Decision.REVIEW:
        verdict = (
            "answer shown"
            if shown_right
            else ("nothing right" if not anything_right else "ANSWER MISSING")
        )
    else:
        verdict = "right" if not anything_right else "missed"
    best = result.best
    described = f"{best.track.describe()} {best.score:.2f} [{best.explain()}]" if best else "-"
    tally.lines.append(
        f"{_name(case, number):<6} {result.decision!s:<9} {verdict:<14} "
        f"{source.describe()}  =>  {described}"
    )


def evaluate(path: Path, matcher: Matcher) -> Tally:
    """Judge every case of the file at `path` (see `read_cases` for what it refuses)."""
    tally = Tally()
    for number, case in enumerate(read_cases(path), start=1):
        judge(case, matcher, tally, number)
    return tally


def report(tally: Tally, out: TextIO, as_json: bool) -> None:
    for line in tally.lines:
        print(line, file=out)
    figures = tally.figures()
    print(
        f"{figures['cases']} cases: top1 {figures['top1']:.3f}, accepted wrong "
        f"{figures['accepted_wrong']}, accepted when none {figures['accepted_when_none']}, "
        f"review {figures['review_share']:.3f}, found in review {figures['found_in_review']:.3f}",
        file=out,
    )
    if as_json:
        print(json.dumps(figures), file=out)
