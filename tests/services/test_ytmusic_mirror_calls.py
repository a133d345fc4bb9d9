"""Mirror's calls (entries, removal, reordering) through the real ytmusicapi.

The entries and their setVideoIds come from recorded real playlist pages, and the failure
answer of browse/edit_playlist is the recorded one. No successful removal or move answer was
ever recorded: those are written here as ytmusicapi 1.12.3's own code and tests expect them
(`remove_playlist_items` and `edit_playlist` in mixins/playlists.py return
`response.get("status", response)`, and its tests/mixins/test_playlists.py asserts
"STATUS_SUCCEEDED" for both), each with `made_up`.
"""

from __future__ import annotations

import json

import pytest
import requests

from songbird_gui.core.errors import AuthExpired, NotFound, PermanentError, TransientError
from songbird_gui.core.types import (
    LIKED_PLAYLIST_ID,
    Entry,
    Playlist,
    PlaylistKind,
    ServiceId,
    Track,
)
from songbird_gui.services.ytmusic import YTMusicService
from tests.services.replay import YT, Answer, Replay, made_up, recorded, ytmusic_client
from tests.services.replay import YT_BROWSE as BROWSE
from tests.services.replay import throttled_ytmusic_service as throttled_service
from tests.services.replay import ytmusic_service as service

pytestmark = pytest.mark.recorded
EDIT = ("POST", f"{YT}/youtubei/v1/browse/edit_playlist")
LIKED = Playlist(ServiceId.YTMUSIC, LIKED_PLAYLIST_ID, "Liked Music", kind=PlaylistKind.LIKED)
# An owned playlist of five, recorded 2024-06 (every entry has a setVideoId).
MINE = Playlist(ServiceId.YTMUSIC, "PLCZQcydUIP07mpKlgJxBltks_DdmrMmnb", "mine")
MINE_PAGE = "ytmusic/get_playlist_owned_youtui_2024-06-24.json"
# ytmusicapi's remove_playlist_items and edit_playlist return the answer's "status"; its own
# tests expect "STATUS_SUCCEEDED" (tests/mixins/test_playlists.py: test_edit_playlist,
# test_end2end). No successful edit answer of these actions was recorded.
SUCCEEDED = made_up({"status": "STATUS_SUCCEEDED"})
# The recorded failure answer of the same endpoint (browse/edit_playlist), recorded for an add.
FAILED = "ytmusic/add_playlist_items_failure_youtui_2024-06-26.json"


def google_error(code: int, status: str, message: str) -> Answer:
    # The error body Google's APIs send (no YouTube Music error was recorded).
    return made_up({"error": {"code": code, "message": message, "status": status}}, status=code)


def recorded_rows(name: str) -> list[dict]:
    """What ytmusicapi itself makes of a recorded playlist page: the oracle for handles."""
    client, _ = ytmusic_client({BROWSE: [recorded(name), made_up({})]})
    rows: list[dict] = client.get_playlist("PLx", limit=None)["tracks"]
    return rows


def my_entries(
    extra: dict | None = None,
) -> tuple[YTMusicService, Replay, list[Entry]]:
    yt, replay = service({BROWSE: [recorded(MINE_PAGE)], **(extra or {})})
    entries = yt.playlist_entries(MINE)
    assert len(entries) == 5
    return yt, replay, entries


def edits(replay: Replay) -> list[dict]:
    """The JSON bodies of the edit_playlist requests, without ytmusicapi's client context."""
    bodies = [json.loads(r.body or b"{}") for r in replay.sent if "edit_playlist" in r.url]
    return [{k: v for k, v in b.items() if k != "context"} for b in bodies]


# -- reading -------------------------------------------------------------------------------


