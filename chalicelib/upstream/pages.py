"""An upstream project's simple page as this index serves it, in PEP 503 HTML or PEP 691 JSON:
the upstream's hashes, upload-time, requires-python, yanked and core-metadata as it gave them,
and links to this index (/upstream-files/), which apply the rules again at download."""
from __future__ import annotations

import html
import json

from chalicelib.packaging import simple_api
from chalicelib.upstream import policy


def href(base: str, name: str, file: policy.File) -> str:
    return f"{base}/upstream-files/{name}/{file.filename}"


def render(name: str, files: list[policy.File], kind: str, base: str) -> str:
    if kind == simple_api.JSON:
        return json.dumps(_json(name, files, base))
    lines = []
    for f in files:
        attributes = [f'href="{html.escape(href(base, name, f))}#sha256={f.sha256}"']
        if f.requires_python:
            attributes.append(f'data-requires-python="{html.escape(f.requires_python)}"')
        if f.core_metadata:
            value = f"sha256={f.core_metadata}" if isinstance(f.core_metadata, str) else "true"
            attributes.append(f'data-dist-info-metadata="{value}" data-core-metadata="{value}"')
        if f.yanked:
            attributes.append(f'data-yanked="{html.escape(f.yanked if isinstance(f.yanked, str) else "")}"')
        lines.append(f'<a {" ".join(attributes)}>{html.escape(f.filename)}</a><br>\n')
    return simple_api.html_document(f"Links for {name}", "".join(lines))


def _json(name: str, files: list[policy.File], base: str) -> dict[str, object]:
    entries = []
    for f in files:
        metadata = {"sha256": f.core_metadata} if isinstance(f.core_metadata, str) else f.core_metadata
        entry: dict[str, object] = {"filename": f.filename, "url": href(base, name, f), "hashes": {"sha256": f.sha256},
                                    "requires-python": f.requires_python, "core-metadata": metadata,
                                    "dist-info-metadata": metadata, "yanked": f.yanked}
        if f.size is not None:
            entry["size"] = f.size
        if f.upload_time is not None:
            entry["upload-time"] = f.upload_time
        entries.append(entry)
    versions = sorted({str(v) for f in files if (v := policy.version_of(f.filename)) is not None},
                      key=lambda v: policy.version_of(f"x-{v}.tar.gz"))
    return {"meta": {"api-version": simple_api.API_VERSION}, "name": name, "files": entries, "versions": versions,
            "project-status": {"status": "active"}}
