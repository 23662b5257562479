"""Checks on an upload, each a small function that raises UploadRefused with the reason
twine shows. No I/O: the pipeline in pipeline.py calls them in order."""
from __future__ import annotations

import hashlib
import io
import sys
import tarfile
import zipfile
from dataclasses import dataclass, field

from chalicelib.core.errors import UploadRefused
from chalicelib.packaging.names import NAME_RE, normalize

# Lambda takes 6 MB a request and API Gateway base64-encodes binary bodies (4/3 larger),
# so about 4.5 MB of multipart body can arrive at all: files get 4 MiB, the form the rest.
MAX_BODY = 4_500_000
MAX_FILE = 4 * 1024 * 1024
METADATA_VERSIONS = {"1.0", "1.1", "1.2", "2.0", "2.1", "2.2", "2.3", "2.4"}
SUMMARY_MAX = 512
FILETYPES = {"sdist", "bdist_wheel"}


@dataclass(frozen=True)
class Metadata:
    metadata_version: str
    name: str
    version: str
    summary: str = ""
    description: str = ""
    description_content_type: str = ""
    requires_python: str = ""
    classifiers: list[str] = field(default_factory=list)
    author: str = ""
    license: str = ""
    home_page: str = ""


@dataclass(frozen=True)
class Digests:
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


def metadata(fields: dict[str, list[str]]) -> Metadata:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    version_field = first(fields, "metadata_version")
    if version_field not in METADATA_VERSIONS:
        raise UploadRefused(f"'{version_field}' is an invalid value for Metadata-Version. "
                            f"Use one of {', '.join(sorted(METADATA_VERSIONS))}.")
    name = first(fields, "name")
    if not NAME_RE.match(name):
        raise UploadRefused(f"'{name}' is an invalid value for Name. Names start and end with a letter or "
                            "digit and contain only ASCII letters, digits, '.', '_' and '-'.")
    raw_version = first(fields, "version")
    try:
        version = Version(raw_version)
    except InvalidVersion as exc:
        raise UploadRefused(f"'{raw_version}' is an invalid value for Version: it must be a PEP 440 version.") from exc
    if version.local is not None:
        raise UploadRefused(f"'{raw_version}' is an invalid value for Version: local versions (+...) "
                            "cannot be uploaded.")
    summary = first(fields, "summary")
    if len(summary) > SUMMARY_MAX or "\n" in summary or "\r" in summary:
        raise UploadRefused(f"Summary must be a single line of at most {SUMMARY_MAX} characters.")
    requires_python = first(fields, "requires_python")
    try:
        SpecifierSet(requires_python)
    except InvalidSpecifier as exc:
        raise UploadRefused(f"'{requires_python}' is an invalid value for Requires-Python.") from exc
    return Metadata(version_field, name, str(version), summary, first(fields, "description"),
                    first(fields, "description_content_type"), requires_python, _classifiers(fields),
                    first(fields, "author"), first(fields, "license"), first(fields, "home_page"))


def _classifiers(fields: dict[str, list[str]]) -> list[str]:
    from trove_classifiers import classifiers as known
    from trove_classifiers import deprecated_classifiers

    given = [c.strip() for c in fields.get("classifiers", []) if c.strip()]
    for classifier in given:
        if classifier in deprecated_classifiers:
            raise UploadRefused(f"Classifier '{classifier}' has been deprecated.")
        if classifier not in known and not classifier.startswith("Private ::"):
            raise UploadRefused(f"Classifier '{classifier}' is not a valid classifier.")
    return given


def check_filename(filename: str, meta: Metadata, filetype: str, pyversion: str) -> None:
    from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename

    if not filename or "/" in filename or "\\" in filename or any(ord(c) < 32 or ord(c) == 127 for c in filename):
        raise UploadRefused("Invalid filename: it may not contain '/', '\\' or control characters.")
    if filetype not in FILETYPES:
        raise UploadRefused(f"Unknown filetype '{filetype}'; use sdist or bdist_wheel.")
    try:
        if filename.endswith(".whl"):
            if filetype != "bdist_wheel":
                raise UploadRefused("A .whl file must be uploaded with filetype bdist_wheel.")
            name, version, _, _ = parse_wheel_filename(filename)
        elif filename.endswith((".tar.gz", ".zip")):
            if filetype != "sdist" or pyversion != "source":
                raise UploadRefused("A source distribution must be uploaded with filetype sdist and pyversion source.")
            name, version = parse_sdist_filename(filename)
        else:
            raise UploadRefused("Invalid file extension: use .whl, .tar.gz or .zip.")
    except (InvalidWheelFilename, InvalidSdistFilename) as exc:
        raise UploadRefused(f"Invalid distribution filename: {exc}") from exc
    if name != normalize(meta.name) or str(version) != meta.version:
        raise UploadRefused(f"Filename '{filename}' does not match the project name '{meta.name}' "
                            f"and version '{meta.version}'.")


def digests(content: bytes) -> Digests:
    return Digests(hashlib.md5(content).hexdigest(), hashlib.sha256(content).hexdigest(),
                   hashlib.blake2b(content, digest_size=32).hexdigest())


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
        raise UploadRefused(f"File too large: the limit is {MAX_FILE // (1024 * 1024)} MiB per file.", status=413)


def wheel_metadata(content: bytes) -> bytes:
    """A wheel is a zip with *.dist-info/METADATA and RECORD; returns METADATA (PEP 658)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            dist_infos = {n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info")}
            if len(dist_infos) != 1:
                raise UploadRefused("Invalid wheel: it must contain exactly one .dist-info directory.")
            info = dist_infos.pop()
            if f"{info}/RECORD" not in names or f"{info}/METADATA" not in names:
                raise UploadRefused("Invalid wheel: its .dist-info must hold METADATA and RECORD.")
            return archive.read(f"{info}/METADATA")
    except (zipfile.BadZipFile, EOFError) as exc:
        raise UploadRefused("Invalid wheel: it is not a zip file.") from exc


def check_sdist(filename: str, content: bytes) -> None:
    """An sdist holds PKG-INFO in its top directory."""
    try:
        if filename.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()
        else:
            with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as archive:
                names = archive.getnames()
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as exc:
        raise UploadRefused("Invalid source distribution: the archive cannot be read.") from exc
    if not any(n.count("/") == 1 and n.endswith("/PKG-INFO") for n in names):
        raise UploadRefused("Invalid source distribution: PKG-INFO is missing from its top directory.")


def check_new_project_name(name: str) -> None:
    if normalize(name).replace("-", "_") in sys.stdlib_module_names:
        raise UploadRefused(f"The name '{name}' is not allowed: it is a module of the Python standard library.")
