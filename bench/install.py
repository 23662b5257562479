"""What an install costs: a clean `pip install` and `uv pip install` of a 20-project dependency
tree against `make run` with direct file links on (the local file server standing for the CDN),
counting the requests that reach the app and those that go to the file URL, cold and with the
simple pages cached; then the cost per million installs at AWS's published prices, side by side
with CodeArtifact's for the same requests and bytes.

"With pages cached" is what the CDN path would see: every app request of a cold install here is
a simple page whose answer says `Cache-Control: max-age=..., public`, which the CDN keeps and
serves until a change purges it; the bench counts the app requests whose answers are not
cacheable (they would still reach the app). Run: .venv/bin/python bench/install.py
"""
from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from upload_vs_pypiserver import signed_up, twine  # noqa: E402

from tests import distributions as d  # noqa: E402
from tests.e2e.conftest import start_site  # noqa: E402

BIN = Path(sys.executable).parent
PROJECTS = 20  # an application and the 19 libraries it needs
PER_OWNER = 5  # new projects a user may make in an hour
REQUEST = re.compile(r'"(GET|HEAD) (\S+) HTTP/[\d.]+" (\d{3})')

# Prices, us-east-1, on-demand, as published on each service's pricing page (aws.amazon.com/<service>/pricing):
PRICES = {
    "API Gateway REST API, per request": 3.50 / 1e6,  # first 333 M a month
    "Lambda, per request": 0.20 / 1e6,
    "Lambda, per GB-second (x86)": 0.0000166667,
    "DynamoDB on-demand, per read request unit": 0.125 / 1e6,
    "CloudFront HTTPS requests (United States), per request": 0.0100 / 1e4,
    "CloudFront Functions, per invocation": 0.10 / 1e6,  # the /files path rewrite, once per file request
    "CloudFront data transfer out (United States, first 10 TB), per GB": 0.085,
    "S3 Standard GET, per request": 0.0004 / 1e3,  # for the model of serving straight from S3 (not built)
    "S3 data transfer out to the internet (first 10 TB), per GB": 0.09,
    "CodeArtifact requests, per request": 0.05 / 1e4,
    "CodeArtifact data transfer out to the internet, per GB": 0.09,
}
LAMBDA_GB = 1.0  # .chalice/config.json: lambda_memory_size 1024
STORE_SECONDS = 0.005  # one DynamoDB query as DynamoDB answers it (moto is far slower), added to the app's time


def tree(folder: Path) -> list[list[Path]]:
    """The application and its libraries as small wheels, made with zipfile, in groups of PER_OWNER."""
    names = ["bench-app"] + [f"bench-lib{n:02d}" for n in range(1, PROJECTS)]
    files = []
    for name in names:
        requires = "".join(f"Requires-Dist: {lib}\n" for lib in names[1:]) if name == "bench-app" else ""
        path = folder / d.wheel_name(name, "1.0")
        path.write_bytes(d.wheel(name, "1.0", metadata=d.core_metadata(name, "1.0", extra=requires)))
        files.append(path)
    return [files[i:i + PER_OWNER] for i in range(0, len(files), PER_OWNER)]