def test_entries_carry_the_set_video_id_of_each_occurrence(shared_dir):
    rows = recorded_rows(MINE_PAGE)
    yt, replay = service({BROWSE: [recorded(MINE_PAGE), recorded(MINE_PAGE)]})
    entries = yt.playlist_entries(MINE)
    assert [(e.track.id, e.handle) for e in entries] == [
        (row["videoId"], row["setVideoId"]) for row in rows
    ]
    assert entries[0].handle == "56B44F6D10557CC6"
    assert entries[0].track.title == "Drive My Car (Remastered 2009)"
    # One read path: playlist_tracks is the entries' tracks.
    assert yt.playlist_tracks(MINE) == [e.track for e in entries]
    assert json.loads(replay.sent[-1].body)["browseId"] == f"VL{MINE.id}"


def test_liked_music_entries_where_the_page_has_handles(shared_dir):
    # No "LM" page was ever recorded; the manifest names this owned page as the stand-in.
    page = "ytmusic/get_playlist_owned_private_245-tracks_page1_ytmusicapi_2024-03.json"
    yt, replay = service({BROWSE: [recorded(page), made_up({})]})
    entries = yt.playlist_entries(LIKED)
    assert len(entries) == 100 and len({e.handle for e in entries}) == 100
    assert json.loads(replay.sent[1].body)["browseId"] == "VLLM"


def test_a_playlist_of_someone_else_has_no_handles(shared_dir):
    page = "ytmusic/get_playlist_public_not-owned_youtui_2025-06-04.json"
    yt, _ = service({BROWSE: [recorded(page), made_up({})]})
    entries = yt.playlist_entries(Playlist(ServiceId.YTMUSIC, "PLtheirs", "theirs"))
    assert len(entries) == 102
    assert sum(e.handle is None for e in entries) == 101  # as ytmusicapi parses that page


# -- adding --------------------------------------------------------------------------------


def test_adding_at_a_place_is_refused_before_anything_is_sent():
    yt, replay = service({})
    with pytest.raises(PermanentError, match="YouTube Music adds at the end"):
        yt.add_tracks(MINE, ["kfSQkZuIx84"], position=2)
    assert replay.paths() == ["GET /"]  # only the start page, read when the client is made


# -- removing ------------------------------------------------------------------------------


def test_removal_names_each_occurrence_by_its_set_video_id(shared_dir):
    yt, replay, entries = my_entries({EDIT: [SUCCEEDED]})
    yt.remove_entries(MINE, entries, [3, 1])
    assert edits(replay) == [
        {
            "playlistId": MINE.id,
            "actions": [
                {
                    "setVideoId": "52152B4946C2F73F",
                    "removedVideoId": "Xs5XVhmlO18",
                    "action": "ACTION_REMOVE_VIDEO",
                },
                {
                    "setVideoId": "289F4A46DF0A30D2",
                    "removedVideoId": "EjHzPrBCgf0",
                    "action": "ACTION_REMOVE_VIDEO",
                },
            ],
        }
    ]


def test_removing_one_copy_of_a_video_listed_twice(shared_dir):
    yt, replay, entries = my_entries({EDIT: [SUCCEEDED]})
    # The recording lists no video twice: a second copy of entry 0 is added here, with a
    # setVideoId of the recorded form (16 hex digits) made up for it.
    twice = [*entries, Entry(entries[0].track, "0123456789ABCDEF")]
    yt.remove_entries(MINE, twice, [5])
    (edit,) = edits(replay)
    assert [(a["removedVideoId"], a["setVideoId"]) for a in edit["actions"]] == [
        ("kfSQkZuIx84", "0123456789ABCDEF")
    ]
    assert yt.limits.removes_every_occurrence is False  # only that copy goes


def test_a_refused_removal_is_a_permanent_error(shared_dir):
    yt, _, entries = my_entries({EDIT: [recorded(FAILED)]})
    with pytest.raises(PermanentError, match=r"did not remove 2 entries \(STATUS_FAILED\)"):
        yt.remove_entries(MINE, entries, [0, 4])


