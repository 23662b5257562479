"""The local AWS's saved state: a log of requests that moto's recorder replays on start.

Left alone the log grows with every request ever made: page views, rate-limit counters,
and the bodies of files long deleted. So each start rewrites it as the state it leads to:
the old log is replayed into a second, private moto server, and everything it then holds
(tables, items, buckets, objects) is copied into the moto server `make run` serves, which
records the copy as the new log. The log is then as large as the data, never larger.

A start cut short is safe: the old log is kept (as `aws-state.previous.jsonl`) until the
copy is whole, and a start that finds it begins again from it.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

STATE = "aws-state.jsonl"
PREVIOUS = "aws-state.previous.jsonl"

# Requests that change nothing, dropped before a replay so that it does not repeat them.
READ_OPERATIONS = {"GetItem", "BatchGetItem", "Query", "Scan", "DescribeTable", "DescribeTimeToLive",
                   "ListTables", "TransactGetItems"}


def compact(recording: Path) -> None:
    """Drops the reads from a saved log, keeping every write in order."""
    if not recording.exists():
        return
    kept = []
    for line in recording.read_text().splitlines():
        entry = json.loads(line)
        headers = {name.lower(): value for name, value in entry.get("headers", {}).items()}
        operation = headers.get("x-amz-target", "").rpartition(".")[2]
        if entry.get("method") in ("GET", "HEAD") or operation in READ_OPERATIONS:
            continue
        kept.append(line)
    partial = recording.with_suffix(".compacting")
    partial.write_text("".join(line + "\n" for line in kept))
    partial.replace(recording)  # atomic: a crash leaves the old file whole


def client(service: str, endpoint: str, region: str) -> Any:
    return boto3.client(service, endpoint_url=endpoint, region_name=region, aws_access_key_id="testing",
                        aws_secret_access_key="testing", config=Config(retries={"max_attempts": 2}))


def copy_state(source: str, target: str, region: str) -> dict[str, int]:
    """Copies every table with its items and every bucket with its objects; returns the counts."""
    counts = {"tables": 0, "items": 0, "buckets": 0, "objects": 0}
    source_db, target_db = client("dynamodb", source, region), client("dynamodb", target, region)
    for name in source_db.get_paginator("list_tables").paginate().build_full_result().get("TableNames", []):
        copy_table(source_db, target_db, name, counts)
    source_s3, target_s3 = client("s3", source, region), client("s3", target, region)
    for bucket in source_s3.list_buckets().get("Buckets", []):
        copy_bucket(source_s3, target_s3, bucket["Name"], region, counts)
    return counts


def copy_table(source: Any, target: Any, name: str, counts: dict[str, int]) -> None:
    table = source.describe_table(TableName=name)["Table"]
    spec: dict[str, Any] = {"TableName": name, "KeySchema": table["KeySchema"], "BillingMode": "PAY_PER_REQUEST",
                            "AttributeDefinitions": table["AttributeDefinitions"]}
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if table.get(kind):
            spec[kind] = [{"IndexName": index["IndexName"], "KeySchema": index["KeySchema"],
                           "Projection": index["Projection"]} for index in table[kind]]
    target.create_table(**spec)
    ttl = source.describe_time_to_live(TableName=name).get("TimeToLiveDescription", {})
    if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
        target.update_time_to_live(TableName=name, TimeToLiveSpecification={
            "Enabled": True, "AttributeName": ttl["AttributeName"]})
    batch: list[dict[str, Any]] = []
    for page in source.get_paginator("scan").paginate(TableName=name):
        for item in page["Items"]:
            batch.append({"PutRequest": {"Item": item}})
            if len(batch) == 25:
                _write(target, name, batch)
                batch = []
        counts["items"] += len(page["Items"])
    if batch:
        _write(target, name, batch)
    counts["tables"] += 1


def _write(target: Any, name: str, batch: list[dict[str, Any]]) -> None:
    requests = {name: batch}
    while requests:
        requests = target.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}


def copy_bucket(source: Any, target: Any, name: str, region: str, counts: dict[str, int]) -> None:
    if region == "us-east-1":
        target.create_bucket(Bucket=name)
    else:
        target.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    for page in source.get_paginator("list_objects_v2").paginate(Bucket=name):
        for summary in page.get("Contents", []):
            found = source.get_object(Bucket=name, Key=summary["Key"])
            target.put_object(Bucket=name, Key=summary["Key"], Body=found["Body"].read(),
                              ContentType=found.get("ContentType", "binary/octet-stream"),
                              Metadata=found.get("Metadata", {}))
            counts["objects"] += 1
    counts["buckets"] += 1
