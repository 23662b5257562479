"""The saved local AWS state: restored on start, and rewritten as the state it leads to, so it
grows with the data, not with every request ever made."""
from __future__ import annotations

import json
import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import local_state  # noqa: E402
import run_local  # noqa: E402

REGION = "us-east-1"


def entry(method: str, target: str | None = None) -> str:
    headers = {"X-Amz-Target": f"DynamoDB_20120810.{target}"} if target else {}
    return json.dumps({"method": method, "url": "http://127.0.0.1:5000/", "headers": headers, "body": ""})


def test_compact_drops_reads_and_keeps_writes_in_order(tmp_path):
    state = tmp_path / "aws-state.jsonl"
    lines = [entry("POST", "CreateTable"), entry("POST", "GetItem"), entry("POST", "PutItem"),
             entry("GET"), entry("POST", "Query"), entry("PUT"), entry("POST", "TransactWriteItems"),
             entry("HEAD"), entry("POST", "DescribeTable"), entry("POST")]
    state.write_text("\n".join(lines) + "\n")
    local_state.compact(state)
    kept = [json.loads(line) for line in state.read_text().splitlines()]
    assert [(e["method"], e["headers"].get("X-Amz-Target", "").rpartition(".")[2]) for e in kept] == [
        ("POST", "CreateTable"), ("POST", "PutItem"), ("PUT", ""), ("POST", "TransactWriteItems"), ("POST", "")]


def test_compact_without_a_saved_state(tmp_path):
    local_state.compact(tmp_path / "missing.jsonl")
    assert not (tmp_path / "missing.jsonl").exists()


@pytest.fixture
def local(tmp_path):
    """Starts (and restarts) the local AWS the way `make run` does, on a free port."""
    port = run_local.free_port()
    env = {**run_local.environment(8000, port, tmp_path), "AWS_DEFAULT_REGION": REGION}
    running = []

    def start():
        running[:] = [run_local.start_moto(port, tmp_path, env)]
        return f"http://127.0.0.1:{port}"

    def stop():
        run_local.stop(running)
        running.clear()
    yield start, stop
    stop()


def fill(endpoint: str) -> None:
    db, s3 = local_state.client("dynamodb", endpoint, REGION), local_state.client("s3", endpoint, REGION)
    db.create_table(TableName="things", BillingMode="PAY_PER_REQUEST",
                    KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"},
                                          {"AttributeName": "owner", "AttributeType": "S"}],
                    GlobalSecondaryIndexes=[{"IndexName": "by_owner", "Projection": {"ProjectionType": "ALL"},
                                             "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"}]}])
    db.update_time_to_live(TableName="things", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    for n in range(30):
        db.put_item(TableName="things", Item={"id": {"S": f"t{n}"}, "owner": {"S": "alice"}, "n": {"N": str(n)}})
    for _ in range(300):  # a counter bumped on every login
        db.update_item(TableName="things", Key={"id": {"S": "counter"}}, UpdateExpression="ADD hits :one",
                       ExpressionAttributeValues={":one": {"N": "1"}})
    for n in range(20):
        db.delete_item(TableName="things", Key={"id": {"S": f"t{n}"}})
    s3.create_bucket(Bucket="files")
    s3.put_object(Bucket="files", Key="packages/big.whl", Body=b"x" * (3 * 2**20))  # deleted below
    s3.delete_object(Bucket="files", Key="packages/big.whl")
    s3.put_object(Bucket="files", Key="packages/kept.whl", Body=b"first")
    s3.put_object(Bucket="files", Key="packages/kept.whl", Body=b"wheel bytes", ContentType="application/zip")


def contents(endpoint: str) -> dict:
    db, s3 = local_state.client("dynamodb", endpoint, REGION), local_state.client("s3", endpoint, REGION)
    items = sorted(json.dumps(i, sort_keys=True) for i in db.scan(TableName="things")["Items"])
    owned = db.query(TableName="things", IndexName="by_owner", KeyConditionExpression="#o = :a",
                     ExpressionAttributeNames={"#o": "owner"}, ExpressionAttributeValues={":a": {"S": "alice"}})
    kept = s3.get_object(Bucket="files", Key="packages/kept.whl")
    return {"items": items, "owned": owned["Count"], "ttl": db.describe_time_to_live(TableName="things")[
        "TimeToLiveDescription"].get("AttributeName"), "objects": [
        o["Key"] for o in s3.list_objects_v2(Bucket="files").get("Contents", [])],
        "kept": (kept["Body"].read(), kept["ContentType"])}


def test_a_restart_keeps_the_state_and_the_log_shrinks_to_it(tmp_path, local):
    start, stop = local
    endpoint = start()
    fill(endpoint)
    before = contents(endpoint)
    assert before["owned"] == 10 and before["objects"] == ["packages/kept.whl"] and before["ttl"] == "expires"
    stop()
    log = tmp_path / local_state.STATE
    grown = log.stat().st_size
    assert grown > 3 * 2**20  # every request, the deleted file's body included

    assert contents(start()) == before
    stop()
    assert log.stat().st_size < 100_000 and not (tmp_path / local_state.PREVIOUS).exists()
    assert contents(start()) == before  # the rewritten log restores the same state


def test_a_start_cut_short_begins_again_from_the_old_log(tmp_path, local):
    start, stop = local
    endpoint = start()
    fill(endpoint)
    before = contents(endpoint)
    stop()
    log, previous = tmp_path / local_state.STATE, tmp_path / local_state.PREVIOUS
    log.replace(previous)
    log.write_text(entry("POST", "CreateTable") + "\n")  # a copy that stopped after its first request
    assert contents(start()) == before
    assert not previous.exists()
