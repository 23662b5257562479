"""A file that arrived in S3 by an upload session, checked where it lies: its digests from one
pass over its bytes, its archive structure and core metadata from ranged reads (a zip reads
its directory at the end) or from the same pass (a .tar.gz is a stream). Memory stays bounded
by the read size and the archive's directory, whatever the file's size."""
from __future__ import annotations

import io
from typing import NamedTuple

from chalicelib.core import storage
from chalicelib.forklift import archives
from chalicelib.forklift.checks import Digests, Hasher

READ_AHEAD = 1024 * 1024


class Inspected(NamedTuple):
    digests: Digests
    size: int
    core_metadata: bytes  # a wheel's METADATA or an sdist's PKG-INFO, as the archive holds it


class RangedObject(io.RawIOBase):
    """An S3 object as a seekable, read-only file: reads become ranged GETs of at least
    READ_AHEAD bytes, so a zip's many small reads cost few requests."""

    def __init__(self, key: str, size: int) -> None:
        super().__init__()
        self.key, self.length, self.position = key, size, 0
        self._start, self._buffer = 0, b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.length}[whence]
        self.position = max(0, base + offset)
        return self.position

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        wanted = min(len(target), self.length - self.position)
        if wanted <= 0:
            return 0
        offset = self.position - self._start
        if offset < 0 or offset + wanted > len(self._buffer):
            end = min(self.length, self.position + max(wanted, READ_AHEAD))
            self._start, self._buffer, offset = self.position, storage.read_range(self.key, self.position, end), 0
        data = self._buffer[offset:offset + wanted]
        target[:len(data)] = data
        self.position += len(data)
        return len(data)


class HashingStream(io.RawIOBase):
    """The object's bytes front to back, each chunk hashed as it passes."""

    def __init__(self, key: str, hasher: Hasher) -> None:
        super().__init__()
        self._chunks, self._hasher, self._pending = storage.chunks(key, READ_AHEAD), hasher, b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        if not self._pending:
            self._pending = next(self._chunks, b"")
            self._hasher.update(self._pending)
        data, self._pending = self._pending[:len(target)], self._pending[len(target):]
        target[:len(data)] = data
        return len(data)

    def drain(self) -> None:
        """Hashes what the archive reader left unread."""
        for chunk in self._chunks:
            self._hasher.update(chunk)


def inspect(key: str, filename: str) -> Inspected:
    """Digests, size and core metadata of the object under key, or UploadRefused with the
    reason a legacy upload of the same bytes would get."""
    hasher = Hasher()
    if filename.endswith(".tar.gz"):
        stream = HashingStream(key, hasher)
        core = archives.sdist_metadata(filename, io.BufferedReader(stream, READ_AHEAD))
        stream.drain()
        return Inspected(hasher.digests(), hasher.size, core)
    for chunk in storage.chunks(key, READ_AHEAD):
        hasher.update(chunk)
    ranged = io.BufferedReader(RangedObject(key, hasher.size), READ_AHEAD)
    if filename.endswith(".whl"):
        core = archives.wheel_metadata(ranged)
    else:
        core = archives.sdist_metadata(filename, ranged)
    return Inspected(hasher.digests(), hasher.size, core)
