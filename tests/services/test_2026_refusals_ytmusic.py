"""What YouTube Music refuses in 2025–2026, through the real ytmusicapi.

No source has recorded these answers, so each is synthesized here in the error object
Google's APIs send ({"error": {"code", "message", ...}}; ytmusicapi reads only its
`message`), with the service's words quoted from public reports, noted at each use:

- "Precondition check failed.": sigma67/ytmusicapi#209 and sigma67/spotify_to_ytmusic#158
  (an add or a creation answered "Server returned HTTP 400: Bad Request. Precondition check
  failed."); ytmusicapi's own tests (tests/mixins/test_playlists.py, 1.12.2, MIT) retry the
  first edit of a new playlist for about 20 s because of it. The `errors`/`status` fields are
  Google's documented error model for FAILED_PRECONDITION.
- "You are creating too many playlists. Please wait a while before creating further
  playlists.": as a 400 in linsomniac/spotify_to_ytmusic#75 (2024) and
  sigma67/spotify_to_ytmusic#82 (2023), and as a 429 with the whole body quoted in
  sigma67/ytmusicapi#19 (2020).
- A gated write: the answer ytmusicapi 1.12.2's own test serves for it
  (tests/mixins/test_playlists.py, `test_create_playlist_gated`, MIT).
- An expired browser sign-in: the 401 body quoted whole in ccgauche/ytermusic#103 (2024),
  "You must be signed in to perform this operation." (also music-assistant/support#1203).
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from ytmusicapi.exceptions import YTMusicGatedError

from songbird_gui.core.errors import (
    AuthExpired,
    CreationRefused,
    PermanentError,
    PlaylistNotReady,
    WritesGated,
)
from songbird_gui.core.types import Playlist, ServiceId
from songbird_gui.services.refusal_words import NOT_READY, SIGNED_OUT, TOO_MANY
from tests.services.replay import YT, made_up
from tests.services.replay import YT_BROWSE as BROWSE
from tests.services.replay import throttled_ytmusic_service as throttled
from tests.services.replay import ytmusic_service as service

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.recorded
CREATE = ("POST", f"{YT}/youtubei/v1/playlist/create")
EDIT = ("POST", f"{YT}/youtubei/v1/browse/edit_playlist")
MINE = Playlist(ServiceId.YTMUSIC, "PLmine", "Mine")


def google_error(code: int, status: str, message: str, domain: str, reason: str) -> dict:
    """Google's error object, as the reports quote it whole."""
    detail = {"message": message, "domain": domain, "reason": reason}
    return {"error": {"code": code, "message": message, "errors": [detail], "status": status}}


PRECONDITION = google_error(
    400, "FAILED_PRECONDITION", "Precondition check failed.", "global", "failedPrecondition"
)
TOO_MANY_WORDS = (
    "You are creating too many playlists. Please wait a while before creating further playlists."
)
# sigma67/ytmusicapi#19, whole
TOO_MANY_429 = google_error(
    429, "RESOURCE_EXHAUSTED", TOO_MANY_WORDS, "gdata.CoreErrorDomain", "RATE_LIMIT_EXCEEDED"
)
# As a 400 the reports quote only the message (all ytmusicapi reads of it).
TOO_MANY_400 = {"error": {"code": 400, "message": TOO_MANY_WORDS}}
GATED = {  # ytmusicapi 1.12.2, tests/mixins/test_playlists.py
    "actions": [
        {
            "showEngagementPanelEndpoint": {
                "sourcePanelIdentifier": "PAfeature_enablement",
                "identifier": {"tag": "PAfeature_enablement"},
            }
        }
    ]
}
# ccgauche/ytermusic#103, whole
SIGNED_OUT_401 = google_error(
    401,
    "UNAUTHENTICATED",
    "You must be signed in to perform this operation.",
    "global",
    "unauthorized",
)


# -- 5. a new playlist refuses edits for a while ---------------------------------------------


