"""What Songbird remembers, as a person looks at it: every decision and every "never this one"
of one library's match store, listed (the Matches view, `songbird matches`), found by its id,
forgotten or lifted.

Listing is made for tens of thousands of rows: one light `HistoryRow` per decision, read in
one query, whose tracks stay JSON text until a row is shown or filtered; the candidates are
not read at all (`MatchStore.candidates_of` reads one decision's when it is opened).

Carrying the memory to another machine lives beside it: the file an export writes and an
import reads in matches_file.py, the merge of an import in matches_merge.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from operator import itemgetter
from typing import NamedTuple

from songbird_gui.core.pairs import snapshot_from_json
from songbird_gui.core.store import MatchStore, track_from_json
from songbird_gui.core.types import Decision, MatchOrigin, ServiceId, Track


class How(StrEnum):
    """How a remembered decision was made, as `--decided` names it."""

    AUTO = "auto"
    YOU = "you"
    HAND = "hand"
    NEVER = "never"

    @property
    def words(self) -> str:
        return {
            How.AUTO: "automatic",
            How.YOU: "accepted by you",
            How.HAND: "searched by hand",
            How.NEVER: "never this one",
        }[self]


def how_of(origin: str, by_hand: bool) -> How:
    """How a decision was made, from the store's origin and "found by hand" columns."""
    if origin != MatchOrigin.PERSON:
        return How.AUTO
    return How.HAND if by_hand else How.YOU


class ScoreBand(StrEnum):
    """The matcher's bands, to filter by: sure (taken without asking), review, low, none."""

    ANY = "any"
    SURE = "sure"
    REVIEW = "review"
    LOW = "low"
    NONE = "none"

    @property
    def words(self) -> str:
        return {
            ScoreBand.ANY: "Any score",
            ScoreBand.SURE: "Sure (taken without asking)",
            ScoreBand.REVIEW: "Review band",
            ScoreBand.LOW: "Below the review band",
            ScoreBand.NONE: "No score",
        }[self]

    def holds(self, score: float | None, accept: float, review: float) -> bool:
        if self is ScoreBand.ANY:
            return True
        if score is None:
            return self is ScoreBand.NONE
        if self is ScoreBand.SURE:
            return score >= accept
        if self is ScoreBand.REVIEW:
            return review <= score < accept
        return self is ScoreBand.LOW and score < review


_HOWS = {how.value: how for how in How}
_SERVICES = {service.value: service for service in ServiceId}
_DECISIONS = {decision.value: decision for decision in Decision}


class HistoryRow(NamedTuple):
    """One remembered decision, or one "never this one" (`how` NEVER, `decision` None).

    A tuple as SQLite gives it, so that listing twenty thousand costs next to nothing: the
    codes become enums, and the tracks (JSON text) become tracks, only when asked for.
    """

    how_code: str
    source_key: str
    service_code: str
    decision_code: str | None
    target_id: str | None
    score: float | None
    decided_at: float
    source_json: str | None = None
    target_json: str | None = None

    @property
    def how(self) -> How:
        return _HOWS[self.how_code]

    @property
    def target_service(self) -> ServiceId:
        return _SERVICES[self.service_code]

    @property
    def decision(self) -> Decision | None:
        return None if self.decision_code is None else _DECISIONS[self.decision_code]

    @property
    def source(self) -> Track | None:
        """The source track, when the store knows it (a decision older than the Matches view
        learns it at its next sync)."""
        return track_from_json(self.source_json)

    @property
    def target(self) -> Track | None:
        """The chosen (or, for NEVER, the refused) target track, when one is known."""
        track = track_from_json(self.target_json)
        if track is None and self.target_id:
            return Track(self.target_service, self.target_id, "")
        return track

    @property
    def row_id(self) -> str:
        """A short id that stays the same as long as the row means the same thing (and on
        another machine): what `songbird matches forget` takes."""
        parts = [self.source_key, self.service_code]
        if self.how_code == How.NEVER:
            parts = ["never", *parts, self.target_id or ""]
        return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:10]

    @property
    def state_words(self) -> str:
        """What became of the track, in the words the track table uses."""
        decision = self.decision
        if decision is None:
            return "never this one"
        return {
            Decision.ACCEPT: "matched",
            Decision.REVIEW: "needs review",
            Decision.NOT_FOUND: "not found",
            Decision.SKIPPED: "left out by you",
        }[decision]