def requests_since(log: Path, offset: int) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(path, status) of the app's requests and of the file server's, logged after offset."""
    app, files = [], []
    for line in log.read_text(errors="replace")[offset:].splitlines():
        if (found := REQUEST.search(line)) is not None:
            (files if line.startswith("files: ") else app).append((found.group(2), int(found.group(3))))
    return app, files


def install(tool: str, site, into: Path) -> float:
    start = time.perf_counter()
    if tool == "pip":
        command = [sys.executable, "-m", "pip", "install", "--no-cache-dir", "--disable-pip-version-check",
                   "--target", str(into), "--index-url", site.url + "/simple/", "bench-app"]
    else:
        command = [str(BIN / "uv"), "pip", "install", "--no-cache", "--python", sys.executable, "--target",
                   str(into), "--index-url", site.url + "/simple/", "bench-app"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return time.perf_counter() - start


def app_time_per_page() -> float:
    """The app's own median time for a simple page (in-process, the store's time taken out)."""
    import botocore.client
    import simple_page as harness
    from chalice.test import Client
    from moto import mock_aws
    botocore.client.BaseClient._make_api_call = harness._counting  # type: ignore[method-assign]
    with mock_aws():
        from app import app
        from chalicelib import provision
        from chalicelib.core.config import get_settings
        from chalicelib.packaging import pages

        provision.ensure_all(get_settings())
        harness.seed("one-wheel", 1)
        pages.refresh("one-wheel")
        client = Client(app, stage_name="bench", project_dir=str(ROOT))
        return harness.timed(client, "/simple/one-wheel/", {}, 15)[0]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        log = folder / "stack.log"
        with log.open("w") as output:
            site = start_site(folder / "local", output=output)
            try:
                for n, group in enumerate(tree(folder)):
                    token = signed_up(site, f"owner{n}")[0]
                    twine(site.url + "/legacy/", "__token__", token, group)
                counts = {}
                for tool in ("pip", "uv"):
                    offset = len(log.read_text(errors="replace"))
                    seconds = install(tool, site, folder / tool)
                    time.sleep(0.5)  # the servers' last lines
                    app, files = requests_since(log, offset)
                    counts[tool] = (app, files, seconds)
            finally:
                site.stop()
        wheel_bytes = statistics.mean(p.stat().st_size for p in folder.glob("*.whl"))
    report(counts, wheel_bytes, app_time_per_page())


def report(counts: dict[str, tuple[list[tuple[str, int]], list[tuple[str, int]], float]], wheel_bytes: float,
           app_seconds: float) -> None:
    print(f"install of a {PROJECTS}-project tree (an application and {PROJECTS - 1} libraries, one wheel each)")
    for tool, (app, files, seconds) in counts.items():
        pages = [p for p, _ in app if p.startswith("/simple/")]
        downloads = [p for p, _ in app if p.startswith("/packages/")]
        uncacheable = [p for p in app if not p[0].startswith("/simple/")]
        print(f"  {tool:3s} cold: {len(app)} app requests ({len(pages)} simple pages, {len(downloads)} downloads), "
              f"{len(files)} file-URL requests; {seconds:.1f} s")
        print(f"  {tool:3s} with pages cached (the CDN path): {len(uncacheable)} app requests")
    app, files, _ = counts["pip"]
    millions = 1e6
    page_requests, file_requests = len(app), len(files)
    megabytes = (file_requests * wheel_bytes / 2 + page_requests * 2000) / 1e6  # wheels and metadata, pages ~2 kB
    lambda_seconds = app_seconds + STORE_SECONDS
    ours_cold = millions * (
        page_requests * (PRICES["API Gateway REST API, per request"] + PRICES["Lambda, per request"]
                         + lambda_seconds * LAMBDA_GB * PRICES["Lambda, per GB-second (x86)"]
                         + PRICES["DynamoDB on-demand, per read request unit"])
        + (page_requests + file_requests) * PRICES["CloudFront HTTPS requests (United States), per request"]
        + file_requests * PRICES["CloudFront Functions, per invocation"]
        + megabytes / 1000 * PRICES["CloudFront data transfer out (United States, first 10 TB), per GB"])
    ours_cached = ours_cold - millions * page_requests * (
        PRICES["API Gateway REST API, per request"] + PRICES["Lambda, per request"]
        + lambda_seconds * LAMBDA_GB * PRICES["Lambda, per GB-second (x86)"]
        + PRICES["DynamoDB on-demand, per read request unit"])
    theirs = millions * ((page_requests + file_requests) * PRICES["CodeArtifact requests, per request"]
                         + megabytes / 1000 * PRICES["CodeArtifact data transfer out to the internet, per GB"])
    print("\nprices used (us-east-1, on-demand, from each service's published pricing page):")
    for name, price in PRICES.items():
        print(f"  {name}: ${price:.10f}".rstrip("0"))
    print(f"  Lambda memory {LAMBDA_GB:.0f} GB; billed time per page: the app's {app_seconds * 1000:.1f} ms "
          f"(measured in-process) + {STORE_SECONDS * 1000:.0f} ms for its one DynamoDB query (assumed)")
    print(f"\ncost per million installs of this tree ({page_requests + file_requests} requests, "
          f"{megabytes * 1000:.0f} kB each; storage and free tiers left out):")
    print(f"  cheeseshop, pages from the app : ${ours_cold:10,.2f}")
    print(f"  cheeseshop, pages from the CDN : ${ours_cached:10,.2f}")
    print(f"  CodeArtifact, same requests    : ${theirs:10,.2f}")
    print(f"  ratio (CDN path / CodeArtifact): {ours_cached / theirs:.2f}   (goal: <= 0.10)")
    floor = PRICES["CloudFront HTTPS requests (United States), per request"] / PRICES[
        "CodeArtifact requests, per request"]
    print(f"  the CDN path's floor, per request alone: {floor:.2f} (CloudFront's HTTPS request / CodeArtifact's); "
          "bytes cost about the same at both")
    s3 = millions * ((page_requests + file_requests) * PRICES["S3 Standard GET, per request"]
                     + megabytes / 1000 * PRICES["S3 data transfer out to the internet (first 10 TB), per GB"])
    print(f"  a model, not built: pages and files straight from a public S3 bucket: ${s3:,.2f}, "
          f"ratio {s3 / theirs:.2f}")


if __name__ == "__main__":
    main()
