"""Counting the downloads the app never sees: public files served by the CDN (or, in the local
stage, by the local file server), from the access logs they leave in a bucket
(CHEESESHOP_DOWNLOAD_LOGS, `s3://bucket/prefix/`).

The logs are CloudFront's standard logs: W3C text, gzip-compressed, one object per batch of
requests, fields named by the `#Fields:` line. A successful GET (200) of a file under the file
URL's path is one download of it on the log line's day (UTC); a range request (206), a HEAD, a
redirect or an error is none. Each object's counts are added once (counting.add_once), then
the object is deleted: a run cut short and started again counts nothing twice."""
from __future__ import annotations

import gzip
import logging
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from chalicelib.core import aws
from chalicelib.core.config import get_settings
from chalicelib.downloads.counting import Download, add_once, day_of

log = logging.getLogger(__name__)
# CloudFront's standard log fields, in its order; the local file server writes the same.
FIELDS = ("date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) "
          "cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol "
          "cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type "
          "cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte "
          "x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end").split()
READ = ("date", "cs-method", "cs-uri-stem", "sc-status")  # the fields a Request is made of, in its order
BATCH = 50  # log objects a run takes at a time


class Request(NamedTuple):
    day: str
    method: str
    stem: str  # the path, as requested (percent-encoded)
    status: str


class File(NamedTuple):
    """What a downloaded object is: the project's subject, the file's version and filename."""
    project: str
    version: str
    filename: str


Resolve = Callable[[str], File | None]  # an object key -> the listed file it is, or None


def requests(body: bytes) -> Iterator[Request]:
    """The requests of one log object (gzip-compressed or not); lines it cannot read are skipped."""
    try:
        text = (gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body).decode("utf-8", "replace")
    except (OSError, EOFError, zlib.error):
        log.warning("a download log could not be decompressed; nothing in it is counted")
        return
    wanted: list[int] | None = None  # where a line has the date, method, path and status
    for line in text.splitlines():
        if line.startswith("#Fields:"):
            fields = line.removeprefix("#Fields:").split()
            wanted = [fields.index(name) for name in READ] if set(READ) <= set(fields) else None
        elif line and not line.startswith("#") and wanted is not None:
            values = line.split("\t")
            if len(values) > max(wanted):
                day, method, stem, status = (values[i] for i in wanted)
                yield Request(day, method, stem, status)


def files_path() -> str | None:
    """The path the file URL serves objects under ("/files" on the CDN, "" on the local file
    server); None when files are not served apart from the app (every download is counted by it)."""
    files_url = get_settings().files_url
    return urlsplit(files_url).path.rstrip("/") if files_url else None


def tally(found: Iterable[Request], resolve: Resolve) -> Counter[Download]:
    """The downloads among these requests, by file and day."""
    counts: Counter[Download] = Counter()
    path = files_path()
    if path is None:
        return counts
    known: dict[str, File | None] = {}
    for request in found:
        if request.method != "GET" or request.status != "200" or not request.stem.startswith(path + "/"):
            continue
        key = unquote(request.stem[len(path) + 1:])
        if key not in known:
            known[key] = resolve(key)
        if (file := known[key]) is not None and len(request.day) == 10:
            counts[Download(file.project, file.version, file.filename, request.day)] += 1
    return counts


def run(resolve: Resolve, limit: int = BATCH) -> int:
    """Counts the log objects waiting (at most `limit`) and deletes them; how many it counted. One
    that fails stays for the next run and holds up none of the others."""
    where = get_settings().download_logs
    if where is None:
        return 0
    bucket, prefix = where
    s3 = aws.client("s3")
    counted = 0
    for entry in s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=limit).get("Contents", []):
        try:
            body = s3.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()
            add_once(f"{bucket}/{entry['Key']}", tally(requests(body), resolve))
            s3.delete_object(Bucket=bucket, Key=entry["Key"])
        except Exception:  # noqa: BLE001 - counted at a later run, once (add_once)
            log.exception("the download log %s was not counted; it is tried again at the next run", entry["Key"])
            continue
        counted += 1
    return counted


def write(lines: list[str], at: datetime) -> None:
    """One log object of these lines (made by line()), as CloudFront delivers them: the local
    file server's access log."""
    where = get_settings().download_logs
    if where is None or not lines:
        return
    bucket, prefix = where
    text = f"#Version: 1.0\n#Fields: {' '.join(FIELDS)}\n" + "".join(line + "\n" for line in lines)
    key = f"{prefix}local.{at.strftime('%Y-%m-%d-%H')}.{uuid.uuid4().hex}.gz"
    aws.client("s3").put_object(Bucket=bucket, Key=key, Body=gzip.compress(text.encode()))


def line(at: datetime, method: str, stem: str, status: int, size: int, host: str, agent: str) -> str:
    """One request as a CloudFront standard log line (fields it has no value for are "-")."""
    known = {"date": day_of(at), "time": at.strftime("%H:%M:%S"), "x-edge-location": "LOCAL", "sc-bytes": str(size),
             "c-ip": "127.0.0.1", "cs-method": method, "cs(Host)": host, "cs-uri-stem": stem, "sc-status": str(status),
             "cs(User-Agent)": agent.replace(" ", "%20") or "-", "cs-protocol": "http"}
    return "\t".join(known.get(name, "-") for name in FIELDS)
