"""`songbird eval-matches` on the real labelled searches in ../shared/eval."""

from __future__ import annotations

import json

from songbird_gui.cli import main


def test_a_few_cases_end_to_end(shared_dir, tmp_path, capsys):
    cases = json.loads((shared_dir / "eval" / "dev.json").read_text(encoding="utf-8"))
    chosen = [c for c in cases if c["id"] in ("c009", "c010", "c044", "x035")]
    (tmp_path / "few.json").write_text(json.dumps(chosen), encoding="utf-8")
    assert main(["eval-matches", str(tmp_path / "few.json"), "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    by_id = {line.split()[0]: line for line in lines[:-2]}
    assert set(by_id) == {"c009", "c010", "c044", "x035"}
    assert " accept " in by_id["c009"] and " right " in by_id["c009"]  # the album song
    assert " accept " not in by_id["c010"]  # no right answer in the list: nothing taken
    assert "review" in by_id["c044"] and "answer shown" in by_id["c044"]  # remix vs video
    figures = json.loads(lines[-1])
    assert set(figures) == {
        "cases", "top1", "accepted_wrong", "accepted_when_none", "review_share", "found_in_review"
    }  # fmt: skip
    assert figures["cases"] == 4 and figures["accepted_wrong"] == 0


def test_the_dev_set_meets_the_targets(shared_dir, capsys):
    assert main(["eval-matches", str(shared_dir / "eval" / "dev.json"), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["accepted_wrong"] == 0 and figures["accepted_when_none"] == 0
    assert figures["top1"] >= 0.95
    assert figures["review_share"] <= 0.15
    assert figures["found_in_review"] >= 0.98


def test_a_file_that_is_not_cases_is_a_clear_message(tmp_path, capsys):
    (tmp_path / "bad.json").write_text('{"not": "a list"}', encoding="utf-8")
    assert main(["eval-matches", str(tmp_path / "bad.json")]) == 2
    assert f"{tmp_path / 'bad.json'} holds no list of cases" in capsys.readouterr().err


def test_the_dev_set_without_durations_accepts_nothing_wrong(shared_dir, tmp_path, capsys):
    # A Spotify data export gives no length: the same searches with the source's
    # duration_ms removed (the copy made here, from ../shared, at run time).
    cases = json.loads((shared_dir / "eval" / "dev.json").read_text(encoding="utf-8"))
    for case in cases:
        case["source"].pop("duration_ms", None)
    copy = tmp_path / "dev-without-durations.json"
    copy.write_text(json.dumps(cases), encoding="utf-8")
    assert main(["eval-matches", str(copy), "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    figures = json.loads(lines[-1])
    assert figures["accepted_wrong"] == 0 and figures["accepted_when_none"] == 0
    assert figures["top1"] >= 0.95
    assert figures["review_share"] <= 0.15
    assert figures["found_in_review"] >= 0.98
    # A 6:07 song against its 4:30 single-edit video: not taken unasked.
    c077 = next(line for line in lines if line.startswith("c077 "))
    assert " accept " not in c077
