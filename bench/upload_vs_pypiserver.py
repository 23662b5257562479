"""`twine upload` of 20 small wheels: cheeseshop under `make run` (moto server + chalice
local) side by side with pypiserver on this machine. Goal: no slower (ratio <= 1).
With a size, each wheel carries that many incompressible bytes more, and a count sets how many
wheels a twine run uploads (1048576 1: one 1 MiB wheel a run).
Run: .venv/bin/python bench/upload_vs_pypiserver.py [rounds] [extra bytes] [wheels]
"""
from __future__ import annotations

import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyotp
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import distributions as d  # noqa: E402
from tests.e2e.conftest import free_port, start_site  # noqa: E402

BIN = Path(sys.executable).parent
PASSWORD = "bench mark orchard 77"
WHEELS = 20


def csrf(http: requests.Session, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', http.get(url, timeout=30).text)[1]


def token_for(site) -> str:
    """A maintainer with an authenticator app and an API token, made through the pages."""
    return signed_up(site, "bench")[0]


def signed_up(site, username: str) -> tuple[str, requests.Session]:
    """The API token of a new maintainer with an authenticator app, and their logged-in session."""
    http, url = requests.Session(), site.url
    http.post(url + "/account/register/", data={"csrf_token": csrf(http, url + "/account/register/"),
              "username": username, "email": f"{username}@example.com", "password": PASSWORD,
              "password_confirm": PASSWORD}, timeout=30)
    http.get(url + site.mailbox.last_link(f"{username}@example.com", "/account/verify-email/"), timeout=30)
    http.post(url + "/account/login/", data={"csrf_token": csrf(http, url + "/account/login/"),
              "username": username, "password": PASSWORD}, timeout=30)
    page = http.get(url + "/manage/account/totp-provision/", timeout=30).text
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page)[1]
    setup = re.search(r'name="setup_token" value="([^"]+)"', page)[1]
    http.post(url + "/manage/account/totp-provision/", data={"csrf_token": csrf(http, url + "/manage/account/"),
              "setup_token": setup, "code": pyotp.TOTP(secret).now()}, timeout=30)
    made = http.post(url + "/manage/account/token/", data={"csrf_token": csrf(http, url + "/manage/account/token/"),
                     "name": "bench", "scope": "", "expires": ""}, timeout=30).text
    return re.search(r'<code id="new-token">([^<]+)</code>', made)[1], http


def wheels(folder: Path, round_: int, extra: int = 0, count: int = WHEELS) -> list[Path]:
    import os

    out = folder / f"round{round_}"
    out.mkdir()
    for n in range(count):
        version = f"{round_}.{n}"
        (out / d.wheel_name("bench-demo", version)).write_bytes(d.wheel("bench-demo", version,
                                                                        extra=b"#" + os.urandom(extra)))
    return sorted(out.iterdir())


def twine(url: str, user: str, password: str, files: list[Path]) -> float:
    start = time.perf_counter()
    subprocess.run([str(BIN / "twine"), "upload", "--disable-progress-bar", "--non-interactive",
                    "--repository-url", url, "-u", user, "-p", password, *map(str, files)],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def main(rounds: int, extra: int = 0, count: int = WHEELS) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        site = start_site(folder / "local")
        port = free_port()
        (folder / "pypiserver").mkdir()
        pypiserver = subprocess.Popen([str(BIN / "pypi-server"), "run", "-p", str(port), "-i", "127.0.0.1",
                                       "-a", ".", "-P", ".", str(folder / "pypiserver")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            token = token_for(site)
            time.sleep(1)
            ours, theirs = [], []
            for round_ in range(rounds):  # interleaved, so background noise hits both alike
                files = wheels(folder, round_, extra, count)
                ours.append(twine(site.url + "/legacy/", "__token__", token, files))
                theirs.append(twine(f"http://127.0.0.1:{port}/", "bench", "bench", files))
        finally:
            pypiserver.send_signal(signal.SIGINT)
            pypiserver.wait(timeout=30)
            site.stop()
    size = f"{count} wheels of {extra / 2**20:.2f} MiB" if extra else f"{count} small wheels"
    print(f"twine upload of {size}, one twine run each, median of {rounds}")
    print(f"  cheeseshop (make run) : {statistics.median(ours):6.2f} s")
    print(f"  pypiserver            : {statistics.median(theirs):6.2f} s")
    print(f"  ratio                 : {statistics.median(ours) / statistics.median(theirs):6.2f}x   (goal <= 1.00x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3, *(int(a) for a in sys.argv[2:4]))