def test_an_entry_without_a_handle_is_refused_in_words_and_nothing_is_sent(shared_dir):
    page = "ytmusic/get_playlist_public_not-owned_youtui_2025-06-04.json"
    theirs = Playlist(ServiceId.YTMUSIC, "PLtheirs", "theirs")
    yt, replay = service({BROWSE: [recorded(page), made_up({})]})
    entries = yt.playlist_entries(theirs)
    with pytest.raises(PermanentError) as refused:
        yt.remove_entries(theirs, entries, [0])
    assert str(refused.value).startswith(
        "YouTube Music names no entry 1 (Here Comes The Sun (Remastered 2009) · The Beatles"
    )
    assert "(no setVideoId): only playlists you own can be changed" in str(refused.value)
    with pytest.raises(PermanentError, match="no setVideoId"):
        yt.move_entry(theirs, entries, 3, 0)
    # A removed video keeps no id at all (entry 100 of that page); given a handle here, the
    # missing video id is what is refused.
    gone = next(i for i, e in enumerate(entries) if not e.track.id)
    handled = [*entries[:gone], Entry(entries[gone].track, "0123456789ABCDEF")]
    with pytest.raises(PermanentError, match=f"gives no video id for entry {gone + 1}"):
        yt.remove_entries(theirs, handled, [gone])
    assert edits(replay) == []


def test_removal_batches_are_checked_before_anything_is_sent(shared_dir):
    yt, replay, entries = my_entries()
    assert yt.limits.remove_batch_size == 25
    with pytest.raises(PermanentError, match="at most 25 entries"):
        yt.remove_entries(MINE, entries * 6, list(range(26)))
    with pytest.raises(PermanentError, match="entry 6 of a YouTube Music playlist of 5"):
        yt.remove_entries(MINE, entries, [0, 5])
    yt.remove_entries(MINE, entries, [])
    assert edits(replay) == []


def test_removing_from_liked_music_takes_each_like_back(shared_dir):
    # Not recorded; ytmusicapi 1.12.3's rate_song returns the answer unread
    # (mixins/library.py), so an empty object is enough.
    yt, replay = service({("POST", f"{YT}/youtubei/v1/like/removelike"): [made_up({})]})
    entries = [
        Entry(Track(ServiceId.YTMUSIC, "dQw4w9WgXcQ", "a")),  # Liked Music may name no handle
        Entry(Track(ServiceId.YTMUSIC, "9bZkp7q19f0", "b"), "56B44F6D10557CC6"),
    ]
    yt.remove_entries(LIKED, entries, [1, 0])
    sent = [r for r in replay.sent if "like" in (r.url or "")]
    assert [json.loads(r.body)["target"] for r in sent] == [
        {"videoId": "9bZkp7q19f0"},
        {"videoId": "dQw4w9WgXcQ"},
    ]
    assert all(r.url and "/like/removelike" in r.url for r in sent)


# -- moving --------------------------------------------------------------------------------


def test_a_move_names_the_entry_and_its_new_successor(shared_dir):
    yt, replay, entries = my_entries({EDIT: [SUCCEEDED]})
    yt.move_entry(MINE, entries, 3, 0)
    yt.move_entry(MINE, entries, 0, 3)
    assert edits(replay) == [
        {
            "playlistId": MINE.id,
            "actions": [
                {
                    "action": "ACTION_MOVE_VIDEO_BEFORE",
                    "setVideoId": "52152B4946C2F73F",
                    "movedSetVideoIdSuccessor": "56B44F6D10557CC6",
                }
            ],
        },
        {
            "playlistId": MINE.id,
            "actions": [
                {
                    "action": "ACTION_MOVE_VIDEO_BEFORE",
                    "setVideoId": "56B44F6D10557CC6",
                    "movedSetVideoIdSuccessor": "52152B4946C2F73F",
                }
            ],
        },
    ]