def describe(track: Track | None, fallback: str = "") -> str:
    """ "Title — Artist, Artist" (the id where the title is not known)."""
    if track is None:
        return fallback
    if not track.title:
        return track.id or fallback
    artists = ", ".join(track.artists)
    return f"{track.title} — {artists}" if artists else track.title


# "How" worked out by SQLite, so that a listed row is the tuple it returns, untouched.
_LISTED = (
    "CASE WHEN origin != 'person' THEN 'auto' WHEN by_hand THEN 'hand' ELSE 'you' END,"
    " source_key, target_service, decision, target_id, score, decided_at, source, target"
)


def load_history(store: MatchStore) -> list[HistoryRow]:
    """Every decision and rejection of `store`, the newest first."""
    rows = store.rows(
        f"SELECT {_LISTED} FROM decisions UNION ALL SELECT 'never', source_key,"
        " target_service, NULL, target_id, NULL, decided_at, source, target FROM rejections"
    )
    # Sorted here rather than by SQLite, whose sorter would carry each row's track texts
    # through its merge: a third of the time of listing twenty thousand.
    rows.sort(key=itemgetter(6), reverse=True)
    return list(map(HistoryRow._make, rows))


def history_row(store: MatchStore, source_key: str, target_service: ServiceId) -> HistoryRow | None:
    """The decision row for one source track, as `load_history` builds it."""
    found = store.rows(
        f"SELECT {_LISTED} FROM decisions WHERE source_key=? AND target_service=?",
        (source_key, str(target_service)),
    )
    return HistoryRow._make(found[0]) if found else None


PlaylistIndex = Mapping[tuple[str, str, str], tuple[str, ...]]


def holding_playlists(store: MatchStore) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """(source key, target service, target id) → the target playlists whose pair's last sync
    wrote or found that target track for that source track (from the pairs' snapshots)."""
    index: dict[tuple[str, str, str], list[str]] = {}
    for service, name, text in store.rows(
        "SELECT target_service, target_name, snapshot FROM pairs WHERE snapshot IS NOT NULL "
        "ORDER BY target_name"
    ):
        snapshot = snapshot_from_json(str(text))
        if snapshot is None:
            continue
        for entry in snapshot.entries:
            if entry.target_id is None:
                continue
            names = index.setdefault((entry.source_key, str(service), entry.target_id), [])
            if name not in names:
                names.append(str(name))
    return {key: tuple(names) for key, names in index.items()}


def playlists_of(row: HistoryRow, index: PlaylistIndex) -> tuple[str, ...]:
    if row.how_code == How.NEVER or row.target_id is None:
        return ()
    return index.get((row.source_key, str(row.target_service), row.target_id), ())


def search_text(row: HistoryRow) -> str:
    """What a text filter looks in, case-folded: both tracks' titles, artists and albums."""
    parts = [row.source_key, row.target_id or ""]
    for track in (row.source, row.target):
        if track is not None:
            parts.extend((track.title, *track.artists, track.album or ""))
    return " ".join(parts).casefold()


def matches_words(text: str, words: str) -> bool:
    """Every word of `words` is in `text` (already case-folded)."""
    return all(word in text for word in words.casefold().split())


def select(rows: Iterable[HistoryRow], words: str = "", how: How | None = None) -> list[HistoryRow]:
    """The rows a text and a "how decided" choose (the command line's --query, --decided)."""
    return [
        r
        for r in rows
        if (how is None or r.how_code == how)
        and (not words or matches_words(search_text(r), words))
    ]


def forget(store: MatchStore, row: HistoryRow) -> bool:
    """Drop a decision (the next sync searches its track again), or lift a "never this one".
    False when it was gone already."""
    if row.how_code == How.NEVER:
        return store.lift_rejection(row.source_key, row.target_service, row.target_id or "")
    return store.forget_key(row.source_key, row.target_service)


def find(rows: Sequence[HistoryRow], row_id: str) -> HistoryRow | None:
    """The row with this id (or the only one whose id starts with it)."""
    exact = [r for r in rows if r.row_id == row_id]
    if exact:
        return exact[0]
    started = [r for r in rows if row_id and r.row_id.startswith(row_id)]
    return started[0] if len(started) == 1 else None
