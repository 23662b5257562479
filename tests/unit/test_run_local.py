"""The saved local AWS state keeps what changed the stores and drops reads."""
from __future__ import annotations

import json
import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import run_local  # noqa: E402


def entry(method: str, target: str | None = None) -> str:
    headers = {"X-Amz-Target": f"DynamoDB_20120810.{target}"} if target else {}
    return json.dumps({"method": method, "url": "http://127.0.0.1:5000/", "headers": headers, "body": ""})


def test_compact_drops_reads_and_keeps_writes_in_order(tmp_path):
    state = tmp_path / "aws-state.jsonl"
    lines = [entry("POST", "CreateTable"), entry("POST", "GetItem"), entry("POST", "PutItem"),
             entry("GET"), entry("POST", "Query"), entry("PUT"), entry("POST", "TransactWriteItems"),
             entry("HEAD"), entry("POST", "DescribeTable"), entry("POST")]
    state.write_text("\n".join(lines) + "\n")
    run_local.compact(state)
    kept = [json.loads(line) for line in state.read_text().splitlines()]
    assert [(e["method"], e["headers"].get("X-Amz-Target", "").rpartition(".")[2]) for e in kept] == [
        ("POST", "CreateTable"), ("POST", "PutItem"), ("PUT", ""), ("POST", "TransactWriteItems"), ("POST", "")]


def test_compact_without_a_saved_state(tmp_path):
    run_local.compact(tmp_path / "missing.jsonl")
    assert not (tmp_path / "missing.jsonl").exists()
