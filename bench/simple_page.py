"""The simple page of a project with 5,000 files: time to answer in-process (chalice.test
Client over moto) and the DynamoDB calls made. Target: <= 150 ms, one paginated query.

moto answers a DynamoDB query far slower than DynamoDB does (seconds for 5,000 items),
so the figures are split: the time inside the store, and the app's own time around it.
Run: .venv/bin/python bench/simple_page.py [files] [runs]
"""
from __future__ import annotations

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


def seed(count: int) -> None:
    from chalicelib.packaging.models import File, Project

    Project("big-project", display_name="big-project", listed="project", serial=count).save()
    now = datetime.now(UTC)
    with File.batch_write() as batch:
        for n in range(count):
            version = f"{n // 4}.{n % 4}"
            name = f"big_project-{version}-py3-none-any.whl"
            digest = f"{n:064x}"
            batch.save(File(name, project="big-project", version=version, packagetype="bdist_wheel",
                            python_version="py3", requires_python=">=3.8", size=1000 + n, sha256=digest,
                            md5=digest[:32], blake2_256=digest, path=f"packages/aa/bb/{digest}/{name}",
                            metadata_sha256=digest, uploaded_at=now, uploaded_by="bench"))


def main(count: int, runs: int) -> None:
    botocore.client.BaseClient._make_api_call = _counting  # type: ignore[method-assign]
    with mock_aws():
        from app import app
        from chalicelib import provision
        from chalicelib.core.config import get_settings

        provision.ensure_all(get_settings())
        seed(count)
        client = Client(app, stage_name="bench", project_dir=str(ROOT))
        print(f"simple page of a project with {count} files, in-process, median of {runs} (target <= 150 ms)")
        kinds = (("HTML (PEP 503)", "text/html"), ("JSON (PEP 691)", "application/vnd.pypi.simple.v1+json"))
        for label, accept in kinds:
            client.http.get("/simple/big-project/", headers={"accept": accept})  # warm up
            totals, own = [], []
            for _ in range(runs):
                calls.clear()
                store_seconds[0] = 0.0
                start = time.perf_counter()
                response = client.http.get("/simple/big-project/", headers={"accept": accept})
                totals.append(time.perf_counter() - start)
                own.append(totals[-1] - store_seconds[0])
                assert response.status_code == 200 and response.body.count(b"big_project-") >= count
            detail = ", ".join(f"{op} x{n}" for op, n in sorted(calls.items()))
            print(f"  {label:15s}: app {statistics.median(own) * 1000:6.1f} ms + moto "
                  f"{(statistics.median(totals) - statistics.median(own)) * 1000:6.0f} ms;"
                  f" {len(response.body) / 1e6:.1f} MB; DynamoDB: {detail} (Query x3 = one query, 3 pages)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000, int(sys.argv[2]) if len(sys.argv) > 2 else 5)
