"""How the playlists' columns share a narrow pane: the name is read first."""

from __future__ import annotations

from songbird_gui.ui.playlist_view import shared_widths

NAME, TARGET, SYNC, TRACKS = range(4)


def test_columns_that_fit_keep_their_width_and_the_name_takes_what_is_left():
    wanted = {NAME: 100, TARGET: 80, SYNC: 60, TRACKS: 40}
    assert shared_widths(wanted, 400, NAME) == {NAME: 220, TARGET: 80, SYNC: 60, TRACKS: 40}


def test_where_they_do_not_fit_the_name_keeps_up_to_half_and_the_others_share_the_rest():
    wanted = {NAME: 150, TARGET: 125, SYNC: 175, TRACKS: 48}
    widths = shared_widths(wanted, 388, NAME)
    assert widths[NAME] == 150  # whole: less than half the room
    assert widths[TRACKS] == 48  # short: whole
    assert widths[TARGET] == widths[SYNC] == 95  # the long ones cut alike
    assert sum(widths.values()) == 388

    long_name = {**wanted, NAME: 600}
    assert shared_widths(long_name, 388, NAME)[NAME] == 194
