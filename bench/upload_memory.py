"""Peak memory while uploading a 4 MiB wheel through POST /legacy/, in-process (tracemalloc).
Target: <= 3x the file. moto keeps its own copy of the stored object in this process; that
copy is reported apart, since on AWS it lives in S3, not in the Lambda.
Run: .venv/bin/python bench/upload_memory.py
"""
from __future__ import annotations

import os
import sys
import tempfile
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(CHEESESHOP_STAGE="bench", CHEESESHOP_SECRET_KEY="bench-secret", AWS_ACCESS_KEY_ID="x",
                  AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1", CHEESESHOP_MAIL_DIR=tempfile.mkdtemp())

import maintainer  # noqa: E402  (beside this script)
from moto import mock_aws  # noqa: E402

from tests import distributions as d  # noqa: E402

SIZE = 4 * 1024 * 1024 - 4096


def main() -> None:
    import random

    with mock_aws():
        from chalicelib import provision
        from chalicelib.core.config import get_settings
        from chalicelib.core.origin import Origin
        from chalicelib.forklift import pipeline as uploads

        provision.ensure_all(get_settings())
        authorization = d.basic(maintainer.token())
        noise = random.Random(1).randbytes(SIZE)  # incompressible, so the wheel is as large as its payload
        content = d.wheel("memory-demo", extra=noise)
        body, content_type = d.form(content, d.wheel_name("memory-demo"), name="memory-demo")
        tracemalloc.start()
        baseline = tracemalloc.get_traced_memory()[0]
        message = uploads.upload(authorization=authorization, content_type=content_type, body=body, origin=Origin())
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert message == "OK", message
        held_by_moto = current - baseline  # what stays allocated: moto's copy of the object (and metadata)
        print(f"upload of a {len(content) / 2**20:.2f} MiB wheel ({len(body) / 2**20:.2f} MiB request body, "
              "already in memory as Lambda hands it over)")
        print(f"  peak allocated during the upload : {(peak - baseline) / 2**20:6.2f} MiB"
              f" = {(peak - baseline) / len(content):.2f}x the file")
        print(f"  of which moto's stored copy      : {held_by_moto / 2**20:6.2f} MiB")
        print(f"  the app's own peak               : {(peak - baseline - held_by_moto) / 2**20:6.2f} MiB"
              f" = {(peak - baseline - held_by_moto) / len(content):.2f}x the file   (target <= 3x)")


if __name__ == "__main__":
    main()