def test_a_move_to_the_end_names_no_successor(shared_dir):
    # As YouTube Music's web app sends it, and ytmusicapi with a bare setVideoId
    # (sigma67/ytmusicapi#601, #602).
    yt, replay, entries = my_entries({EDIT: [SUCCEEDED]})
    yt.move_entry(MINE, entries, 1, None)
    assert edits(replay) == [
        {
            "playlistId": MINE.id,
            "actions": [{"action": "ACTION_MOVE_VIDEO_BEFORE", "setVideoId": "289F4A46DF0A30D2"}],
        }
    ]


def test_moves_that_change_nothing_send_nothing_and_liked_music_is_refused(shared_dir):
    yt, replay, entries = my_entries()
    yt.move_entry(MINE, entries, 2, 2)
    yt.move_entry(MINE, entries, 2, 3)
    yt.move_entry(MINE, entries, 4, None)
    with pytest.raises(PermanentError, match="YouTube Music orders Liked Music itself"):
        yt.move_entry(LIKED, entries, 2, 0)
    with pytest.raises(PermanentError, match="entry 6 of a YouTube Music playlist of 5"):
        yt.move_entry(MINE, entries, 5, 0)
    assert edits(replay) == []


def test_a_refused_move_is_a_permanent_error(shared_dir):
    yt, _, entries = my_entries({EDIT: [recorded(FAILED)]})
    with pytest.raises(PermanentError, match=r"did not move the entry \(STATUS_FAILED\)"):
        yt.move_entry(MINE, entries, 4, 0)


# -- refusals ------------------------------------------------------------------------------


def test_error_answers_of_edits_become_core_errors(shared_dir):
    yt, _, entries = my_entries(
        {
            EDIT: [
                google_error(400, "INVALID_ARGUMENT", "Request contains an invalid argument."),
                google_error(401, "UNAUTHENTICATED", "Request had invalid authentication."),
                google_error(404, "NOT_FOUND", "Requested entity was not found."),
            ]
        }
    )
    with pytest.raises(PermanentError) as invalid:
        yt.remove_entries(MINE, entries, [0])
    assert str(invalid.value) == (
        "YouTube Music refused the request (400). Request contains an invalid argument."
    )
    with pytest.raises(AuthExpired, match="connect YouTube Music again"):
        yt.move_entry(MINE, entries, 0, 2)
    with pytest.raises(NotFound, match="no such playlist any more"):
        yt.remove_entries(MINE, entries, [1])


# -- a lost answer -------------------------------------------------------------------------


def test_every_write_is_sent_once_when_its_answer_is_lost(shared_dir):
    """ytmusicapi on Songbird's own transport (the throttle, which retries lost answers).

    A read whose answer is lost is sent again; an edit is not: it may have landed, and the
    writer must look before it asks again. ytmusicapi itself retries nothing.
    """
    sent_edits: list[list[str]] = []

    def reset(request: requests.PreparedRequest) -> Answer:
        sent_edits.append([a["action"] for a in json.loads(request.body or b"{}")["actions"]])
        raise requests.ConnectionError("connection reset by peer")

    first_try = iter([True])

    def page(request: requests.PreparedRequest) -> Answer:
        if next(first_try, False):
            raise requests.ConnectionError("connection reset by peer")
        return recorded(MINE_PAGE)

    yt, replay = throttled_service({BROWSE: page, EDIT: reset})
    entries = yt.playlist_entries(MINE)
    assert len(entries) == 5
    assert sum("browse" in (r.url or "") and "edit" not in (r.url or "") for r in replay.sent) == 2

    with pytest.raises(TransientError, match="could not be reached"):
        yt.remove_entries(MINE, entries, [1, 2])
    with pytest.raises(TransientError, match="could not be reached"):
        yt.move_entry(MINE, entries, 4, 0)
    with pytest.raises(TransientError, match="could not be reached"):
        yt.add_tracks(MINE, ["kfSQkZuIx84"])
    assert sent_edits == [
        ["ACTION_REMOVE_VIDEO", "ACTION_REMOVE_VIDEO"],
        ["ACTION_MOVE_VIDEO_BEFORE"],
        ["ACTION_ADD_VIDEO"],
    ]
