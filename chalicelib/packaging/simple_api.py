"""The simple repository API: PEP 503 HTML and PEP 691 JSON by content negotiation,
with PEP 658/714 core-metadata, PEP 592 yanking, PEP 700's sizes and versions and PEP 792's
project status."""
from __future__ import annotations

import html
import json

from chalicelib.packaging.catalog import ProjectFiles
from chalicelib.packaging.permissions import ProjectStatus

API_VERSION = "1.4"
JSON = "application/vnd.pypi.simple.v1+json"
HTML = "application/vnd.pypi.simple.v1+html"
TEXT_HTML = "text/html"
OFFERED = (JSON, HTML, TEXT_HTML)
# PEP 691: "latest" asks for the newest version of a form; the answer names the real one.
LATEST = {"application/vnd.pypi.simple.latest+json": JSON, "application/vnd.pypi.simple.latest+html": HTML}


def negotiate(accept: str | None) -> str | None:
    """The best offered type for an Accept header (text/html when none is given); None: 406."""
    if not accept or not accept.strip():
        return TEXT_HTML
    best, best_q = None, 0.0
    for position, item in enumerate(accept.split(",")):
        kind, *params = [p.strip() for p in item.split(";")]
        kind = LATEST.get(kind.lower(), kind.lower())
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        for offered in OFFERED:
            if kind in (offered, "*/*") or (kind == "text/*" and offered == TEXT_HTML) or (
                    kind == "application/*" and offered != TEXT_HTML):
                score = q - position * 1e-6  # earlier entries win ties
                if q > 0 and score > best_q:
                    best, best_q = (offered if kind == offered else TEXT_HTML if kind == "*/*" else offered), score
                break
    return best


def index(projects: list[tuple[str, str]], kind: str, url: str) -> str:
    if kind == JSON:
        return json.dumps({"meta": {"api-version": API_VERSION},
                           "projects": [{"name": display} for _, display in projects]})
    links = "".join(f'<a href="{html.escape(url + "/simple/" + name + "/")}">{html.escape(display)}</a><br>\n'
                    for name, display in projects)
    return html_document("Simple index", links)


def project(found: ProjectFiles, kind: str, namespace: dict[str, object] | None = None) -> str:
    """A project's page; its links are where the files are fetched (ProjectFiles.href). The JSON
    form carries PEP 752's namespace when one covers the project (namespaces.of_project)."""
    if kind == JSON:
        return json.dumps({**_project_json(found), **(namespace or {})})
    lines = []
    for f in found.files:
        attributes = [f'href="{html.escape(found.href(f))}#sha256={f.sha256}"']
        if f.requires_python:
            attributes.append(f'data-requires-python="{html.escape(f.requires_python)}"')
        if f.metadata_sha256:
            attributes.append(f'data-dist-info-metadata="sha256={f.metadata_sha256}"')
            attributes.append(f'data-core-metadata="sha256={f.metadata_sha256}"')
        if f.yanked:
            attributes.append(f'data-yanked="{html.escape(f.yanked_reason)}"')
        lines.append(f'<a {" ".join(attributes)}>{html.escape(f.filename)}</a><br>\n')
    return html_document(f"Links for {found.display_name}", "".join(lines), _status_meta(found))


def _status_meta(found: ProjectFiles) -> str:
    if found.status is ProjectStatus.ACTIVE:
        return ""
    meta = f'<meta name="pypi:project-status" content="{found.status.value}">\n'
    if found.status_reason:
        meta += f'<meta name="pypi:project-status-reason" content="{html.escape(found.status_reason)}">\n'
    return meta


def _project_json(found: ProjectFiles) -> dict[str, object]:
    from packaging.version import Version

    files = []
    for f in found.files:
        metadata: dict[str, str] | bool = {"sha256": f.metadata_sha256} if f.metadata_sha256 else False
        files.append({"filename": f.filename, "url": found.href(f), "hashes": {"sha256": f.sha256},
                      "requires-python": f.requires_python or None, "core-metadata": metadata,
                      "dist-info-metadata": metadata, "yanked": (f.yanked_reason or True) if f.yanked else False,
                      "size": f.size, "upload-time": f.uploaded_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")})
    versions = sorted({f.version for f in found.files}, key=Version)
    status: dict[str, str] = {"status": found.status.value}
    if found.status_reason:
        status["reason"] = found.status_reason
    return {"meta": {"api-version": API_VERSION}, "name": found.name, "project-status": status, "files": files,
            "versions": versions}


def html_document(title: str, body: str, meta: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta name="pypi:repository-version" '
            f'content="{API_VERSION}">\n{meta}<title>{html.escape(title)}</title>\n</head>\n<body>\n'
            f"<h1>{html.escape(title)}</h1>\n{body}</body>\n</html>\n")
