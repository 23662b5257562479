"""Reading inside an uploaded archive, bounded: the core metadata file of a wheel
(*.dist-info/METADATA, served as PEP 658's metadata file) or of an sdist (PKG-INFO in its
top directory). A member is read in a stream and never past its cap, so a small archive
that inflates to a huge member costs nothing. Archives come as file objects: the bytes of a
legacy upload, or an object in S3 read in ranges (forklift.inspection)."""
from __future__ import annotations

import zipfile
from typing import IO

from chalicelib.core.errors import UploadRefused

MAX_METADATA = 1024 * 1024  # far above any real METADATA, which PEP 658 serves whole
MAX_MEMBERS = 100_000


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
        for name in archive.namelist()[:MAX_MEMBERS]:
            if _is_pkg_info(name):
                with archive.open(name) as member:
                    return _bounded(member, "PKG-INFO")
    raise _missing_pkg_info()


def _tar_pkg_info(source: IO[bytes]) -> bytes:
    import tarfile

    with tarfile.open(fileobj=source, mode="r|gz") as archive:
        for count, entry in enumerate(archive):  # a stream: members are not all read into memory
            if count >= MAX_MEMBERS:
                break
            if _is_pkg_info(entry.name) and entry.isfile():
                member = archive.extractfile(entry)
                if member is not None:
                    return _bounded(member, "PKG-INFO")
    raise _missing_pkg_info()


def _missing_pkg_info() -> UploadRefused:
    return UploadRefused("Invalid source distribution: PKG-INFO is missing from its top directory.")
