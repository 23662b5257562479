"""What pass-through costs. In process over moto, with a local upstream (tests.upstream) holding
a 200-file project: the store calls and the app's own time of its page uncached (the upstream
asked, the copy stored), cached (no upstream call), and stale-checked (revalidated by ETag).
Then against `make run`: a clean `pip install` of a 20-project dependency tree through the
index (every project from the upstream) side by side with pip straight from the upstream.

Run: .venv/bin/python bench/pass_through.py [runs]
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import simple_page as harness  # noqa: E402  (the store-call counter and the timer; sets the bench stage)

from tests import distributions as d  # noqa: E402
from tests.upstream import Upstream  # noqa: E402

JSON = {"Accept": "application/vnd.pypi.simple.v1+json"}
PROJECTS = 20  # an application and the 19 libraries it needs


def in_process(runs: int) -> None:
    import os
    from datetime import timedelta
    from unittest import mock

    import botocore.client
    from chalice.test import Client
    from moto import mock_aws

    upstream = Upstream().start()
    for n in range(200):
        upstream.add("big-cheese", f"big_cheese-{n // 4}.{n % 4}-py3-none-any.whl", f"file {n}".encode())
    os.environ.update(CHEESESHOP_UPSTREAM_INDEX=upstream.url, CHEESESHOP_STAGE="test")  # a loopback upstream
    botocore.client.BaseClient._make_api_call = harness._counting  # type: ignore[method-assign]
    with mock_aws():
        from app import app
        from chalicelib import provision
        from chalicelib.core import clock
        from chalicelib.core.config import get_settings
        from chalicelib.upstream.models import UpstreamPage

        provision.ensure_all(get_settings())
        client = Client(app, stage_name="bench", project_dir=str(harness.ROOT))
        print("pass-through page of a 200-file upstream project (app time + moto time; DynamoDB calls)")
        rows = []
        for label, prepare in (("uncached (upstream asked, copy stored)", lambda: UpstreamPage("big-cheese").delete()),
                               ("cached (no upstream call)", lambda: None)):
            own, store, detail, response = [], [], "", None
            for _ in range(runs):
                prepare()
                asked = len(upstream.asked)
                app_time, store_time, detail, response = harness.timed(client, "/simple/big-cheese/", JSON, 1)
                own.append(app_time)
                store.append(store_time)
                upstream_calls = len(upstream.asked) - asked
            assert response is not None and response.status_code == 200
            rows.append((label, statistics.median(own), statistics.median(store), detail, upstream_calls))
        later = clock.now() + timedelta(minutes=6)
        with mock.patch("chalicelib.upstream.services.clock.now", return_value=later):
            asked = len(upstream.asked)
            app_time, store_time, detail, _ = harness.timed(client, "/simple/big-cheese/", JSON, 1)
            rows.append(("stale, revalidated (304)", app_time, store_time, detail, len(upstream.asked) - asked))
        for label, app_time, store_time, detail, upstream_calls in rows:
            print(f"  {label:42} app {app_time * 1000:6.1f} ms + moto {store_time * 1000:6.1f} ms; {detail}; "
                  f"upstream requests {upstream_calls}")
    upstream.stop()
    del os.environ["CHEESESHOP_UPSTREAM_INDEX"]


def pip_install(index: str, into: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-cache-dir", "--disable-pip-version-check",
                           "--target", str(into), "--index-url", index, "bench-app"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return time.perf_counter() - start


def installs(runs: int) -> None:
    from tests.e2e.conftest import start_site

    upstream = Upstream().start()
    names = ["bench-app"] + [f"bench-lib{n:02d}" for n in range(1, PROJECTS)]
    for name in names:
        requires = "".join(f"Requires-Dist: {lib}\n" for lib in names[1:]) if name == "bench-app" else ""
        upstream.add(name, d.wheel_name(name, "1.0"),
                     d.wheel(name, "1.0", metadata=d.core_metadata(name, "1.0", extra=requires)))
    with tempfile.TemporaryDirectory() as folder:
        site = start_site(Path(folder) / "local", CHEESESHOP_UPSTREAM_INDEX=upstream.url,
                          output=open(Path(folder) / "site.log", "w"))  # noqa: SIM115
        try:
            direct, through, cached = [], [], []
            for run in range(runs):
                direct.append(pip_install(upstream.url, Path(folder) / f"direct{run}"))
                through.append(pip_install(site.url + "/simple/", Path(folder) / f"through{run}"))
                cached.append(pip_install(site.url + "/simple/", Path(folder) / f"cached{run}"))
        finally:
            site.stop()
    upstream.stop()
    print(f"pip install of a {PROJECTS}-project tree, median of {runs} (pages fresh in the index's cache after "
          "the first):")
    print(f"  straight from the upstream        {statistics.median(direct):5.2f} s")
    print(f"  through the index, first install  {through[0]:5.2f} s (every page fetched from the upstream)")
    print(f"  through the index, pages cached   {statistics.median(cached):5.2f} s")


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    in_process(count)
    installs(max(1, count // 2))
