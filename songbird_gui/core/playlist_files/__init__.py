"""Playlists in files: read from what a person downloaded or exported (Spotify's data
export, Exportify CSV, M3U/M3U8, XSPF, JSPF), and written to CSV, JSPF, XSPF or M3U8.

Since March 2026 a Spotify developer app works only for its Premium owner and at most five
listed people, and reads only their own playlists: for everyone else, Spotify's own data
export is the way out. The readers turn files into the project's `Track`s (a track with a
Spotify URI is that Spotify track, and shares what Songbird remembers of it), the file
source (`services/file_source.py`) offers them to the engine as a service, and the writers
give any playlist back as a file. Pure Python, streamed: see `reading.py`.
"""

from songbird_gui.core.playlist_files.model import (
    MAX_FILE_BYTES,
    WRITABLE_FORMATS,
    FileFormat,
    FilePlaylist,
    PlaylistFileError,
    file_track,
)
from songbird_gui.core.playlist_files.reading import ReadResult, read_path
from songbird_gui.core.playlist_files.writing import file_name_for, file_names_for, write_playlist

__all__ = [
    "MAX_FILE_BYTES",
    "WRITABLE_FORMATS",
    "FileFormat",
    "FilePlaylist",
    "PlaylistFileError",
    "ReadResult",
    "file_name_for",
    "file_names_for",
    "file_track",
    "read_path",
    "write_playlist",
]
