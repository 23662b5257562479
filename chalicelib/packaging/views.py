"""What pip and people read: /simple/, /packages/, /project/<name>/, /pypi/<name>/json, the
feeds, PEP 740's /integrity/; and a maintainer's /manage/projects/. Who may read what is chalicelib.readers': every
read route asks it before it answers."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from chalicelib import web
from chalicelib.core import storage
from chalicelib.core.config import get_settings
from chalicelib.core.errors import NotFound
from chalicelib.core.lazy import lazy
from chalicelib.packaging import layout, permissions
from chalicelib.packaging.names import normalize
from chalicelib.web import Response

if TYPE_CHECKING:  # loaded by the first request to these pages, not by every cold start
    from chalicelib.downloads import counting, stats
    from chalicelib.packaging import catalog, collaborators, feeds, json_api, overview, pages, simple_api
    from chalicelib.provenance import published
    from chalicelib.readers import views as readers
    from chalicelib.upstream import views as upstream
else:
    upstream = lazy("chalicelib.upstream.views")
    counting = lazy("chalicelib.downloads.counting")
    stats = lazy("chalicelib.downloads.stats")
    readers = lazy("chalicelib.readers.views")
    collaborators = lazy("chalicelib.packaging.collaborators")
    feeds = lazy("chalicelib.packaging.feeds")
    json_api = lazy("chalicelib.packaging.json_api")
    pages = lazy("chalicelib.packaging.pages")
    catalog = lazy("chalicelib.packaging.catalog")
    overview = lazy("chalicelib.packaging.overview")
    published = lazy("chalicelib.provenance.published")
    simple_api = lazy("chalicelib.packaging.simple_api")

routes = web.Routes(__name__)
route = routes.route


def _simple_response(page: pages.Page, kind: str, private: bool) -> Response:
    content_type = kind + ("; charset=utf-8" if "html" in kind else "")
    headers = _caching(page.etag(kind), private)
    headers["Content-Type"] = content_type
    return Response(body="" if routes.request.method == "HEAD" else page.body, status_code=200, headers=headers)


def _caching(tag: str, private: bool = False) -> dict[str, str | list[str]]:
    """How long installers and caches may keep a page, and what they revalidate with."""
    return {"ETag": tag, "Vary": "Accept", "Cache-Control": readers.kept_for(private)}


def _kind() -> str | None:
    return simple_api.negotiate(routes.request.headers.get("accept"))


def _not_acceptable() -> Response:
    return web.plain(406, "Not acceptable: this index serves " + ", ".join(simple_api.OFFERED) + ".")


def _verdict(project: str = "", private: bool = False) -> readers.Verdict:
    return readers.verdict(readers.caller(routes.request), project=project, private=private)


def _no_project(name: str) -> Response:
    return web.plain(404, f"No project named '{name}' on this index.")


def _simple(page: str, kind: str, hidden: Callable[[], Response]) -> Response:
    """A stored simple page (one read), to a reader who may read it: 304 when the client's copy
    is current. `hidden`: the answer for no such page, and for a page this reader may not know of."""
    asked = routes.request.headers.get("if-none-match")
    tag = pages.current_etag(page, kind) if asked else None
    seen = _verdict(page, tag.private) if tag is not None else None
    if seen is not None:
        if (refused := readers.for_tool(seen, hidden)) is not None:
            return refused
        if tag is not None and asked and tag.etag in asked:
            return Response(body="", status_code=304, headers=_caching(tag.etag, seen.private))
    found = pages.get(page, kind)
    if seen is None or (found is not None and found.private and not seen.private):  # made private meanwhile
        seen = _verdict(page, found is not None and found.private)
    return readers.for_tool(seen, hidden) or (hidden() if found is None else
                                              _simple_response(found, kind, seen.private))


@route("/simple", for_tools=True, methods=["GET", "HEAD"])
def simple_index() -> Response:
    kind = _kind()
    if kind is None:
        return _not_acceptable()
    return _simple(pages.INDEX, kind, lambda: web.plain(503, "The index is not available."))


@route("/simple/{name}", for_tools=True, methods=["GET", "HEAD"])
def simple_project(name: str) -> Response:
    kind = _kind()
    if kind is None:
        return _not_acceptable()
    canonical = normalize(name)
    if canonical != name:  # PEP 503: one URL per project
        return Response(body="", status_code=301, headers={"Location": web.url(f"/simple/{canonical}/"),
                                                           "Vary": "Accept"})
    # With pass-through on, the upstream's answer comes first (most names are the upstream's, and
    # its one read tells whether this index holds the name); a name this index holds, even one
    # this reader may not know of, never falls through to the upstream.
    if get_settings().upstream_index and (passed := upstream.simple(name, kind)) is not None:
        return passed
    return _simple(name, kind, lambda: _no_project(name))


@route("/packages/{a}/{b}/{c}/{filename}", for_tools=True, methods=["GET"])
def download(a: str, b: str, c: str, filename: str) -> Response:
    path = layout.download_key(a, b, c, filename)
    found = catalog.offered_object(path)

    def hidden() -> Response:
        return web.plain(404, "No such file.")
    seen = _verdict(found.project.name if found else "", found.project.private if found else False)
    if (refused := readers.for_tool(seen, hidden)) is not None:
        return refused
    if found is None:
        return hidden()
    if not found.sidecar:  # a download through the app; the file URL's are counted from its logs
        counting.count(found.project.history_key, found.version, found.filename)
    return Response(body="", status_code=302, headers={
        "Location": storage.download_url(path),  # lives DOWNLOAD_URL_SECONDS: five minutes
        "Cache-Control": readers.PRIVATE["Cache-Control"] if seen.private else "no-store"})


class Readable(NamedTuple):
    project: catalog.ProjectInfo
    private: bool  # the answer is for this reader only


def readable(name: str, hidden: Callable[[], Response], req: web.WebRequest | None = None) -> Readable | Response:
    """The project, once this reader may read it (req: a page's, else a tool's); the refusal
    otherwise, where a project the reader may not know of answers exactly as an unknown name."""
    try:
        found: catalog.ProjectInfo | None = catalog.project(name)
    except NotFound:
        found = None
    caller = readers.page_caller(req, routes.request) if req else readers.caller(routes.request)
    seen = readers.verdict(caller, project=found.name if found else "", private=bool(found and found.private))
    refused = readers.for_page(req, seen, hidden) if req else readers.for_tool(seen, hidden)
    if refused is not None:
        return refused
    return hidden() if found is None else Readable(found, seen.private)


def _kept(response: Response, private: bool) -> Response:
    """An answer for its reader only is kept by no cache."""
    if private:
        response.headers.update(readers.PRIVATE)
    return response


@route("/project/{name}", methods=["GET"])
def project_page(name: str) -> Response:
    req = routes.web_request()
    opened = readable(name, lambda: web.page(req, "project-missing.html", 404, name=name), req)
    if isinstance(opened, Response):
        return opened
    found = opened.project
    if normalize(name) != name:
        return Response(body="", status_code=301, headers={"Location": web.url(f"/project/{found.name}/")})
    releases = catalog.offered_releases(found)
    return _kept(web.page(req, "project.html", releases=releases, **_overview(req, found, releases)), opened.private)


@route("/project/{name}/{version}", methods=["GET"])
def release_page(name: str, version: str) -> Response:
    req = routes.web_request()
    opened = readable(name, lambda: web.page(req, "not-found.html", 404), req)
    if isinstance(opened, Response):
        return opened
    try:
        chosen = catalog.release(opened.project, version)
    except NotFound:
        return web.page(req, "not-found.html", 404)
    return _kept(web.page(req, "project.html", releases=[chosen], one_release=True,
                          **_overview(req, opened.project, catalog.offered_releases(opened.project))), opened.private)


def _overview(req: web.WebRequest, found: catalog.ProjectInfo, releases: list[catalog.ReleaseInfo]) -> dict[str, Any]:
    """A project page's files, release history and collaborators (and whether the reader is one,
    for "Manage project")."""
    offered = catalog.offered(found)
    people = collaborators.collaborators(found.name)
    return {"project": offered, "published": published.of(offered.files), "collaborators": people,
            "member": any(p.username == req.username for p in people),
            "history": overview.history(releases, offered.files), "classifier_groups": overview.classifier_groups,
            "downloads": stats.recent(found.history_key)}


def _json(status: int, body: object, private: bool = False) -> Response:
    """A JSON API answer: a public one is kept by caches (the CDN too) as long as a simple page,
    and forgotten by the CDN when the project changes (chalicelib.packaging.changes)."""
    headers: dict[str, str | list[str]] = {"Content-Type": "application/json"}
    if status == 200 or private:
        headers["Cache-Control"] = readers.kept_for(private)
    return Response(body=json.dumps(body), status_code=status, headers=headers)


def _no_json() -> Response:
    return _json(404, {"message": "Not Found"})


@route("/pypi/{name}/json", for_tools=True, methods=["GET"])
def project_json(name: str) -> Response:
    opened = readable(name, _no_json)
    if isinstance(opened, Response):
        return opened
    return _json(200, _counted(json_api.project(opened.project), opened.project), opened.private)


def _counted(body: dict[str, Any], found: catalog.ProjectInfo) -> dict[str, Any]:
    """PyPI's `info.downloads`, from this index's counts."""
    body["info"]["downloads"] = stats.recent(found.history_key)._asdict()
    return body


@route("/pypi/{name}/{version}/json", for_tools=True, methods=["GET"])
def release_json(name: str, version: str) -> Response:
    opened = readable(name, _no_json)
    if isinstance(opened, Response):
        return opened
    try:
        return _json(200, _counted(json_api.release(opened.project, version), opened.project), opened.private)
    except NotFound:
        return _no_json()


INTEGRITY = "application/vnd.pypi.integrity.v1+json"


@route("/integrity/{name}/{version}/{filename}/provenance", for_tools=True, methods=["GET"])
def provenance(name: str, version: str, filename: str) -> Response:
    """PEP 740's Integrity API: the attestations a file's trusted publisher uploaded with it."""
    def missing() -> Response:
        return _json(404, {"message": f"No provenance available for {filename}"})
    opened = readable(name, missing)
    if isinstance(opened, Response):
        return opened
    found = catalog.provenance(opened.project, version, filename)
    if found is None:
        return missing()
    return Response(body=found.decode(), status_code=200, headers={
        "Content-Type": INTEGRITY, "Cache-Control": readers.kept_for(opened.private)})


@route("/manage/projects", methods=["GET"])
def my_projects() -> Response:
    req = routes.web_request()
    if (gate := web.gate(req, mandate=True)) is not None:
        return gate
    username = req.require_user()
    return web.page(req, "manage/projects.html", projects=permissions.projects_of(username),
                    invitations=collaborators.invitations_for(username))


def _rss(body: str, private: bool = False) -> Response:
    cache = readers.kept_for(private, 60)
    return Response(body=body, status_code=200, headers={"Content-Type": "application/rss+xml; charset=utf-8",
                                                         "Cache-Control": cache})


def _listing(make: Callable[[], str]) -> Response:
    """A feed of the whole index (private projects are in none), for a reader who may read the index."""
    seen = _verdict()
    return readers.for_tool(seen, lambda: _no_project("")) or _rss(make(), seen.private)


@route("/rss/updates.xml", for_tools=True, methods=["GET"])
def rss_updates() -> Response:
    return _listing(feeds.updates)


@route("/rss/packages.xml", for_tools=True, methods=["GET"])
def rss_packages() -> Response:
    return _listing(feeds.packages)


@route("/rss/project/{name}/releases.xml", for_tools=True, methods=["GET"])
def rss_project(name: str) -> Response:
    opened = readable(name, lambda: _no_project(name))
    return opened if isinstance(opened, Response) else _rss(feeds.project_releases(opened.project), opened.private)


@route("/pypi", for_tools=True, methods=["POST"], content_types=["text/xml", "application/xml"])
def xmlrpc() -> Response:
    """`pip search` speaks XML-RPC here; as on PyPI, search is answered with a fault."""
    import xmlrpc.client

    fault = xmlrpc.client.Fault(-32500, "RuntimeError: this index does not support 'pip search' (or XML-RPC "
                                        "search). Search in a browser on the home page instead.")
    return Response(body=xmlrpc.client.dumps(fault, methodresponse=True), status_code=200,
                    headers={"Content-Type": "text/xml; charset=utf-8"})
