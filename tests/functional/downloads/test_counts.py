"""Download counts as a user sees them: each download through /packages/ counted once on the
day it happened (never a PEP 658 metadata fetch), the file URL's downloads counted from its
access logs exactly once, the totals on the project page and in the JSON API, and the
statistics page's chart and table; a re-created name starts from nothing, and a private
project's counts are its readers' alone."""
from __future__ import annotations

import gzip
import json
import re

import boto3
import pytest
from freezegun import freeze_time

from chalicelib.downloads import logs
from chalicelib.downloads.views import resolve
from chalicelib.packaging.models import File
from tests import distributions as d
from tests.functional.oidc.test_publishing_rights import delete_project
from tests.functional.packaging.test_pages import make_private, publish, text_of

LOGS = "s3://download-logs/cdn/"


def download_path(filename: str = d.wheel_name()) -> str:
    return "/" + File.get(filename).path


def fetch(client, times: int, filename: str = d.wheel_name()) -> None:
    for _ in range(times):
        assert client.http.get(download_path(filename)).status_code == 302


def sidebar_counts(client) -> dict[str, str]:
    page = client.http.get("/project/cheese-demo/").body.decode()
    block = page[page.index('<dl class="downloads">'):]
    block = block[:block.index("</dl>")]
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", block))


def test_downloads_through_the_app_are_counted_per_day_and_shown(client, token):
    with freeze_time("2026-06-01 12:00:00") as frozen:
        publish(client, token, "1.0")
        fetch(client, 2)
        frozen.move_to("2026-06-10 09:00:00")
        fetch(client, 5)
        wheel = File.get(d.wheel_name())
        assert client.http.get("/" + wheel.path + ".metadata").status_code == 302  # pip's metadata: no download
        assert sidebar_counts(client) == {"Last day": "5", "Last week": "5", "Last month": "7"}
        info = json.loads(client.http.get("/pypi/cheese-demo/json").body)["info"]
        assert info["downloads"] == {"last_day": 5, "last_week": 5, "last_month": 7}
        release = json.loads(client.http.get("/pypi/cheese-demo/1.0/json").body)["info"]
        assert release["downloads"] == {"last_day": 5, "last_week": 5, "last_month": 7}


def test_the_statistics_page_draws_a_bar_per_day_and_its_table_matches(client, token):
    with freeze_time("2026-06-01 12:00:00") as frozen:
        publish(client, token, "1.0")
        publish(client, token, "2.0")
        fetch(client, 3, d.wheel_name(version="1.0"))
        frozen.move_to("2026-06-03 12:00:00")
        fetch(client, 4, d.wheel_name(version="2.0"))
        fetch(client, 1, d.wheel_name(version="1.0"))
        page = client.http.get("/project/cheese-demo/stats/")
        assert page.status_code == 200
        html = page.body.decode()
        one = client.http.get("/project/cheese-demo/stats/?version=2.0").body.decode()
    bars = dict(re.findall(r'<rect class="bar"[^>]*data-day="([^"]+)" data-count="(\d+)"', html))
    assert len(bars) == 90 and min(bars) == "2026-03-06" and max(bars) == "2026-06-03"
    assert (bars["2026-06-01"], bars["2026-06-02"], bars["2026-06-03"]) == ("3", "0", "5")
    table = html[html.index('class="daily"'):html.index("</table>")]
    rows = dict(re.findall(r'<time datetime="([^"]+)">[^<]*</time></td><td>([^<]+)</td>', table))
    assert rows == bars  # the table says what the chart draws, day by day
    heights = {day: float(h) for h, day in re.findall(r'<rect class="bar"[^>]*height="([\d.]+)" data-day="([^"]+)"',
                                                      html)}
    assert heights["2026-06-03"] > heights["2026-06-01"] > heights["2026-06-02"] == 0
    by_version = text_of(html[html.index('class="by-version"'):])
    assert "2.0 4" in by_version and "1.0 4" in by_version
    drawn = dict(re.findall(r'<rect class="bar"[^>]*data-day="([^"]+)" data-count="(\d+)"', one))
    assert (drawn["2026-06-01"], drawn["2026-06-03"]) == ("0", "4")
    assert client.http.get("/project/cheese-demo/stats/?version=9.9").status_code == 404
    assert client.http.get("/project/no-such-project/stats/").status_code == 404


