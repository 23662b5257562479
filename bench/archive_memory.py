"""Peak memory of reading the core metadata inside uploaded archives (tracemalloc): the
largest METADATA the index accepts (1 MiB), and a wheel under 1 MB whose METADATA inflates
to 256 MiB (refused, reading no further than the cap). The same for PKG-INFO in an sdist.
Run: .venv/bin/python bench/archive_memory.py
"""
from __future__ import annotations

import io
import sys
import tarfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.core.errors import UploadRefused  # noqa: E402
from chalicelib.forklift import archives  # noqa: E402

HEAD = b"Metadata-Version: 2.1\nName: big\nVersion: 1.0\n\n"


def wheel(metadata_size: int) -> bytes:
    """A wheel whose METADATA is the header then zeros up to metadata_size, written in chunks."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("big-1.0.dist-info/METADATA", "w", force_zip64=True) as member:
            member.write(HEAD)
            left, chunk = metadata_size - len(HEAD), b" " * (1 << 20)
            while left > 0:
                member.write(chunk[:left])
                left -= len(chunk)
        archive.writestr("big-1.0.dist-info/RECORD", "")
    return out.getvalue()


def sdist(pkg_info_size: int) -> bytes:
    data = HEAD + b" " * (pkg_info_size - len(HEAD))
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        info = tarfile.TarInfo("big-1.0/PKG-INFO")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def measure(label: str, read: object, content: bytes) -> None:
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    try:
        result = f"accepted, {len(read(content)) / 2**20:.2f} MiB read"  # type: ignore[operator]
    except UploadRefused as exc:
        result = f"refused: {exc.message}"
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] - baseline
    tracemalloc.stop()
    print(f"{label:<52} archive {len(content) / 2**20:7.2f} MiB  peak {peak / 2**20:6.2f} MiB  "
          f"{elapsed * 1000:6.0f} ms  {result}")


def main() -> None:
    cap = archives.MAX_METADATA
    def read_wheel(content: bytes) -> bytes:
        return archives.wheel_metadata(io.BytesIO(content))

    def read_sdist(content: bytes) -> bytes:
        return archives.sdist_metadata("big-1.0.tar.gz", io.BytesIO(content))

    measure("wheel, METADATA exactly at the cap (1 MiB)", read_wheel, wheel(cap))
    measure("wheel, METADATA inflating to 256 MiB", read_wheel, wheel(256 * 2**20))
    measure("sdist, PKG-INFO exactly at the cap (1 MiB)", read_sdist, sdist(cap))
    measure("sdist, PKG-INFO inflating to 64 MiB", read_sdist, sdist(64 * 2**20))


if __name__ == "__main__":
    main()
