"""Reading a big JSON file one value at a time, without loading it whole.

A Spotify data export's Playlist1.json holds every playlist of the account in one object
(`{"playlists": [...]}`), tens of megabytes for a large library. `JsonStream` walks its outer
object and arrays with a few lines of its own and hands each inner value (one playlist, one
liked track) to the standard library's C decoder (`json.JSONDecoder.raw_decode`), refilling
its buffer from the file as it goes: the memory held is the buffer plus the value being read,
never the file. No new dependency: ijson would stream finer (token by token), but one
playlist at a time is already bounded (Spotify caps a playlist at 10,000 tracks, about 3 MB)
and the C decoder reads a 10,000-track export in a fraction of a second.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from songbird_gui.core.cancel import CancelToken
from songbird_gui.core.errors import Cancelled

_WHITESPACE = " \t\n\r"
_AFTER_NUMBER = frozenset(_WHITESPACE + ",]}")
_CHUNK = 1 << 20  # characters read at a time
# One value (one playlist) larger than this is not in any real export: the reading stops
# there instead of buffering the rest of a broken file.
MAX_VALUE_CHARS = 64 << 20


class JsonShapeError(ValueError):
    """The text is not JSON, or not of the shape asked for; `str(error)` says where."""


class MissingMember(JsonShapeError):
    """Well-formed JSON without the member a format is known by (another format's file)."""


class JsonStream:
    """Values of one JSON text, read in order from `stream`.

    The walkers (`members`, `items`) step through an object or an array; the caller reads
    each member's value with `value()` (decoded whole), or steps into it with another walker.
    """

    def __init__(
        self, stream: TextIO, cancel: CancelToken | None = None, chunk: int = _CHUNK
    ) -> None:
        self._stream = stream
        self._cancel = cancel
        self._chunk = chunk
        self._decoder = json.JSONDecoder()
        self._buffer = ""
        self._at = 0
        self._ended = False
        self._consumed = 0  # characters dropped from the buffer's front, for positions

    # -- the buffer -------------------------------------------------------------------------

    def _fill(self, wanted: int = 0) -> bool:
        """Read more of the file (at least `wanted` characters); False at its end."""
        if self._ended:
            return False
        if self._cancel is not None and self._cancel.cancelled:
            raise Cancelled()
        piece = self._stream.read(max(wanted, self._chunk))
        if not piece:
            self._ended = True
            return False
        if self._at > len(self._buffer) // 2:
            self._consumed += self._at
            self._buffer = self._buffer[self._at :]
            self._at = 0
        self._buffer += piece
        return True

    def _where(self) -> str:
        return f"at character {self._consumed + self._at}"

    def peek(self) -> str:
        """The next character that is not white space ("" at the end of the text)."""
        while True:
            buffer, at = self._buffer, self._at
            while at < len(buffer) and buffer[at] in _WHITESPACE:
                at += 1
            self._at = at
            if at < len(buffer):
                return buffer[at]
            if not self._fill():
                return ""

    def take(self, char: str) -> None:
        found = self.peek()
        if found != char:
            shown = repr(found) if found else "the end of the file"
            raise JsonShapeError(f"expected {char!r} but found {shown} {self._where()}")
        self._at += 1

    def value(self) -> Any:
        """The next value, decoded whole."""
        self.peek()
        while True:
            try:
                found, end = self._decoder.raw_decode(self._buffer, self._at)
            except json.JSONDecodeError as error:
                if len(self._buffer) - self._at > MAX_VALUE_CHARS:
                    too_large = f"a value too large for a playlist {self._where()}"
                    raise JsonShapeError(too_large) from None
                if not self._fill(len(self._buffer) - self._at):  # cut short, or not JSON
                    raise JsonShapeError(f"{error.msg} {self._where()}") from None
                continue
            # A number cut by the buffer's end may go on in the next piece ("12" + "34",
            # "1" + ".5"): it is whole only once a delimiter follows it.
            number = isinstance(found, int | float) and not isinstance(found, bool)
            cut = end == len(self._buffer) or self._buffer[end] not in _AFTER_NUMBER
            if number and cut and self._fill():
                continue
            self._at = end
            return found

    # -- walking ----------------------------------------------------------------------------

    def members(self) -> Iterator[str]:
        """The keys of the object that comes next; after each, the caller reads its value."""
        self.take("{")
        if self.peek() == "}":
            self._at += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise JsonShapeError(f"an object key that is not a string {self._where()}")
            self.take(":")
            yield key
            if self.peek() == ",":
                self._at += 1
                continue
            self.take("}")
            return

    def items(self) -> Iterator[Any]:
        """The values of the array that comes next, each decoded whole."""
        self.take("[")
        if self.peek() == "]":
            self._at += 1
            return
        while True:
            yield self.value()
            if self.peek() == ",":
                self._at += 1
                continue
            self.take("]")
            return

    def end(self) -> None:
        """Nothing but white space may follow the value read."""
        if self.peek():
            raise JsonShapeError(f"more text after the end {self._where()}")
