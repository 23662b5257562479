"""PyPI's JSON API: /pypi/<name>/json (the newest release, every release's files) and
/pypi/<name>/<version>/json (one release), in the shape PyPI answers, with PEP 752's namespace."""
from __future__ import annotations

from typing import Any

from chalicelib.core.config import get_settings
from chalicelib.packaging import catalog, namespaces
from chalicelib.packaging.catalog import FileInfo, ProjectFiles, ProjectInfo, ReleaseInfo, offered, offered_releases


def project(found: ProjectInfo) -> dict[str, Any]:
    listing, ordered = offered(found), offered_releases(found)
    by_version: dict[str, list[dict[str, Any]]] = {r.version: [] for r in ordered}
    for f in listing.files:
        by_version.setdefault(f.version, []).append(_file(f, listing))
    latest = _newest_unyanked(ordered, by_version)
    return {"info": _info(found, latest, by_version.get(latest.version, []) if latest else []),
            "last_serial": found.serial, "releases": by_version,
            "urls": by_version.get(latest.version, []) if latest else [], "vulnerabilities": [],
            **namespaces.of_project(found.name, found.organization)}



def release(found: ProjectInfo, version: str) -> dict[str, Any]:
    chosen = catalog.release(found, version)
    listing = offered(found)
    urls = [_file(f, listing) for f in listing.files if f.version == chosen.version]
    return {"info": _info(found, chosen, urls), "last_serial": found.serial, "urls": urls, "vulnerabilities": []}


def _newest_unyanked(ordered: list[ReleaseInfo], by_version: dict[str, list[dict[str, Any]]]) -> ReleaseInfo | None:
    """PyPI's "latest": the newest release that is not yanked (the newest at all if every one is)."""
    for r in ordered:
        if not _yanked(by_version.get(r.version, [])):
            return r
    return ordered[0] if ordered else None


def _yanked(urls: list[dict[str, Any]]) -> bool:
    return bool(urls) and all(u["yanked"] for u in urls)


def _info(found: ProjectInfo, r: ReleaseInfo | None, urls: list[dict[str, Any]]) -> dict[str, Any]:
    page = get_settings().url(f"/project/{found.name}/")
    return {
        "name": found.display_name, "version": r.version if r else None,
        "summary": r.summary if r else "", "description": r.description if r else "",
        "description_content_type": (r.description_content_type or None) if r else None,
        "author": r.author if r else "", "author_email": r.author_email if r else "",
        "maintainer": r.maintainer if r else "", "maintainer_email": r.maintainer_email if r else "",
        "license": r.license if r else "", "license_expression": (r.license_expression or None) if r else None,
        "license_files": (r.license_files or None) if r else None,
        "keywords": r.keywords if r else "", "classifiers": r.classifiers if r else [],
        "home_page": r.home_page if r else "", "download_url": r.download_url if r else "",
        "requires_python": r.requires_python if r else "",
        "requires_dist": (r.requires_dist or None) if r else None,
        "provides_extra": (r.provides_extra or None) if r else None,
        "project_urls": (dict(r.labelled_urls) or None) if r else None,
        "package_url": page, "project_url": page, "platform": None, "dynamic": None,
        "release_url": get_settings().url(f"/project/{found.name}/{r.version}/") if r else None,
        "bugtrack_url": None, "docs_url": None, "downloads": {"last_day": -1, "last_month": -1, "last_week": -1},
        "yanked": _yanked(urls), "yanked_reason": next((u["yanked_reason"] for u in urls if u["yanked_reason"]), None),
    }


def _absolute(link: str) -> str:
    return get_settings().base_url.rstrip("/") + link if link.startswith("/") else link


def _file(f: FileInfo, listing: ProjectFiles) -> dict[str, Any]:
    return {"filename": f.filename, "url": _absolute(listing.href(f)), "packagetype": f.packagetype,
            "python_version": f.python_version, "requires_python": f.requires_python or None, "size": f.size,
            "digests": {"md5": f.md5, "sha256": f.sha256, "blake2b_256": f.blake2_256}, "md5_digest": f.md5,
            "comment_text": "", "downloads": -1, "has_sig": False,
            "upload_time": f.uploaded_at.strftime("%Y-%m-%dT%H:%M:%S"),
            "upload_time_iso_8601": f.uploaded_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "yanked": f.yanked, "yanked_reason": f.yanked_reason or None}
