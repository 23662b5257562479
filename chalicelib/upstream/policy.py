"""What the pass-through lets through, as plain functions of plain values: the files of an
upstream PEP 691 page (each with a sha256, or left out), the administrators' blocks (a name, or a
name with a PEP 440 specifier) and the cooldown (a minimum age, from the file's upload-time; a
file without one fails closed). Refusals are in English: installers show them as they are."""
from __future__ import annotations

import json
import zlib
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

from chalicelib.packaging.names import normalize


class File(NamedTuple):
    filename: str
    url: str  # absolute, on the upstream (or where it sends downloads)
    sha256: str
    requires_python: str | None = None
    yanked: bool | str = False
    upload_time: str | None = None  # exactly as the upstream wrote it
    size: int | None = None
    core_metadata: bool | str = False  # the metadata file's sha256, True without a hash, False: none


class Block(NamedTuple):
    requirement: str  # "name" or "name<specifier>", as the administrator wrote it
    reason: str
    by: str
    at: str  # ISO time


class Cooldown(NamedTuple):
    days: int = 0  # 0: no cooldown
    exempt: frozenset[str] = frozenset()  # normalized names


def _sha256(hashes: Any) -> str | None:
    value = hashes.get("sha256") if isinstance(hashes, dict) else None
    if isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value.lower()):
        return value.lower()
    return None


def _metadata(entry: dict[str, Any]) -> bool | str:
    value = entry.get("core-metadata", entry.get("dist-info-metadata", False))
    if isinstance(value, dict):
        return _sha256(value) or True
    return bool(value)


def from_upstream(document: Any, page_url: str) -> list[File]:
    """The files of a PEP 691 project page; one without a sha256, a filename or a URL is left
    out (pip could not check it). URLs are made absolute against the page's."""
    entries = document.get("files") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ValueError("not a PEP 691 project page: no list of files")
    files = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        filename, url, sha256 = entry.get("filename"), entry.get("url"), _sha256(entry.get("hashes"))
        if not isinstance(filename, str) or "/" in filename or not isinstance(url, str) or sha256 is None:
            continue
        absolute = urljoin(page_url, url).split("#", 1)[0]
        if urlsplit(absolute).scheme not in ("http", "https"):
            continue
        yanked = entry.get("yanked", False)
        size = entry.get("size")
        files.append(File(filename, absolute, sha256,
                          entry.get("requires-python") if isinstance(entry.get("requires-python"), str) else None,
                          yanked if isinstance(yanked, (bool, str)) else bool(yanked),
                          entry.get("upload-time") if isinstance(entry.get("upload-time"), str) else None,
                          size if isinstance(size, int) and not isinstance(size, bool) else None,
                          _metadata(entry)))
    return files


def fetchable(url: str, local: bool) -> bool:
    """Whether this index may fetch a file from this URL itself (to copy it): https to a host
    named, never an address inside a private, loopback or link-local range (no reaching into the
    VPC or the instance metadata through a page the upstream wrote); the local stage also fetches
    plain http from the loopback interface, where its test upstream runs."""
    import ipaddress

    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if local and parts.scheme == "http" and (host == "localhost" or (address is not None and address.is_loopback)):
        return True
    if parts.scheme != "https" or not host or host == "localhost":
        return False
    return address is None or address.is_global


def encode(files: list[File]) -> bytes:
    return zlib.compress(json.dumps([list(f) for f in files], separators=(",", ":")).encode(), 6)


def decode(data: bytes) -> list[File]:
    return [File(*entry) for entry in json.loads(zlib.decompress(data))]


def parse_requirement(text: str) -> tuple[str, Any]:
    """A block's requirement: its normalized name and its specifier set (empty: every version).
    ValueError for anything else (markers, extras and URLs included)."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(text.strip())
    except InvalidRequirement as exc:
        raise ValueError(str(exc)) from exc
    if requirement.marker or requirement.extras or requirement.url:
        raise ValueError("a name and a version specifier only")
    return normalize(requirement.name), requirement.specifier


def version_of(filename: str) -> Any:
    """The version a wheel's or sdist's filename names; None when it names none."""
    from packaging.utils import (
        InvalidSdistFilename,
        InvalidWheelFilename,
        parse_sdist_filename,
        parse_wheel_filename,
    )

    try:
        if filename.endswith(".whl"):
            return parse_wheel_filename(filename)[1]
        return parse_sdist_filename(filename)[1]
    except (InvalidSdistFilename, InvalidWheelFilename):
        return None


def blocking(file: File, blocks: list[Block]) -> Block | None:
    """The block that holds this file back: one of the whole name, or one whose specifier
    contains its version (a file whose version cannot be read is held back by any block)."""
    version = None
    for block in blocks:
        try:
            _, specifier = parse_requirement(block.requirement)
        except ValueError:
            return block  # a block this code can no longer read holds back everything: fail closed
        if not str(specifier):
            return block
        version = version if version is not None else version_of(file.filename)
        if version is None or specifier.contains(version, prereleases=True):
            return block
    return None


def uploaded(file: File) -> datetime | None:
    try:
        return datetime.fromisoformat(file.upload_time.replace("Z", "+00:00")) if file.upload_time else None
    except ValueError:
        return None


def available_after(file: File, name: str, cooldown: Cooldown, now: datetime) -> datetime | None:
    """When a file still in its cooldown becomes available; None when it is available now. A
    file without an upload-time is never available (datetime.max) unless its name is exempt."""
    if cooldown.days <= 0 or normalize(name) in cooldown.exempt:
        return None
    at = uploaded(file)
    if at is None:
        return datetime.max.replace(tzinfo=now.tzinfo)
    ready = at + timedelta(days=cooldown.days)
    return ready if ready > now else None


def refusal(file: File, name: str, blocks: list[Block], cooldown: Cooldown, now: datetime) -> str | None:
    """Why this file may not be downloaded (for installers, in English), or None."""
    if (block := blocking(file, blocks)) is not None:
        return f"{file.filename} is blocked on this index ({block.requirement}): {block.reason}"
    ready = available_after(file, name, cooldown, now)
    if ready is None:
        return None
    if ready.year == datetime.max.year:
        return f"{file.filename} is held back on this index: its upload time is unknown, and files must be " \
               f"{cooldown.days} days old"
    return f"{file.filename} is available after {ready.strftime('%Y-%m-%d %H:%M UTC')} on this index " \
           f"(files must be {cooldown.days} days old)"


def visible(files: list[File], name: str, blocks: list[Block], cooldown: Cooldown, now: datetime) -> list[File]:
    return [f for f in files if refusal(f, name, blocks, cooldown, now) is None]
