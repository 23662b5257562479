"""What pip and people read: /simple/, /packages/, /project/<name>/, /pypi/<name>/json;
and a maintainer's /manage/projects/."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalicelib import web
from chalicelib.core import storage
from chalicelib.core.config import get_settings
from chalicelib.core.errors import NotFound
from chalicelib.core.lazy import lazy
from chalicelib.packaging import layout, permissions
from chalicelib.packaging.names import normalize
from chalicelib.web import Response

if TYPE_CHECKING:  # loaded by the first request to these pages, not by every cold start
    from chalicelib.packaging import catalog, collaborators, feeds, json_api, pages, simple_api
else:
    collaborators = lazy("chalicelib.packaging.collaborators")
    feeds = lazy("chalicelib.packaging.feeds")
    json_api = lazy("chalicelib.packaging.json_api")
    pages = lazy("chalicelib.packaging.pages")
    catalog = lazy("chalicelib.packaging.catalog")
    simple_api = lazy("chalicelib.packaging.simple_api")

routes = web.Routes(__name__)
route = routes.route


def _simple_response(page: pages.Page, kind: str) -> Response:
    content_type = kind + ("; charset=utf-8" if "html" in kind else "")
    headers = _caching(page.etag(kind))
    headers["Content-Type"] = content_type
    return Response(body="" if routes.request.method == "HEAD" else page.body, status_code=200, headers=headers)


def _caching(tag: str) -> dict[str, str | list[str]]:
    """How long installers and caches may keep a page (pip honours it), and what they revalidate with."""
    return {"ETag": tag, "Vary": "Accept", "Cache-Control": f"max-age={get_settings().simple_max_age}, public"}


def _kind() -> str | None:
    return simple_api.negotiate(routes.request.headers.get("accept"))


def _not_acceptable() -> Response:
    return web.plain(406, "Not acceptable: this index serves " + ", ".join(simple_api.OFFERED) + ".")


def _simple(page: str, kind: str) -> Response | None:
    """A stored simple page (one read): 304 when the client's copy is current. None: no such project."""
    if (asked := routes.request.headers.get("if-none-match")) and (tag := pages.current_etag(page, kind)):
        if tag in asked:
            return Response(body="", status_code=304, headers=_caching(tag))
    found = pages.get(page, kind)
    return _simple_response(found, kind) if found is not None else None


@route("/simple", for_tools=True, methods=["GET", "HEAD"])
def simple_index() -> Response:
    kind = _kind()
    if kind is None:
        return _not_acceptable()
    return _simple(pages.INDEX, kind) or web.plain(503, "The index is not available.")


@route("/simple/{name}", for_tools=True, methods=["GET", "HEAD"])
def simple_project(name: str) -> Response:
    kind = _kind()
    if kind is None:
        return _not_acceptable()
    canonical = normalize(name)
    if canonical != name:  # PEP 503: one URL per project
        return Response(body="", status_code=301, headers={"Location": web.url(f"/simple/{canonical}/"),
                                                           "Vary": "Accept"})
    # never a fall-through to another index
    return _simple(name, kind) or web.plain(404, f"No project named '{name}' on this index.")


@route("/packages/{a}/{b}/{c}/{filename}", for_tools=True, methods=["GET"])
def download(a: str, b: str, c: str, filename: str) -> Response:
    path = layout.download_key(a, b, c, filename)
    if not catalog.known_file(path):
        return web.plain(404, "No such file.")
    return Response(body="", status_code=302, headers={"Location": storage.download_url(path),
                                                       "Cache-Control": "no-store"})


@route("/project/{name}", methods=["GET"])
def project_page(name: str) -> Response:
    req = routes.web_request()
    try:
        found = catalog.project(name)
    except NotFound:
        return web.page(req, "project-missing.html", 404, name=name)
    if normalize(name) != name:
        return Response(body="", status_code=301, headers={"Location": web.url(f"/project/{found.name}/")})
    return web.page(req, "project.html", project=catalog.offered(found), releases=catalog.offered_releases(found),
                    **_people(req, found))


@route("/project/{name}/{version}", methods=["GET"])
def release_page(name: str, version: str) -> Response:
    req = routes.web_request()
    try:
        found = catalog.project(name)
        chosen = catalog.release(found, version)
    except NotFound:
        return web.page(req, "not-found.html", 404)
    return web.page(req, "project.html", project=catalog.offered(found), releases=[chosen], one_release=True,
                    **_people(req, found))


def _people(req: web.WebRequest, found: catalog.ProjectInfo) -> dict[str, Any]:
    """The project's collaborators, and whether the reader is one (for "Manage project")."""
    people = collaborators.collaborators(found.name)
    return {"collaborators": people, "member": any(p.username == req.username for p in people)}


def _json(status: int, body: object) -> Response:
    return Response(body=json.dumps(body), status_code=status, headers={"Content-Type": "application/json"})


@route("/pypi/{name}/json", for_tools=True, methods=["GET"])
def project_json(name: str) -> Response:
    try:
        return _json(200, json_api.project(catalog.project(name)))
    except NotFound:
        return _json(404, {"message": "Not Found"})


@route("/pypi/{name}/{version}/json", for_tools=True, methods=["GET"])
def release_json(name: str, version: str) -> Response:
    try:
        return _json(200, json_api.release(catalog.project(name), version))
    except NotFound:
        return _json(404, {"message": "Not Found"})


@route("/manage/projects", methods=["GET"])
def my_projects() -> Response:
    req = routes.web_request()
    if (gate := web.gate(req, mandate=True)) is not None:
        return gate
    username = req.require_user()
    return web.page(req, "manage/projects.html", projects=permissions.projects_of(username),
                    invitations=collaborators.invitations_for(username))


def _rss(body: str) -> Response:
    return Response(body=body, status_code=200, headers={"Content-Type": "application/rss+xml; charset=utf-8",
                                                         "Cache-Control": "max-age=60, public"})


@route("/rss/updates.xml", for_tools=True, methods=["GET"])
def rss_updates() -> Response:
    return _rss(feeds.updates())


@route("/rss/packages.xml", for_tools=True, methods=["GET"])
def rss_packages() -> Response:
    return _rss(feeds.packages())


@route("/rss/project/{name}/releases.xml", for_tools=True, methods=["GET"])
def rss_project(name: str) -> Response:
    try:
        return _rss(feeds.project_releases(catalog.project(name)))
    except NotFound:
        return web.plain(404, f"No project named '{name}' on this index.")


@route("/pypi", for_tools=True, methods=["POST"], content_types=["text/xml", "application/xml"])
def xmlrpc() -> Response:
    """`pip search` speaks XML-RPC here; as on PyPI, search is answered with a fault."""
    import xmlrpc.client

    fault = xmlrpc.client.Fault(-32500, "RuntimeError: this index does not support 'pip search' (or XML-RPC "
                                        "search). Search in a browser on the home page instead.")
    return Response(body=xmlrpc.client.dumps(fault, methodresponse=True), status_code=200,
                    headers={"Content-Type": "text/xml; charset=utf-8"})
