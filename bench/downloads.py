"""What counting downloads costs, per million downloads, at AWS's published us-east-1 prices.

Two paths, in-process over moto:
- through the app's /packages/ route (private files, or direct links off): the store calls one
  counted download makes;
- from the CDN's standard logs (public files): a million downloads of 200 files of 20 projects
  (the most popular file taking a third) in log objects as CloudFront delivers them, parsed,
  tallied and added by the code the every-minute CountDownloads runs. Printed: the time to read
  and tally a million log lines (the Lambda's work besides its store calls), the store calls and
  items written per log object, and the cost for small and large objects (CloudFront writes more
  objects, each with fewer lines, for a quieter distribution).
Run: .venv/bin/python bench/downloads.py
"""
from __future__ import annotations

import gzip
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import simple_page as harness  # noqa: E402  (the store-call counter)

# us-east-1, on-demand, from each service's pricing page (aws.amazon.com/<service>/pricing):
PRICES = {
    "DynamoDB on-demand, per write request unit": 0.625 / 1e6,  # a transactional write takes two per KB
    "Lambda, per GB-second (x86)": 0.0000166667,
    "S3 Standard GET, per request": 0.0004 / 1e3,
    "S3 Standard PUT and LIST, per request": 0.005 / 1e3,  # CloudFront's delivery of each log object; the listing
}
LAMBDA_GB = 1.0
DOWNLOADS = 1_000_000
FILES = [(f"project:bench-{p:02d}:2026", f"1.{v}", f"bench_{p:02d}-1.{v}-py3-none-any.whl")
         for p in range(20) for v in range(10)]


def log_object(lines: int, rng: random.Random) -> bytes:
    from chalicelib.downloads import logs

    weights = [1 / (rank + 1) for rank in range(len(FILES))]  # Zipf: the first file the most popular
    chosen = rng.choices(range(len(FILES)), weights, k=lines)
    rows = []
    for index in chosen:
        values = {"date": "2026-06-10", "time": "10:00:00", "cs-method": "GET", "sc-status": "200",
                  "cs-uri-stem": f"/files/packages/aa/bb/{index:04d}/{FILES[index][2]}", "x-edge-location": "IAD89-C1",
                  "sc-bytes": "48213", "c-ip": "192.0.2.10", "cs(User-Agent)": "pip/25.0"}
        rows.append("\t".join(values.get(name, "-") for name in logs.FIELDS))
    text = "#Version: 1.0\n#Fields: " + " ".join(logs.FIELDS) + "\n" + "\n".join(rows) + "\n"
    return gzip.compress(text.encode())


def resolve(key: str):  # noqa: ANN201 - the catalog's answer, without the catalog
    from chalicelib.downloads import logs

    project, version, filename = FILES[int(key.split("/")[3])]
    return logs.File(project, version, filename)


written: list[int] = []  # items in each transaction


def _recording(self, operation, params):  # noqa: ANN001, ANN202 - botocore's signature
    if operation == "TransactWriteItems":
        written.append(len(params["TransactItems"]))
    return harness._counting(self, operation, params)


def main() -> None:
    import os

    import boto3
    import botocore.client
    from moto import mock_aws

    os.environ.update(CHEESESHOP_STAGE="test", CHEESESHOP_SECRET_KEY="bench", CHEESESHOP_FILES_URL="/files",
                      CHEESESHOP_DOWNLOAD_LOGS="s3://bench-logs/cdn/")
    botocore.client.BaseClient._make_api_call = _recording  # type: ignore[method-assign]
    rng = random.Random(7)
    with mock_aws():
        from chalicelib import provision
        from chalicelib.core.config import get_settings
        from chalicelib.downloads import counting, logs

        provision.ensure_all(get_settings())
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bench-logs")

        harness.calls.clear()
        for _ in range(100):
            counting.count(*FILES[0])
        route_writes = harness.calls["UpdateItem"] / 100
        route_cost = DOWNLOADS * route_writes * PRICES["DynamoDB on-demand, per write request unit"]
        print("through /packages/ (each download counted as the app answers it):")
        print(f"  UpdateItem per download: {route_writes:.0f} (items under 1 KB: one write unit each)")
        print(f"  cost per million downloads: ${route_cost:.2f} (DynamoDB writes)")

        big = [log_object(10_000, rng) for _ in range(10)]
        started = time.process_time()
        tallied: Counter = Counter()
        for body in big:
            tallied.update(logs.tally(logs.requests(body), resolve))
        cpu = (time.process_time() - started) * DOWNLOADS / sum(tallied.values())
        print(f"\nfrom the CDN's logs: reading and tallying a million log lines takes {cpu:.2f} s of CPU here")
        for lines in (10_000, 1_000, 100):
            bodies = big[:5] if lines == 10_000 else [log_object(lines, rng) for _ in range(5)]
            for n, body in enumerate(bodies):
                s3.put_object(Bucket="bench-logs", Key=f"cdn/E1.2026-06-10-10.{lines}-{n}.gz", Body=body)
            harness.calls.clear()
            written.clear()
            taken = logs.run(resolve)
            transactions, items = len(written) / taken, sum(written) / taken
            objects = DOWNLOADS / lines
            seconds = cpu + objects * transactions * 0.005  # and ~5 ms a transaction, as DynamoDB answers
            cost = {"DynamoDB writes": objects * items * 2 * PRICES["DynamoDB on-demand, per write request unit"],
                    "Lambda": seconds * LAMBDA_GB * PRICES["Lambda, per GB-second (x86)"],
                    "S3": objects * (PRICES["S3 Standard GET, per request"]
                                     + PRICES["S3 Standard PUT and LIST, per request"])}
            print(f"  log objects of {lines:,} lines: {transactions:.1f} transactions and {items:.0f} items written "
                  f"per object (files', project-days' and markers)")
            print(f"    per million downloads: ${sum(cost.values()):.4f} = "
                  + " + ".join(f"{name} ${value:.4f}" for name, value in cost.items()))
    print("\nprices (us-east-1, on-demand, aws.amazon.com/<service>/pricing):")
    for name, price in PRICES.items():
        print(f"  {name}: ${price:.10f}".rstrip("0"))


if __name__ == "__main__":
    main()
