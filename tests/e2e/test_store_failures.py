"""A store that hangs or is gone: pages and uploads answer 503 within seconds, nothing is left
listed, and pages work again once the store is back."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import requests

from tests.e2e.conftest import http_token, start_site
from tests.e2e.test_publish_and_install import build, twine


def moto_pid(port: int) -> int:
    """The local AWS of a site, found by its command line."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"moto.server" in argv and str(port).encode() in argv:
                return int(entry.name)
    raise AssertionError("no moto server found")


def test_a_hung_store_is_a_503_within_seconds(tmp_path):
    site = start_site(tmp_path / "local")
    pid = moto_pid(site.moto_port)
    try:
        assert requests.get(site.url + "/simple/", timeout=30).status_code == 200
        os.kill(pid, signal.SIGSTOP)
        started = time.monotonic()
        hung = requests.get(site.url + "/simple/", timeout=60)
        elapsed = time.monotonic() - started
        assert hung.status_code == 503 and hung.headers["Retry-After"] == "30"
        assert "temporarily unavailable" in hung.text
        print(f"hung store: 503 after {elapsed:.1f} s")
        assert elapsed < 20, f"took {elapsed:.1f} s"
        os.kill(pid, signal.SIGCONT)
        assert requests.get(site.url + "/simple/", timeout=30).status_code == 200
    finally:
        os.kill(pid, signal.SIGCONT)
        site.stop()


def test_a_removed_bucket_is_a_503_for_twine_and_nothing_is_listed(tmp_path):
    import boto3

    site = start_site(tmp_path / "local")
    try:
        token = http_token(site, "keeper")
        s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{site.moto_port}", region_name="us-east-1",
                          aws_access_key_id="local", aws_secret_access_key="local")
        s3.delete_bucket(Bucket="cheeseshop-files")
        started = time.monotonic()
        refused = twine(site, token, build(tmp_path, "cheese-gone"))
        output = refused.stdout + refused.stderr
        assert refused.returncode != 0 and "503" in output and "temporarily unavailable" in output, output
        assert time.monotonic() - started < 60
        assert requests.get(site.url + "/simple/cheese-gone/", timeout=10).status_code == 404
        assert "cheese-gone" not in requests.get(site.url + "/simple/", timeout=10).text
    finally:
        site.stop()
