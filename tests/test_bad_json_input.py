"""Bad input by property: whatever the JSON files Songbird reads hold, the function that reads
each one gives a usable value or a refusal in words, never a traceback. A kept file (settings,
the demo's state) is then either used as it is or set aside byte for byte; a file the person
names (a secrets file, labelled cases for eval-matches) is used or refused in words
(SecretsFileError, CasesFileError) and left as it is.

The drawn contents are tests/bad_json.py's, around a sound example of each file.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from songbird_gui.cli.match_eval import CasesFileError, evaluate
from songbird_gui.core.kept_file import Notices
from songbird_gui.core.matches_file import MatchesFileError, read_export
from songbird_gui.core.scoring import Matcher
from songbird_gui.core.settings import Settings, SettingsFile
from songbird_gui.core.types import ServiceId
from songbird_gui.services.demo import DemoServerConfig, state_file
from songbird_gui.services.demo_server import DemoServer, load_catalogue
from songbird_gui.services.secrets import SPOTIFY_TOKEN, FileSecretStore, SecretsFileError
from tests.bad_json import contents

PROPERTY = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SETTINGS_EXAMPLE = Settings().to_dict()
STATE_EXAMPLE = {
    "playlists": [
        {
            "id": "PLroad",
            "name": "Road Trip",
            "owner": "Demo Listener",
            "tracks": [t["id"] for t in load_catalogue()["services"]["ytmusic"]["tracks"][:3]],
            "handles": ["h1", "h2", "h3"],
        }
    ],
    "liked": {"tracks": [], "handles": []},
}
SECRETS_EXAMPLE = {SPOTIFY_TOKEN: '{"access_token": "a", "refresh_token": "r"}'}
CASE_EXAMPLE = [
    {
        "id": "c1",
        "source": {
            "id": "sp1",
            "name": "Harbor Lights",
            "artists": [{"name": "Nils Arden"}],
            "album": {"name": "Harbor Lights"},
            "duration_ms": 201000,
            "external_ids": {"isrc": "XX0000000001"},
        },
        "candidates": [
            {
                "resultType": "song",
                "videoId": "yt1",
                "title": "Harbor Lights",
                "artists": [{"name": "Nils Arden", "id": None}],
                "album": {"name": "Harbor Lights", "id": None},
                "duration_seconds": 201,
                "videoType": "MUSIC_VIDEO_TYPE_ATV",
            }
        ],
        "correct": ["yt1"],
        "acceptable": [],
    }
]


@contextmanager
def a_file(name: str, content: bytes) -> Iterator[Path]:
    """A file holding `content` in a folder of its own (one per drawn example)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        path.chmod(0o600)
        yield path


def kept_or_left_alone(path: Path, content: bytes, set_aside: bool) -> None:
    """A kept file is set aside byte for byte, or left exactly as it was."""
    kept = sorted(path.parent.glob(f"{path.name}.damaged-*"))
    if set_aside:
        assert len(kept) == 1 and kept[0].read_bytes() == content
    else:
        assert kept == [] and path.read_bytes() == content


@PROPERTY
@given(contents(SETTINGS_EXAMPLE))
def test_any_settings_file_gives_settings_in_range_and_is_kept_or_left_alone(
    content: bytes,
) -> None:
    with a_file("settings.json", content) as path:
        read = SettingsFile(path).read()
        assert read.settings.validated() == read.settings  # every value within its range
        kept_or_left_alone(path, content, read.set_aside is not None)
        assert all(message and "\n" not in message for message in read.messages)


@PROPERTY
@given(contents(STATE_EXAMPLE))
def test_any_demo_state_file_gives_a_demo_that_serves_and_is_kept_or_left_alone(
    content: bytes,
) -> None:
    config = DemoServerConfig(latency_s=0.0, limit=1e6, burst=1_000_000)
    with a_file("demo-ytmusic.json", content) as path:
        notices = Notices()
        server = DemoServer(ServiceId.YTMUSIC, config, state_file(path.parent, ServiceId.YTMUSIC),
                            notices=notices)  # fmt: skip
        playlists = server.get_playlists()
        for playlist in playlists:
            server.get_playlist_items(playlist["id"])
        assert server.liked_count() >= 0
        kept_or_left_alone(path, content, bool(notices.messages()))


