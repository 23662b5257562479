"""Reading the CDN's standard logs: fields by the #Fields line, gzip or not; only a successful
GET under the file URL's path is a download; a broken object counts nothing and stops nothing."""
from __future__ import annotations

import gzip

import pytest

from chalicelib.core import config
from chalicelib.downloads import logs
from chalicelib.downloads.counting import Download

KEY = "packages/ab/cd/ef/cheese-1.0-py3-none-any.whl"
SAMPLE = ("#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status\n"
          f"2026-06-10\t10:00:00\tIAD89\t1200\t192.0.2.1\tGET\td1.cloudfront.net\t/files/{KEY}\t200\n"
          f"2026-06-10\t10:00:01\tIAD89\t1200\t192.0.2.1\tGET\td1.cloudfront.net\t/files/{KEY}\t304\n"
          "a line that is not a log line\n"
          f"2026-06-11\t00:00:01\tIAD89\t1200\t192.0.2.1\tGET\td1.cloudfront.net\t/files/{KEY}\t200\n")


def resolve(key: str) -> logs.File | None:
    return logs.File("project:cheese", "1.0", key.rsplit("/", 1)[1]) if key == KEY else None


@pytest.mark.parametrize("compressed", [True, False])
def test_the_standard_logs_fields_are_read_by_their_names(compressed, settings_env, monkeypatch):
    monkeypatch.setenv("CHEESESHOP_FILES_URL", "/files")
    body = SAMPLE.encode()
    counts = logs.tally(logs.requests(gzip.compress(body) if compressed else body), resolve)
    wheel = "cheese-1.0-py3-none-any.whl"
    assert counts == {Download("project:cheese", "1.0", wheel, "2026-06-10"): 1,
                      Download("project:cheese", "1.0", wheel, "2026-06-11"): 1}


def test_the_local_file_servers_lines_are_read_back(settings_env, monkeypatch):
    from datetime import UTC, datetime

    monkeypatch.setenv("CHEESESHOP_FILES_URL", "http://127.0.0.1:8001")
    at = datetime(2026, 6, 10, 23, 59, 59, tzinfo=UTC)
    text = f"#Version: 1.0\n#Fields: {' '.join(logs.FIELDS)}\n"
    text += logs.line(at, "GET", "/" + KEY, 200, 10, "h", "pip/25")
    assert list(logs.tally(logs.requests(text.encode()), resolve).values()) == [1]


def test_a_broken_object_counts_nothing(settings_env, monkeypatch):
    monkeypatch.setenv("CHEESESHOP_FILES_URL", "/files")
    assert logs.tally(logs.requests(b"\x1f\x8b not really gzip"), resolve) == {}
    assert logs.tally(logs.requests(b"\x00\xff" * 100), resolve) == {}


def test_without_a_file_url_the_logs_count_nothing(settings_env, monkeypatch):
    monkeypatch.delenv("CHEESESHOP_FILES_URL", raising=False)  # every download goes through the app, which counts it
    assert logs.tally(logs.requests(SAMPLE.encode()), resolve) == {}


@pytest.mark.parametrize("value", ["logs-bucket", "https://example.com/logs", "s3://", "s3://bucket/x?y=1"])
def test_the_logs_setting_must_name_a_bucket(value, settings_env, monkeypatch):
    monkeypatch.setenv("CHEESESHOP_DOWNLOAD_LOGS", value)
    with pytest.raises(config.ConfigurationError, match="CHEESESHOP_DOWNLOAD_LOGS"):
        config.get_settings()


def test_the_logs_setting(settings_env, monkeypatch):
    monkeypatch.setenv("CHEESESHOP_DOWNLOAD_LOGS", "s3://my-logs/cdn/")
    assert config.get_settings().download_logs == ("my-logs", "cdn/")
    monkeypatch.setenv("CHEESESHOP_DOWNLOAD_LOGS", "off")
    assert config.get_settings().download_logs is None
