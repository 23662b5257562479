"""A store that hangs: pages answer 503 within seconds, and work again once it is back."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import requests

from tests.e2e.conftest import start_site


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
