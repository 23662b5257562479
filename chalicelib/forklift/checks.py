"""Checks on an upload, each a small function that raises UploadRefused with the reason
twine shows. No I/O: the pipeline in pipeline.py calls them in order."""
from __future__ import annotations

import hashlib
import re
from typing import NamedTuple

from chalicelib.core.errors import UploadRefused
from chalicelib.packaging.names import normalize

# Lambda takes 6 MB a request and API Gateway base64-encodes binary bodies (4/3 larger),
# so about 4.5 MB of multipart body can arrive at all: files get 4 MiB, the form the rest.
MAX_BODY = 4_500_000
MAX_FILE = 4 * 1024 * 1024
FILETYPES = {"sdist", "bdist_wheel"}


class Digests(NamedTuple):
    md5: str
    sha256: str
    blake2_256: str


def check_action(fields: dict[str, list[str]]) -> None:
    if first(fields, ":action") != "file_upload":
        raise UploadRefused("Unknown or missing :action; only file_upload is supported.")
    if first(fields, "protocol_version") != "1":
        raise UploadRefused("Unknown protocol_version; only version 1 is supported.")


def first(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name) or [""]
    return values[0].strip() if name != "description" else values[0]


def python_version(fields: dict[str, list[str]]) -> str:
    """The pyversion field; an sdist sent without one (flit does) is 'source', as on PyPI."""
    given = first(fields, "pyversion")
    return given or ("source" if first(fields, "filetype") == "sdist" else "")


TAG_PART = re.compile(r"[a-z0-9_]+")  # a compatibility tag's parts (packaging lowercases them)


def check_filename(filename: str, name_field: str, version_text: str, filetype: str, pyversion: str) -> None:
    from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename

    if not filename or "/" in filename or "\\" in filename or any(ord(c) < 32 or ord(c) == 127 for c in filename):
        raise UploadRefused("Invalid filename: it may not contain '/', '\\' or control characters.")
    if filetype not in FILETYPES:
        raise UploadRefused(f"Unknown filetype '{filetype}'; use sdist or bdist_wheel.")
    try:
        if filename.endswith(".whl"):
            if filetype != "bdist_wheel":
                raise UploadRefused("A .whl file must be uploaded with filetype bdist_wheel.")
            name, version, _, tags = parse_wheel_filename(filename)
            if odd := sorted({part for tag in tags for part in (tag.interpreter, tag.abi, tag.platform)
                              if not TAG_PART.fullmatch(part)}):
                raise UploadRefused(f"Invalid wheel filename: the tag {odd[0]!r} is not a compatibility tag "
                                    "(letters, digits and '_' only).")
        elif filename.endswith((".tar.gz", ".zip")):
            if filetype != "sdist" or pyversion != "source":
                raise UploadRefused("A source distribution must be uploaded with filetype sdist and pyversion source.")
            name, version = parse_sdist_filename(filename)
        else:
            raise UploadRefused("Invalid file extension: use .whl, .tar.gz or .zip.")
    except (InvalidWheelFilename, InvalidSdistFilename) as exc:
        raise UploadRefused(f"Invalid distribution filename: {exc}") from exc
    if name != normalize(name_field) or str(version) != version_text:
        raise UploadRefused(f"Filename '{filename}' does not match the project name '{name_field}' "
                            f"and version '{version_text}'.")


class Hasher:
    """The three digests of bytes fed in pieces (a file read from S3 in chunks)."""

    def __init__(self) -> None:
        self.size = 0
        self._md5, self._sha256, self._blake2 = hashlib.md5(), hashlib.sha256(), hashlib.blake2b(digest_size=32)

    def update(self, data: bytes) -> None:
        self.size += len(data)
        for algorithm in (self._md5, self._sha256, self._blake2):
            algorithm.update(data)

    def digests(self) -> Digests:
        return Digests(self._md5.hexdigest(), self._sha256.hexdigest(), self._blake2.hexdigest())


def digests(content: bytes) -> Digests:
    hasher = Hasher()
    hasher.update(content)
    return hasher.digests()


def check_digests(fields: dict[str, list[str]], computed: Digests) -> None:
    sent = {"md5_digest": computed.md5, "sha256_digest": computed.sha256, "blake2_256_digest": computed.blake2_256}
    for name, value in sent.items():
        given = first(fields, name).lower()
        if given and given != value:
            raise UploadRefused(f"The {name.replace('_digest', '')} digest supplied does not match the file.")


def check_size(content: bytes) -> None:
    if not content:
        raise UploadRefused("The file is empty.")
    if len(content) > MAX_FILE:
        raise too_large()


def too_large() -> UploadRefused:
    """A legacy upload over what Lambda can receive: the way to send it instead."""
    from chalicelib.core.config import get_settings

    return UploadRefused(f"File too large: this endpoint takes files of at most {MAX_FILE // 2**20} MiB. Send "
                         f"larger files (up to {get_settings().max_file_size // 2**20} MiB) with cheeseshop-upload, "
                         "which uploads them straight to the index's storage.", status=413)
