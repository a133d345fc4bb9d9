"""Builds the one-folder bundle with PyInstaller and reports its size.

Run `python packaging/build_bundle.py` from a checkout with the test extra installed (it brings
PyInstaller). The bundle lands in dist/songbird/; `dist/songbird/songbird --self-test`
checks it. Builds are per platform: build the Windows .exe on Windows and the macOS .app on
macOS (PyInstaller does not cross-compile).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def build(dist: Path | None = None, work: Path | None = None) -> Path:
    dist = dist or ROOT / "dist"
    work = work or ROOT / "build"
    spec = ROOT / "packaging" / "songbird.spec"
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN"]
    command += ["--distpath", str(dist), "--workpath", str(work), str(spec)]
    subprocess.run(command, check=True, cwd=ROOT)
    return dist / "songbird"


def main() -> int:
    bundle = build()
    executable = bundle / ("songbird.exe" if sys.platform == "win32" else "songbird")
    print(f"bundle: {bundle} ({folder_size(bundle) / 1e6:.1f} MB); run {executable} --self-test")
    return 0


if __name__ == "__main__":
    sys.exit(main())
