"""An upstream project's simple page as this index serves it, in PEP 503 HTML or PEP 691 JSON:
the upstream's hashes, upload-time, requires-python, yanked and core-metadata as it gave them,
and links to this index (/upstream-files/), which apply the rules again at download."""
from __future__ import annotations

import json

from chalicelib.packaging import simple_api
from chalicelib.upstream import policy


def href(base: str, name: str, file: policy.File) -> str:
    return f"{base}/upstream-files/{name}/{file.filename}"


def render(name: str, files: list[policy.File], kind: str, base: str) -> str:
    if kind == simple_api.JSON:
        return json.dumps(_json(name, files, base))
    lines = [simple_api.anchor(f.filename, href(base, name, f), f.sha256, f.requires_python, f.core_metadata,
                               (f.yanked if isinstance(f.yanked, str) else "") if f.yanked else None) for f in files]
    return simple_api.html_document(f"Links for {name}", "".join(lines))


def _json(name: str, files: list[policy.File], base: str) -> dict[str, object]:
    entries = [simple_api.file_entry(f.filename, href(base, name, f), f.sha256, f.requires_python, f.core_metadata,
                                     f.yanked, f.size, f.upload_time) for f in files]
    versions = sorted({str(v) for f in files if (v := policy.version_of(f.filename)) is not None},
                      key=lambda v: policy.version_of(f"x-{v}.tar.gz"))
    return {"meta": {"api-version": simple_api.API_VERSION}, "name": name, "files": entries, "versions": versions,
            "project-status": {"status": "active"}}
