"""Store calls and time of an upload through POST /legacy/, in-process over moto: a new
project's first file, then new releases of it. Target: one S3 PUT per object, one
transaction, at most two reads (the page builds that follow a committed upload are counted
apart; a new project also reads the administrators' switches, at most every 30 s a
container). moto is far slower than AWS, so the app's own time is given apart.
With a size, each wheel carries that many incompressible bytes more (1048576: the 1 MiB wheel
of the cost model), and the app's own time of one more upload is profiled (its top functions by
their own time, the store's calls left out by moto's being counted apart).
Run: .venv/bin/python bench/upload_calls.py [uploads] [extra bytes]
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(CHEESESHOP_STAGE="bench", CHEESESHOP_SECRET_KEY="bench-secret", AWS_ACCESS_KEY_ID="x",
                  AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1", CHEESESHOP_MAIL_DIR=tempfile.mkdtemp())

import botocore.client  # noqa: E402
import maintainer  # noqa: E402  (beside this script)
from moto import mock_aws  # noqa: E402

from tests import distributions as d  # noqa: E402

calls: list[str] = []
store_seconds = [0.0]
_original = botocore.client.BaseClient._make_api_call
READS = {"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems", "GetObject", "HeadObject"}


def _counting(self: Any, operation: str, params: dict[str, Any]) -> Any:
    calls.append(operation)
    start = time.perf_counter()
    try:
        return _original(self, operation, params)
    finally:
        store_seconds[0] += time.perf_counter() - start


def main(count: int, extra: int = 0) -> None:
    with mock_aws():
        from chalicelib import provision
        from chalicelib.core.config import get_settings
        from chalicelib.core.origin import Origin
        from chalicelib.forklift import pipeline
        from chalicelib.packaging import pages

        provision.ensure_all(get_settings())
        authorization = d.basic(maintainer.token())
        real_refresh = pages.refresh

        def marked(page: str, also: Any = ()) -> None:  # the page builds that follow a committed upload, counted apart
            calls.append("|")
            real_refresh(page, also)
        pages.refresh = marked  # type: ignore[assignment]
        botocore.client.BaseClient._make_api_call = _counting  # type: ignore[method-assign]
        size = f"wheels of {extra / 2**20:.2f} MiB" if extra else "small wheels"
        print(f"uploads of {size}, in-process over moto (median of {count - 1} new releases)")
        own, stored = [], []
        for n in range(count + (1 if extra else 0)):
            body, content_type = d.form(d.wheel("calls-demo", f"1.{n}", extra=b"#" + os.urandom(extra)),
                                        d.wheel_name("calls-demo", f"1.{n}"), name="calls-demo", version=f"1.{n}")
            if n == count:  # one more, profiled
                profile(authorization, content_type, body)
                break
            calls.clear()
            store_seconds[0] = 0.0
            start = time.perf_counter()
            assert pipeline.upload(authorization=authorization, content_type=content_type, body=body,
                                   origin=Origin()) == "OK"
            total = time.perf_counter() - start
            upload_calls = calls[:calls.index("|")] if "|" in calls else calls
            after = [c for c in calls[len(upload_calls):] if c != "|"]
            summary = (f"{sum(c in READS for c in upload_calls)} reads, "
                       f"{upload_calls.count('PutObject')} S3 PUTs, {upload_calls.count('TransactWriteItems')}"
                       f" transaction, {len(upload_calls)} calls in all ({', '.join(upload_calls)});"
                       f" then {len(after)} calls building its pages")
            if n == 0:
                print(f"  a new project : {summary}")
            else:
                own.append(total - store_seconds[0])
                stored.append(store_seconds[0])
        print(f"  a new release : {summary}")
        print(f"  time: the app {statistics.median(own) * 1000:.1f} ms + the store (moto) "
              f"{statistics.median(stored) * 1000:.1f} ms, pages included")


def profile(authorization: str, content_type: str, body: bytes) -> None:
    import cProfile
    import pstats

    from chalicelib.core.origin import Origin
    from chalicelib.forklift import pipeline

    profiler = cProfile.Profile()
    profiler.enable()
    pipeline.upload(authorization=authorization, content_type=content_type, body=body, origin=Origin())
    profiler.disable()
    stats = pstats.Stats(profiler)
    mine = ("chalicelib", "zipfile", "hashlib", "zlib", "packaging/", "multipart")
    own = [(value[2], function) for function, value in stats.stats.items()  # type: ignore[attr-defined]
           if any(part in function[0] or part in function[2] for part in mine)]
    print("  where the app's own time goes (one upload, profiled: the app's, hashing's and the parsers' functions"
          " by the time spent in them, not in what they call):")
    for seconds, (file, line, name) in sorted(own, reverse=True)[:8]:
        print(f"    {seconds * 1000:6.1f} ms  {name}  ({Path(file).name}:{line})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 11, int(sys.argv[2]) if len(sys.argv) > 2 else 0)
