"""Where a file dialog opens: the person's Documents folder, or their home where there is none.

A fresh desktop may have no Documents folder. Qt still names one, and a file dialog asked to
open in a folder that does not exist opens wherever it likes (the working folder for a save,
the home for an open): every export and import of Songbird starts here instead.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths


def documents_folder() -> Path:
    """The Documents folder if it exists, else the home folder."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()
