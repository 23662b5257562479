"""The simple repository API: PEP 503 HTML and PEP 691 JSON by content negotiation,
with PEP 658/714 core-metadata, PEP 592 yanking, PEP 700's sizes and versions, PEP 740's
provenance and PEP 792's project status."""
from __future__ import annotations

import html
import json
from urllib.parse import quote

from chalicelib.core.config import get_settings
from chalicelib.packaging.catalog import FileInfo, ProjectFiles
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
    lines = [anchor(f.filename, found.href(f), f.sha256, f.requires_python, f.metadata_sha256 or False,
                    f.yanked_reason if f.yanked else None, provenance_url(found.name, f)) for f in found.files]
    return html_document(f"Links for {found.display_name}", "".join(lines), _status_meta(found))


def provenance_url(project: str, f: FileInfo) -> str | None:
    """Where PEP 740's Integrity API serves a file's provenance (a path on the site's host); None
    for a file uploaded without attestations."""
    if f.provenance is None:
        return None
    return f"{get_settings().path_prefix}/integrity/{project}/{quote(f.version)}/{quote(f.filename)}/provenance"


def anchor(filename: str, href: str, sha256: str, requires_python: str | None, metadata: str | bool,
           yanked: str | None, provenance: str | None = None) -> str:
    """A file's line of a PEP 503 page. metadata: the core metadata's sha256, True when it
    exists without one, False; yanked: its reason ("" for none), None when not yanked;
    provenance: its URL, None for none."""
    attributes = [f'href="{html.escape(href)}#sha256={sha256}"']
    if requires_python:
        attributes.append(f'data-requires-python="{html.escape(requires_python)}"')
    if metadata:
        value = f"sha256={metadata}" if isinstance(metadata, str) else "true"
        attributes.append(f'data-dist-info-metadata="{value}" data-core-metadata="{value}"')
    if yanked is not None:
        attributes.append(f'data-yanked="{html.escape(yanked)}"')
    if provenance is not None:
        attributes.append(f'data-provenance="{html.escape(provenance)}"')
    return f'<a {" ".join(attributes)}>{html.escape(filename)}</a><br>\n'


def file_entry(filename: str, url: str, sha256: str, requires_python: str | None, metadata: str | bool,
               yanked: bool | str, size: int | None, upload_time: str | None,
               provenance: str | None = None) -> dict[str, object]:
    """A file of a PEP 691 page (metadata and provenance as anchor() takes them; size and
    upload-time left out when unknown)."""
    core: dict[str, str] | bool = {"sha256": metadata} if isinstance(metadata, str) else metadata
    entry: dict[str, object] = {"filename": filename, "url": url, "hashes": {"sha256": sha256},
                                "requires-python": requires_python or None, "core-metadata": core,
                                "dist-info-metadata": core, "yanked": yanked, "provenance": provenance}
    if size is not None:
        entry["size"] = size
    if upload_time is not None:
        entry["upload-time"] = upload_time
    return entry


def _status_meta(found: ProjectFiles) -> str:
    if found.status is ProjectStatus.ACTIVE:
        return ""
    meta = f'<meta name="pypi:project-status" content="{found.status.value}">\n'
    if found.status_reason:
        meta += f'<meta name="pypi:project-status-reason" content="{html.escape(found.status_reason)}">\n'
    return meta


def _project_json(found: ProjectFiles) -> dict[str, object]:
    from packaging.version import Version

    files = [file_entry(f.filename, found.href(f), f.sha256, f.requires_python, f.metadata_sha256 or False,
                        (f.yanked_reason or True) if f.yanked else False, f.size,
                        f.uploaded_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), provenance_url(found.name, f))
             for f in found.files]
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
