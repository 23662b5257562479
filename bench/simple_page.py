"""A project's simple page at any size: store calls per request and the app's own time, for
projects of 1, 400 and 5,000 files. The page is built when the project changes (timed apart,
once per change); a request reads it with one query whatever the project holds, and a
revalidation (If-None-Match) reads its head alone.

moto answers far slower than DynamoDB does, so the time inside the store is split off: the
app's own time is what the request costs around its store calls.
Run: .venv/bin/python bench/simple_page.py [runs]
"""
from __future__ import annotations

import hashlib
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(CHEESESHOP_STAGE="bench", CHEESESHOP_SECRET_KEY="bench-secret", AWS_ACCESS_KEY_ID="x",
                  AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1", CHEESESHOP_MAIL_DIR=tempfile.mkdtemp())

import botocore.client  # noqa: E402
from chalice.test import Client  # noqa: E402
from moto import mock_aws  # noqa: E402

calls: Counter[str] = Counter()
store_seconds = [0.0]
_original = botocore.client.BaseClient._make_api_call


def _counting(self: Any, operation: str, params: dict[str, Any]) -> Any:
    if self.meta.service_model.service_name != "dynamodb":
        return _original(self, operation, params)
    calls[operation] += 1
    start = time.perf_counter()
    try:
        return _original(self, operation, params)
    finally:
        store_seconds[0] += time.perf_counter() - start


def seed(name: str, count: int) -> None:
    from chalicelib.packaging.models import File, Project

    Project(name, display_name=name, listed="project", serial=count).save()
    now = datetime.now(UTC)
    module = name.replace("-", "_")
    with File.batch_write() as batch:
        for n in range(count):
            version = f"{n // 4}.{n % 4}"
            filename = f"{module}-{version}-py3-none-any.whl"
            digest = hashlib.sha256(f"{name} {n}".encode()).hexdigest()  # as random as real ones
            batch.save(File(filename, project=name, version=version, packagetype="bdist_wheel",
                            python_version="py3", requires_python=">=3.8", size=1000 + n, sha256=digest,
                            md5=digest[:32], blake2_256=digest, path=f"packages/aa/bb/{digest}/{filename}",
                            metadata_sha256=digest, uploaded_at=now, uploaded_by="bench"))


def timed(client: Client, path: str, headers: dict[str, str], runs: int) -> tuple[float, float, str, Any]:
    """Median app time and store time of a request, the store calls of one, and its response."""
    totals, own = [], []
    for _ in range(runs):
        calls.clear()
        store_seconds[0] = 0.0
        start = time.perf_counter()
        response = client.http.get(path, headers=headers)
        totals.append(time.perf_counter() - start)
        own.append(totals[-1] - store_seconds[0])
    detail = ", ".join(f"{op} x{n}" for op, n in sorted(calls.items()))
    return statistics.median(own), statistics.median(totals) - statistics.median(own), detail, response


def main(runs: int) -> None:
    botocore.client.BaseClient._make_api_call = _counting  # type: ignore[method-assign]
    with mock_aws():
        from app import app
        from chalicelib import provision
        from chalicelib.core.config import get_settings
        from chalicelib.packaging import pages

        provision.ensure_all(get_settings())
        client = Client(app, stage_name="bench", project_dir=str(ROOT))
        print(f"simple pages, in-process, median of {runs}: app time + time in moto; DynamoDB calls per request")
        for count in (1, 400, 5000):
            name = f"project-of-{count}"
            seed(name, count)
            start = time.perf_counter()
            pages.refresh(name)  # what a write does once it has committed
            build = time.perf_counter() - start
            path = f"/simple/{name}/"
            from chalicelib.packaging.models import SimplePage

            stored = sum(len(item.body or b"") for item in SimplePage.query(name))
            print(f"{count:5d} files (built once per change: {build * 1000:.0f} ms in all;"
                  f" both forms stored in {stored / 1e3:.0f} kB compressed)")
            for label, accept in (("HTML", "text/html"), ("JSON", "application/vnd.pypi.simple.v1+json")):
                app_time, store_time, detail, response = timed(client, path, {"accept": accept}, runs)
                assert response.status_code == 200 and response.body.count(b"-py3-none-any.whl") >= count
                print(f"  {label}: app {app_time * 1000:6.1f} ms + moto {store_time * 1000:6.1f} ms;"
                      f" {len(response.body) / 1e3:8.1f} kB; DynamoDB: {detail}")
                tag = response.headers["ETag"]
                app_time, store_time, detail, response = timed(client, path, {"accept": accept,
                                                                               "if-none-match": tag}, runs)
                assert response.status_code == 304
                print(f"  {label} revalidated (304): app {app_time * 1000:6.1f} ms + moto "
                      f"{store_time * 1000:6.1f} ms; DynamoDB: {detail}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
