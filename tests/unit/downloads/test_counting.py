"""The counters: many downloads of one file land on several items (no hot item) and add up
exactly; a log object's counts are added once
however often the batch is retried; a day's totals sum every shard and version."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from freezegun import freeze_time

from chalicelib.core import aws, items
from chalicelib.downloads import counting, stats
from chalicelib.downloads.counting import Download
from chalicelib.downloads.models import SHARDS, Downloads

PROJECT = "project:cheese-demo:2026-01-01T00:00:00"


def slots(prefix: str) -> dict[str, dict]:
    return {item["slot"]["S"]: item for item in items.query(Downloads, PROJECT) if item["slot"]["S"].startswith(prefix)}


@freeze_time("2026-06-10 08:00:00")
def test_a_popular_files_downloads_spread_over_shards_and_add_up(stores):
    for _ in range(200):  # sequential: DynamoDB's ADD is atomic, moto's in-process twin is not across threads
        counting.count(PROJECT, "1.0", "cheese-1.0.whl")
    days = slots("d#2026-06-10#")
    files = slots("f#2026-06-10#cheese-1.0.whl#")
    assert len(days) > SHARDS // 2 and len(files) > SHARDS // 2  # no single item takes every write
    assert max(int(item["t"]["N"]) for item in days.values()) < 200
    assert sum(int(item["t"]["N"]) for item in days.values()) == 200
    assert sum(int(item["n"]["N"]) for item in files.values()) == 200
    assert stats.recent(PROJECT, date(2026, 6, 10)) == stats.Recent(200, 200, 200)


def test_a_failing_store_never_fails_the_download(stores, monkeypatch, caplog):
    def down(**kwargs):
        raise ConnectionError("store down")
    monkeypatch.setattr(aws.client("dynamodb"), "update_item", down)
    counting.count(PROJECT, "1.0", "cheese-1.0.whl")  # no exception: the file is served all the same
    assert "was not counted" in caplog.text


def test_a_batch_is_added_once_however_often_it_is_retried(stores):
    counts = Counter({Download(PROJECT, "1.0", "cheese-1.0.whl", "2026-06-10"): 7,
                      Download(PROJECT, "2.0", "cheese-2.0.whl", "2026-06-10"): 2,
                      Download(PROJECT, "2.0", "cheese-2.0.whl", "2026-06-09"): 1})
    for _ in range(3):  # a run cut short after writing, started again
        counting.add_once("logs/cdn/E1.2026-06-10-11.a.gz", counts)
    found = stats.days(PROJECT, 2, date(2026, 6, 10))
    assert found == [stats.Day("2026-06-09", 1, {"2.0": 1}), stats.Day("2026-06-10", 9, {"1.0": 7, "2.0": 2})]
    counting.add_once("logs/cdn/E1.2026-06-10-12.b.gz", counts)  # another object: counted
    assert stats.days(PROJECT, 1, date(2026, 6, 10))[0].total == 18


def test_a_batch_larger_than_a_transaction_is_added_once_in_parts(stores):
    counts = Counter({Download(PROJECT, f"1.{n}", f"cheese-1.{n}.whl", "2026-06-10"): 1 for n in range(250)})
    updates = counting.updates(counts, seed="big")
    assert len(counting._chunks(updates)) >= 3
    counting.add_once("big", counts)
    counting.add_once("big", counts)
    day = stats.days(PROJECT, 1, date(2026, 6, 10))[0]
    assert day.total == 250 and len(day.versions) == 250 and set(day.versions.values()) == {1}


def test_the_same_seed_writes_the_same_items():
    counts = Counter({Download(PROJECT, "1.0", "cheese-1.0.whl", "2026-06-10"): 3})
    assert counting.updates(counts, seed="a") == counting.updates(counts, seed="a")


def test_days_without_downloads_are_there_with_nothing(stores):
    found = stats.days(PROJECT, 90, date(2026, 6, 10))
    assert len(found) == 90 and found[0].day == "2026-03-13" and found[-1].day == "2026-06-10"
    assert all(day.total == 0 for day in found)
    assert stats.summary(found) == stats.Recent(0, 0, 0)


@pytest.mark.parametrize(("value", "top"), [(0, 1), (1, 1), (3, 5), (7, 10), (11, 20), (180, 200), (501, 1000)])
def test_the_charts_axis_ends_on_a_round_number(value, top):
    from chalicelib.downloads import chart

    assert chart.ceiling(value) == top


def test_a_transaction_carried_out_whose_answer_was_lost_is_not_added_again(stores, monkeypatch):
    client = aws.client("dynamodb")
    real = client.transact_write_items

    def answer_lost(**kwargs):
        real(**kwargs)
        raise ConnectionError("the answer never came")
    counts = Counter({Download(PROJECT, "1.0", "cheese-1.0.whl", "2026-06-10"): 4})
    monkeypatch.setattr(client, "transact_write_items", answer_lost)
    with pytest.raises(ConnectionError):
        counting.add_once("logs/cdn/E1.2026-06-10-11.lost.gz", counts)
    monkeypatch.setattr(client, "transact_write_items", real)
    counting.add_once("logs/cdn/E1.2026-06-10-11.lost.gz", counts)  # the next run takes the same object
    assert stats.days(PROJECT, 1, date(2026, 6, 10))[0].total == 4