def test_a_recreated_name_starts_from_nothing(client, token, alice, monkeypatch):
    monkeypatch.setenv("CHEESESHOP_DELETED_NAME_HOLD", "0")
    with freeze_time("2026-06-01 12:00:00") as frozen:
        publish(client, token, "1.0")
        fetch(client, 3)
        frozen.tick(60)
        assert delete_project(alice).status == 303
        frozen.tick(60)
        publish(client, token, "2.0")  # a filename is never used twice, even after its deletion
        assert sidebar_counts(client)["Last day"] == "0"
        assert json.loads(client.http.get("/pypi/cheese-demo/json").body)["info"]["downloads"]["last_day"] == 0


def test_a_private_projects_counts_are_for_its_readers_only(client, token, alice):
    publish(client, token, "1.0")
    make_private(alice, "cheese-demo")
    assert client.http.get("/project/cheese-demo/stats/").status_code == 404  # a stranger: no such project
    page = alice.get("/project/cheese-demo/stats/")
    assert page.status == 200 and "no-store" in page.headers["Cache-Control"]


@pytest.fixture
def logged(monkeypatch):
    """The CDN at /files, leaving its standard logs under LOGS."""
    monkeypatch.setenv("CHEESESHOP_FILES_URL", "/files")
    monkeypatch.setenv("CHEESESHOP_DOWNLOAD_LOGS", LOGS)
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="download-logs")


def deliver(key: str, lines: list[tuple[str, str, str, str]]) -> None:
    """A CloudFront standard log object: (date, method, stem, status) per request."""
    header = "#Version: 1.0\n#Fields: " + " ".join(logs.FIELDS) + "\n"
    rows = []
    for day, method, stem, status in lines:
        values = {"date": day, "time": "10:00:00", "cs-method": method, "cs-uri-stem": stem, "sc-status": status}
        rows.append("\t".join(values.get(name, "-") for name in logs.FIELDS))
    body = gzip.compress((header + "\n".join(rows) + "\n").encode())
    boto3.client("s3", region_name="us-east-1").put_object(Bucket="download-logs", Key="cdn/" + key, Body=body)


def test_the_cdns_downloads_are_counted_from_its_logs_once(client, token, logged, monkeypatch):
    """The store fails after an object's counts went in, before it was deleted: the next run
    takes it again and counts nothing twice."""
    with freeze_time("2026-06-10 12:00:00"):
        publish(client, token, "1.0")
        stem = "/files" + download_path()
        deliver("E1.2026-06-10-11.a.gz", [("2026-06-10", "GET", stem, "200")] * 3 + [
            ("2026-06-09", "GET", stem, "200"),
            ("2026-06-10", "GET", stem, "206"),  # a range: part of a download
            ("2026-06-10", "HEAD", stem, "200"),
            ("2026-06-10", "GET", stem + ".metadata", "200"),  # PEP 658: not a download
            ("2026-06-10", "GET", download_path(), "302"),  # the app's route: counted by the app
            ("2026-06-10", "GET", "/files/packages/aa/bb/cc/nothing-1.0.tar.gz", "200")])
        real_delete = logs.aws.client("s3").delete_object
        calls = {"n": 0}

        def failing_delete(**kwargs):  # the store fails after the counts went in: the object stays
            calls["n"] += 1
            raise ConnectionError("store down")
        monkeypatch.setattr(logs.aws.client("s3"), "delete_object", failing_delete)
        assert logs.run(resolve) == 0  # not counted as done: the object stays
        monkeypatch.setattr(logs.aws.client("s3"), "delete_object", real_delete)
        assert logs.run(resolve) == 1  # the same object again: counted once all the same
        assert logs.run(resolve) == 0  # and gone
        assert not boto3.client("s3", region_name="us-east-1").list_objects_v2(
            Bucket="download-logs").get("Contents")
        assert sidebar_counts(client) == {"Last day": "3", "Last week": "4", "Last month": "4"}
    assert calls["n"] == 1


def test_an_object_that_cannot_be_counted_holds_up_none_of_the_others(client, token, logged, monkeypatch):
    with freeze_time("2026-06-10 12:00:00"):
        publish(client, token, "1.0")
        stem = "/files" + download_path()
        deliver("E1.2026-06-10-10.a.gz", [("2026-06-10", "GET", stem, "200")])
        deliver("E1.2026-06-10-11.b.gz", [("2026-06-10", "GET", stem, "200")] * 2)
        real_add = logs.add_once

        def poisoned(source, counts):
            if source.endswith(".a.gz"):
                raise ValueError("cannot be counted")
            real_add(source, counts)
        monkeypatch.setattr(logs, "add_once", poisoned)
        assert logs.run(resolve) == 1
        assert sidebar_counts(client)["Last day"] == "2"
        monkeypatch.setattr(logs, "add_once", real_add)
        assert logs.run(resolve) == 1
        assert sidebar_counts(client)["Last day"] == "3"
