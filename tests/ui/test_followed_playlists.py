"""A playlist the person only follows, in the playlist list: marked up front, not a source.

Since February 2026 Spotify lets an app read the items of only the person's own playlists; a
followed one is listed as "followed — not syncable", with why in its tooltip and the status bar
("Spotify lets apps read only your own playlists"), and no checkbox, rather than a 403 in the
middle of a run.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from songbird_gui.core.types import LIKED_PLAYLIST_ID, Playlist, PlaylistKind, ServiceId
from songbird_gui.ui.playlist_model import NAME, TARGET, PlaylistModel, followed_words

SP = ServiceId.SPOTIFY
LIKED = Playlist(SP, LIKED_PLAYLIST_ID, "Liked Songs", "Me", None, PlaylistKind.LIKED)
MINE = Playlist(SP, "mine", "Road Trip", "Me", 12)
THEIRS = Playlist(SP, "theirs", "Top Hits", "Spotify", 50, PlaylistKind.FOLLOWED)


def test_a_followed_playlist_is_marked_and_cannot_be_ticked(qtbot, qtmodeltester):
    model = PlaylistModel()
    model.set_playlists([LIKED, MINE, THEIRS], [], checked=["mine", "theirs"])
    qtmodeltester.check(model)
    row = 2
    name, target = model.index(row, NAME), model.index(row, TARGET)
    assert model.data(target) == "followed — not syncable"
    assert "since February 2026 Spotify lets apps read only" in model.data(
        name, Qt.ItemDataRole.ToolTipRole
    )
    assert not model.flags(name) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.data(name, Qt.ItemDataRole.CheckStateRole) is None
    # Neither a remembered tick nor a click makes it a source.
    assert model.checked() == [MINE]
    assert not model.setData(name, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    model.set_checked("theirs", True)
    assert model.checked() == [MINE]
    # The person's own playlists and Liked Songs stay as they are.
    assert model.flags(model.index(0, NAME)) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.data(model.index(1, TARGET)) == "new playlist"


def test_the_status_bar_says_why_followed_playlists_have_no_checkbox():
    assert followed_words([LIKED, MINE]) == ""
    assert followed_words([MINE, THEIRS]) == (
        "1 playlist you follow is not syncable: Spotify lets apps read only your own playlists."
    )
    assert followed_words([THEIRS, THEIRS]).startswith("2 playlists you follow are not syncable")
