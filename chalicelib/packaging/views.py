"""What pip and people read: /simple/, /packages/, /project/<name>/, /pypi/<name>/json;
and a maintainer's /manage/projects/."""
from __future__ import annotations

import json

from chalicelib import web
from chalicelib.core import storage
from chalicelib.core.errors import NotFound
from chalicelib.packaging import permissions, projects, simple_api
from chalicelib.web import Response

routes = web.Routes(__name__)
route = routes.route


def _simple_response(body: str, kind: str, tag: str | None = None) -> Response:
    content_type = kind + ("; charset=utf-8" if "html" in kind else "")
    headers: dict[str, str | list[str]] = {"Content-Type": content_type, "Vary": "Accept",
                                           "Cache-Control": "max-age=60, public"}
    if tag:
        headers["ETag"] = tag
    return Response(body=body, status_code=200, headers=headers)


def _kind() -> str | None:
    return simple_api.negotiate(routes.request.headers.get("accept"))


def _not_acceptable() -> Response:
    return web.plain(406, "Not acceptable: this index serves " + ", ".join(simple_api.OFFERED) + ".")


@route("/simple", methods=["GET"])
def simple_index() -> Response:
    kind = _kind()
    if kind is None:
        return _not_acceptable()
    return _simple_response(simple_api.index(projects.all_projects(), kind, web.url("")), kind)


@route("/simple/{name}", methods=["GET"])
def simple_project(name: str) -> Response:
    kind = _kind()
    if kind is None:
        return _not_acceptable()
    canonical = projects.canonical(name)
    if canonical != name:  # PEP 503: one URL per project
        return Response(body="", status_code=301, headers={"Location": web.url(f"/simple/{canonical}/"),
                                                           "Vary": "Accept"})
    try:
        found = projects.project(name)
    except NotFound:  # never a fall-through to another index
        return web.plain(404, f"No project named '{name}' on this index.")
    tag = simple_api.etag(found.name, found.serial, kind)
    if tag in (routes.request.headers.get("if-none-match") or ""):
        return Response(body="", status_code=304, headers={"ETag": tag, "Vary": "Accept"})
    return _simple_response(simple_api.project(projects.files(found), kind, web.url("")), kind, tag)


@route("/packages/{a}/{b}/{c}/{filename}", methods=["GET"])
def download(a: str, b: str, c: str, filename: str) -> Response:
    path = projects.file_path(a, b, c, filename)
    if not projects.known_file(path):
        return web.plain(404, "No such file.")
    return Response(body="", status_code=302, headers={"Location": storage.download_url(path),
                                                       "Cache-Control": "no-store"})


@route("/project/{name}", methods=["GET"])
def project_page(name: str) -> Response:
    req = routes.web_request()
    try:
        found = projects.project(name)
    except NotFound:
        return web.page(req, "project-missing.html", 404, name=name)
    if projects.canonical(name) != name:
        return Response(body="", status_code=301, headers={"Location": web.url(f"/project/{found.name}/")})
    return web.page(req, "project.html", project=projects.files(found), releases=projects.releases(found.name))


@route("/pypi/{name}/json", methods=["GET"])
def project_json(name: str) -> Response:
    try:
        found = projects.project(name)
    except NotFound:
        return Response(body=json.dumps({"message": "Not Found"}), status_code=404,
                        headers={"Content-Type": "application/json"})
    body = projects.json_api(found, web.url(""))
    return Response(body=json.dumps(body), status_code=200, headers={"Content-Type": "application/json"})


@route("/manage/projects", methods=["GET"])
def my_projects() -> Response:
    req = routes.web_request()
    if (gate := web.gate(req, mandate=True)) is not None:
        return gate
    return web.page(req, "manage/projects.html", projects=permissions.projects_of(req.require_user()))
