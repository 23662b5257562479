"""The upstream index over HTTP (the standard library's urllib: no client in the package): a
project's PEP 691 page, revalidated with If-None-Match, and a file's bytes. Every call has a
short timeout, so an upstream that hangs costs seconds, not the Lambda's whole time."""
from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from typing import Any, NamedTuple

from chalicelib.core.config import get_settings
from chalicelib.upstream import policy

TIMEOUT = 5.0  # seconds for a page
FILE_TIMEOUT = 20.0  # seconds for a file (copied at its first download)
PAGE_MAX = 32 * 1024 * 1024  # bytes: the largest project page read (PyPI's largest are a few MB)
JSON = "application/vnd.pypi.simple.v1+json"
AGENT = "cheeseshop-pass-through (+https://github.com/pypi/warehouse; a PEP 691 client)"


class UpstreamDown(Exception):
    """The upstream did not answer, or not as a PEP 691 index answers."""


class Fetched(NamedTuple):
    found: bool  # False: the upstream holds no such project (404)
    files: list[policy.File] | None  # None: not modified since the ETag given
    etag: str | None


def _open(url: str, headers: dict[str, str], timeout: float) -> Any:
    return urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": AGENT, **headers}),
                                  timeout=timeout)  # noqa: S310 - the URL is the operator's setting


def project(name: str, etag: str | None = None) -> Fetched:
    url = get_settings().upstream_index + name + "/"
    headers = {"Accept": JSON}
    if etag:
        headers["If-None-Match"] = etag
    try:
        with _open(url, headers, TIMEOUT) as answer:
            if JSON not in answer.headers.get("Content-Type", ""):
                raise UpstreamDown(f"the upstream answered {answer.headers.get('Content-Type')}, not PEP 691 JSON")
            body = answer.read(PAGE_MAX + 1)
            if len(body) > PAGE_MAX:
                raise UpstreamDown("the upstream's page is too large")
            return Fetched(True, policy.from_upstream(json.loads(body), answer.geturl()), answer.headers.get("ETag"))
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(True, None, etag)
        if exc.code in (404, 410):
            return Fetched(False, None, None)
        raise UpstreamDown(f"the upstream answered {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise UpstreamDown(str(exc)) from exc


def file_bytes(url: str, sha256: str, most: int) -> bytes:
    """A file's bytes, once they match the sha256 its page gave."""
    try:
        with _open(url, {}, FILE_TIMEOUT) as answer:
            body = answer.read(most + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise UpstreamDown(str(exc)) from exc
    if len(body) > most:
        raise UpstreamDown("the upstream's file is larger than this index takes")
    if hashlib.sha256(body).hexdigest() != sha256:
        raise UpstreamDown("the upstream's file does not match the sha256 its page gave")
    return body
