"""Builds the PyInstaller bundle from this tree and runs the built executable's self-test.

Slow (about a minute): marked `slow`, and run by .ci/run like every other test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import build_bundle  # noqa: E402 - packaging/build_bundle.py, not an installed module

MAX_BUNDLE_MB = 150


@pytest.mark.slow
def test_built_bundle_passes_its_self_test(tmp_path):
    bundle = build_bundle.build(tmp_path / "dist", tmp_path / "work")
    executable = bundle / ("songbird.exe" if sys.platform == "win32" else "songbird")
    size_mb = build_bundle.folder_size(bundle) / 1e6
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.time()
    done = subprocess.run(
        [str(executable), "--self-test"],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["ok"], report
    shown_s = report["shown_at"] - started
    print(f"bundle {size_mb:.1f} MB; window shown {shown_s:.2f} s after launch")
    assert size_mb < MAX_BUNDLE_MB
