"""Load and audit: concurrent twine uploaders, readers (simple HTML and JSON, the JSON API, pip),
a deleter and logins against the `make run` stack for a given time; then an audit of every
project: every accepted file listed (unless the deleter deleted it), every listed file's bytes
hashed against its sha256, and no 500 in the site's log.

Run: .venv/bin/python bench/load.py [seconds] [uploaders]      (defaults: 60 s, 8 uploaders)

The local store (moto) does not honour DynamoDB's idempotency tokens, so a transaction botocore
resends after a lost answer is refused on the resend even though it committed; nothing here
patches or serializes that: the index must stay consistent through it, as the audit checks.
"""
from __future__ import annotations

import hashlib
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.upload_vs_pypiserver import PASSWORD, csrf, signed_up  # noqa: E402
from tests import distributions as d  # noqa: E402
from tests.e2e.conftest import free_port  # noqa: E402

BIN = Path(sys.executable).parent
JSON = "application/vnd.pypi.simple.v1+json"


class Site:
    """`make run`'s launcher with its output kept in a log file, to count the 500s it answered."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.port, self.log = free_port(), folder / "site.log"
        env = {**os.environ, "PORT": str(self.port), "MOTO_PORT": str(free_port()), "LOCAL_DIR": str(folder)}
        self.process = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "run_local.py")], env=env, cwd=ROOT,
                                        stdout=self.log.open("wb"), stderr=subprocess.STDOUT)
        self.url, self.local_dir = f"http://127.0.0.1:{self.port}", folder
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2).close()
                return
            except OSError:
                time.sleep(0.5)
        raise SystemExit("the site did not come up")

    @property
    def mailbox(self):  # what token_for reads its verification link from
        from tests.helpers import Mailbox

        return Mailbox(self.local_dir / "mail")

    def errors(self) -> int:
        return sum(1 for line in self.log.read_text(errors="replace").splitlines() if re.search(r'" 5\d\d ', line))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def fetch(tally: Tally, method: str, url: str, **options) -> requests.Response | None:
    """One request; None when chalice local, a development server with a listen backlog of 5,
    turned the connection away under this load (counted apart: no answer of the index's)."""
    try:
        return requests.request(method, url, timeout=60, **options)
    except requests.ConnectionError:
        tally.add("connections turned away by the development server")
        time.sleep(0.2)
        return None


class Tally:
    def __init__(self) -> None:
        self.lock, self.counts, self.accepted, self.deleted = threading.Lock(), Counter(), {}, set()

    def add(self, what: str, n: int = 1) -> None:
        with self.lock:
            self.counts[what] += n


def uploader(site: Site, token: str, project: str, folder: Path, tally: Tally, until: float) -> None:
    n = 0
    while time.monotonic() < until:
        n += 1
        version = f"1.{n}"
        path = folder / d.wheel_name(project, version)
        path.write_bytes(d.wheel(project, version))
        done = subprocess.run([str(BIN / "twine"), "upload", "--disable-progress-bar", "--non-interactive",
                               "--repository-url", site.url + "/legacy/", "-u", "__token__", "-p", token, str(path)],
                              capture_output=True, text=True, timeout=120)
        if done.returncode == 0:
            with tally.lock:
                tally.accepted[path.name] = (project, hashlib.sha256(path.read_bytes()).hexdigest())
            tally.add("uploads")
        elif "Connection" in done.stdout + done.stderr and "refused" in done.stdout + done.stderr:
            tally.add("connections turned away by the development server")
        else:
            tally.add("uploads refused")
            if " 500 " in done.stdout + done.stderr:
                tally.add("upload 500s")


def reader(site: Site, projects: list[str], folder: Path, tally: Tally, until: float) -> None:
    rng = random.Random()
    while time.monotonic() < until:
        project = rng.choice(projects)
        for path, headers in (("/simple/", {}), (f"/simple/{project}/", {}), (f"/simple/{project}/", {"accept": JSON}),
                              (f"/pypi/{project}/json", {})):
            if (answer := fetch(tally, "GET", site.url + path, headers=headers)) is None:
                continue
            tally.add("reads")
            if answer.status_code >= 500:
                tally.add("read 500s")
        if rng.random() < 0.1:
            done = subprocess.run([str(BIN / "pip"), "download", "--no-deps", "-q", "-d", str(folder / "pip"),
                                   "--index-url", site.url + "/simple/", project], capture_output=True, timeout=120)
            tally.add("pip downloads" if done.returncode == 0 else "pip failures")


def deleter(site: Site, http: requests.Session, project: str, tally: Tally, until: float) -> None:
    """Deletes the oldest release of its own project every few seconds, through the page."""
    while time.monotonic() < until:
        time.sleep(3)
        if (listing := fetch(tally, "GET", f"{site.url}/pypi/{project}/json")) is None:
            continue
        versions = sorted(listing.json().get("releases", {}), key=lambda v: tuple(int(p) for p in v.split(".")))
        if len(versions) < 2:
            continue
        page = f"{site.url}/manage/project/{project}/releases/"
        try:
            answer = http.post(page + "delete/", data={"csrf_token": csrf(http, page), "version": versions[0]},
                               timeout=60, allow_redirects=False)
        except requests.ConnectionError:
            tally.add("connections turned away by the development server")
            continue
        if answer.status_code == 303:
            with tally.lock:
                tally.deleted.add((project, versions[0]))
            tally.add("releases deleted")
        elif answer.status_code >= 500:
            tally.add("delete 500s")


def logins(site: Site, tally: Tally, until: float) -> None:
    while time.monotonic() < until:
        http = requests.Session()
        try:
            answer = http.post(site.url + "/account/login/", data={
                "csrf_token": csrf(http, site.url + "/account/login/"), "username": "load0", "password": PASSWORD},
                timeout=60, allow_redirects=False)
        except requests.ConnectionError:
            tally.add("connections turned away by the development server")
            continue
        tally.add("logins" if answer.status_code < 500 else "login 500s")
        time.sleep(1)


def audit(site: Site, tally: Tally, projects: list[str]) -> Counter:
    found: Counter = Counter()
    listed: dict[str, str] = {}
    for project in projects:
        for release in requests.get(f"{site.url}/pypi/{project}/json", timeout=60).json().get("releases", {}).values():
            for file in release:
                listed[file["filename"]] = file["digests"]["sha256"]
                body = requests.get(file["url"], timeout=60).content
                found["bytes match" if hashlib.sha256(body).hexdigest() == file["digests"]["sha256"]
                      else "BYTES DIFFER OR MISSING"] += 1
    for filename, (project, sha) in tally.accepted.items():
        version = filename.split("-")[1]
        if (project, version) in tally.deleted:
            found["accepted, then deleted"] += 1
        elif listed.get(filename) == sha:
            found["accepted and listed"] += 1
        else:
            found["ACCEPTED BUT NOT LISTED"] += 1
    found["500s in the site's log"] = site.errors()
    return found


def main(seconds: int = 60, uploaders: int = 8) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        site = Site(folder / "local")
        try:
            owners = [signed_up(site, f"load{n}") for n in range(uploaders)]
            projects = [f"load-{n}" for n in range(uploaders)]
            tally, until = Tally(), time.monotonic() + seconds
            threads = []
            for (token, _), project in zip(owners, projects, strict=True):
                (folder / project).mkdir()
                threads.append(threading.Thread(target=uploader,
                                                args=(site, token, project, folder / project, tally, until)))
            for _ in range(max(1, uploaders // 2)):
                threads.append(threading.Thread(target=reader, args=(site, projects, folder, tally, until)))
            threads.append(threading.Thread(target=deleter, args=(site, owners[0][1], projects[0], tally, until)))
            threads.append(threading.Thread(target=logins, args=(site, tally, until)))
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            took = time.monotonic() - started
            found = audit(site, tally, projects)
        finally:
            site.stop()
    print(f"{seconds} s, {uploaders} uploaders, {max(1, uploaders // 2)} readers, 1 deleter, 1 login loop "
          "(no idempotency patch: the local store's resends are as they are)")
    print(f"files/s: {tally.counts['uploads'] / took:.2f}   reads/s: {tally.counts['reads'] / took:.1f}")
    for what, count in sorted(tally.counts.items()):
        print(f"  {what}: {count}")
    print("audit:")
    for what, count in sorted(found.items()):
        print(f"  {what}: {count}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
