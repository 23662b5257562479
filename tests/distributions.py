"""Small, valid distributions made in memory, and the multipart form twine would send."""
from __future__ import annotations

import base64
import gzip
import hashlib
import io
import tarfile
import zipfile
from typing import Any

from urllib3 import encode_multipart_formdata


def core_metadata(name: str, version: str, metadata_version: str = "2.1", extra: str = "") -> str:
    return f"Metadata-Version: {metadata_version}\nName: {name}\nVersion: {version}\n{extra}"


WHEN = (2026, 1, 1, 0, 0, 0)  # fixed, so the same arguments always make the same bytes


def _write(archive: zipfile.ZipFile, path: str, data: str | bytes) -> None:
    archive.writestr(zipfile.ZipInfo(path, date_time=WHEN), data)


def wheel(name: str = "cheese-demo", version: str = "1.0", *, record: bool = True, extra: bytes = b"",
          metadata: str | None = None) -> bytes:
    module = name.replace("-", "_")
    info = f"{module}-{version}.dist-info"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _write(archive, f"{module}/__init__.py", b"VALUE = 1\n" + extra)
        _write(archive, f"{info}/METADATA", metadata or core_metadata(name, version))
        _write(archive, f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        if record:
            _write(archive, f"{info}/RECORD", f"{module}/__init__.py,,\n{info}/RECORD,,\n")
    return buffer.getvalue()


def sdist(name: str = "cheese-demo", version: str = "1.0", *, pkg_info: bool = True,
          metadata: str | None = None) -> bytes:
    top = f"{name.replace('-', '_')}-{version}"
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as packed, tarfile.open(fileobj=packed, mode="w") as archive:
        files = {f"{top}/setup.py": b"from setuptools import setup\nsetup()\n"}
        if pkg_info:
            files[f"{top}/PKG-INFO"] = (metadata or core_metadata(name, version)).encode()
        for path, data in files.items():
            entry = tarfile.TarInfo(path)
            entry.size = len(data)
            archive.addfile(entry, io.BytesIO(data))
    return buffer.getvalue()


def wheel_name(name: str = "cheese-demo", version: str = "1.0") -> str:
    return f"{name.replace('-', '_')}-{version}-py3-none-any.whl"


def sdist_name(name: str = "cheese-demo", version: str = "1.0") -> str:
    return f"{name.replace('-', '_')}-{version}.tar.gz"


def form(content: bytes, filename: str, **overrides: Any) -> tuple[bytes, str]:
    """The multipart body and content type of a legacy upload, as twine builds them."""
    name, version = overrides.pop("name", "cheese-demo"), overrides.pop("version", "1.0")
    fields: dict[str, Any] = {
        ":action": "file_upload", "protocol_version": "1", "metadata_version": "2.1", "name": name,
        "version": version, "filetype": "bdist_wheel" if filename.endswith(".whl") else "sdist",
        "pyversion": "py3" if filename.endswith(".whl") else "source", "summary": "A demo",
        "description": "# Demo\n\nSome *text*.", "description_content_type": "text/markdown",
        "md5_digest": hashlib.md5(content).hexdigest(), "sha256_digest": hashlib.sha256(content).hexdigest(),
        "blake2_256_digest": hashlib.blake2b(content, digest_size=32).hexdigest(), "requires_python": ">=3.8",
    }
    fields.update(overrides)
    pairs: list[tuple[str, Any]] = [(k, v) for k, v in fields.items() if v is not None and not isinstance(v, list)]
    pairs += [(k, item) for k, v in fields.items() if isinstance(v, list) for item in v]
    pairs.append(("content", (filename, content, "application/octet-stream")))
    return encode_multipart_formdata(pairs)


def basic(token: str, username: str = "__token__") -> str:
    return "Basic " + base64.b64encode(f"{username}:{token}".encode()).decode()
