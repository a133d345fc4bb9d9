"""Atomic file writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


def write_text_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename."""
    with writing_atomically(path) as file:
        file.write(text)


@contextlib.contextmanager
def writing_atomically(path: Path, newline: str | None = None) -> Iterator[TextIO]:
    """A UTF-8 text file to write piece by piece, that becomes `path` only once it is whole.

    It is written to a temporary file in the same folder and renamed when the block ends;
    an exception in the block leaves `path` as it was (nothing half written). The file is
    synced before the rename and its folder after it, so a power loss leaves the old file or
    the whole new one, and never loses the rename itself. The temporary file has a name no
    file has (mkstemp: created exclusively, never through a link) and is readable by its
    owner only from its first byte: a secret written this way is never readable by others,
    nor written into a file someone left there.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable.

    Windows cannot open a folder (NTFS journals the rename itself). Some file systems refuse
    to sync a folder (EINVAL); the rename has happened all the same, so that is not an error.
    """
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
