"""Files larger than Lambda takes, against `make run`: the upload client (`pip install
./client`) sends a 24 MiB wheel in parts straight to the local S3, resumes after its network
failed midway, and pip installs the wheel back byte for byte; a bad large file leaves nothing
listed and no object; twine, with the same wheel, is told to use the client."""
from __future__ import annotations

import base64
import hashlib
import http.client
import os
import random
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest
import requests

from tests.conftest import ROOT
from tests.e2e.conftest import LocalSite, http_token, own_site
from tests.e2e.test_publish_and_install import twine

SIZE = 24 * 1024 * 1024
PAYLOAD = random.Random(24).randbytes(SIZE - 8192)  # incompressible: with its metadata, a 24 MiB wheel


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSite]:
    yield from own_site(tmp_path_factory)


@pytest.fixture(scope="module")
def token(site: LocalSite) -> str:
    return http_token(site, "bigfiles")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with the upload client installed from its folder (a copy outside the project,
    so building it writes nothing where `chalice local` watches)."""
    tmp = tmp_path_factory.mktemp("client")
    shutil.copytree(ROOT / "client", tmp / "client")
    subprocess.run([sys.executable, "-m", "venv", str(tmp / "venv")], check=True)
    installed = subprocess.run([str(tmp / "venv" / "bin" / "pip"), "install", "--quiet", str(tmp / "client")],
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    return tmp / "venv" / "bin"


def record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def wheel(directory: Path, name: str, payload: bytes) -> Path:
    """An installable wheel holding payload as package data, written with zipfile."""
    info, module = f"{name}-1.0.dist-info", name
    members = {f"{module}/__init__.py": b"", f"{module}/payload.bin": payload,
               f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\nSummary: Large\n".encode(),
               f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = "\n".join([*(record_line(path, data) for path, data in members.items()), f"{info}/RECORD,,"]) + "\n"
    path = directory / f"{name}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for member, data in {**members, f"{info}/RECORD": record.encode()}.items():
            archive.writestr(zipfile.ZipInfo(member, date_time=(2026, 1, 1, 0, 0, 0)), data)  # the same bytes each time
    return path


class FailingProxy(BaseHTTPRequestHandler):
    """An HTTP proxy whose link to storage breaks after the first part: every later PUT gets a
    502, as a dropped network would fail it. Everything else passes."""

    puts = 0

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.command == "PUT":
            FailingProxy.puts += 1
            if FailingProxy.puts > 1:
                self.send_response(502)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        target = urlsplit(self.path)
        upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")}
        upstream.request(self.command, target.path + (f"?{target.query}" if target.query else ""), body, headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = _forward

    def log_message(self, *args: object) -> None:
        pass


def upload(bin_dir: Path, site: LocalSite, token: str, path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bin_dir / "cheeseshop-upload"), "--repository-url", site.url + "/legacy/",
                           "--jobs", "1", "--retries", "1", str(path)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "TWINE_USERNAME": "__token__", "TWINE_PASSWORD": token,
                               "NO_PROXY": "", "no_proxy": "", **env})


def listed(site: LocalSite, name: str) -> list[str]:
    answer = requests.get(f"{site.url}/simple/{name}/", timeout=10,
                          headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    return [f["filename"] for f in answer.json()["files"]] if answer.status_code == 200 else []


def bucket(site: LocalSite) -> tuple[list[str], list[str]]:
    """The objects in the local S3, and the multipart uploads still open."""
    s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{site.moto_port}", region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    name = s3.list_buckets()["Buckets"][0]["Name"]
    objects = [o["Key"] for o in s3.list_objects_v2(Bucket=name).get("Contents", [])]
    uploads = [u["Key"] for u in s3.list_multipart_uploads(Bucket=name).get("Uploads", [])]
    return objects, uploads


def test_a_large_wheel_resumes_after_a_failure_and_installs_byte_for_byte(site, token, client, tmp_path):
    path = wheel(tmp_path, "bigcheese", PAYLOAD)
    assert 23 * 2**20 < path.stat().st_size <= SIZE  # far over what /legacy/ takes
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), FailingProxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        broken = upload(client, site, token, path, HTTP_PROXY=f"http://127.0.0.1:{proxy.server_port}")
    finally:
        proxy.shutdown()
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Run the same command again" in broken.stderr and FailingProxy.puts >= 2
    assert listed(site, "bigcheese") == []

    resumed = upload(client, site, token, path)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "resuming, 1 of 3 parts already at the index" in resumed.stdout
    assert "Published bigcheese 1.0" in resumed.stdout
    assert listed(site, "bigcheese") == [path.name]
    again = upload(client, site, token, path)  # as after a publish whose answer was lost: harmless
    assert again.returncode == 0, again.stdout + again.stderr
    assert "published already, with the same bytes" in again.stdout and "Nothing to publish" in again.stdout

    download = tmp_path / "download"
    pip = subprocess.run([str(client / "pip"), "download", "--no-deps", "--index-url", site.url + "/simple/",
                          "-d", str(download), "bigcheese==1.0"], capture_output=True, text=True, timeout=300)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert (download / path.name).read_bytes() == path.read_bytes()
    pip = subprocess.run([str(client / "pip"), "install", "--no-deps", "--index-url", site.url + "/simple/",
                          "bigcheese==1.0"], capture_output=True, text=True, timeout=300)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    shown = subprocess.run([str(client / "python"), "-c", "import bigcheese, pathlib, sys; sys.stdout.buffer.write("
                            "pathlib.Path(bigcheese.__file__).with_name('payload.bin').read_bytes())"],
                           capture_output=True, timeout=60)
    assert shown.stdout == PAYLOAD


def test_a_bad_large_file_is_refused_with_nothing_left(site, token, client, tmp_path):
    path = tmp_path / "badcheese-1.0-py3-none-any.whl"
    path.write_bytes(random.Random(7).randbytes(SIZE))  # not a zip
    refused = upload(client, site, token, path)
    assert refused.returncode == 1
    assert "Invalid wheel: it is not a zip file." in refused.stderr
    assert listed(site, "badcheese") == []
    objects, uploads = bucket(site)
    assert not [key for key in objects + uploads if "badcheese" in key]


def test_twine_is_told_to_use_the_upload_client(site, token, tmp_path):
    path = wheel(tmp_path, "bigcheese", PAYLOAD)  # the file cheeseshop-upload sends above, byte for byte
    result = twine(site, token, [path])
    assert result.returncode != 0
    assert "413" in result.stdout + result.stderr and "cheeseshop-upload" in result.stdout + result.stderr
