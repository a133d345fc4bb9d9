"""What Spotify's Web API refuses since February 2026, through the real spotipy.

Recorded answers where they exist (../shared/recorded: a 2026-03 `/me/playlists` page that
lists playlists of other owners). Where none was recorded the answer is synthesized here in
Spotify's own error object ({"error": {"status", "message"}}, as the recorded 404 and 429
files show), with words quoted from public reports, each noted at its use:

- "Invalid limit": Spotify's 400 to a page size it refuses, as quoted in
  michaelherger/Spotty-Plugin pull request #234 (2026-08) and spotify/web-api#723.
- "QUOTA_EXCEEDED": the `reason` Spotify's 2026 quota refusals carry (the same answer the
  fault server serves, tests/reliability/fault_server.py), with the Retry-After of 48,925 s
  one app was given.
"""

from __future__ import annotations

import random
import urllib.parse

import pytest
import spotipy

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import PermanentError, QuotaExceeded
from songbird_gui.core.ratelimit import limiter_for
from songbird_gui.core.retry import RequestStats, RetryPolicy
from songbird_gui.core.settings import RetrySettings
from songbird_gui.core.throttle import Throttle, request_scope
from songbird_gui.core.types import Playlist, PlaylistKind, SearchQuery, ServiceId
from songbird_gui.services.page_size import PAGE_SIZES
from songbird_gui.services.refusal_words import NOT_OWNED
from songbird_gui.services.spotify import SpotifyService
from songbird_gui.services.spotify import classify as spotify_classify
from tests.services.replay import SPOTIFY_API as API
from tests.services.replay import UNPACED, made_up, recorded, throttled_session
from tests.services.replay import spotify_service as service

pytestmark = pytest.mark.recorded
LAST_PAGE = {"items": [], "next": None}
ME = ("GET", f"{API}/me")
MY_PLAYLISTS = ("GET", f"{API}/me/playlists")


def limit_of(request) -> int:
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.url or "").query)
    return int(query["limit"][0])


# -- 1. followed playlists are listed, marked, and never read -------------------------------


def test_playlists_of_other_owners_are_marked_followed_and_never_read(shared_dir):
    spotify, replay = service(
        {
            ME: [recorded("spotify/me_2026-03.json")],  # id 1112264649
            MY_PLAYLISTS: [recorded("spotify/me_playlists_page1_2026-03.json")],
            ("GET", f"{API}/users/1112264649/playlists"): [made_up(LAST_PAGE)],
        }
    )
    playlists = {p.name: p for p in spotify.list_playlists()}
    # Owned by 317g2sbpe3ccycu45fes6lfr5lpe and by rwilming in the recording: followed.
    followed = [name for name, p in playlists.items() if p.is_followed]
    assert "Ain’t got shit on me" in followed and "Forza Horizon 5 Bass Arena" in followed
    assert playlists["Forza Horizon 5 Bass Arena"].owner == "SylveonTribe"  # rwilming's name
    # The person's own, the collaborative one included, stay readable playlists.
    assert playlists["Sweet"].kind is PlaylistKind.NORMAL
    assert playlists["goeien numertjs"].kind is PlaylistKind.NORMAL  # collaborative, own
    assert playlists["Liked Songs"].kind is PlaylistKind.LIKED
    sent = len(replay.sent)
    with pytest.raises(PermanentError) as refused:
        spotify.playlist_entries(playlists["Forza Horizon 5 Bass Arena"])
    assert str(refused.value) == NOT_OWNED
    assert len(replay.sent) == sent  # refused here: Spotify was not asked


# -- 2. a page size Spotify refuses ("Invalid limit") ---------------------------------------


def test_items_are_asked_50_at_most_and_a_refused_size_steps_down_once_and_is_kept(shared_dir):
    items = recorded("spotify/playlist_items_2026-03.json")
    # This app is refused pages over 20 (as Spotty-Plugin#234 reports for 50 and 20 alike).
    invalid_limit = made_up({"error": {"status": 400, "message": "Invalid limit"}}, 400)

    def answer(request):
        return invalid_limit if limit_of(request) > 20 else items

    spotify, replay = service({("GET", f"{API}/playlists/pl1/items"): answer})
    mine = Playlist(ServiceId.SPOTIFY, "pl1", "Mine")
    first = spotify.playlist_entries(mine)
    assert first, "the recorded page holds entries"
    assert [limit_of(r) for r in replay.sent] == [50, 20]  # refused once, then read
    assert spotify.playlist_entries(mine) == first
    assert [limit_of(r) for r in replay.sent] == [50, 20, 20]  # remembered: no refusal again
    assert max(PAGE_SIZES) <= 50


def test_when_every_page_size_is_refused_the_read_fails_in_words():
    refused = made_up({"error": {"status": 400, "message": "Invalid limit"}}, 400)
    spotify, replay = service({("GET", f"{API}/me/tracks"): [refused]})
    liked = Playlist(ServiceId.SPOTIFY, "liked", "Liked Songs", kind=PlaylistKind.LIKED)
    with pytest.raises(PermanentError, match="Spotify refused the page size asked for"):
        spotify.playlist_entries(liked)
    assert [limit_of(r) for r in replay.sent] == list(PAGE_SIZES)


# -- 3. a quota refusal with a long Retry-After ---------------------------------------------

NOW = 1_800_000_000.0  # the wall clock the retry policy reads, fixed


def throttled(routes) -> tuple[SpotifyService, list]:
    """The adapter as the app builds it (spotipy on the throttle's session), on a fixed
    wall clock and a retry policy that would retry a plain 429 at once."""
    settings = RetrySettings(max_attempts=3, base_delay_s=0.0, max_delay_s=0.0)
    policy = RetryPolicy(settings, random.Random(1), wall_clock=lambda: NOW)
    throttle = Throttle(ServiceId.SPOTIFY, limiter_for(UNPACED), policy)
    session, replay = throttled_session(routes, throttle, spotify_classify)
    return SpotifyService(spotipy.Spotify(auth="x", requests_session=session), throttle), replay


def test_a_quota_refusal_ends_the_run_with_the_time_it_may_resume():
    quota = made_up(
        {"error": {"status": 429, "message": "Quota exceeded", "reason": "QUOTA_EXCEEDED"}},
        429,
        {"Retry-After": "48925"},
    )
    spotify, replay = throttled({("GET", f"{API}/search"): [quota]})
    stats = RequestStats()
    with request_scope(CancelToken(), stats), pytest.raises(QuotaExceeded) as raised:
        spotify.search(SearchQuery("anything", "free"))
    assert raised.value.retry_at == NOW + 48_925
    message = str(raised.value)
    assert message.startswith("Spotify's quota for your app is used up; it may be used again ")
    assert "(in 13 h 35 min)" in message and "What was found so far is kept" in message
    assert len(replay.sent) == 1 and stats.retries == 0  # never waited out, never re-sent
    assert throttle_not_paused(spotify)


def throttle_not_paused(spotify: SpotifyService) -> bool:
    return spotify.throttle.limiter.paused_until == 0.0
