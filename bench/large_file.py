"""A 100 MiB wheel by upload session against `make run` (moto server + chalice local):
the upload client's throughput to the local AWS, then the peak memory of validating the file
where it lies (digests, zip directory, METADATA), measured in this process against the same
local S3. Target: validation peaks at or under 64 MiB.
Run: .venv/bin/python bench/large_file.py [MiB]
"""
from __future__ import annotations

import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "client" / "src"))

from tests.e2e.conftest import http_token, start_site  # noqa: E402

CHUNK = 1024 * 1024


def write_wheel(directory: Path, size: int) -> Path:
    """A wheel of just under `size` bytes, written a MiB at a time (never held in memory)."""
    path = directory / "bigbench-1.0-py3-none-any.whl"
    info, noise = "bigbench-1.0.dist-info", random.Random(1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        with archive.open("bigbench/payload.bin", "w", force_zip64=True) as member:
            for _ in range(size // CHUNK - 1):
                member.write(noise.randbytes(CHUNK))
            member.write(noise.randbytes(CHUNK - 4096))  # room for the other members and the directory
        archive.writestr("bigbench/__init__.py", "")
        archive.writestr(f"{info}/METADATA", "Metadata-Version: 2.1\nName: bigbench\nVersion: 1.0\n")
        archive.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        archive.writestr(f"{info}/RECORD", "")
    return path


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    size = int(sys.argv[1]) * CHUNK if len(sys.argv) > 1 else 100 * CHUNK
    work = Path(tempfile.mkdtemp())
    site = start_site(work / "local")
    try:
        token = http_token(site, "bench")
        wheel = write_wheel(work, size)
        from cheeseshop_upload import cli

        started = time.perf_counter()
        code = cli.main(["--repository-url", site.url + "/legacy/", "-u", "__token__", "-p", token,
                         "--disable-progress-bar", str(wheel)])
        elapsed = time.perf_counter() - started
        assert code == 0, "the upload failed"
        mib = wheel.stat().st_size / CHUNK
        print(f"upload of a {mib:.1f} MiB wheel with cheeseshop-upload (4 parts at once, local AWS): "
              f"{elapsed:.1f} s, {mib / elapsed:.1f} MiB/s, including the index reading it once to check it")

        os.environ.update(CHEESESHOP_STAGE="local", AWS_ENDPOINT_URL=f"http://127.0.0.1:{site.moto_port}")
        from chalicelib import registry
        from chalicelib.core.config import get_settings
        from chalicelib.forklift import inspection
        from chalicelib.packaging.models import File

        registry.bind(get_settings())
        key = File.get(wheel.name).path
        before = max_rss_mib()
        tracemalloc.start()
        started = time.perf_counter()
        found = inspection.inspect(key, wheel.name)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert found.size == wheel.stat().st_size
        print(f"validating it from S3 (digests, zip directory, METADATA): {elapsed:.2f} s; "
              f"peak Python allocations {peak / CHUNK:.1f} MiB (target <= 64); "
              f"process peak RSS {before:.0f} MiB before, {max_rss_mib():.0f} MiB after")
    finally:
        site.stop()


if __name__ == "__main__":
    main()