def test_an_add_refused_with_precondition_check_failed_is_told_apart(shared_dir):
    yt, _ = service({EDIT: [made_up(PRECONDITION, 400)]})
    with pytest.raises(PlaylistNotReady) as raised:
        yt.add_tracks(MINE, ["dQw4w9WgXcQ"])
    assert str(raised.value) == NOT_READY
    assert "Precondition check failed" in NOT_READY


# -- 6. too many creations --------------------------------------------------------------------


def test_too_many_playlists_as_a_400_refuses_the_creation(shared_dir):
    yt, replay = service(
        {CREATE: [made_up({"error": {"code": 400, "message": TOO_MANY_WORDS}}, 400)]}
    )
    with pytest.raises(CreationRefused) as raised:
        yt.create_playlist("Road Trip", "Synced by Songbird")
    assert str(raised.value) == TOO_MANY
    assert "You are creating too many playlists" in TOO_MANY
    assert len(replay.sent) == 2  # the start page for a visitor id, then the one creation


def test_too_many_playlists_as_a_429_is_never_waited_out_and_asked_again(shared_dir):
    # A throttle that retries a plain 429 at once: this one it must not retry at all.
    yt, replay = throttled({CREATE: [made_up(TOO_MANY_429, 429, {"Retry-After": "1"})]})
    with pytest.raises(CreationRefused):
        yt.create_playlist("Road Trip", "Synced by Songbird")
    assert replay.paths().count("POST /youtubei/v1/playlist/create") == 1
    assert yt.throttle.limiter.paused_until == 0.0


# -- 7. a write gated behind a dialog ---------------------------------------------------------


def test_a_gated_creation_tells_the_person_to_answer_the_dialog(shared_dir):
    yt, _ = service({CREATE: [made_up(GATED)]})
    with pytest.raises(WritesGated) as raised:
        yt.create_playlist("Road Trip", "Synced by Songbird")
    assert isinstance(raised.value.__cause__, YTMusicGatedError)  # ytmusicapi's own verdict
    message = str(raised.value)
    assert "“PAfeature_enablement”" in message
    assert "open music.youtube.com in a browser, answer the dialog" in message


def test_a_gated_add_is_told_apart_from_a_refused_track(shared_dir):
    yt, _ = service({EDIT: [made_up(GATED)]})
    with pytest.raises(WritesGated, match="answer the dialog"):
        yt.add_tracks(MINE, ["dQw4w9WgXcQ"])


def test_an_add_answered_without_a_status_is_an_unclear_refusal(shared_dir):
    yt, _ = service({EDIT: [made_up({"actions": []})]})
    with pytest.raises(PermanentError, match=r"did not add 1 track\(s\) \(no status\)") as raised:
        yt.add_tracks(MINE, ["dQw4w9WgXcQ"])
    assert not isinstance(raised.value, WritesGated)


# -- 8. an expired browser sign-in ------------------------------------------------------------


def test_an_expired_sign_in_says_connect_again_once_and_is_not_retried(shared_dir):
    yt, replay = throttled({BROWSE: [made_up(SIGNED_OUT_401, 401)]})
    with pytest.raises(AuthExpired) as raised:
        yt.list_playlists()
    assert str(raised.value) == SIGNED_OUT
    assert "connect YouTube Music again under Accounts by pasting fresh request headers" in (
        SIGNED_OUT
    )
    assert replay.paths().count("POST /youtubei/v1/browse") == 1


# -- 10. the ytmusicapi this relies on --------------------------------------------------------


def test_the_ytmusicapi_pin_has_what_the_adapter_relies_on():
    """pyproject pins the lowest ytmusicapi with `YTMusicGatedError` (1.12.2, which also reads
    `inLibrary` from `isToggled`; 1.12.1 made search categories plain strings), and the one
    installed (the newest on the registry when this was written: 1.12.3) satisfies it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pin = next(r for r in project["project"]["dependencies"] if r.startswith("ytmusicapi"))
    lowest = tuple(int(n) for n in re.findall(r">=\s*([\d.]+)", pin)[0].split("."))
    assert lowest >= (1, 12, 2)
    installed = tuple(int(n) for n in version("ytmusicapi").split(".")[:3])
    assert installed >= lowest