@pytest.mark.skipif(os.name != "posix", reason="the secrets file's mode is checked on POSIX")
@PROPERTY
@given(contents(SECRETS_EXAMPLE))
def test_any_secrets_file_gives_texts_or_is_refused_in_words_and_left_alone(
    content: bytes,
) -> None:
    with a_file("secrets.json", content) as path:
        try:
            value = FileSecretStore(path).get(SPOTIFY_TOKEN)
        except SecretsFileError as refused:
            assert str(refused).startswith(f"{path} is not a secrets file (")
        else:
            assert value is None or isinstance(value, str)
        kept_or_left_alone(path, content, set_aside=False)


@PROPERTY
@given(contents(CASE_EXAMPLE))
def test_any_file_of_cases_is_judged_or_refused_in_words(content: bytes) -> None:
    with a_file("cases.json", content) as path:
        try:
            tally = evaluate(path, Matcher(Settings().match))
        except CasesFileError as refused:
            assert str(refused) and "\n" not in str(refused)
        else:
            assert tally.cases > 0  # never a score on no data
        assert path.read_bytes() == content  # the person's file is only read


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"[1, 2, 3]", "case 1 of {path} is not an object"),
        (b"[]", "{path} holds no case to judge (none, or every one unsure)"),
        (json.dumps([{**CASE_EXAMPLE[0], "unsure": True}]).encode(), None),
        (b"[" * 200_000 + b"]" * 200_000, "{path} is not a file of cases (nested too deeply)"),
        (b"\xff\xfe[]", "{path} is not a file of cases (not text)"),
        (b'{"cases": []}', "{path} holds no list of cases"),
    ],
    ids=["numbers", "empty-list", "all-unsure", "deep", "not-utf8", "object"],
)
def test_eval_matches_refuses_a_file_with_nothing_to_judge(
    tmp_path: Path, content: bytes, why: str | None
) -> None:
    """`[1,2,3]` gave "0 cases: top1 1.000", a perfect score on no data; deep nesting a
    traceback."""
    path = tmp_path / "cases.json"
    path.write_bytes(content)
    with pytest.raises(CasesFileError) as refused:
        evaluate(path, Matcher(Settings().match))
    expected = why or "{path} holds no case to judge (none, or every one unsure)"
    assert str(refused.value) == expected.format(path=path)


MATCHES_EXAMPLE = {
    "format": "songbird-matches",
    "version": 1,
    "library": "yours",
    "decisions": [
        {
            "source_key": "spotify:sp1",
            "target_service": "ytmusic",
            "decision": "accept",
            "target_id": "yt1",
            "score": 0.93,
            "origin": "scored",
            "by_hand": False,
            "decided_at": 1796243908.2,
            "retry_at": None,
            "source": {"service": "spotify", "id": "sp1", "title": "Harbor Lights"},
            "target": None,
            "candidates": [],
        }
    ],
    "rejections": [
        {
            "source_key": "spotify:sp1",
            "target_service": "ytmusic",
            "target_id": "yt2",
            "decided_at": 1796243908.2,
            "source": None,
            "target": None,
        }
    ],
}


@PROPERTY
@given(contents(MATCHES_EXAMPLE))
def test_any_file_to_import_is_read_or_refused_in_words(content: bytes) -> None:
    """`matches import` of non-UTF-8, NaN or Infinity dates, 200,000 nested `[` gave a
    traceback."""
    with a_file("songbird-matches.json", content) as path:
        try:
            read = read_export(path)
        except MatchesFileError as refused:
            assert str(refused) and "\n" not in str(refused)
        else:
            assert all(math.isfinite(d.decided_at) for d in read.decisions)
            assert all(d.score is None or math.isfinite(d.score) for d in read.decisions)
        assert path.read_bytes() == content  # the person's file is only read


def test_a_sound_file_to_import_is_read(tmp_path: Path) -> None:
    path = tmp_path / "songbird-matches.json"
    path.write_text(json.dumps(MATCHES_EXAMPLE), encoding="utf-8")
    read = read_export(path)
    assert (len(read.decisions), len(read.rejections), read.library) == (1, 1, "yours")


def test_a_sound_file_of_cases_is_judged(tmp_path: Path) -> None:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(CASE_EXAMPLE), encoding="utf-8")
    tally = evaluate(path, Matcher(Settings().match))
    assert tally.cases == 1 and tally.figures()["top1"] == 1.0
