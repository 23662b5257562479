"""Reading inside an uploaded archive, bounded: the core metadata file of a wheel
(*.dist-info/METADATA, served as PEP 658's metadata file) or of an sdist (PKG-INFO in its
top directory). A member is read in a stream and never past its cap, so a small archive
that inflates to a huge member costs nothing. Archives come as file objects: the bytes of a
legacy upload, or an object in S3 read in ranges (forklift.inspection)."""
from __future__ import annotations

import io
import stat
import time
import zipfile
from typing import IO, Any

from chalicelib.core.errors import UploadRefused

MAX_METADATA = 1024 * 1024  # far above any real METADATA, which PEP 658 serves whole
MAX_MEMBERS = 100_000
# A .tar.gz is inflated front to back to find PKG-INFO and check every member's path: at most
# FREE bytes, then RATIO inflated bytes for each compressed one (real sdists stay far below; a
# compression bomb inflates thousands of times its size), and for at most SECONDS.
FREE, RATIO, SECONDS = 64 * 1024 * 1024, 100, 10.0


def _outside(name: str) -> bool:
    """Whether a member's path leaves the archive's tree: absolute, or through '..'."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in parts


def _refuse_outside(name: str, what: str) -> None:
    if _outside(name):
        raise UploadRefused(f"Invalid {what}: the member {name!r} lies outside the archive's tree.")


def _bounded(stream: IO[bytes], what: str) -> bytes:
    data = stream.read(MAX_METADATA + 1)
    if len(data) > MAX_METADATA:
        raise UploadRefused(f"Invalid distribution: its {what} is larger than {MAX_METADATA // 1024} KiB.")
    return data


def wheel_metadata(source: IO[bytes]) -> bytes:
    """A wheel is a zip with exactly one *.dist-info holding METADATA and RECORD; returns METADATA."""
    try:
        with zipfile.ZipFile(source) as archive:
            names = archive.namelist()
            if len(names) > MAX_MEMBERS:
                raise UploadRefused(f"Invalid wheel: it has more than {MAX_MEMBERS} members.")
            for entry in archive.infolist():
                _refuse_outside(entry.filename, "wheel")
                if stat.S_ISLNK(entry.external_attr >> 16):
                    raise UploadRefused(f"Invalid wheel: the member {entry.filename!r} is a symbolic link.")
            dist_infos = {n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info")}
            if len(dist_infos) != 1:
                raise UploadRefused("Invalid wheel: it must contain exactly one .dist-info directory.")
            info = dist_infos.pop()
            if f"{info}/RECORD" not in names or f"{info}/METADATA" not in names:
                raise UploadRefused("Invalid wheel: its .dist-info must hold METADATA and RECORD.")
            with archive.open(f"{info}/METADATA") as member:
                return _bounded(member, "METADATA")
    except (zipfile.BadZipFile, EOFError, OSError) as exc:  # OSError: a corrupt compressed stream
        raise UploadRefused("Invalid wheel: it is not a zip file.") from exc


def sdist_metadata(filename: str, source: IO[bytes]) -> bytes:
    """An sdist holds PKG-INFO in its top directory; returns it. A .tar.gz is read as a
    stream, front to back: source need not be seekable."""
    import tarfile  # only uploads of sdists read one: no cold start pays for it

    try:
        if filename.endswith(".zip"):
            return _zip_pkg_info(source)
        return _tar_pkg_info(source)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as exc:
        raise UploadRefused("Invalid source distribution: the archive cannot be read.") from exc


def _is_pkg_info(name: str) -> bool:
    return name.count("/") == 1 and name.endswith("/PKG-INFO")


def _zip_pkg_info(source: IO[bytes]) -> bytes:
    with zipfile.ZipFile(source) as archive:
        entries = archive.infolist()[:MAX_MEMBERS]
        for entry in entries:
            _refuse_outside(entry.filename, "source distribution")
            if stat.S_ISLNK(entry.external_attr >> 16):
                raise UploadRefused(f"Invalid source distribution: the member {entry.filename!r} is a "
                                    "symbolic link.")
        for entry in entries:
            if _is_pkg_info(entry.filename):
                with archive.open(entry) as member:
                    return _bounded(member, "PKG-INFO")
    raise _missing_pkg_info()


def _tar_pkg_info(source: IO[bytes]) -> bytes:
    """Every member's path checked, PKG-INFO kept: one pass through the stream, inflating at
    most what _Inflating allows."""
    import gzip
    import tarfile

    found: bytes | None = None
    inflating = _Inflating(gzip.GzipFile(fileobj=_Counted(source)))
    with tarfile.open(fileobj=io.BufferedReader(inflating), mode="r|") as archive:
        for count, entry in enumerate(archive):  # a stream: members are not all read into memory
            if count >= MAX_MEMBERS:
                break
            _refuse_outside(entry.name, "source distribution")
            if (entry.issym() and _leaves(entry.name, entry.linkname)) or (entry.islnk() and _outside(entry.linkname)):
                raise UploadRefused(f"Invalid source distribution: the link {entry.name!r} points outside the "
                                    "archive's tree.")
            if found is None and _is_pkg_info(entry.name) and entry.isfile():
                member = archive.extractfile(entry)
                if member is not None:
                    found = _bounded(member, "PKG-INFO")
    if found is None:
        raise _missing_pkg_info()
    return found


def _leaves(name: str, target: str) -> bool:
    """Whether a link at `name` to `target` (relative to its directory) leads out of the tree."""
    if target.startswith("/") or (len(target) > 1 and target[1] == ":"):
        return True
    depth = 0
    for part in [*name.split("/")[:-1], *target.split("/")]:
        depth += -1 if part == ".." else 0 if part in ("", ".") else 1
        if depth < 0:
            return True
    return False


class _Counted(io.RawIOBase):
    """The compressed bytes, counted as the inflater reads them."""

    def __init__(self, source: IO[bytes]) -> None:
        super().__init__()
        self.source, self.count = source, 0

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        data = self.source.read(len(target))
        target[:len(data)] = data
        self.count += len(data)
        return len(data)


class _Inflating(io.RawIOBase):
    """The inflated bytes, refused once they outgrow FREE + RATIO x the compressed bytes read so
    far, or take longer than SECONDS: a small archive cannot cost minutes of CPU."""

    def __init__(self, inflater: Any) -> None:
        super().__init__()
        self.inflater, self.count, self.deadline = inflater, 0, time.monotonic() + SECONDS

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        data = self.inflater.read(len(target))
        target[:len(data)] = data
        self.count += len(data)
        if self.count > FREE + RATIO * self.inflater.fileobj.count or time.monotonic() > self.deadline:
            raise UploadRefused("Invalid source distribution: it inflates far beyond its size (a compression "
                                "bomb), or takes too long to read.")
        return len(data)


def _missing_pkg_info() -> UploadRefused:
    return UploadRefused("Invalid source distribution: PKG-INFO is missing from its top directory.")
