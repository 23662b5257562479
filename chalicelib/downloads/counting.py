"""Adding downloads to the counters (models.Downloads): one download as the app answers it
(count), or a batch read from an access log, added exactly once however often it is retried
(add_once)."""
from __future__ import annotations

import logging
import random
import zlib
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from chalicelib.core import aws, clock
from chalicelib.downloads.models import SHARDS, Downloads, day_slot, file_slot, marker

log = logging.getLogger(__name__)
VERSIONS_PER_UPDATE = 100  # an update expression names at most this many versions (its text stays under 4 KB)
TRANSACTION = 100  # DynamoDB's most writes in one transaction: a marker and 99 counts
KEEP_MARKERS = timedelta(days=14)  # longer than a log object waits to be counted


class Download(NamedTuple):
    project: str  # the project's subject
    version: str
    filename: str
    day: str  # YYYY-MM-DD, UTC


def day_of(at: datetime) -> str:
    return at.strftime("%Y-%m-%d")


def count(project: str, version: str, filename: str) -> None:
    """One download the app answered. Never fails the download: a counter the store could not
    take is logged, and the file is served all the same."""
    try:
        table = aws.client("dynamodb")
        for update in updates(Counter({Download(project, version, filename, day_of(clock.now())): 1})):
            table.update_item(**update)
    except Exception:  # noqa: BLE001 - a count is not worth a failed install
        log.exception("a download of %s was not counted", filename)


def updates(counts: Counter[Download], seed: str | None = None) -> list[dict[str, Any]]:
    """The UpdateItem requests that add these counts: per project and day, the total and each
    version's (in one item); per file and day, the file's. Each goes to a shard: a random one,
    or, given a seed (a log object's name), one the seed decides, so a retry writes the same items."""
    def shard(*parts: str) -> int:
        if seed is None:
            return random.randrange(SHARDS)  # noqa: S311 - spreading writes, not a secret
        return zlib.crc32("|".join((seed, *parts)).encode()) % SHARDS

    days: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for download, n in counts.items():
        days[download.project, download.day][download.version] += n
    found: list[dict[str, Any]] = []
    for (project, day), versions in sorted(days.items()):
        ordered = sorted(versions.items())
        first = shard(project, day)
        for start in range(0, len(ordered), VERSIONS_PER_UPDATE):
            group = ordered[start:start + VERSIONS_PER_UPDATE]
            names = {"#t": "t", **{f"#v{i}": f"v:{version}" for i, (version, _) in enumerate(group)}}
            values = {":t": _number(sum(n for _, n in group)),
                      **{f":v{i}": _number(n) for i, (_, n) in enumerate(group)}}
            slot = day_slot(day, (first + start // VERSIONS_PER_UPDATE) % SHARDS)
            found.append(_update(project, slot, "ADD #t :t, " + ", ".join(f"#v{i} :v{i}" for i in range(len(group))),
                                 names, values))
    for download, n in sorted(counts.items()):
        slot = file_slot(download.day, download.filename, shard(download.project, download.day, download.filename))
        found.append(_update(download.project, slot, "ADD #n :n SET #version = :version",
                             {"#n": "n", "#version": "version"},
                             {":n": _number(n), ":version": {"S": download.version}}))
    return found


def _number(n: int) -> dict[str, str]:
    return {"N": str(n)}


def _update(project: str, slot: str, expression: str, names: dict[str, str], values: dict[str, Any]) -> dict[str, Any]:
    return {"TableName": Downloads.Meta.table_name, "Key": {"key": {"S": project}, "slot": {"S": slot}},
            "UpdateExpression": expression, "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}


def add_once(source: str, counts: Counter[Download]) -> None:
    """Adds the counts read from one log object (`source`, its name), in transactions that each
    also write a marker of their own: a transaction whose marker is there was carried out
    before, and is skipped. A run cut short and started again adds each count once."""
    client = aws.client("dynamodb")
    for index, chunk in enumerate(_chunks(updates(counts, seed=source))):
        mark = {"Put": {"TableName": Downloads.Meta.table_name, "ConditionExpression": "attribute_not_exists(#k)",
                        "ExpressionAttributeNames": {"#k": "key"},
                        "Item": {"key": {"S": marker(source)}, "slot": {"S": str(index)},
                                 "expires": _number(int((clock.now() + KEEP_MARKERS).timestamp()))}}}
        try:
            client.transact_write_items(TransactItems=[mark, *({"Update": update} for update in chunk)])
        except client.exceptions.TransactionCanceledException:
            if not _marked(client, source, index):  # a conflict, not an earlier run: try again later
                raise


def _marked(client: Any, source: str, index: int) -> bool:
    found = client.get_item(TableName=Downloads.Meta.table_name, ConsistentRead=True,
                            Key={"key": {"S": marker(source)}, "slot": {"S": str(index)}})
    return "Item" in found


def _chunks(found: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The updates in transactions of at most TRANSACTION - 1, never one item twice in one."""
    chunks: list[list[dict[str, Any]]] = [[]]
    keys: set[tuple[str, str]] = set()
    for update in found:
        key = (update["Key"]["key"]["S"], update["Key"]["slot"]["S"])
        if len(chunks[-1]) == TRANSACTION - 1 or key in keys:
            chunks.append([])
            keys = set()
        chunks[-1].append(update)
        keys.add(key)
    return [chunk for chunk in chunks if chunk]
